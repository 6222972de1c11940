"""Pure conversions between neonize 0.5.2 protobufs and WILDCAT's driver dicts.

Only the session host child process imports this module: importing it loads neonize (and its
Go runtime), which must never happen in the API process. Shapes are those of drivers/base.py.
"""
import time

from neonize.proto import Neonize_pb2 as neonize_proto
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    ContextInfo, ExtendedTextMessage, Message, ProtocolMessage, ReactionMessage,
)
from neonize.proto.waHistorySync.WAWebProtobufsHistorySync_pb2 import HistorySync
from neonize.utils.enum import ChatPresence, ChatPresenceMedia, MediaType

from wildcat.drivers.vcard import parse_vcard

USER_SERVER = "s.whatsapp.net"
LID_SERVER = "lid"
GROUP_SERVER = "g.us"
_USER_SERVERS = (USER_SERVER, LID_SERVER)

# Containers whose inner `.message` is the real content. whatsmeow unwraps most of them for
# live events, but history sync delivers them as stored on the phone.
_WRAPPERS = ("deviceSentMessage", "ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2",
             "viewOnceMessageV2Extension", "documentWithCaptionMessage", "editedMessage",
             "lottieStickerMessage", "groupMentionedMessage", "botInvokeMessage")
# Field -> normalised type; order matters only for malformed messages carrying several.
_MEDIA = (("imageMessage", "image"), ("videoMessage", "video"), ("ptvMessage", "video"),
          ("audioMessage", "audio"), ("documentMessage", "document"),
          ("stickerMessage", "sticker"))
# Signal plumbing that rides along with content; alone it is not a message for the API.
_POLLS = ("pollCreationMessage", "pollCreationMessageV2", "pollCreationMessageV3")
_PLUMBING = {"messageContextInfo", "senderKeyDistributionMessage",
             "fastRatchetKeySenderKeyDistributionMessage"}

_R = neonize_proto.Receipt
# PLAYED_SELF arrives as SERVER_ERROR: neonize's Go encoder maps whatsmeow's PlayedSelf there.
_RECEIPTS = {_R.DELIVERED: ("delivered", False), _R.READ: ("read", False),
             _R.READ_SELF: ("read", True), _R.PLAYED: ("played", False),
             _R.PLAYED_SELF: ("played", True), _R.SERVER_ERROR: ("played", True)}

_MEDIA_TYPES = {"image": MediaType.MediaImage, "sticker": MediaType.MediaImage,
                "video": MediaType.MediaVideo, "audio": MediaType.MediaAudio,
                "voice": MediaType.MediaAudio, "document": MediaType.MediaDocument}


# -- JIDs ---------------------------------------------------------------------------------
def parse_jid(s: str) -> neonize_proto.JID:
    """A JID proto from `user[.agent][:device]@server`, bare digits or `+digits`."""
    s = (s or "").strip()
    if "@" not in s:
        digits = "".join(ch for ch in s if ch.isdigit())
        if not digits or not all(ch.isdigit() or ch in "+ -()" for ch in s):
            raise ValueError("not a JID or phone number: %r" % s)
        return neonize_proto.JID(User=digits, RawAgent=0, Device=0, Integrator=0,
                                 Server=USER_SERVER, IsEmpty=False)
    user, server = s.rsplit("@", 1)
    if server == "c.us":  # the whatsapp-web.js spelling of the user server
        server = USER_SERVER
    agent = device = 0
    if ":" in user:
        user, dev = user.split(":", 1)
        device = int(dev)
    if server in _USER_SERVERS and "." in user:
        user, raw_agent = user.split(".", 1)
        agent = int(raw_agent)
    if not server:
        raise ValueError("JID without server: %r" % s)
    return neonize_proto.JID(User=user, RawAgent=agent, Device=device, Integrator=0,
                             Server=server, IsEmpty=False)


def jid_to_str(jid: neonize_proto.JID) -> str:
    """The non-AD string of a JID (`user@server`, device and agent dropped)."""
    if jid.User:
        return "%s@%s" % (jid.User, jid.Server)
    return jid.Server


