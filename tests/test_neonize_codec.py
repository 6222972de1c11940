"""The neonize codec against real neonize 0.5.2 protobuf objects (no client, no network)."""
import time

import pytest

pytest.importorskip("neonize")

from neonize.proto import Neonize_pb2 as np  # noqa: E402
from neonize.proto.waCommon.WACommon_pb2 import MessageKey  # noqa: E402
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as e2e  # noqa: E402
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as hs  # noqa: E402
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import WebMessageInfo  # noqa: E402
from neonize.utils.enum import MediaType  # noqa: E402

from workers.neonize import codec  # noqa: E402

OWN = "15550001111:23@s.whatsapp.net"
ME = "15550001111@s.whatsapp.net"
PEER = "4915112345678@s.whatsapp.net"
GROUP = "120363012345678901@g.us"
MEMBER = "447700900123@s.whatsapp.net"
TS_MS = 1_717_000_000_123


def jid(s):
    return codec.parse_jid(s)


def event(message, *, chat=PEER, sender=None, from_me=False, group=False, ts=TS_MS,
          msg_id="3EB0AAAA", push="Peer", sender_alt=None, recipient_alt=None, is_edit=False):
    src = np.MessageSource(Chat=jid(chat), Sender=jid(sender or chat), IsFromMe=from_me,
                           IsGroup=group)
    if sender_alt:
        src.SenderAlt.CopyFrom(jid(sender_alt))
    if recipient_alt:
        src.RecipientAlt.CopyFrom(jid(recipient_alt))
    info = np.MessageInfo(MessageSource=src, ID=msg_id, Timestamp=ts, Pushname=push)
    return np.Message(Info=info, Message=message, IsEdit=is_edit)


# -- JIDs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text,user,device,server,back", [
    ("4915112345678@s.whatsapp.net", "4915112345678", 0, "s.whatsapp.net", PEER),
    ("4915112345678:12@s.whatsapp.net", "4915112345678", 12, "s.whatsapp.net", PEER),
    (GROUP, "120363012345678901", 0, "g.us", GROUP),
    ("4915112345678-1600000000@g.us", "4915112345678-1600000000", 0, "g.us",
     "4915112345678-1600000000@g.us"),
    ("123456789012345@lid", "123456789012345", 0, "lid", "123456789012345@lid"),
    ("123456789012345:4@lid", "123456789012345", 4, "lid", "123456789012345@lid"),
    ("status@broadcast", "status", 0, "broadcast", "status@broadcast"),
    ("4915112345678", "4915112345678", 0, "s.whatsapp.net", PEER),
    ("+49 151 12345678", "4915112345678", 0, "s.whatsapp.net", PEER),
    ("4915112345678@c.us", "4915112345678", 0, "s.whatsapp.net", PEER),
])
def test_parse_jid_and_back(text, user, device, server, back):
    parsed = codec.parse_jid(text)
    assert isinstance(parsed, np.JID)
    assert (parsed.User, parsed.Device, parsed.Server) == (user, device, server)
    assert parsed.IsEmpty is False
    assert codec.jid_to_str(parsed) == back


def test_parse_jid_agent_and_errors():
    parsed = codec.parse_jid("4915112345678.1:3@s.whatsapp.net")
    assert (parsed.User, parsed.RawAgent, parsed.Device) == ("4915112345678", 1, 3)
    assert codec.jid_to_str(parsed) == PEER
    for bad in ("", "abc", "+", "12:x@s.whatsapp.net"):
        with pytest.raises(ValueError):
            codec.parse_jid(bad)


# -- text and media -----------------------------------------------------------------------
def test_plain_text_message_every_field():
    msg = e2e.Message(conversation="hello")
    out = codec.normalise_message(event(msg), OWN)
    assert out == {
        "messageId": "3EB0AAAA", "chatId": PEER, "from": PEER, "fromMe": False,
        "timestamp": TS_MS, "type": "text", "text": "hello", "caption": None,
        "pushName": "Peer", "isGroup": False, "quotedMessageId": None, "hasMedia": False,
        "raw": msg.SerializeToString(), "media": None,
        "fromLid": None, "chatLid": None,   # issue 11: identity pairs (none here)
    }
    assert e2e.Message.FromString(out["raw"]).conversation == "hello"


