"""Messaging API (text, replies, reactions, deletes, reading) through the app factory, on both
stores, with the sandbox network."""
import threading

import pytest

from tests.util import OWN, PEER, create, insert, scan, sent_log, stored, wait_until
from wildcat.schemas.messages import is_single_emoji
from wildcat.services.rate_limit import SendRateLimiter

ME = OWN
GROUP = "120363000000000001@g.us"
MEMBER = "15550002222@s.whatsapp.net"


def post(client, path, body, account_id="mybot"):
    return client.post(f"/accounts/{account_id}/message/{path}", json=body)


# -- send text ------------------------------------------------------------------------------
def test_send_text_stores_publishes_and_goes_out(client, runtime, account, events):
    response = post(client, "send", {"to": PEER, "message": "Hello! How are you?\n😀"})
    assert response.status_code == 200
    assert set(response.json) == {"ok", "messageId"} and response.json["ok"] is True
    message_id = response.json["messageId"]

    msg = stored(client, message_id)
    assert msg["messageId"] == message_id and msg["chatId"] == PEER and msg["from"] == ME
    assert msg["fromMe"] is True and msg["status"] == "sent" and msg["type"] == "text"
    assert msg["text"] == "Hello! How are you?\n😀" and msg["hasMedia"] is False
    assert msg["deleted"] is False and msg["edited"] is False and msg["reactions"] == {}
    assert isinstance(msg["timestamp"], int) and msg["timestamp"] > 1_600_000_000_000
    assert "raw" not in msg and "accountId" not in msg

    assert sent_log(client)[-1] == {"messageId": message_id, "type": "text", "to": PEER,
                                    "text": "Hello! How are you?\n😀"}
    [event] = [e for e in events if e["event"] == "message.sent"]
    for key, value in {"from": ME, "message": "Hello! How are you?\n😀", "messageId": message_id,
                       "accountId": "mybot", "chatId": PEER, "fromMe": True, "type": "text",
                       "timestamp": msg["timestamp"], "status": "sent"}.items():
        assert event[key] == value, key
    chat = runtime.store.get_chat("mybot", PEER)
    assert chat["lastMessageTime"] == msg["timestamp"] and chat["unreadCount"] == 0


@pytest.mark.parametrize("to,jid", [
    ("919876543210@s.whatsapp.net", "919876543210@s.whatsapp.net"),
    ("+919876543210", "919876543210@s.whatsapp.net"),
    ("919876543210", "919876543210@s.whatsapp.net"),
    ("919876543210:12@s.whatsapp.net", "919876543210@s.whatsapp.net"),
    ("123456789-1234567890@g.us", "123456789-1234567890@g.us"),
    ("120363025246125486@g.us", "120363025246125486@g.us"),
    ("123456789012345@lid", "123456789012345@lid"),
])
def test_to_accepts_jids_and_phone_numbers(client, account, to, jid):
    message_id = post(client, "send", {"to": to, "message": "hi"}).json["messageId"]
    assert sent_log(client)[-1]["to"] == jid
    msg = stored(client, message_id)
    assert msg["chatId"] == jid and msg["isGroup"] is jid.endswith("@g.us")


@pytest.mark.parametrize("to", ["", "hello", "0919876543210", "12", "919876543210@example.com",
                                "abc@s.whatsapp.net", "919876543210@s.whatsapp.net ; x", 12345,
                                ["919876543210"], {"$gt": ""}])
def test_bad_to_is_400(client, account, to):
    response = post(client, "send", {"to": to, "message": "hi"})
    assert response.status_code == 400
    assert response.json["ok"] is False and response.json["code"] == "validation_error"
    assert sent_log(client) == []


@pytest.mark.parametrize("body", [{}, {"to": PEER}, {"message": "hi"},
                                  {"to": None, "message": "x"}, {"to": PEER, "message": None}])
def test_missing_fields_use_the_reference_message(client, account, body):
    response = post(client, "send", body)
    assert response.status_code == 400
    assert response.json == {"ok": False, "error": "to and message are required",
                             "code": "validation_error", "details": response.json["details"]}