def _clean(jid_str: str | None) -> str | None:
    """A JID string in non-AD form; None for empty, unparsable strings kept as they are."""
    if not jid_str:
        return None
    try:
        return jid_to_str(parse_jid(jid_str))
    except ValueError:
        return jid_str


def _pn_or(jid: neonize_proto.JID, alt: neonize_proto.JID) -> str:
    """`jid` as a string, replaced by its phone-number twin when it is a LID and one is known."""
    if jid.Server == LID_SERVER and alt.User and alt.Server == USER_SERVER:
        return jid_to_str(alt)
    return jid_to_str(jid)


def _ms(value: int) -> int:
    """Epoch ms from a WhatsApp timestamp in ms or s; unknown (0) becomes now."""
    if value <= 0:
        return int(time.time() * 1000)
    # 10**11 s is the year 5138 and 10**11 ms is 1973, so the magnitude tells them apart.
    return value * 1000 if value < 10**11 else value


# -- inbound messages ---------------------------------------------------------------------
def _unwrap(msg: Message) -> Message:
    """The content message inside ephemeral/view-once/edited/device-sent wrappers."""
    for _ in range(5):  # wrappers nest (ephemeral > viewOnce > image), never deeply
        for name in _WRAPPERS:
            if msg.HasField(name) and getattr(msg, name).HasField("message"):
                msg = getattr(msg, name).message
                break
        else:
            return msg
    return msg


def _text_of(msg: Message) -> str | None:
    """The text or caption a message shows, None when it has none."""
    msg = _unwrap(msg)
    if msg.conversation:
        return msg.conversation
    if msg.HasField("extendedTextMessage"):
        return msg.extendedTextMessage.text or None
    for name, _kind in _MEDIA:
        sub = getattr(msg, name)
        if msg.HasField(name) and "caption" in sub.DESCRIPTOR.fields_by_name:
            return sub.caption or None
    return None


def _quoted_id(msg: Message) -> str | None:
    """contextInfo.stanzaID of whichever sub-message carries a contextInfo."""
    for field, sub in msg.ListFields():
        if field.message_type is None or "contextInfo" not in field.message_type.fields_by_name:
            continue
        if sub.HasField("contextInfo") and sub.contextInfo.stanzaID:
            return sub.contextInfo.stanzaID
    return None


