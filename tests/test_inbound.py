"""Inbound pipeline end to end: sandbox network -> account worker -> store -> events -> API,
on both stores. Only WhatsApp's servers are simulated (the sandbox driver)."""
import threading
import time

from tests.sandboxes import GatedSandbox
from tests.util import OWN, PEER, chats, connected_account, named, wait_event, wait_until
from wildcat.drivers.base import MESSAGE, DriverEvent

GROUP = "120363012345678901@g.us"
WEBHOOK_KEYS = {"from": str, "message": str, "messageId": str, "timestamp": int,
                "accountId": str, "chatId": str, "fromMe": bool, "type": str}


def inject(client, **body):
    response = client.post("/sandbox/accounts/mybot/inbound", json=body)
    assert response.status_code == 200, response.json
    return response.json["messageId"]


def get_message(client, message_id):
    response = client.get(f"/accounts/mybot/messages/{message_id}")
    assert response.status_code == 200, response.json
    return response.json["message"]


def test_text_message_everywhere(client, account, events):
    message_id = inject(client, **{"from": PEER, "text": "Hello!", "pushName": "John Doe"})
    event = wait_event(events, "message", messageId=message_id)
    for key, kind in WEBHOOK_KEYS.items():
        assert isinstance(event[key], kind), key
    assert event["from"] == PEER and event["chatId"] == PEER and event["message"] == "Hello!"
    assert event["accountId"] == "mybot" and event["fromMe"] is False
    assert event["type"] == "text" and event["pushName"] == "John Doe"
    assert event["isGroup"] is False and event["hasMedia"] is False
    [chat] = chats(client)
    assert chat["chatId"] == PEER and chat["name"] == "John Doe" and chat["unreadCount"] == 1
    assert chat["lastMessageTime"] == event["timestamp"] and chat["isGroup"] is False
    assert chat["lastMessage"]["messageId"] == message_id
    assert chat["lastMessage"]["text"] == "Hello!"
    listed = client.get(f"/accounts/mybot/chats/{PEER}/messages").json["messages"]
    assert [m["messageId"] for m in listed] == [message_id]
    single = get_message(client, message_id)
    for msg in (listed[0], single):
        assert msg["from"] == PEER and msg["chatId"] == PEER and msg["text"] == "Hello!"
        assert msg["timestamp"] == event["timestamp"] and msg["fromMe"] is False
        assert msg["type"] == "text" and "raw" not in msg and "accountId" not in msg


def test_own_message_from_phone(client, account, events):
    message_id = inject(client, **{"from": PEER, "text": "sent on my phone", "fromMe": True})
    event = wait_event(events, "message", messageId=message_id)
    assert event["fromMe"] is True and event["from"] == OWN and event["chatId"] == PEER
    [chat] = chats(client)
    assert chat["unreadCount"] == 0 and chat["name"] is None
    assert get_message(client, message_id)["status"] == "sent"


def test_quoted_reply(client, account, events):
    first = inject(client, **{"from": PEER, "text": "question"})
    reply = inject(client, **{"from": PEER, "text": "answer", "quotedMessageId": first})
    event = wait_event(events, "message", messageId=reply)
    assert event["quotedMessageId"] == first
    assert get_message(client, reply)["quotedMessageId"] == first


def test_media_bytes_stored_and_served(client, account, events, runtime):
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    response = client.post("/sandbox/accounts/mybot/inbound", data={
        "from": PEER, "type": "image", "caption": "Check this out",
        "media": (__import__("io").BytesIO(data), "photo.png", "image/png")},
        content_type="multipart/form-data")
    message_id = response.json["messageId"]
    event = wait_event(events, "message", messageId=message_id)
    assert event["type"] == "image" and event["hasMedia"] is True and event["mediaId"]
    assert event["message"] == "Check this out" and event["mimetype"] == "image/png"
    assert event["mediaUrl"] == f"/accounts/mybot/messages/{message_id}/media"
    msg = get_message(client, message_id)
    assert msg["mediaId"] == event["mediaId"] and msg["caption"] == "Check this out"
    assert msg["fileLength"] == len(data) and "media" not in msg
    served = client.get(event["mediaUrl"])
    assert served.status_code == 200 and served.data == data
    assert chats(client)[0]["lastMessage"]["text"] == "Check this out"


def emit(runtime, msg):
    """A message as a real driver delivers it: bytes not included, fetched on demand."""
    runtime.driver.session("mybot").emit(MESSAGE, msg)


