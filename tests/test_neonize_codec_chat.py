"""Issue 11's neonize builders and normalisers over real neonize 0.5.2 protobufs (no
client, no network: WhatsApp's servers cannot be reached here). Each builder's output is
also run back through the inbound normaliser, as the phone on the other side would read it."""
import hashlib

import pytest

pytest.importorskip("neonize")

from neonize.proto import Neonize_pb2 as np  # noqa: E402
from neonize.proto.waCommon.WACommon_pb2 import MessageKey  # noqa: E402
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as e2e  # noqa: E402
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as hs  # noqa: E402

from wildcat.drivers.vcard import build_vcard, parse_vcard  # noqa: E402
from wildcat.services.inbound_effects import option_hash, poll_vote  # noqa: E402
from workers.neonize import codec, codec_chat  # noqa: E402

OWN = "15550001111:23@s.whatsapp.net"
ME = "15550001111@s.whatsapp.net"
PEER = "4915112345678@s.whatsapp.net"
LID = "123456789012345@lid"
GROUP = "120363012345678901@g.us"


def jid(s):
    return codec.parse_jid(s)


def event(message, *, chat=PEER, sender=None, from_me=False, group=False, sender_alt=None,
          recipient_alt=None, msg_id="3EB0BBBB"):
    src = np.MessageSource(Chat=jid(chat), Sender=jid(sender or chat), IsFromMe=from_me,
                           IsGroup=group)
    if sender_alt:
        src.SenderAlt.CopyFrom(jid(sender_alt))
    if recipient_alt:
        src.RecipientAlt.CopyFrom(jid(recipient_alt))
    info = np.MessageInfo(MessageSource=src, ID=msg_id, Timestamp=1_717_000_000_123,
                          Pushname="Peer")
    return np.Message(Info=info, Message=message)


def roundtrip(message, **kwargs):
    """What a peer's WILDCAT would store for the message we built (over the wire bytes)."""
    wire = e2e.Message.FromString(message.SerializeToString())
    return codec.normalise_message(event(wire, **kwargs), OWN)


# -- builders -------------------------------------------------------------------------------
def test_location_builder_and_back():
    msg = codec_chat.build_location({"latitude": 52.52, "longitude": 13.405, "name": "Berlin",
                                     "address": "Pariser Platz"})
    assert msg.locationMessage.degreesLatitude == 52.52
    assert msg.locationMessage.degreesLongitude == 13.405
    out = roundtrip(msg)
    assert out["type"] == "location" and out["location"] == {
        "latitude": 52.52, "longitude": 13.405, "name": "Berlin", "address": "Pariser Platz"}
    bare = codec_chat.build_location({"latitude": -1.5, "longitude": 2})
    assert not bare.locationMessage.name and roundtrip(bare)["location"]["name"] is None


def test_contact_builders_one_card_and_many():
    one = {"name": "Ann", "phone": "+15551230001"}
    msg = codec_chat.build_contacts({"contacts": [{**one, "vcard": build_vcard(**one)}]})
    assert msg.HasField("contactMessage") and msg.contactMessage.displayName == "Ann"
    assert roundtrip(msg)["contacts"] == [one]
    cards = [{"name": "Ann; Smith", "phone": "+15551230001"}, {"name": "Bob", "phone": "+447700900123"}]
    many = codec_chat.build_contacts({"contacts": [{**c, "vcard": build_vcard(**c)} for c in cards]})
    assert len(many.contactsArrayMessage.contacts) == 2
    out = roundtrip(many)
    assert out["type"] == "contact" and out["contacts"] == cards and out["text"] == "2 contacts"


def test_vcards_from_other_phones():
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nitem1.TEL;waid=447700"
            "900123:+44 7700 900123\r\nitem1.X-ABLabel:Mobile\r\nEND:VCARD")
    assert parse_vcard(card) == {"name": "Jane Doe", "phone": "+447700900123"}
    assert parse_vcard("BEGIN:VCARD\nTEL;TYPE=CELL:+1 (555) 123-0001\nEND:VCARD", "Shown") == {
        "name": "Shown", "phone": "+15551230001"}
    assert parse_vcard("", None) == {"name": None, "phone": None}


def test_poll_builder_and_back():
    msg = codec_chat.build_poll({"question": "Lunch?", "options": ["Pizza", "Sushi"],
                                 "multiple": False}, secret=b"s" * 32)
    poll = msg.pollCreationMessage
    assert poll.name == "Lunch?" and [o.optionName for o in poll.options] == ["Pizza", "Sushi"]
    assert poll.selectableOptionsCount == 1
    assert msg.messageContextInfo.messageSecret == b"s" * 32
    out = roundtrip(msg)
    assert out["type"] == "poll" and out["text"] == "Lunch?"
    assert out["poll"] == {"question": "Lunch?", "multiple": False, "options": [
        {"name": "Pizza", "voters": []}, {"name": "Sushi", "voters": []}]}
    multi = codec_chat.build_poll({"question": "Days", "options": ["a", "b"], "multiple": True})
    assert multi.pollCreationMessage.selectableOptionsCount == 0
    assert len(multi.messageContextInfo.messageSecret) == 32
    assert roundtrip(multi)["poll"]["multiple"] is True
    v3 = e2e.Message(pollCreationMessageV3=e2e.PollCreationMessage(
        name="V3?", options=[e2e.PollCreationMessage.Option(optionName="x")],
        selectableOptionsCount=1))
    assert roundtrip(v3)["poll"]["question"] == "V3?"


