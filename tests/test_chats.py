"""Chats API on both stores: listing and paging, a chat's messages, marking a chat read."""
import time

from tests.util import OWN, PEER, chats, connected_account, named, wait_event, wait_until
from wildcat.drivers.base import MESSAGE, DriverEvent

GROUP = "120363012345678901@g.us"
NOW = 1_730_700_645_123


def deliver(runtime, msgs):
    """Hand messages to the worker as the driver would; wait until all are published."""
    worker, published = runtime.supervisor.get("mybot"), set()
    unsubscribe = runtime.bus.subscribe(lambda e: published.add(e.get("messageId")))
    for msg in msgs:
        worker.on_driver_event(DriverEvent(MESSAGE, {"fromMe": False, "isGroup": False,
                                                     "type": "text", **msg}))
    try:
        wait_until(lambda: {m["messageId"] for m in msgs} <= published)
    finally:
        unsubscribe()


def text(message_id, chat, ts, sender=None, **extra):
    return {"messageId": message_id, "chatId": chat, "from": sender or chat, "timestamp": ts,
            "text": f"text of {message_id}", "isGroup": chat.endswith("@g.us"), **extra}


def messages(client, chat, query="", status=200):
    response = client.get(f"/accounts/mybot/chats/{chat}/messages{query}")
    assert response.status_code == status, response.json
    return response.json.get("messages")


def test_chats_newest_activity_first_with_reference_keys(client, runtime, account):
    peers = [f"4477009{n:05d}@s.whatsapp.net" for n in range(3)]
    deliver(runtime, [text("A", peers[0], NOW + 10, pushName="Ann"),
                      text("B", peers[1], NOW + 30), text("C", GROUP, NOW + 20, PEER),
                      text("D", peers[0], NOW + 5)])           # older: does not move peers[0]
    listed = chats(client)
    assert [c["chatId"] for c in listed] == [peers[1], GROUP, peers[0]]
    first = listed[0]
    assert list(first)[:4] == ["chatId", "name", "unreadCount", "lastMessageTime"]
    assert first["lastMessageTime"] == NOW + 30 and isinstance(first["unreadCount"], int)
    assert listed[1]["isGroup"] is True and listed[2]["isGroup"] is False
    assert listed[2]["name"] == "Ann" and listed[2]["unreadCount"] == 2
    assert listed[2]["lastMessage"]["messageId"] == "A"
    assert set(first["lastMessage"]) >= {"messageId", "from", "fromMe", "type", "text",
                                         "timestamp"}


def test_chats_paging_and_bounds(client, runtime, account):
    deliver(runtime, [text(f"M{n}", f"4477009{n:05d}@s.whatsapp.net", NOW + n)
                      for n in range(60)])
    assert len(chats(client)) == 50                             # default limit
    assert len(chats(client, "?limit=500")) == 60
    page = chats(client, "?limit=7&skip=50")
    assert [c["lastMessageTime"] for c in page] == [NOW + n for n in range(9, 2, -1)]
    assert chats(client, "?skip=60") == [] and chats(client, "?skip=1000000") == []
    assert len(chats(client, "?limit=1")) == 1
    for query in ("?limit=0", "?limit=501", "?limit=-1", "?limit=abc", "?limit=1.5",
                  "?skip=-1", "?skip=x", "?limit=", "?color=blue"):
        response = client.get(f"/accounts/mybot/chats{query}")
        assert response.status_code == 400, query
        assert response.json["ok"] is False and response.json["code"] == "validation_error"
    missing = client.get("/accounts/nope/chats")
    assert missing.status_code == 404 and missing.json["code"] == "account_not_found"


def test_chat_messages_paging_before_after(client, runtime, account):
    deliver(runtime, [text(f"P{n:03d}", PEER, NOW + n * 1000) for n in range(120)])
    deliver(runtime, [text("OTHER", "447700900999@s.whatsapp.net", NOW)])
    default = messages(client, PEER)
    assert len(default) == 50 and default[0]["messageId"] == "P119"
    assert [m["timestamp"] for m in default] == sorted((m["timestamp"] for m in default),
                                                       reverse=True)
    assert len(messages(client, PEER, "?limit=100")) == 100
    assert [m["messageId"] for m in messages(client, PEER, "?limit=3&skip=117")] == \
        ["P002", "P001", "P000"]
    assert messages(client, PEER, "?skip=120") == [] and messages(client, PEER, "?skip=5000") == []
    before = messages(client, PEER, f"?before={NOW + 5000}")
    assert [m["messageId"] for m in before] == ["P004", "P003", "P002", "P001", "P000"]
    after = messages(client, PEER, f"?after={NOW + 117000}")
    assert [m["messageId"] for m in after] == ["P119", "P118"]
    window = messages(client, PEER, f"?after={NOW + 10000}&before={NOW + 14000}&limit=2")
    assert [m["messageId"] for m in window] == ["P013", "P012"]
    assert messages(client, PEER, f"?before={NOW}") == []
    for query in ("?limit=0", "?limit=101", "?limit=x", "?skip=-3", "?before=yesterday",
                  "?after=-1", "?before=1.5", "?sort=asc"):
        body = client.get(f"/accounts/mybot/chats/{PEER}/messages{query}").json
        assert body["ok"] is False and body["code"] == "validation_error", query
    missing = client.get(f"/accounts/nope/chats/{PEER}/messages")
    assert missing.status_code == 404


