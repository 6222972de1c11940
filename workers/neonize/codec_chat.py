"""Issue 11's conversions between neonize 0.5.2 protobufs and WILDCAT's driver dicts:
builders for locations, contact cards, polls, edits and status texts; normalisers for
presence, calls, number checks and the LID <-> phone pairs WhatsApp reveals.

Like codec.py, only the session host child imports this module (it loads neonize).
"""
import os
import time

from neonize.proto import Neonize_pb2 as neonize_proto
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    ContactMessage, ContactsArrayMessage, ExtendedTextMessage, LocationMessage, Message,
    MessageContextInfo, PollCreationMessage, ProtocolMessage,
)

from workers.neonize.codec import (GROUP_SERVER, LID_SERVER, USER_SERVER, _clean, _lid_of,
                                   _ms, _pn_or, build_reaction_key, jid_to_str)

STATUS_BROADCAST = "status@broadcast"
_CHAT_STATES = {neonize_proto.ChatPresence.COMPOSING: "composing",
                neonize_proto.ChatPresence.PAUSED: "paused"}


# -- builders -------------------------------------------------------------------------------
def build_location(payload: dict) -> Message:
    """A locationMessage from {latitude, longitude, name?, address?}."""
    loc = LocationMessage(degreesLatitude=float(payload["latitude"]),
                          degreesLongitude=float(payload["longitude"]))
    if payload.get("name"):
        loc.name = payload["name"]
    if payload.get("address"):
        loc.address = payload["address"]
    return Message(locationMessage=loc)


def build_contacts(payload: dict) -> Message:
    """One contactMessage, or a contactsArrayMessage for several cards ({name, phone,
    vcard} each; the vCards are built by the API)."""
    cards = [ContactMessage(displayName=c["name"], vcard=c["vcard"]) for c in payload["contacts"]]
    if len(cards) == 1:
        return Message(contactMessage=cards[0])
    return Message(contactsArrayMessage=ContactsArrayMessage(
        displayName="%d contacts" % len(cards), contacts=cards))


def build_poll(payload: dict, secret: bytes | None = None) -> Message:
    """A pollCreationMessage as whatsmeow's BuildPollCreation makes it: the options, how many
    may be chosen (1, or 0 for any) and the 32-byte message secret votes are encrypted with."""
    poll = PollCreationMessage(
        name=payload["question"],
        options=[PollCreationMessage.Option(optionName=o) for o in payload["options"]],
        selectableOptionsCount=0 if payload.get("multiple") else 1)
    return Message(pollCreationMessage=poll, messageContextInfo=MessageContextInfo(
        messageSecret=secret if secret is not None else os.urandom(32)))


def build_edit(target: dict, text: str, own_jid: str | None, *,
               now_ms: int | None = None) -> Message:
    """A MESSAGE_EDIT protocolMessage replacing our text message `target` (whatsmeow
    BuildEdit: the key of our own message, the new content, the edit's timestamp)."""
    return Message(protocolMessage=ProtocolMessage(
        type=ProtocolMessage.MESSAGE_EDIT, key=build_reaction_key(target, own_jid),
        editedMessage=Message(conversation=text),
        timestampMS=now_ms if now_ms is not None else int(time.time() * 1000)))


def build_status_text(text: str, background: str | None) -> Message:
    """A text status: an extendedTextMessage with its ARGB background (#RRGGBB or
    #AARRGGBB; opaque when no alpha is given)."""
    ext = ExtendedTextMessage(text=text, textArgb=0xFFFFFFFF)
    if background:
        digits = background.lstrip("#")
        ext.backgroundArgb = int(digits if len(digits) == 8 else "FF" + digits, 16)
    return Message(extendedTextMessage=ext)


# -- normalisers ----------------------------------------------------------------------------
def normalise_chat_presence(ev: neonize_proto.ChatPresence) -> dict | None:
    """PRESENCE data of a ChatPresenceEv (typing or recording in a chat)."""
    src = ev.MessageSource
    state = _CHAT_STATES.get(ev.State)
    if state is None or not src.Sender.User:
        return None
    if state == "composing" and ev.Media == neonize_proto.ChatPresence.AUDIO:
        state = "recording"
    is_group = src.IsGroup or src.Chat.Server == GROUP_SERVER
    sender = _pn_or(src.Sender, src.SenderAlt)
    chat = jid_to_str(src.Chat) if is_group else _pn_or(src.Chat, src.SenderAlt)
    return {"chatId": chat, "from": sender, "fromLid": _lid_of(src.Sender, src.SenderAlt),
            "state": state}


