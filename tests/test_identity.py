"""Phone-number identity (issue 11): the LID <-> phone map, `fromLid`/`fromPhone` on every
message and event, one chat per person, and the LID chat merged when the phone is learned
late. Through the app factory on both stores with the sandbox playing WhatsApp."""
import pytest

from tests.util import connected_account, named, wait_until
from wildcat.drivers import base

ME = "15550001111@s.whatsapp.net"
PEER, PHONE = "919876543210@s.whatsapp.net", "+919876543210"
LID = "123456789012345@lid"
A = "/accounts/bot"


@pytest.fixture
def bot(client):
    return connected_account(client, "bot", ME.split("@")[0])


def inbound(client, **body):
    response = client.post("/sandbox/accounts/bot/inbound", json=body)
    assert response.status_code == 200, response.json
    return response.json


def chat_ids(client):
    return sorted(c["chatId"] for c in client.get(f"{A}/chats").json["chats"])


def messages_of(client, chat):
    return client.get(f"{A}/chats/{chat}/messages").json["messages"]


def test_lid_chat_merges_into_phone_chat_when_learned_late(client, bot, events):
    inbound(client, fromLid=LID, text="hi from a LID", pushName="Ann")
    inbound(client, fromLid=LID, text="still no phone")
    wait_until(lambda: len(named(events, "message")) == 2)
    first = named(events, "message")[0]
    assert first["from"] == LID and first["chatId"] == LID
    assert first["fromLid"] == LID and first["fromPhone"] is None
    assert chat_ids(client) == [LID]
    assert client.get(f"{A}/contacts").json["contacts"][0]["jid"] == LID
    # WhatsApp now reveals the phone number (SenderAlt): learned, and the LID chat merged
    inbound(client, **{"from": PEER, "fromLid": LID, "text": "now with my number"})
    wait_until(lambda: len(named(events, "message")) == 3)
    third = named(events, "message")[2]
    assert (third["from"], third["chatId"], third["fromLid"], third["fromPhone"]) == (
        PEER, PEER, LID, PHONE)
    assert chat_ids(client) == [PEER]
    merged = messages_of(client, PEER)
    assert [m["text"] for m in merged] == ["now with my number", "still no phone", "hi from a LID"]
    assert {m["from"] for m in merged} == {PEER} and {m["chatId"] for m in merged} == {PEER}
    assert client.get(f"{A}/chats").json["chats"][0]["unreadCount"] == 3
    assert messages_of(client, LID) == []
    contacts = client.get(f"{A}/contacts").json["contacts"]
    assert contacts == [{"jid": PEER, "lid": LID, "phone": PHONE, "name": None, "pushName": "Ann"}]
    # later LID-only messages land in the phone chat, named by phone
    inbound(client, fromLid=LID, text="LID again")
    wait_until(lambda: len(named(events, "message")) == 4)
    fourth = named(events, "message")[3]
    assert (fourth["from"], fourth["chatId"], fourth["fromLid"], fourth["fromPhone"]) == (
        PEER, PEER, LID, PHONE)
    assert chat_ids(client) == [PEER]
    stored = client.get(f"{A}/messages/{fourth['messageId']}").json["message"]
    assert stored["fromLid"] == LID and stored["fromPhone"] == PHONE


def test_number_check_teaches_the_map_and_merges(client, bot, events):
    inbound(client, fromLid=LID, text="who am I")
    wait_until(lambda: chat_ids(client) == [LID])
    client.post("/sandbox/accounts/bot/registered", json={"phones": [PHONE], "lids": {PHONE: LID}})
    r = client.post(f"{A}/contacts/check", json={"phones": [PHONE]})
    assert r.json["results"][0]["lid"] == LID
    assert chat_ids(client) == [PEER]
    assert messages_of(client, PEER)[0]["from"] == PEER