def test_text_length_and_types(client, account):
    assert post(client, "send", {"to": PEER, "message": "x" * 65536}).status_code == 200
    for body in ({"to": PEER, "message": "x" * 65537}, {"to": PEER, "message": ""},
                 {"to": PEER, "message": 5}, {"to": PEER, "message": ["a"]},
                 {"to": PEER, "message": "hi", "extra": 1}):
        response = post(client, "send", body)
        assert response.status_code == 400, body
        assert response.json["code"] == "validation_error"
    assert client.post("/accounts/mybot/message/send", data="to=x").status_code == 400
    response = client.post("/accounts/mybot/message/send", data="{not json",
                           content_type="application/json")
    assert response.status_code == 400 and response.json["code"] == "invalid_json"
    assert len(sent_log(client)) == 1


ALL_SENDS = [("send", {"to": PEER, "message": "hi"}),
             ("reply", {"to": PEER, "message": "hi", "quotedMessageId": "3EB0AAAA"}),
             ("react", {"to": PEER, "messageId": "3EB0AAAA", "emoji": "👍"}),
             ("delete", {"to": PEER, "messageId": "3EB0AAAA"})]


def test_unknown_account_is_404(client):
    for path, body in ALL_SENDS:
        response = post(client, path, body, account_id="nope")
        assert response.status_code == 404, path
        assert response.json == {"ok": False, "error": "Account not found",
                                 "code": "account_not_found"}
    for path in ("/accounts/nope/messages/3EB0AAAA", "/accounts/nope/messages/3EB0AAAA/media"):
        assert client.get(path).json["code"] == "account_not_found"
    response = client.post("/accounts/nope/message/send/image", data={"to": PEER})
    assert response.status_code == 404


def test_not_connected_is_409(client, runtime):
    create(client)          # QR pending, never scanned
    insert(runtime, "3EB0AAAA")
    for path, body in ALL_SENDS:
        response = post(client, path, body)
        assert response.status_code == 409, path
        assert response.json["code"] == "account_not_connected"
    scan(client)
    assert client.post("/accounts/mybot/disconnect").status_code == 200
    response = post(client, "send", {"to": PEER, "message": "hi"})
    assert response.status_code == 409 and response.json["code"] == "account_not_connected"
    assert runtime.store.count_messages("mybot") == 1


# -- replies --------------------------------------------------------------------------------
def test_reply_quotes_the_stored_message(client, runtime, account, events):
    insert(runtime, "3EB0QUOTED123ID", text="Original question")
    response = post(client, "reply", {"to": PEER, "message": "Thanks for your message!",
                                      "quotedMessageId": "3EB0QUOTED123ID"})
    assert response.status_code == 200 and set(response.json) == {"ok", "messageId"}
    out = sent_log(client)[-1]
    assert out["type"] == "reply" and out["to"] == PEER
    assert out["text"] == "Thanks for your message!"
    assert out["quotedMessageId"] == "3EB0QUOTED123ID"
    assert out["quotedText"] == "Original question" and out["quotedFrom"] == PEER
    msg = stored(client, response.json["messageId"])
    assert msg["quotedMessageId"] == "3EB0QUOTED123ID" and msg["fromMe"] is True
    assert msg["type"] == "text" and msg["text"] == "Thanks for your message!"
    assert events[-1]["event"] == "message.sent"
    assert events[-1]["quotedMessageId"] == "3EB0QUOTED123ID"


def test_reply_in_group_and_private_reply(client, runtime, account):
    insert(runtime, "3EB0GROUPMSG", chat=GROUP, sender=MEMBER, text="in the group")
    body = {"to": GROUP, "message": "ok", "quotedMessageId": "3EB0GROUPMSG", "chatId": GROUP}
    assert post(client, "reply", body).status_code == 200
    assert sent_log(client)[-1]["quotedFrom"] == MEMBER
    body = {"to": MEMBER, "message": "privately", "quotedMessageId": "3EB0GROUPMSG"}
    assert post(client, "reply", body).status_code == 200
    assert sent_log(client)[-1]["to"] == MEMBER