def test_poll_vote_normalised_from_decrypted_hashes_and_tallied():
    update = e2e.Message(pollUpdateMessage=e2e.PollUpdateMessage(
        pollCreationMessageKey=MessageKey(ID="3EB0POLL", remoteJID=PEER, fromMe=True),
        vote=e2e.PollEncValue(encPayload=b"x" * 16, encIV=b"y" * 12)))
    # without the decrypted choice the vote says nothing
    assert codec.normalise_message(event(update), OWN) is None
    chosen = [hashlib.sha256(b"Sushi").digest().hex()]
    out = codec.normalise_message(event(update, chat=LID, sender=LID, sender_alt=PEER), OWN,
                                  chosen)
    assert out["type"] == "poll_vote" and out["from"] == PEER and out["fromLid"] == LID
    assert out["pollVote"] == {"messageId": "3EB0POLL", "optionHashes": chosen, "from": PEER}
    target = {"poll": {"question": "Lunch?", "multiple": False, "options": [
        {"name": "Pizza", "voters": [PEER]}, {"name": "Sushi", "voters": []}]}}
    fields, extra = poll_vote(out, target)
    assert extra["options"] == ["Sushi"]
    assert fields["poll"]["options"] == [{"name": "Pizza", "voters": []},
                                         {"name": "Sushi", "voters": [PEER]}]
    assert option_hash("Sushi") == chosen[0]


def test_edit_builder_and_back():
    target = {"messageId": "3EB0MINE", "chatId": PEER, "fromMe": True, "from": ME}
    msg = codec_chat.build_edit(target, "fixed", OWN, now_ms=1_717_000_000_000)
    proto = msg.protocolMessage
    assert proto.type == e2e.ProtocolMessage.MESSAGE_EDIT
    assert (proto.key.remoteJID, proto.key.ID, proto.key.fromMe) == (PEER, "3EB0MINE", True)
    assert proto.editedMessage.conversation == "fixed" and proto.timestampMS == 1_717_000_000_000
    out = roundtrip(msg, from_me=True, sender=ME)
    assert out["type"] == "edit" and out["edit"] == {"messageId": "3EB0MINE", "text": "fixed"}


def test_status_text_builder():
    msg = codec_chat.build_status_text("Hello", "#112233")
    assert msg.extendedTextMessage.text == "Hello"
    assert msg.extendedTextMessage.backgroundArgb == 0xFF112233
    assert codec_chat.build_status_text("x", "#80112233").extendedTextMessage.backgroundArgb == \
        0x80112233
    assert not codec_chat.build_status_text("x", None).extendedTextMessage.HasField(
        "backgroundArgb")
    out = roundtrip(msg, chat="status@broadcast", sender=PEER)
    assert out["chatId"] == "status@broadcast" and out["from"] == PEER and out["text"] == "Hello"


def test_inbound_sticker_keeps_media_fields():
    out = codec.normalise_message(event(e2e.Message(stickerMessage=e2e.StickerMessage(
        mimetype="image/webp", fileLength=777, directPath="/v/x", mediaKey=b"k" * 32))), OWN)
    assert out["type"] == "sticker" and out["hasMedia"] is True and out["mimetype"] == "image/webp"
    assert e2e.Message.FromString(out["raw"]).stickerMessage.directPath == "/v/x"


# -- identity on messages ---------------------------------------------------------------
def test_lid_addressed_messages_carry_both_ids():
    text = e2e.Message(conversation="hi")
    out = codec.normalise_message(event(text, chat=LID, sender=LID, sender_alt=PEER), OWN)
    assert (out["chatId"], out["from"], out["fromLid"], out["chatLid"]) == (PEER, PEER, LID, LID)
    alone = codec.normalise_message(event(text, chat=LID, sender=LID), OWN)
    assert (alone["chatId"], alone["from"], alone["fromLid"], alone["chatLid"]) == (
        LID, LID, LID, LID)
    pn = codec.normalise_message(event(text, sender_alt=LID), OWN)   # PN chat, LID alt
    assert (pn["chatId"], pn["from"], pn["fromLid"], pn["chatLid"]) == (PEER, PEER, LID, LID)
    mine = codec.normalise_message(event(text, chat=LID, sender=ME, from_me=True,
                                         recipient_alt=PEER), OWN)
    assert (mine["chatId"], mine["fromLid"], mine["chatLid"]) == (PEER, None, LID)
    group = codec.normalise_message(event(text, chat=GROUP, sender=LID, sender_alt=PEER,
                                          group=True), OWN)
    assert group["chatId"] == GROUP and group["from"] == PEER and group["fromLid"] == LID
    assert "chatLid" not in group