def media_msg(message_id, **extra):
    return {"messageId": message_id, "chatId": PEER, "from": PEER, "fromMe": False,
            "timestamp": int(time.time() * 1000), "type": "document", "hasMedia": True,
            "mimetype": "application/pdf", "fileName": "invoice.pdf", "text": None,
            "isGroup": False, **extra}


def test_media_downloaded_through_the_driver(client, account, events, runtime):
    runtime.driver.hold_media("DL1", b"%PDF-1.4 invoice")
    emit(runtime, media_msg("DL1", fileLength=16))
    event = wait_event(events, "message", messageId="DL1")
    assert event["mediaId"] and event["fileName"] == "invoice.pdf"
    with runtime.store.open_media(event["mediaId"]) as blob:
        assert blob.read() == b"%PDF-1.4 invoice" and blob.filename == "invoice.pdf"


def test_media_download_failure_keeps_has_media(client, account, events, runtime):
    emit(runtime, media_msg("GONE1"))                        # the network lost the file
    emit(runtime, media_msg("HUGE1", fileLength=runtime.config.max_upload_bytes + 1))
    for message_id in ("GONE1", "HUGE1"):
        event = wait_event(events, "message", messageId=message_id)
        assert event["hasMedia"] is True and event["mediaId"] is None
        assert event["mediaUrl"].endswith(f"/{message_id}/media")
        stored = runtime.store.get_message("mybot", message_id)
        assert stored["hasMedia"] is True and "mediaId" not in stored
    assert runtime.driver.held_media("HUGE1") is None
    runtime.driver.hold_media("GONE1", b"%PDF-1.4 back again")    # the network has it now
    served = client.get("/accounts/mybot/messages/GONE1/media")  # retried on demand
    assert served.status_code == 200 and served.data == b"%PDF-1.4 back again"
    assert runtime.store.get_message("mybot", "GONE1")["mediaId"]


def test_slow_download_is_published_without_media_then_attached(client, account, events,
                                                                runtime, monkeypatch):
    release = threading.Event()
    session = runtime.driver.session("mybot")
    original = session.download_media

    def slow_download(message):
        release.wait(10)
        return original(message)
    monkeypatch.setattr(session, "download_media", slow_download)
    monkeypatch.setattr(runtime.inbound.media, "wait", 0.2)
    runtime.driver.hold_media("SLOW1", b"late bytes")
    emit(runtime, media_msg("SLOW1"))
    event = wait_event(events, "message", messageId="SLOW1")
    assert event["mediaId"] is None
    release.set()
    stored = wait_until(lambda: runtime.store.get_message("mybot", "SLOW1").get("mediaId") and
                        runtime.store.get_message("mybot", "SLOW1"))
    with runtime.store.open_media(stored["mediaId"]) as blob:
        assert blob.read() == b"late bytes"


def test_reactions_attach_to_their_target(client, account, events):
    target = inject(client, **{"from": PEER, "text": "react to me"})
    inject(client, **{"from": PEER, "type": "reaction", "messageId": target, "emoji": "👍"})
    event = wait_event(events, "message.reaction", messageId=target)
    assert event["emoji"] == "👍" and event["from"] == PEER and event["chatId"] == PEER
    assert isinstance(event["timestamp"], int) and event["targetFound"] is True
    assert get_message(client, target)["reactions"] == {PEER: "👍"}
    inject(client, **{"from": PEER, "type": "reaction", "messageId": target, "emoji": "👍"})
    inject(client, **{"from": PEER, "type": "reaction", "messageId": target, "emoji": ""})
    wait_until(lambda: len(named(events, "message.reaction")) == 2)
    assert named(events, "message.reaction")[1]["emoji"] == ""   # the repeat changed nothing
    assert get_message(client, target)["reactions"] == {}
    assert [m["messageId"] for m in
            client.get(f"/accounts/mybot/chats/{PEER}/messages").json["messages"]] == [target]


def test_revoke_flags_the_target_deleted(client, account, events):
    target = inject(client, **{"from": PEER, "text": "oops"})
    for _ in range(2):
        inject(client, **{"from": PEER, "type": "revoke", "messageId": target})
    event = wait_event(events, "message.revoked", messageId=target)
    assert event["from"] == PEER and event["chatId"] == PEER
    assert get_message(client, target)["deleted"] is True
    inject(client, **{"from": PEER, "text": "after"})
    wait_until(lambda: len(named(events, "message")) == 2)
    assert len(named(events, "message.revoked")) == 1