def test_extended_text_with_quote():
    msg = e2e.Message(extendedTextMessage=e2e.ExtendedTextMessage(
        text="yes, that one", contextInfo=e2e.ContextInfo(
            stanzaID="ORIG1", participant=ME, quotedMessage=e2e.Message(conversation="q"))))
    out = codec.normalise_message(event(msg), OWN)
    assert out["type"] == "text"
    assert out["text"] == "yes, that one"
    assert out["quotedMessageId"] == "ORIG1"


@pytest.mark.parametrize("field,sub,kind,caption,file_name", [
    ("imageMessage", e2e.ImageMessage(caption="pic", mimetype="image/jpeg", fileLength=1234),
     "image", "pic", None),
    ("videoMessage", e2e.VideoMessage(caption="clip", mimetype="video/mp4", fileLength=99999),
     "video", "clip", None),
    ("audioMessage", e2e.AudioMessage(mimetype="audio/mpeg", fileLength=500, PTT=False),
     "audio", None, None),
    ("audioMessage", e2e.AudioMessage(mimetype="audio/ogg; codecs=opus", fileLength=500, PTT=True),
     "voice", None, None),
    ("documentMessage", e2e.DocumentMessage(caption="the report", mimetype="application/pdf",
                                            fileLength=4321, fileName="report.pdf"),
     "document", "the report", "report.pdf"),
    ("stickerMessage", e2e.StickerMessage(mimetype="image/webp", fileLength=777),
     "sticker", None, None),
])
def test_media_kinds(field, sub, kind, caption, file_name):
    msg = e2e.Message(**{field: sub})
    out = codec.normalise_message(event(msg), OWN)
    assert out["type"] == kind
    assert out["hasMedia"] is True
    assert out["caption"] == caption
    assert out["text"] == caption
    assert out["mimetype"] == sub.mimetype
    assert out["fileLength"] == sub.fileLength
    assert out["fileName"] == file_name
    assert e2e.Message.FromString(out["raw"]) == msg


def test_media_reply_quote_comes_from_the_sub_message():
    msg = e2e.Message(imageMessage=e2e.ImageMessage(
        caption="look", mimetype="image/png", contextInfo=e2e.ContextInfo(stanzaID="Q9")))
    assert codec.normalise_message(event(msg), OWN)["quotedMessageId"] == "Q9"


def test_text_has_no_media_keys():
    out = codec.normalise_message(event(e2e.Message(conversation="x")), OWN)
    assert "mimetype" not in out and "fileName" not in out and "fileLength" not in out


def test_wrapped_view_once_image_is_unwrapped():
    inner = e2e.Message(imageMessage=e2e.ImageMessage(caption="once", mimetype="image/jpeg"))
    msg = e2e.Message(ephemeralMessage=e2e.FutureProofMessage(message=e2e.Message(
        viewOnceMessageV2=e2e.FutureProofMessage(message=inner))))
    out = codec.normalise_message(event(msg), OWN)
    assert out["type"] == "image" and out["caption"] == "once"
    assert e2e.Message.FromString(out["raw"]) == inner


def test_location_contact_and_unknown():
    loc = codec.normalise_message(event(e2e.Message(locationMessage=e2e.LocationMessage(
        degreesLatitude=52.52, degreesLongitude=13.405, name="Berlin", address="Mitte"))), OWN)
    assert loc["type"] == "location" and loc["text"] == "Berlin"
    assert loc["location"] == {"latitude": 52.52, "longitude": 13.405, "name": "Berlin",
                               "address": "Mitte"}
    card = "BEGIN:VCARD\nFN:Ann\nEND:VCARD"
    contact = codec.normalise_message(event(e2e.Message(contactMessage=e2e.ContactMessage(
        displayName="Ann", vcard=card))), OWN)
    assert contact["type"] == "contact" and contact["text"] == "Ann"
    assert contact["contacts"] == [{"name": "Ann", "phone": None}]   # issue 11: parsed card
    unknown = codec.normalise_message(event(e2e.Message(
        buttonsResponseMessage=e2e.ButtonsResponseMessage(selectedButtonID="b1"))), OWN)
    assert unknown["type"] == "unknown" and unknown["text"] is None
    assert unknown["hasMedia"] is False