def _content(msg: Message, sender: str | None, vote_hashes=None) -> dict | None:
    """Type-specific fields of a message; None for protocol-only traffic."""
    if msg.HasField("protocolMessage"):
        proto = msg.protocolMessage
        if proto.type == ProtocolMessage.REVOKE and proto.key.ID:
            return {"type": "revoke", "revokedMessageId": proto.key.ID}
        if proto.type == ProtocolMessage.MESSAGE_EDIT and proto.key.ID:
            text = _text_of(proto.editedMessage)
            return {"type": "edit", "text": text,
                    "edit": {"messageId": proto.key.ID, "text": text}}
        return None  # key shares, history notifications, ephemeral settings...
    if msg.HasField("reactionMessage"):
        reaction = msg.reactionMessage
        return {"type": "reaction", "reaction": {
            "messageId": reaction.key.ID, "emoji": reaction.text, "from": sender}}
    if msg.conversation or msg.HasField("extendedTextMessage"):
        return {"type": "text", "text": _text_of(msg)}
    for name, kind in _MEDIA:
        if msg.HasField(name):
            sub = getattr(msg, name)
            if kind == "audio" and sub.PTT:
                kind = "voice"
            caption = _text_of(msg)
            return {"type": kind, "text": caption, "caption": caption, "hasMedia": True,
                    "mimetype": sub.mimetype or None,
                    "fileName": (sub.fileName or None) if kind == "document" else None,
                    "fileLength": sub.fileLength or None}
    if msg.HasField("locationMessage") or msg.HasField("liveLocationMessage"):
        loc = msg.locationMessage if msg.HasField("locationMessage") else msg.liveLocationMessage
        name = getattr(loc, "name", "") or getattr(loc, "caption", "")
        return {"type": "location", "text": name or None, "location": {
            "latitude": loc.degreesLatitude, "longitude": loc.degreesLongitude,
            "name": name or None, "address": getattr(loc, "address", "") or None}}
    if msg.HasField("contactMessage") or msg.HasField("contactsArrayMessage"):
        cards = ([msg.contactMessage] if msg.HasField("contactMessage")
                 else list(msg.contactsArrayMessage.contacts))
        title = msg.contactsArrayMessage.displayName or (cards[0].displayName if cards else "")
        return {"type": "contact", "text": title or None,
                "contacts": [parse_vcard(c.vcard, c.displayName or None) for c in cards]}
    for name in _POLLS:
        if msg.HasField(name):
            poll = getattr(msg, name)
            return {"type": "poll", "text": poll.name or None, "poll": {
                "question": poll.name, "multiple": poll.selectableOptionsCount != 1,
                "options": [{"name": o.optionName, "voters": []} for o in poll.options]}}
    if msg.HasField("pollUpdateMessage"):
        if vote_hashes is None:
            return None   # a vote that could not be decrypted tells nothing
        return {"type": "poll_vote", "pollVote": {
            "messageId": msg.pollUpdateMessage.pollCreationMessageKey.ID,
            "optionHashes": list(vote_hashes), "from": sender}}
    if any(f.name not in _PLUMBING for f, _v in msg.ListFields()):
        return {"type": "unknown"}
    return None


def _normalise(msg: Message, *, message_id: str, chat_id: str, sender: str | None,
               from_me: bool, is_group: bool, timestamp: int, push_name: str | None,
               vote_hashes=None) -> dict | None:
    """The normalised dict of base.py from already-resolved envelope fields."""
    msg = _unwrap(msg)
    content = _content(msg, sender, vote_hashes)
    if content is None:
        return None
    out = {"messageId": message_id, "chatId": chat_id, "from": sender, "fromMe": from_me,
           "timestamp": _ms(timestamp), "type": "unknown", "text": None, "caption": None,
           "pushName": push_name or None, "isGroup": is_group,
           "quotedMessageId": _quoted_id(msg), "hasMedia": False,
           "raw": msg.SerializeToString(), "media": None}
    out.update(content)
    return out


def _lid_of(jid: neonize_proto.JID, alt: neonize_proto.JID) -> str | None:
    """Whichever of a JID and its alternate is the LID (None when neither is)."""
    for candidate in (jid, alt):
        if candidate.Server == LID_SERVER and candidate.User:
            return jid_to_str(candidate)
    return None


def normalise_message(ev: neonize_proto.Message, own_jid: str | None,
                      vote_hashes: list[str] | None = None) -> dict | None:
    """The normalised message of a MessageEv; None for protocol-only traffic. `vote_hashes`:
    the SHA-256 hex of the options a poll vote chose (decrypted by the client)."""
    info, src = ev.Info, ev.Info.MessageSource
    from_me, is_group = src.IsFromMe, src.IsGroup or src.Chat.Server == GROUP_SERVER
    if is_group:
        chat_id = jid_to_str(src.Chat)
    else:  # LID-addressed DMs: the peer's phone number is in SenderAlt / RecipientAlt
        chat_id = _pn_or(src.Chat, src.RecipientAlt if from_me else src.SenderAlt)
    if from_me:
        sender = _clean(own_jid) or _pn_or(src.Sender, src.SenderAlt)
    else:
        sender = _pn_or(src.Sender, src.SenderAlt) if src.Sender.User else chat_id
    out = _normalise(ev.Message, message_id=info.ID, chat_id=chat_id, sender=sender,
                     from_me=from_me, is_group=is_group, timestamp=info.Timestamp,
                     push_name=info.Pushname, vote_hashes=vote_hashes)
    if out is not None:   # identity pairs for the LID <-> phone map (issue 11)
        out["fromLid"] = None if from_me else _lid_of(src.Sender, src.SenderAlt)
        if not is_group:
            out["chatLid"] = _lid_of(src.Chat, src.RecipientAlt if from_me else src.SenderAlt)
    return out