def test_reply_errors(client, runtime, account):
    insert(runtime, "3EB0QUOTED123ID")
    response = post(client, "reply", {"to": PEER, "message": "x", "quotedMessageId": "3EB0NONE"})
    assert response.status_code == 404
    assert response.json == {"ok": False, "error": "Message not found",
                             "code": "message_not_found"}
    response = post(client, "reply", {"to": PEER, "message": "x",
                                      "quotedMessageId": "3EB0QUOTED123ID", "chatId": GROUP})
    assert response.status_code == 404
    for body in ({"to": PEER, "message": "x"}, {"to": PEER, "quotedMessageId": "3EB0QUOTED123ID"}):
        response = post(client, "reply", body)
        assert response.status_code == 400
        assert response.json["error"] == "to, message and quotedMessageId are required"
    response = post(client, "reply", {"to": PEER, "message": "x", "quotedMessageId": "a b/c"})
    assert response.status_code == 400
    assert sent_log(client) == []


# -- reactions ------------------------------------------------------------------------------
def test_react_to_peer_own_and_group_messages(client, runtime, account, events):
    insert(runtime, "3EB0PEER")
    mine = post(client, "send", {"to": PEER, "message": "mine"}).json["messageId"]
    insert(runtime, "3EB0GROUP", chat=GROUP, sender=MEMBER)

    for target, to in (("3EB0PEER", PEER), (mine, PEER), ("3EB0GROUP", MEMBER)):
        response = post(client, "react", {"to": to, "messageId": target, "emoji": "👍"})
        assert response.status_code == 200
        assert response.json == {"ok": True, "message": "Reaction sent"}
    peer_out, own_out, group_out = sent_log(client)[-3:]
    assert peer_out["type"] == "reaction" and peer_out["reactionTo"] == "3EB0PEER"
    assert peer_out["emoji"] == "👍" and peer_out["to"] == PEER
    assert peer_out["key"] == {"chatId": PEER, "id": "3EB0PEER", "fromMe": False}
    assert own_out["key"] == {"chatId": PEER, "id": mine, "fromMe": True}
    assert group_out["to"] == GROUP     # a reaction goes to the chat, naming the author
    assert group_out["key"] == {"chatId": GROUP, "id": "3EB0GROUP", "fromMe": False,
                                "participant": MEMBER}
    assert stored(client, "3EB0GROUP")["reactions"] == {ME: "👍"}
    reaction = [e for e in events if e["event"] == "message.reaction"][-1]
    assert reaction["messageId"] == "3EB0GROUP" and reaction["emoji"] == "👍"
    assert reaction["from"] == ME and reaction["fromMe"] is True and reaction["chatId"] == GROUP
    # Reactions are not messages of their own.
    assert runtime.store.count_messages("mybot") == 3


def test_react_empty_emoji_removes(client, runtime, account):
    insert(runtime, "3EB0PEER", reactions={PEER: "❤️"})
    response = post(client, "react", {"to": PEER, "messageId": "3EB0PEER", "emoji": "😂"})
    assert response.status_code == 200
    assert stored(client, "3EB0PEER")["reactions"] == {PEER: "❤️", ME: "😂"}
    response = post(client, "react", {"to": PEER, "messageId": "3EB0PEER", "emoji": ""})
    assert response.status_code == 200
    assert sent_log(client)[-1]["emoji"] == ""
    assert stored(client, "3EB0PEER")["reactions"] == {PEER: "❤️"}


@pytest.mark.parametrize("emoji", ["👍", "❤️", "👍🏽", "👨‍👩‍👧", "🇮🇳", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "1️⃣", "🏳️‍🌈", "☺",
                                   "🧑🏿‍🦰", "👩‍❤️‍💋‍👨"])
def test_emoji_accepts_one_grapheme(emoji):
    assert is_single_emoji(emoji)


def test_react_errors(client, runtime, account):
    insert(runtime, "3EB0PEER")
    for emoji in ("a", "👍👍", "ok", "🇮", " 👍", 5, "👍\u200d"):
        response = post(client, "react", {"to": PEER, "messageId": "3EB0PEER", "emoji": emoji})
        assert response.status_code == 400, emoji
    response = post(client, "react", {"to": PEER, "messageId": "3EB0PEER"})
    assert response.json["error"] == "to, messageId and emoji are required"
    response = post(client, "react", {"to": PEER, "messageId": "3EB0NONE", "emoji": "👍"})
    assert response.status_code == 404 and response.json["error"] == "Message not found"
    assert sent_log(client) == []