def test_protocol_only_and_empty_messages_are_skipped():
    share = e2e.Message(protocolMessage=e2e.ProtocolMessage(
        type=e2e.ProtocolMessage.APP_STATE_SYNC_KEY_SHARE))
    assert codec.normalise_message(event(share), OWN) is None
    skdm = e2e.Message(senderKeyDistributionMessage=e2e.SenderKeyDistributionMessage(
        groupID=GROUP))
    assert codec.normalise_message(event(skdm), OWN) is None
    assert codec.normalise_message(event(e2e.Message()), OWN) is None


# -- reactions, revokes, edits ------------------------------------------------------------
def test_reaction_and_removal():
    def reaction(text):
        return e2e.Message(reactionMessage=e2e.ReactionMessage(
            key=MessageKey(remoteJID=PEER, fromMe=True, ID="MINE1"), text=text,
            senderTimestampMS=TS_MS))
    out = codec.normalise_message(event(reaction("👍"), msg_id="R1"), OWN)
    assert out["type"] == "reaction"
    assert out["messageId"] == "R1"
    assert out["reaction"] == {"messageId": "MINE1", "emoji": "👍", "from": PEER}
    removed = codec.normalise_message(event(reaction("")), OWN)
    assert removed["reaction"] == {"messageId": "MINE1", "emoji": "", "from": PEER}


def test_revoke():
    msg = e2e.Message(protocolMessage=e2e.ProtocolMessage(
        type=e2e.ProtocolMessage.REVOKE, key=MessageKey(remoteJID=PEER, fromMe=False, ID="GONE")))
    out = codec.normalise_message(event(msg, msg_id="REV1"), OWN)
    assert out["type"] == "revoke"
    assert out["revokedMessageId"] == "GONE"
    assert out["messageId"] == "REV1"


def test_edit_as_delivered_by_whatsmeow():
    msg = e2e.Message(protocolMessage=e2e.ProtocolMessage(
        type=e2e.ProtocolMessage.MESSAGE_EDIT, key=MessageKey(remoteJID=PEER, ID="ORIG"),
        editedMessage=e2e.Message(conversation="fixed typo"), timestampMS=TS_MS))
    out = codec.normalise_message(event(msg, is_edit=True), OWN)
    assert out["type"] == "edit"
    assert out["edit"] == {"messageId": "ORIG", "text": "fixed typo"}
    assert out["text"] == "fixed typo"


def test_edit_still_in_its_wrapper_and_of_a_caption():
    inner = e2e.Message(protocolMessage=e2e.ProtocolMessage(
        type=e2e.ProtocolMessage.MESSAGE_EDIT, key=MessageKey(remoteJID=PEER, ID="IMG"),
        editedMessage=e2e.Message(imageMessage=e2e.ImageMessage(caption="new caption"))))
    msg = e2e.Message(editedMessage=e2e.FutureProofMessage(message=inner))
    out = codec.normalise_message(event(msg, is_edit=True), OWN)
    assert out["edit"] == {"messageId": "IMG", "text": "new caption"}


# -- addressing ---------------------------------------------------------------------------
def test_group_message_from_participant():
    out = codec.normalise_message(event(e2e.Message(conversation="hi all"), chat=GROUP,
                                        sender="447700900123:5@s.whatsapp.net", group=True), OWN)
    assert out["chatId"] == GROUP
    assert out["from"] == MEMBER
    assert out["isGroup"] is True


def test_lid_group_sender_uses_sender_alt():
    out = codec.normalise_message(event(e2e.Message(conversation="x"), chat=GROUP,
                                        sender="99887766554433:2@lid", group=True,
                                        sender_alt="447700900123@s.whatsapp.net"), OWN)
    assert out["from"] == MEMBER
    without_alt = codec.normalise_message(event(e2e.Message(conversation="x"), chat=GROUP,
                                                sender="99887766554433@lid", group=True), OWN)
    assert without_alt["from"] == "99887766554433@lid"


def test_lid_direct_chat_uses_phone_number():
    out = codec.normalise_message(event(e2e.Message(conversation="x"), chat="1122334455@lid",
                                        sender="1122334455:1@lid", sender_alt=PEER), OWN)
    assert out["chatId"] == PEER and out["from"] == PEER
    mine = codec.normalise_message(event(e2e.Message(conversation="x"), chat="1122334455@lid",
                                         sender="55443322@lid", from_me=True,
                                         recipient_alt=PEER), OWN)
    assert mine["chatId"] == PEER and mine["from"] == ME