# -- receipts and history -----------------------------------------------------------------
def normalise_receipt(ev: neonize_proto.Receipt) -> dict | None:
    """The RECEIPT event data of a ReceiptEv; None for types that are not delivery/read/played."""
    # An unmapped whatsmeow type leaves Type unset, which would read back as DELIVERED.
    if not ev.HasField("Type") or ev.Type not in _RECEIPTS or not ev.MessageIDs:
        return None
    kind, own_device = _RECEIPTS[ev.Type]
    src = ev.MessageSource
    is_group = src.IsGroup or src.Chat.Server == GROUP_SERVER
    chat_id = jid_to_str(src.Chat) if is_group else _pn_or(src.Chat, src.SenderAlt)
    return {"chatId": chat_id, "messageIds": list(ev.MessageIDs), "type": kind,
            "timestamp": _ms(ev.Timestamp), "from": _pn_or(src.Sender, src.SenderAlt),
            # True when this account itself read/played on another device (not the peer).
            "self": own_device or src.IsFromMe}


def normalise_keepalive(ev) -> dict:
    """The KEEPALIVE event data of a KeepAliveTimeoutEv (timedOut, with whatsmeow's count of
    failed pings and its last success) or a KeepAliveRestoredEv (not timed out)."""
    if isinstance(ev, neonize_proto.KeepAliveRestored):
        return {"timedOut": False, "errorCount": 0, "lastSuccess": None}
    last = int(ev.LastSuccess)
    return {"timedOut": True, "errorCount": int(ev.ErrorCount),
            "lastSuccess": _ms(last) if last > 0 else None}


def normalise_history(ev: neonize_proto.HistorySync, own_jid: str | None) -> dict:
    """The HISTORY event data of a HistorySyncEv: chats plus their normalised messages."""
    data, own = ev.Data, _clean(own_jid)
    lid_to_pn = {_clean(m.lidJID): _clean(m.pnJID)
                 for m in data.phoneNumberToLidMappings if m.lidJID and m.pnJID}

    def resolve(jid_str):
        jid = _clean(jid_str)
        return lid_to_pn.get(jid, jid)

    names = {resolve(p.ID): p.pushname for p in data.pushnames if p.ID and p.pushname}
    chats, messages = [], []
    for conv in data.conversations:
        lid_chat = conv.ID.endswith("@" + LID_SERVER) and conv.pnJID
        chat_id = _clean(conv.pnJID) if lid_chat else resolve(conv.ID)
        if not chat_id:
            continue
        is_group = chat_id.endswith("@" + GROUP_SERVER)
        newest = 0
        for item in conv.messages:
            wmi = item.message
            if not wmi.HasField("message") or not wmi.key.ID:
                continue  # stubs (joins, revoked placeholders) carry no content
            from_me = wmi.key.fromMe
            if from_me:
                sender = own
            elif is_group:
                sender = resolve(wmi.key.participant or wmi.participant)
            else:
                sender = chat_id
            out = _normalise(wmi.message, message_id=wmi.key.ID, chat_id=chat_id,
                             sender=sender, from_me=from_me, is_group=is_group,
                             timestamp=wmi.messageTimestamp,
                             push_name=wmi.pushName or (None if from_me else names.get(sender)))
            if out is not None:
                messages.append(out)
                newest = max(newest, out["timestamp"])
        last = conv.conversationTimestamp or conv.lastMsgTimestamp
        chats.append({"chatId": chat_id, "isGroup": is_group, "unreadCount": conv.unreadCount,
                      "name": conv.name or conv.displayName
                      or (None if is_group else names.get(chat_id)),
                      "lastMessageTime": _ms(last) if last else (newest or None)})
    return {"syncType": HistorySync.HistorySyncType.Name(data.syncType),
            "chats": chats, "messages": messages}