# -- presence, calls, identities, number checks --------------------------------------------
def test_chat_presence_and_presence():
    src = np.MessageSource(Chat=jid(LID), Sender=jid(LID), SenderAlt=jid(PEER))
    typing = codec_chat.normalise_chat_presence(np.ChatPresence(
        MessageSource=src, State=np.ChatPresence.COMPOSING, Media=np.ChatPresence.TEXT))
    assert typing == {"chatId": PEER, "from": PEER, "fromLid": LID, "state": "composing"}
    recording = codec_chat.normalise_chat_presence(np.ChatPresence(
        MessageSource=src, State=np.ChatPresence.COMPOSING, Media=np.ChatPresence.AUDIO))
    assert recording["state"] == "recording"
    paused = codec_chat.normalise_chat_presence(np.ChatPresence(
        MessageSource=np.MessageSource(Chat=jid(GROUP), Sender=jid(PEER), IsGroup=True),
        State=np.ChatPresence.PAUSED))
    assert paused == {"chatId": GROUP, "from": PEER, "fromLid": None, "state": "paused"}
    online = codec_chat.normalise_presence(np.Presence(From=jid(PEER), Unavailable=False))
    assert online == {"chatId": PEER, "from": PEER, "fromLid": None, "state": "available"}
    assert codec_chat.normalise_presence(np.Presence(From=jid(LID), Unavailable=True))[
        "state"] == "unavailable"


def test_call_offer():
    video = np.Node(Tag="call", Nodes=[np.Node(Tag="offer", Nodes=[np.Node(Tag="video")])])
    meta = np.BasicCallMeta(callID="CALL1", timestamp=1_717_000_000, callCreator=jid(LID),
                            callCreatorAlt=jid(PEER))
    getattr(meta, "from").CopyFrom(jid(LID))
    out = codec_chat.normalise_call(np.CallOffer(basicCallMeta=meta, data=video))
    assert out == {"callId": "CALL1", "from": LID, "fromLid": LID, "phone": PEER,
                   "isVideo": True, "isGroup": False, "timestamp": 1_717_000_000_000}
    voice = np.CallOffer(basicCallMeta=np.BasicCallMeta(callID="CALL2", callCreator=jid(PEER)),
                         data=np.Node(Tag="call", Nodes=[np.Node(Tag="offer", Nodes=[
                             np.Node(Tag="audio")])]))
    getattr(voice.basicCallMeta, "from").CopyFrom(jid(PEER))
    out = codec_chat.normalise_call(voice)
    assert out["isVideo"] is False and out["from"] == PEER and out["fromLid"] is None
    assert codec_chat.normalise_call(np.CallOffer()) is None


def test_history_identities():
    data = hs.HistorySync(syncType=hs.HistorySync.RECENT, phoneNumberToLidMappings=[
        hs.PhoneNumberToLIDMapping(pnJID=PEER, lidJID=LID),
        hs.PhoneNumberToLIDMapping(pnJID="", lidJID="1@lid")],
        conversations=[hs.Conversation(ID="999@lid", pnJID="15550002222@s.whatsapp.net",
                                       lidJID="999@lid")],
        pushnames=[hs.Pushname(ID=PEER, pushname="Peer P")])
    out = codec_chat.history_identities(np.HistorySync(Data=data))
    assert out == {"mappings": [{"lid": LID, "phone": PEER},
                                {"lid": "999@lid", "phone": "15550002222@s.whatsapp.net"}],
                   "contacts": [{"jid": PEER, "pushName": "Peer P"}]}


def test_contact_sync_identities():
    contacts = [np.Contact(JID=jid(PEER), Info=np.ContactInfo(Found=True, FullName="Ann Smith",
                                                              PushName="Ann")),
                np.Contact(JID=jid("15550009999@s.whatsapp.net"), Info=np.ContactInfo(Found=False))]
    assert codec_chat.contact_identities(contacts) == {"mappings": [], "contacts": [
        {"jid": PEER, "name": "Ann Smith", "pushName": "Ann"}]}


def test_number_results():
    responses = [np.IsOnWhatsAppResponse(Query="+4915112345678", JID=jid(PEER), IsIn=True),
                 np.IsOnWhatsAppResponse(Query="+15557770000", IsIn=False)]
    out = codec_chat.number_results(["+4915112345678", "+15557770000", "+15550000000"],
                                    responses, {PEER: LID})
    assert out == [{"phone": "+4915112345678", "exists": True, "jid": PEER, "lid": LID},
                   {"phone": "+15557770000", "exists": False, "jid": None, "lid": None},
                   {"phone": "+15550000000", "exists": False, "jid": None, "lid": None}]