def test_from_me_uses_own_jid():
    msg = event(e2e.Message(conversation="sent from phone"), sender=OWN, from_me=True)
    msg.Info.MessageSource.Chat.CopyFrom(jid(PEER))
    out = codec.normalise_message(msg, OWN)
    assert out["fromMe"] is True
    assert out["from"] == ME
    assert out["chatId"] == PEER
    assert codec.normalise_message(msg, None)["from"] == ME  # falls back to Sender, non-AD


def test_timestamps_are_ms():
    assert codec.normalise_message(event(e2e.Message(conversation="a"), ts=TS_MS), OWN)[
        "timestamp"] == TS_MS
    assert codec.normalise_message(event(e2e.Message(conversation="a"), ts=1_717_000_000),
                                   OWN)["timestamp"] == 1_717_000_000_000
    before = int(time.time() * 1000)
    unset = codec.normalise_message(event(e2e.Message(conversation="a"), ts=0), OWN)["timestamp"]
    assert before <= unset <= int(time.time() * 1000)


# -- receipts -----------------------------------------------------------------------------
def receipt(rtype=None, *, chat=PEER, sender=PEER, group=False, ids=("A", "B"),
            ts=1_717_000_000, from_me=False):
    ev = np.Receipt(MessageSource=np.MessageSource(
        Chat=jid(chat), Sender=jid(sender), IsGroup=group, IsFromMe=from_me),
        MessageIDs=list(ids), Timestamp=ts)
    if rtype is not None:
        ev.Type = rtype
    return ev


@pytest.mark.parametrize("rtype,kind,own_device", [
    (np.Receipt.DELIVERED, "delivered", False),
    (np.Receipt.READ, "read", False),
    (np.Receipt.PLAYED, "played", False),
    (np.Receipt.READ_SELF, "read", True),
    (np.Receipt.PLAYED_SELF, "played", True),
    (np.Receipt.SERVER_ERROR, "played", True),  # neonize encodes PlayedSelf as SERVER_ERROR
])
def test_receipt_types(rtype, kind, own_device):
    assert codec.normalise_receipt(receipt(rtype)) == {
        "chatId": PEER, "messageIds": ["A", "B"], "type": kind,
        "timestamp": 1_717_000_000_000, "from": PEER, "self": own_device}


@pytest.mark.parametrize("rtype", [None, np.Receipt.SENDER, np.Receipt.RETRY,
                                   np.Receipt.INACTIVE, np.Receipt.PEER_MSG,
                                   np.Receipt.HISTORY_SYNC])
def test_receipts_ignored(rtype):
    # None: an unmapped whatsmeow type leaves Type unset, which reads back as DELIVERED.
    ev = receipt(rtype)
    assert ev.Type == (rtype or np.Receipt.DELIVERED)
    assert codec.normalise_receipt(ev) is None


def test_group_receipt_and_empty_ids():
    out = codec.normalise_receipt(receipt(np.Receipt.READ, chat=GROUP, group=True,
                                          sender="447700900123:3@s.whatsapp.net", ids=["X"]))
    assert out["chatId"] == GROUP and out["from"] == MEMBER and out["messageIds"] == ["X"]
    assert codec.normalise_receipt(receipt(np.Receipt.READ, ids=())) is None


# -- history sync -------------------------------------------------------------------------
def web_msg(msg_id, chat, message=None, *, from_me=False, participant=None, ts=1_716_000_000,
            push=None):
    return hs.HistorySyncMsg(message=WebMessageInfo(
        key=MessageKey(remoteJID=chat, fromMe=from_me, ID=msg_id, participant=participant),
        message=message, messageTimestamp=ts, pushName=push))