def test_edit_replaces_the_text(client, account, events):
    target = inject(client, **{"from": PEER, "text": "teh typo"})
    inject(client, **{"from": PEER, "type": "edit", "messageId": target, "text": "the typo"})
    event = wait_event(events, "message.edited", messageId=target)
    assert event["text"] == "the typo" and event["from"] == PEER
    msg = get_message(client, target)
    assert msg["text"] == "the typo" and msg["edited"] is True


def test_effects_on_unknown_targets_are_published_once(client, runtime, account, events):
    session = runtime.driver.session("mybot")
    reaction = {"messageId": "R1", "chatId": PEER, "from": PEER, "fromMe": False,
                "timestamp": int(time.time() * 1000), "type": "reaction", "isGroup": False,
                "reaction": {"messageId": "NOT-STORED", "emoji": "❤", "from": PEER}}
    session.emit(MESSAGE, reaction)
    session.emit(MESSAGE, reaction)
    session.emit(MESSAGE, dict(reaction, messageId="X1", type="text", text="sync"))
    wait_event(events, "message", messageId="X1")
    [event] = named(events, "message.reaction")
    assert event["targetFound"] is False and event["messageId"] == "NOT-STORED"


def test_group_message(client, account, events):
    participant = "447700900123@s.whatsapp.net"
    message_id = inject(client, **{"from": participant, "chatId": GROUP, "text": "hi team",
                                   "pushName": "Alice"})
    event = wait_event(events, "message", messageId=message_id)
    assert event["from"] == participant and event["chatId"] == GROUP
    assert event["isGroup"] is True and event["pushName"] == "Alice"
    [chat] = chats(client)
    assert chat["chatId"] == GROUP and chat["isGroup"] is True
    assert chat["name"] is None and chat["unreadCount"] == 1   # a pushName is not the subject
    listed = client.get(f"/accounts/mybot/chats/{GROUP}/messages").json["messages"]
    assert listed[0]["from"] == participant and listed[0]["chatId"] == GROUP


def test_duplicate_delivery_is_stored_and_published_once(client, runtime, account, events):
    for _ in range(3):
        inject(client, **{"from": PEER, "text": "once", "messageId": "3EB0DUPLICATE"})
    inject(client, **{"from": PEER, "text": "marker", "messageId": "3EB0MARKER"})
    wait_event(events, "message", messageId="3EB0MARKER")
    assert len(named(events, "message", messageId="3EB0DUPLICATE")) == 1
    assert runtime.store.count_messages("mybot") == 2
    assert chats(client)[0]["unreadCount"] == 2


def test_duplicates_inside_one_burst(make_app):
    driver = GatedSandbox()
    app = make_app(driver=driver)
    client, runtime = app.test_client(), app.extensions["wildcat"]
    connected_account(client, "mybot", "15550001111")
    events = []
    runtime.bus.subscribe(events.append)
    worker = runtime.supervisor.get("mybot")
    msg = {"messageId": "B1", "chatId": PEER, "from": PEER, "fromMe": False, "type": "text",
           "text": "x", "timestamp": int(time.time() * 1000), "isGroup": False}
    driver.gate.clear()   # the worker thread is held in a slow send ...
    sender = threading.Thread(target=client.post, args=("/accounts/mybot/message/send",),
                              kwargs={"json": {"to": PEER, "message": "hold"}}, daemon=True)
    sender.start()
    wait_until(lambda: driver.sends_started == ["hold"])
    for message_id in ("B1", "B1", "B2", "B1"):   # ... so these queue up as one burst
        worker.on_driver_event(DriverEvent(MESSAGE, dict(msg, messageId=message_id)))
    driver.gate.set()
    sender.join(10)
    wait_event(events, "message", messageId="B2")
    assert [e["messageId"] for e in named(events, "message")] == ["B1", "B2"]
    assert runtime.store.get_chat("mybot", PEER)["unreadCount"] == 2


def test_receipts_only_move_forward(client, runtime, account, events):
    message_id = inject(client, **{"from": PEER, "text": "mine", "fromMe": True})
    wait_event(events, "message", messageId=message_id)
    for kind in ("read", "delivered", "read"):
        assert client.post("/sandbox/accounts/mybot/receipt",
                           json={"messageId": message_id, "type": kind}).status_code == 200
    marker = inject(client, **{"from": PEER, "text": "marker"})
    wait_event(events, "message", messageId=marker)
    [ack] = named(events, "message.ack")
    assert ack["messageId"] == message_id and ack["status"] == "read"
    assert ack["chatId"] == PEER and isinstance(ack["timestamp"], int)
    assert get_message(client, message_id)["status"] == "read"