# -- deletes --------------------------------------------------------------------------------
def test_delete_own_message_revokes_for_everyone(client, runtime, account, events):
    mine = post(client, "send", {"to": PEER, "message": "oops"}).json["messageId"]
    response = post(client, "delete", {"to": PEER, "messageId": mine})
    assert response.status_code == 200
    assert response.json == {"ok": True, "message": "Message deleted"}
    out = sent_log(client)[-1]
    assert out["type"] == "revoke" and out["revokedMessageId"] == mine and out["to"] == PEER
    assert out["key"] == {"chatId": PEER, "id": mine, "fromMe": True}
    msg = stored(client, mine)
    assert msg["deleted"] is True and msg["text"] == "oops"
    revoked = [e for e in events if e["event"] == "message.revoked"]
    assert revoked and revoked[-1]["messageId"] == mine and revoked[-1]["fromMe"] is True


def test_delete_rules(client, runtime, account):
    insert(runtime, "3EB0PEER")
    response = post(client, "delete", {"to": PEER, "messageId": "3EB0PEER"})
    assert response.status_code == 403 and response.json["code"] == "cannot_delete"
    assert stored(client, "3EB0PEER")["deleted"] is False
    # Our own message sent from the phone (fromMe through `from`), and a group admin delete.
    insert(runtime, "3EB0PHONE", sender=ME, from_me=True)
    assert post(client, "delete", {"to": PEER, "messageId": "3EB0PHONE"}).status_code == 200
    insert(runtime, "3EB0GROUP", chat=GROUP, sender=MEMBER)
    assert post(client, "delete", {"to": GROUP, "messageId": "3EB0GROUP"}).status_code == 200
    assert sent_log(client)[-1]["key"]["participant"] == MEMBER
    response = post(client, "delete", {"to": PEER, "messageId": "3EB0NONE"})
    assert response.status_code == 404 and response.json["error"] == "Message not found"
    response = post(client, "delete", {"to": PEER})
    assert response.json["error"] == "to and messageId are required"
    assert [o["type"] for o in sent_log(client)] == ["revoke", "revoke"]


# -- reading --------------------------------------------------------------------------------
def test_get_message_shape_and_errors(client, runtime, account):
    insert(runtime, "3EB0123ABCD456EF", text="Hello there!", pushName="John")
    msg = stored(client, "3EB0123ABCD456EF")
    for key, value in {"messageId": "3EB0123ABCD456EF", "from": PEER, "chatId": PEER,
                       "text": "Hello there!", "type": "text", "fromMe": False,
                       "status": "received", "deleted": False, "edited": False,
                       "reactions": {}, "hasMedia": False}.items():
        assert msg[key] == value, key
    response = client.get("/accounts/mybot/messages/3EB0NOPE")
    assert response.status_code == 404
    assert response.json == {"ok": False, "error": "Message not found",
                             "code": "message_not_found"}


# -- failures, rate, order ------------------------------------------------------------------
def test_driver_failure_is_502_and_nothing_stored(make_app, store_kind, rejecting_sandbox):
    app = make_app(store_kind, driver=rejecting_sandbox)
    client, runtime = app.test_client(), app.extensions["wildcat"]
    create(client)
    scan(client, phone="15550001111")
    seen = []
    runtime.bus.subscribe(seen.append)
    response = post(client, "send", {"to": "19990000000@s.whatsapp.net", "message": "hi"})
    assert response.status_code == 502
    assert response.json == {"ok": False, "code": "send_failed",
                             "error": "Sending failed: server returned error 479"}
    assert runtime.store.count_messages("mybot") == 0
    assert not [e for e in seen if e["event"] == "message.sent"]
    assert runtime.store.get_chat("mybot", "19990000000@s.whatsapp.net") is None
    assert post(client, "send", {"to": PEER, "message": "hi"}).status_code == 200