def test_history_sync_with_dm_group_and_pushnames():
    lid_member = "99887766554433@lid"
    data = hs.HistorySync(
        syncType=hs.HistorySync.INITIAL_BOOTSTRAP,
        conversations=[
            hs.Conversation(ID=PEER, unreadCount=2, conversationTimestamp=1_716_000_100,
                            messages=[
                                web_msg("D1", PEER, e2e.Message(conversation="hi")),
                                web_msg("D2", PEER, e2e.Message(extendedTextMessage=
                                        e2e.ExtendedTextMessage(text="hello back")),
                                        from_me=True, ts=1_716_000_100),
                                web_msg("STUB", PEER),  # no content: a stub
                                web_msg("P1", PEER, e2e.Message(protocolMessage=
                                        e2e.ProtocolMessage(type=e2e.ProtocolMessage
                                                            .HISTORY_SYNC_NOTIFICATION))),
                            ]),
            hs.Conversation(ID=GROUP, name="Team", unreadCount=0,
                            conversationTimestamp=1_716_000_200,
                            messages=[
                                web_msg("G1", GROUP, e2e.Message(ephemeralMessage=
                                        e2e.FutureProofMessage(message=e2e.Message(
                                            conversation="in group"))),
                                        participant=MEMBER, ts=1_716_000_200, push="Mia"),
                                web_msg("G2", GROUP, e2e.Message(imageMessage=e2e.ImageMessage(
                                        caption="photo", mimetype="image/jpeg",
                                        fileLength=10)),
                                        participant=lid_member, ts=1_716_000_150),
                            ]),
        ],
        pushnames=[hs.Pushname(ID=PEER, pushname="Pete"),
                   hs.Pushname(ID=GROUP, pushname="ignored for groups")],
        phoneNumberToLidMappings=[hs.PhoneNumberToLIDMapping(
            pnJID="447700900777@s.whatsapp.net", lidJID=lid_member)],
    )
    out = codec.normalise_history(np.HistorySync(Data=data), OWN)
    assert out["syncType"] == "INITIAL_BOOTSTRAP"
    assert out["chats"] == [
        {"chatId": PEER, "name": "Pete", "unreadCount": 2,
         "lastMessageTime": 1_716_000_100_000, "isGroup": False},
        {"chatId": GROUP, "name": "Team", "unreadCount": 0,
         "lastMessageTime": 1_716_000_200_000, "isGroup": True},
    ]
    by_id = {m["messageId"]: m for m in out["messages"]}
    assert sorted(by_id) == ["D1", "D2", "G1", "G2"]
    d1, d2, g1, g2 = by_id["D1"], by_id["D2"], by_id["G1"], by_id["G2"]
    assert (d1["chatId"], d1["from"], d1["fromMe"], d1["type"], d1["text"]) == (
        PEER, PEER, False, "text", "hi")
    assert d1["timestamp"] == 1_716_000_000_000 and d1["pushName"] == "Pete"
    assert (d2["from"], d2["fromMe"], d2["text"], d2["pushName"]) == (ME, True, "hello back", None)
    assert (g1["chatId"], g1["from"], g1["isGroup"], g1["text"], g1["pushName"]) == (
        GROUP, MEMBER, True, "in group", "Mia")
    assert e2e.Message.FromString(g1["raw"]) == e2e.Message(conversation="in group")
    assert (g2["type"], g2["from"], g2["caption"], g2["mimetype"]) == (
        "image", "447700900777@s.whatsapp.net", "photo", "image/jpeg")


def test_history_chat_fallbacks():
    data = hs.HistorySync(syncType=hs.HistorySync.RECENT, conversations=[
        hs.Conversation(ID="1122334455@lid", pnJID=PEER, displayName="Dee",
                        messages=[web_msg("L1", "1122334455@lid", e2e.Message(conversation="x"),
                                          ts=1_716_000_300)]),
        hs.Conversation(ID="4400000000@s.whatsapp.net"),
    ])
    out = codec.normalise_history(np.HistorySync(Data=data), None)
    assert out["syncType"] == "RECENT"
    assert out["chats"][0] == {"chatId": PEER, "name": "Dee", "unreadCount": 0,
                               "lastMessageTime": 1_716_000_300_000, "isGroup": False}
    assert out["chats"][1]["name"] is None and out["chats"][1]["lastMessageTime"] is None
    assert out["messages"][0]["chatId"] == PEER and out["messages"][0]["from"] == PEER


# -- builders -----------------------------------------------------------------------------
def stored(**kw):
    base = {"messageId": "M1", "chatId": PEER, "from": PEER, "fromMe": False,
            "isGroup": False, "text": "original", "raw": None}
    base.update(kw)
    return base