def test_own_read_on_another_device_resets_unread(client, runtime, account, events):
    first = inject(client, **{"from": PEER, "text": "one"})
    inject(client, **{"from": PEER, "text": "two"})
    wait_until(lambda: chats(client) and chats(client)[0]["unreadCount"] == 2)
    runtime.driver.session("mybot").receipt({"chatId": PEER, "messageIds": [first],
                                             "type": "read", "self": True, "timestamp": 1})
    wait_until(lambda: chats(client)[0]["unreadCount"] == 0)
    assert not named(events, "message.ack")
    assert get_message(client, first)["status"] == "received"


def sized(store_kind, count):
    """mongomock checks unique indexes by scanning (quadratic inserts); real MongoDB and
    SQLite don't, so the big batches run at full size on SQLite only."""
    return count if store_kind == "sqlite" else 500


def test_burst_keeps_per_chat_order(runtime, account, events, store_kind):
    worker, now, total = runtime.supervisor.get("mybot"), int(time.time() * 1000), \
        sized(store_kind, 5000)
    peers = [f"4477009{n:05d}@s.whatsapp.net" for n in range(5)]
    sent = [{"messageId": f"O{i:05d}", "chatId": peers[i % 5], "from": peers[i % 5],
             "fromMe": False, "type": "text", "text": str(i), "timestamp": now + i // 7,
             "isGroup": False} for i in range(total)]
    for msg in sent:
        worker.on_driver_event(DriverEvent(MESSAGE, msg))
    wait_until(lambda: len(named(events, "message")) == total, timeout=60, interval=0.1)
    assert runtime.store.count_messages("mybot") == total
    for peer in peers:
        expected = [m["messageId"] for m in sent if m["chatId"] == peer]
        assert [e["messageId"] for e in named(events, "message", chatId=peer)] == expected
        assert runtime.store.get_chat("mybot", peer)["unreadCount"] == total // 5
        assert runtime.store.get_chat("mybot", peer)["lastMessage"]["messageId"] == expected[-1]


def test_malformed_messages_do_not_stop_the_worker(runtime, account, events):
    session = runtime.driver.session("mybot")
    session.emit(MESSAGE, {"messageId": "bad", "chatId": PEER})          # no timestamp
    session.emit(MESSAGE, {"messageId": "good", "chatId": PEER, "from": PEER,
                           "timestamp": int(time.time() * 1000), "text": "fine"})
    wait_event(events, "message", messageId="good")
    assert runtime.store.get_message("mybot", "bad") is None


def history_batch(count, chats=50, start=1_700_000_000_000):
    peers = [f"3361234{n:05d}@s.whatsapp.net" for n in range(chats - 1)] + [GROUP]
    messages = [{"from": peers[i % chats] if peers[i % chats] != GROUP else PEER,
                 "chatId": peers[i % chats], "messageId": f"H{i:06d}", "text": f"old {i}",
                 "timestamp": start + i, "fromMe": i % 10 == 0} for i in range(count)]
    listed = [{"chatId": peer, "name": f"Contact {n}", "unreadCount": n % 3}
              for n, peer in enumerate(peers)]
    listed[-1]["name"] = "Project Team"
    return {"syncType": "INITIAL_BOOTSTRAP", "chats": listed, "messages": messages}