# -- outbound builders --------------------------------------------------------------------
def _author(stored: dict, own: str | None) -> str | None:
    """Who wrote a stored message: own JID for ours, else its `from` (the peer in DMs)."""
    if _is_mine(stored, own):
        return own or _clean(stored.get("from"))
    return _clean(stored.get("from")) or _clean(stored.get("chatId"))


def _is_mine(stored: dict, own: str | None) -> bool:
    """True for our own message (flag, or `from` equal to our JID)."""
    return bool(stored.get("fromMe")) or (own is not None and _clean(stored.get("from")) == own)


def build_reply(text: str, quoted: dict, own_jid: str | None) -> Message:
    """An extendedTextMessage quoting the stored message `quoted`."""
    own = _clean(own_jid)
    if quoted.get("raw"):
        quoted_msg = Message.FromString(quoted["raw"])
        # Like neonize's own reply builder: a quote must not carry the quote it replied to.
        for field, sub in quoted_msg.ListFields():
            if field.message_type and "contextInfo" in field.message_type.fields_by_name:
                sub.ClearField("contextInfo")
    else:
        quoted_msg = Message(conversation=quoted.get("text") or "")
    context = ContextInfo(stanzaID=quoted["messageId"], participant=_author(quoted, own),
                          quotedMessage=quoted_msg)
    return Message(extendedTextMessage=ExtendedTextMessage(text=text, contextInfo=context))


def build_reaction_key(target: dict, own_jid: str | None) -> MessageKey:
    """The MessageKey addressing a stored message (whatsmeow BuildMessageKey rules)."""
    own = _clean(own_jid)
    chat = _clean(target["chatId"])
    mine = _is_mine(target, own)
    key = MessageKey(remoteJID=chat, fromMe=mine, ID=target["messageId"])
    # Only in groups (and broadcasts) does the key name another author.
    in_group = target.get("isGroup") or chat.rsplit("@", 1)[-1] not in _USER_SERVERS
    if not mine and in_group:
        key.participant = _author(target, own)
    return key


def build_reaction(target: dict, emoji: str, own_jid: str | None, *,
                   now_ms: int | None = None) -> Message:
    """A reactionMessage on `target`; emoji "" removes our reaction."""
    return Message(reactionMessage=ReactionMessage(
        key=build_reaction_key(target, own_jid), text=emoji,
        senderTimestampMS=now_ms if now_ms is not None else int(time.time() * 1000)))


def build_revoke(target: dict, own_jid: str | None) -> Message:
    """A REVOKE protocolMessage for `target`, built by hand (neonize's builder can abort)."""
    return Message(protocolMessage=ProtocolMessage(
        type=ProtocolMessage.REVOKE, key=build_reaction_key(target, own_jid)))


def media_type_for(kind: str) -> MediaType:
    """The neonize upload MediaType for a send kind (image, video, voice, sticker...)."""
    try:
        return _MEDIA_TYPES[kind]
    except KeyError:
        raise ValueError("no media type for %r" % kind) from None


CHAT_PRESENCES = {"composing": ChatPresence.CHAT_PRESENCE_COMPOSING,
                  "paused": ChatPresence.CHAT_PRESENCE_PAUSED}


def chat_presence(state: str) -> tuple[ChatPresence, ChatPresenceMedia]:
    """neonize's (presence, media) for our typing state: composing | paused (text)."""
    try:
        return CHAT_PRESENCES[state], ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT
    except KeyError:
        raise ValueError("unknown chat presence %r" % state) from None


def redact(text: str, proxy: str | None) -> str:
    """`text` (an error) without the proxy's password in it."""
    if not proxy:
        return text
    from urllib.parse import unquote, urlsplit
    try:
        password = urlsplit(proxy).password
    except ValueError:
        return text
    if not password:
        return text
    for secret in {password, unquote(password)}:
        text = text.replace(secret, "***")
    return text