def test_rate_limit_429_with_retry_after(make_app, store_kind):
    app = make_app(store_kind, send_rate_per_minute=3)
    client = app.test_client()
    create(client)
    scan(client)
    create(client, "other")
    scan(client, "other", phone="15550003333")
    for _ in range(3):
        assert post(client, "send", {"to": PEER, "message": "hi"}).status_code == 200
    response = post(client, "send", {"to": PEER, "message": "hi"})
    assert response.status_code == 429 and response.json["code"] == "rate_limited"
    assert response.headers["Retry-After"] == "20"          # one token every 60/3 s
    assert response.json["details"] == {"retryAfter": 20}
    assert post(client, "react", {"to": PEER, "messageId": "x", "emoji": ""}).status_code == 404
    assert post(client, "send", {"to": PEER, "message": "hi"}, "other").status_code == 200
    assert len(sent_log(client)) == 3


def test_rate_limiter_refills():
    now = [100.0]
    limiter = SendRateLimiter(60, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(60)] == [0] * 60
    assert limiter.take("a") == 1
    now[0] += 1.0
    assert limiter.take("a") == 0 and limiter.take("a") == 1
    now[0] += 3600
    assert sum(limiter.take("a") == 0 for _ in range(100)) == 60     # capped at one minute
    assert SendRateLimiter(0).take("a") == 0


def test_50_concurrent_sends_in_order_with_unique_ids(client, runtime, account, events):
    results, errors = {}, []

    def send(i):
        try:
            response = app_client.post("/accounts/mybot/message/send",
                                       json={"to": PEER, "message": f"message {i}"})
            assert response.status_code == 200, response.json
            results[i] = response.json["messageId"]
        except Exception as exc:       # noqa: BLE001 - reported below
            errors.append(exc)

    app_client = client
    threads = [threading.Thread(target=send, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and len(results) == 50
    assert len(set(results.values())) == 50
    # The network saw them in the order they were stored and published.
    out = [o["messageId"] for o in sent_log(client)]
    published = [e["messageId"] for e in events if e["event"] == "message.sent"]
    assert out == published and sorted(out) == sorted(results.values())
    stamps = [runtime.store.get_message("mybot", m)["timestamp"] for m in out]
    assert stamps == sorted(stamps)
    texts = {runtime.store.get_message("mybot", results[i])["text"] for i in range(50)}
    assert texts == {f"message {i}" for i in range(50)}
    assert runtime.store.count_messages("mybot") == 50


def test_sequential_sends_keep_request_order(client, runtime, account):
    ids = [post(client, "send", {"to": PEER, "message": str(i)}).json["messageId"]
           for i in range(20)]
    assert [o["messageId"] for o in sent_log(client)] == ids
    listed = runtime.store.list_messages("mybot", PEER, limit=100)
    assert [m["messageId"] for m in reversed(listed)] == ids


def test_send_to_second_sandbox_account_arrives(client, runtime, account, events):
    create(client, "second")
    scan(client, "second", phone="15550009999")
    second = "15550009999@s.whatsapp.net"
    message_id = post(client, "send", {"to": second, "message": "over to you"}).json["messageId"]
    received = wait_until(lambda: [e for e in events if e["event"] == "message"
                                   and e["accountId"] == "second"], message="message event")
    event = received[0]
    assert event["messageId"] == message_id and event["from"] == ME and event["chatId"] == ME
    assert event["message"] == "over to you" and event["fromMe"] is False
    msg = wait_until(lambda: runtime.store.get_message("second", message_id))
    assert msg["text"] == "over to you" and msg["fromMe"] is False
    # The reply, reaction and delete travel too.
    reply = post(client, "reply", {"to": ME, "message": "got it", "quotedMessageId": message_id},
                 account_id="second").json["messageId"]
    quoting = wait_until(lambda: runtime.store.get_message("mybot", reply))
    assert quoting["quotedMessageId"] == message_id
    assert post(client, "react", {"to": ME, "messageId": message_id, "emoji": "🎉"},
                account_id="second").status_code == 200
    wait_until(lambda: runtime.store.get_message("mybot", message_id).get("reactions")
               == {second: "🎉"}, message="reaction arrives")
    assert post(client, "delete", {"to": second, "messageId": message_id}).status_code == 200
    wait_until(lambda: runtime.store.get_message("second", message_id).get("deleted"),
               message="revoke arrives")