def test_build_reply_from_raw_strips_nested_quote():
    raw = e2e.Message(extendedTextMessage=e2e.ExtendedTextMessage(
        text="original", contextInfo=e2e.ContextInfo(stanzaID="OLDER"))).SerializeToString()
    msg = codec.build_reply("answer", stored(raw=raw), OWN)
    assert isinstance(msg, e2e.Message)
    ext = msg.extendedTextMessage
    assert ext.text == "answer"
    assert ext.contextInfo.stanzaID == "M1"
    assert ext.contextInfo.participant == PEER
    assert ext.contextInfo.quotedMessage == e2e.Message(
        extendedTextMessage=e2e.ExtendedTextMessage(text="original"))


def test_build_reply_without_raw_own_and_group():
    mine = codec.build_reply("me again", stored(fromMe=True, **{"from": ME}), OWN)
    ctx = mine.extendedTextMessage.contextInfo
    assert ctx.participant == ME
    assert ctx.quotedMessage == e2e.Message(conversation="original")
    group = codec.build_reply("ok", stored(chatId=GROUP, isGroup=True, **{"from": MEMBER}), OWN)
    assert group.extendedTextMessage.contextInfo.participant == MEMBER


@pytest.mark.parametrize("target,key", [
    (stored(fromMe=True, **{"from": ME}), MessageKey(remoteJID=PEER, fromMe=True, ID="M1")),
    (stored(), MessageKey(remoteJID=PEER, fromMe=False, ID="M1")),
    (stored(chatId=GROUP, isGroup=True, **{"from": MEMBER}),
     MessageKey(remoteJID=GROUP, fromMe=False, ID="M1", participant=MEMBER)),
    (stored(chatId=GROUP, isGroup=True, fromMe=True, **{"from": ME}),
     MessageKey(remoteJID=GROUP, fromMe=True, ID="M1")),
])
def test_build_reaction(target, key):
    assert codec.build_reaction_key(target, OWN) == key
    msg = codec.build_reaction(target, "❤️", OWN, now_ms=TS_MS)
    assert msg == e2e.Message(reactionMessage=e2e.ReactionMessage(
        key=key, text="❤️", senderTimestampMS=TS_MS))


def test_build_reaction_removal_and_clock():
    before = int(time.time() * 1000)
    msg = codec.build_reaction(stored(), "", OWN)
    assert msg.reactionMessage.HasField("text") and msg.reactionMessage.text == ""
    assert before <= msg.reactionMessage.senderTimestampMS <= int(time.time() * 1000)


def test_own_message_recognised_by_from_without_flag():
    key = codec.build_reaction_key(stored(chatId=GROUP, isGroup=True, **{"from": ME}), OWN)
    assert key.fromMe is True and not key.HasField("participant")


@pytest.mark.parametrize("target,from_me,participant", [
    (stored(fromMe=True, **{"from": ME}), True, None),                         # own, DM
    (stored(), False, None),                                                   # peer's, DM
    (stored(chatId=GROUP, isGroup=True, fromMe=True, **{"from": ME}), True, None),
    (stored(chatId=GROUP, isGroup=True, **{"from": MEMBER}), False, MEMBER),  # admin delete
])
def test_build_revoke(target, from_me, participant):
    msg = codec.build_revoke(target, OWN)
    proto = msg.protocolMessage
    assert proto.type == e2e.ProtocolMessage.REVOKE and proto.HasField("type")
    assert proto.key.remoteJID == target["chatId"]
    assert proto.key.fromMe is from_me
    assert proto.key.ID == "M1"
    assert (proto.key.participant if proto.key.HasField("participant") else None) == participant
    assert e2e.Message.FromString(msg.SerializeToString()) == msg


def test_media_type_for():
    assert codec.media_type_for("image") is MediaType.MediaImage
    assert codec.media_type_for("sticker") is MediaType.MediaImage
    assert codec.media_type_for("video") is MediaType.MediaVideo
    assert codec.media_type_for("audio") is MediaType.MediaAudio
    assert codec.media_type_for("voice") is MediaType.MediaAudio
    assert codec.media_type_for("document") is MediaType.MediaDocument
    with pytest.raises(ValueError):
        codec.media_type_for("text")