def test_sending_to_a_lid_uses_the_phone_chat_when_known(client, bot, events):
    r = client.post(f"{A}/message/send", json={"to": LID, "message": "to a LID"})
    assert r.status_code == 200, r.json
    assert chat_ids(client) == [LID]       # the phone is not known yet
    runtime_session_emit(client, bot)
    wait_until(lambda: chat_ids(client) == [PEER], message="merge from an identities event")
    r = client.post(f"{A}/message/send", json={"to": LID, "message": "again"})
    assert client.get(f"{A}/messages/{r.json['messageId']}").json["message"]["chatId"] == PEER
    sent = client.get("/sandbox/accounts/bot/sent").json["sent"]
    assert [s["to"] for s in sent if s["type"] == "text"] == [LID, PEER]
    r = client.post(f"{A}/message/send", json={"to": PHONE, "message": "by +phone"})
    assert client.get(f"{A}/messages/{r.json['messageId']}").json["message"]["chatId"] == PEER
    assert [m["text"] for m in messages_of(client, PEER)] == ["by +phone", "again", "to a LID"]


def runtime_session_emit(client, account_id):
    """An identities event, as the neonize driver sends for history-sync mappings."""
    app = client.application
    session = app.extensions["wildcat"].driver.session(account_id)
    session.emit(base.IDENTITIES, {"mappings": [{"lid": LID, "phone": PEER}],
                                   "contacts": [{"jid": PEER, "name": "Ann Smith"},
                                                {"jid": "not a jid"}]})


def test_identities_event_names_contacts(client, bot):
    runtime_session_emit(client, bot)
    # The mapping stores the contact first and its name right after: wait for both.
    contact = wait_until(lambda: [c for c in client.get(f"{A}/contacts").json["contacts"]
                                  if c.get("name")], message="the named contact")[0]
    assert contact == {"jid": PEER, "lid": LID, "phone": PHONE, "name": "Ann Smith",
                       "pushName": None}
    assert len(client.get(f"{A}/contacts").json["contacts"]) == 1


def test_every_event_naming_a_person_carries_both(client, bot, events):
    runtime_session_emit(client, bot)
    wait_until(lambda: client.get(f"{A}/contacts").json["contacts"])
    msg_id = inbound(client, fromLid=LID, text="x")["messageId"]
    inbound(client, fromLid=LID, type="reaction", messageId=msg_id, emoji="\U0001f44d")
    inbound(client, fromLid=LID, type="presence", state="composing")
    inbound(client, fromLid=LID, type="call")
    own = client.post(f"{A}/message/send", json={"to": PEER, "message": "y"}).json["messageId"]
    client.post("/sandbox/accounts/bot/receipt", json={"messageId": own, "type": "read"})
    wait_until(lambda: all(named(events, n) for n in (
        "message", "message.reaction", "presence", "call", "message.ack", "message.sent")))
    for name in ("message", "message.reaction", "presence", "call"):
        event = named(events, name)[-1]
        assert (event["from"], event["fromLid"], event["fromPhone"]) == (PEER, LID, PHONE), name
    presence = named(events, "presence")[-1]
    assert presence["chatId"] == PEER
    sent_event = named(events, "message.sent")[-1]
    assert sent_event["fromPhone"] == "+15550001111" and "fromLid" in sent_event
    assert {"fromLid", "fromPhone"} <= set(named(events, "message.ack")[-1])


def test_group_messages_keep_the_group_chat(client, bot, events):
    group = "120363000000000001@g.us"
    inbound(client, **{"from": PEER, "fromLid": LID, "chatId": group, "text": "in a group"})
    event = wait_until(lambda: named(events, "message"))[-1]
    assert event["chatId"] == group and event["from"] == PEER and event["fromLid"] == LID
    inbound(client, fromLid=LID, chatId=group, text="LID in a group")
    wait_until(lambda: len(named(events, "message")) == 2)
    assert named(events, "message")[1]["from"] == PEER
    assert chat_ids(client) == [group]