def normalise_presence(ev: neonize_proto.Presence) -> dict | None:
    """PRESENCE data of a PresenceEv (online / offline; only for subscribed contacts)."""
    if not ev.From.User:
        return None
    sender = jid_to_str(ev.From)
    return {"chatId": sender, "from": sender,
            "fromLid": sender if ev.From.Server == LID_SERVER else None,
            "state": "unavailable" if ev.Unavailable else "available"}


def _is_video(node: neonize_proto.Node) -> bool:
    if node.Tag == "video":
        return True
    return any(_is_video(child) for child in node.Nodes)


def normalise_call(ev: neonize_proto.CallOffer) -> dict | None:
    """CALL data of a CallOfferEv. `from` is the caller exactly as WhatsApp named it (a
    rejection must use that JID); `fromLid`/`phone` help name the person."""
    meta = ev.basicCallMeta
    caller = getattr(meta, "from")
    if not meta.callID or not caller.User:
        return None
    creator, alt = meta.callCreator, meta.callCreatorAlt
    phone = None
    for candidate in (creator, alt, caller):
        if candidate.Server == USER_SERVER and candidate.User:
            phone = jid_to_str(candidate)
            break
    return {"callId": meta.callID, "from": jid_to_str(caller),
            "fromLid": _lid_of(creator, alt) or _lid_of(caller, alt), "phone": phone,
            "isVideo": _is_video(ev.data), "isGroup": caller.Server == GROUP_SERVER,
            "timestamp": _ms(meta.timestamp)}


def history_identities(ev: neonize_proto.HistorySync) -> dict:
    """IDENTITIES data of a HistorySyncEv: its LID <-> phone mappings and push names."""
    data = ev.Data
    mappings = []
    for m in data.phoneNumberToLidMappings:
        lid, pn = _clean(m.lidJID), _clean(m.pnJID)
        if lid and pn and lid.endswith("@" + LID_SERVER) and pn.endswith("@" + USER_SERVER):
            mappings.append({"lid": lid, "phone": pn})
    for conv in data.conversations:   # conversations also pair their two ids
        lid, pn = _clean(conv.lidJID), _clean(conv.pnJID)
        if lid and pn and lid.endswith("@" + LID_SERVER) and pn.endswith("@" + USER_SERVER):
            mappings.append({"lid": lid, "phone": pn})
    contacts = [{"jid": _clean(p.ID), "pushName": p.pushname} for p in data.pushnames
                if p.ID and p.pushname]
    return {"mappings": mappings, "contacts": contacts}


def contact_identities(contacts) -> dict:
    """IDENTITIES data of the phone's address book (client.contact.get_all_contacts())."""
    out = []
    for contact in contacts:
        jid = jid_to_str(contact.JID) if contact.JID.User else None
        if not jid or not contact.Info.Found:
            continue
        out.append({"jid": jid, "name": contact.Info.FullName or contact.Info.FirstName or None,
                    "pushName": contact.Info.PushName or None})
    return {"mappings": [], "contacts": out}


def number_results(phones: list[str], responses, lids: dict) -> list[dict]:
    """[{phone, exists, jid, lid}] for `phones` from IsOnWhatsApp responses (their Query is
    the number asked) and the LIDs looked up for the JIDs that exist ({jid: lid})."""
    by_query = {}
    for r in responses:
        digits = "".join(ch for ch in r.Query if ch.isdigit())
        by_query[digits] = r
    results = []
    for phone in phones:
        r = by_query.get(phone.lstrip("+"))
        exists = bool(r is not None and r.IsIn and r.JID.User)
        jid = jid_to_str(r.JID) if exists else None
        results.append({"phone": phone, "exists": exists, "jid": jid,
                        "lid": lids.get(jid) if exists else None})
    return results