def test_chat_id_spellings(client, runtime, account):
    deliver(runtime, [text("G1", GROUP, NOW, PEER), text("U1", PEER, NOW),
                      text("L1", "123-456@g.us", NOW, PEER),
                      text("N1", "120363099999@newsletter", NOW)])
    encoded = PEER.replace("@", "%40")
    assert [m["messageId"] for m in messages(client, encoded)] == ["U1"]
    assert [m["messageId"] for m in messages(client, PEER)] == ["U1"]
    assert [m["messageId"] for m in messages(client, PEER.split("@")[0])] == ["U1"]
    assert [m["messageId"] for m in messages(client, "+" + PEER.split("@")[0])] == ["U1"]
    assert [m["messageId"] for m in messages(client, GROUP.replace("@", "%40"))] == ["G1"]
    assert [m["messageId"] for m in messages(client, "123-456%40g.us")] == ["L1"]
    assert [m["messageId"] for m in messages(client, "120363099999@newsletter")] == ["N1"]
    assert messages(client, "447700900555@s.whatsapp.net") == []   # no such chat: empty
    for bad in ("hello", "%20", "@g.us", "a%3Fb@g.us"):
        body = client.get(f"/accounts/mybot/chats/{bad}/messages").json
        assert body["code"] == "validation_error", bad


def test_mark_read_resets_unread_and_sends_receipts(client, runtime, account):
    deliver(runtime, [text("R1", PEER, NOW), text("R2", PEER, NOW + 1),
                      text("MINE", PEER, NOW + 2, OWN, fromMe=True),
                      text("R3", PEER, NOW + 3)])
    assert chats(client)[0]["unreadCount"] == 3
    response = client.post(f"/accounts/mybot/chats/{PEER.replace('@', '%40')}/read")
    assert response.status_code == 200, response.json
    assert response.json == {"ok": True, "chatId": PEER, "unreadCount": 0,
                             "messageIds": ["R3", "R2", "R1"]}
    assert chats(client)[0]["unreadCount"] == 0
    sent = client.get("/sandbox/accounts/mybot/sent").json["sent"]
    assert sent == [{"type": "read", "to": PEER, "messageIds": ["R3", "R2", "R1"],
                     "sender": None}]


def test_mark_read_in_a_group_sends_one_receipt_per_sender(client, runtime, account):
    alice, bob = "447700900001@s.whatsapp.net", "447700900002@s.whatsapp.net"
    deliver(runtime, [text("G1", GROUP, NOW, alice), text("G2", GROUP, NOW + 1, bob),
                      text("G3", GROUP, NOW + 2, alice)])
    assert client.post(f"/accounts/mybot/chats/{GROUP}/read").status_code == 200
    sent = client.get("/sandbox/accounts/mybot/sent").json["sent"]
    receipts = {r["sender"]: r["messageIds"] for r in sent if r["type"] == "read"}
    assert receipts == {alice: ["G3", "G1"], bob: ["G2"]}
    assert all(r["to"] == GROUP for r in sent)


def test_mark_read_errors(client, runtime, account):
    missing = client.post(f"/accounts/mybot/chats/{PEER}/read")
    assert missing.status_code == 404 and missing.json["code"] == "chat_not_found"
    assert client.post("/accounts/nope/chats/x@g.us/read").status_code == 404
    assert client.post("/accounts/mybot/chats/hello/read").status_code == 400
    deliver(runtime, [text("R1", PEER, NOW)])
    client.post("/accounts/mybot/disconnect")
    response = client.post(f"/accounts/mybot/chats/{PEER}/read")
    assert response.status_code == 409 and response.json["code"] == "account_not_connected"
    assert chats(client)[0]["unreadCount"] == 1


def test_read_receipt_reaches_the_other_sandbox_account(client, runtime, account, events):
    connected_account(client, "other", "15550002222")
    other_jid = "15550002222@s.whatsapp.net"
    sent = client.post("/accounts/other/message/send", json={"to": OWN, "message": "hello"})
    message_id = sent.json["messageId"]
    wait_event(events, "message", accountId="mybot", messageId=message_id)
    assert client.post(f"/accounts/mybot/chats/{other_jid}/read").status_code == 200
    ack = wait_event(events, "message.ack", accountId="other")
    assert ack["messageId"] == message_id and ack["status"] == "read"
    assert runtime.store.get_message("other", message_id)["status"] == "read"
    assert not named(events, "message.ack", accountId="mybot")


def test_reference_response_shape(client, runtime, account):
    deliver(runtime, [text("S1", PEER, int(time.time() * 1000), pushName="John Doe")])
    body = client.get("/accounts/mybot/chats").json
    assert body["ok"] is True and set(body) == {"ok", "chats"}
    chat = body["chats"][0]
    assert {"chatId": PEER, "name": "John Doe", "unreadCount": 1}.items() <= chat.items()
    body = client.get(f"/accounts/mybot/chats/{PEER}/messages").json
    assert set(body) == {"ok", "messages"}
    msg = body["messages"][0]
    assert {"messageId", "from", "timestamp", "text", "type", "fromMe"} <= set(msg)