def test_history_batch_imported_once_with_one_summary(client, runtime, account, events,
                                                      store_kind):
    count = sized(store_kind, 10_000)
    batch = history_batch(count)
    response = client.post("/sandbox/accounts/mybot/history", json=batch)
    assert response.status_code == 200 and response.json["messages"] == count
    # How fast is bench/bench_inbound.py's question; here only that it finishes.
    summary = wait_until(lambda: named(events, "history.sync"), timeout=60)[0]
    assert summary["messages"] == count and summary["inserted"] == count
    assert summary["chats"] == 50 and summary["syncType"] == "INITIAL_BOOTSTRAP"
    assert isinstance(summary["timestamp"], int) and summary["accountId"] == "mybot"
    assert not named(events, "message")
    assert runtime.store.count_messages("mybot") == count
    listed = chats(client, "?limit=500")
    assert len(listed) == 50
    team = next(c for c in listed if c["chatId"] == GROUP)
    assert team["name"] == "Project Team" and team["isGroup"] is True
    assert team["unreadCount"] == 49 % 3
    newest = batch["messages"][-1]
    assert listed[0]["chatId"] == newest["chatId"]
    assert listed[0]["lastMessageTime"] == newest["timestamp"]
    assert listed[0]["lastMessage"]["messageId"] == newest["messageId"]
    msgs = client.get(f"/accounts/mybot/chats/{GROUP}/messages?limit=2").json["messages"]
    assert [m["messageId"] for m in msgs] == [f"H{count - 1:06d}", f"H{count - 51:06d}"]
    # The same batch again (history overlap): nothing new, still exactly one summary.
    client.post("/sandbox/accounts/mybot/history", json=batch)
    wait_until(lambda: len(named(events, "history.sync")) == 2, timeout=60)
    again = named(events, "history.sync")[1]
    assert again["inserted"] == 0 and again["duplicates"] == count
    assert runtime.store.count_messages("mybot") == count and not named(events, "message")


def test_live_message_already_in_history_is_not_published(client, runtime, account, events):
    client.post("/sandbox/accounts/mybot/history", json={"messages": [
        {"from": PEER, "text": "seen before", "messageId": "3EB0OVERLAP", "timestamp": 5}]})
    wait_event(events, "history.sync")
    inject(client, **{"from": PEER, "text": "seen before", "messageId": "3EB0OVERLAP"})
    marker = inject(client, **{"from": PEER, "text": "new"})
    wait_event(events, "message", messageId=marker)
    assert not named(events, "message", messageId="3EB0OVERLAP")
    assert chats(client)[0]["unreadCount"] == 1


def test_history_validation(client, account):
    for body in ({"messages": [{"text": "no sender"}]}, {"messages": "nope"},
                 {"chats": [{"chatId": "not a jid"}]}, {"unknown": 1}):
        response = client.post("/sandbox/accounts/mybot/history", json=body)
        assert response.status_code == 400, body


def test_full_queue_blocks_the_driver_until_a_burst_is_taken(config, runtime):
    """Back-pressure: the driver's callback blocks on a full queue; draining a burst
    (take_events) wakes it. The worker thread is not started, so the test drives it."""
    from workers.account_worker import AccountWorker
    worker = AccountWorker("bp", store=runtime.store, driver=runtime.driver, events=runtime.events,
                           config=config, owner="test", queue_size=4)
    for n in range(4):
        worker.on_driver_event(DriverEvent(MESSAGE, {"n": n}))
    producer = threading.Thread(target=worker.on_driver_event,
                                args=(DriverEvent(MESSAGE, {"n": 4}),), daemon=True)
    producer.start()
    producer.join(0.3)
    assert producer.is_alive()                      # blocked: the queue is full
    taken = worker.take_events(MESSAGE, 3)
    assert [e.data["n"] for e in taken] == [0, 1, 2]
    producer.join(5)
    assert not producer.is_alive()
    assert [e.data["n"] for e in worker.take_events(MESSAGE, 10)] == [3, 4]
    for kind in (MESSAGE, "receipt", MESSAGE):      # a burst never jumps over other events
        worker.on_driver_event(DriverEvent(kind, {}))
    assert len(worker.take_events(MESSAGE, 10)) == 1 and worker.take_events(MESSAGE, 10) == []


def test_store_outage_holds_inbound_until_it_recovers(client, runtime, monkeypatch):
    """A store failure while a message arrives: retried, then stored and published once."""
    from wildcat.store.base import StoreError
    from tests.util import wait_until

    connected_account(client, "outage")
    events = []
    runtime.bus.subscribe(lambda e: e["event"] == "message" and events.append(e))
    real_insert = runtime.store.insert_messages
    failures = []

    def flaky(account_id, msgs):
        if len(failures) < 2:
            failures.append(1)
            raise StoreError("store unreachable")
        return real_insert(account_id, msgs)

    monkeypatch.setattr(runtime.store, "insert_messages", flaky)
    reply = client.post("/sandbox/accounts/outage/inbound",
                        json={"from": "15550009999@s.whatsapp.net", "text": "during outage"})
    message_id = reply.json["messageId"]
    wait_until(lambda: runtime.store.get_message("outage", message_id), timeout=15,
               message="message stored after the outage")
    wait_until(lambda: len(events) == 1)
    assert len(failures) == 2 and events[0]["messageId"] == message_id
