"""Webhooks: registration API, the delivery contract and retry policy, with real local
HTTP receivers (tests/receiver.py) and the real dispatcher on real stores."""
import hashlib
import hmac
import time

import pytest

from tests.receiver import BlackHole, Receiver
from tests.util import free_port, make_store, test_config, wait_until
from wildcat.config import ConfigError, load_config
from wildcat.domain import make_event
from wildcat.factory import create_app
from wildcat.netguard import AddressBlocked, check_host, is_blocked_ip
from wildcat.services.message_shapes import message_event
from workers.webhook_sender import parse_retry_after

REFERENCE_TYPES = {"from": str, "message": str, "messageId": str, "timestamp": int,
                   "accountId": str, "chatId": str, "fromMe": bool, "type": str}


# The signature check exactly as the README tells consumers to write it.
def verify_wildcat_signature(secret: str, headers: dict, body: bytes, tolerance_s=300) -> bool:
    """True when the request really comes from WILDCAT with your secret (and is fresh)."""
    timestamp = headers.get("X-Wildcat-Timestamp", "")
    signature = headers.get("X-Wildcat-Signature", "")
    if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > tolerance_s * 1000:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@pytest.fixture
def receivers():
    started = []

    def make(respond=None, port=None):
        started.append(Receiver(respond, port).start())
        return started[-1]
    yield make
    for receiver in started:
        receiver.stop()


def register(client, url, status=201, **extra):
    response = client.post("/webhooks", json={"url": url, **extra})
    assert response.status_code == status, response.json
    return response.json


def deliveries(client, webhook_id, **query):
    response = client.get(f"/webhooks/{webhook_id}/deliveries", query_string=query)
    assert response.status_code == 200, response.json
    return response.json["deliveries"]


def one_delivery(client, webhook_id, **wanted):
    """Wait until the webhook's only delivery has the wanted fields; return it."""
    def check():
        found = deliveries(client, webhook_id)
        return found and all(found[0].get(k) == v for k, v in wanted.items()) and found[0]
    return wait_until(check, 10, message=f"delivery with {wanted}")


def publish(app, name="qr", account_id="acc1", **fields):
    event = make_event(name, account_id, **fields)
    app.extensions["wildcat"].events.emit(event)
    return event


def sample_message():
    return {"messageId": "3EB0123ABCD456EF", "chatId": "919876543210@s.whatsapp.net",
            "from": "919876543210@s.whatsapp.net", "timestamp": 1730700645123,
            "text": "Hello!", "fromMe": False, "type": "text", "pushName": "Ana"}


# -- registration ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_registration_as_the_reference(make_app, kind):
    client = make_app(kind).test_client()
    url = "https://your-app.com/whatsapp-webhook"
    body = register(client, url)
    assert {k: body[k] for k in ("ok", "url", "created")} == {"ok": True, "url": url,
                                                              "created": True}
    assert body["webhook"] == {"id": body["id"], "url": url, "accountId": None,
                               "events": ["message"], "hasSecret": False, "enabled": True,
                               "createdAt": body["webhook"]["createdAt"], "updatedAt": None}
    again = register(client, url, status=200)
    assert again["created"] is False and again["id"] == body["id"] and again["url"] == url
    listed = client.get("/webhooks").json["webhooks"]
    assert [w["id"] for w in listed] == [body["id"]]
    assert client.delete(f"/webhooks/{body['id']}").json == {"ok": True, "id": body["id"],
                                                             "deleted": True}
    assert client.delete(f"/webhooks/{body['id']}").status_code == 404
    assert client.get(f"/webhooks/{body['id']}/deliveries").json["code"] == "webhook_not_found"


@pytest.mark.parametrize("bad", ["ftp://x.com/h", "not a url", "http://", "https:///path",
                                 "http://exa mple.com/", "//host/path", "http://h:99999/", "",
                                 123, None, {"$gt": ""}, ["http://x.com"]])
def test_invalid_url_is_400(make_app, bad):
    response = make_app().test_client().post("/webhooks", json={"url": bad})
    assert response.status_code == 400
    assert response.json["ok"] is False and response.json["code"] == "validation_error"


def test_registration_options(make_app):
    client = make_app().test_client()
    assert client.post("/accounts", json={"id": "acc1"}).status_code == 201
    scoped = register(client, "http://example.com/a", accountId="acc1",
                      events=["message", "connection.update"], secret="s3cret-value")
    assert scoped["webhook"]["accountId"] == "acc1" and scoped["webhook"]["hasSecret"] is True
    assert "secret" not in scoped["webhook"] and "s3cret-value" not in str(scoped)
    assert scoped["webhook"]["events"] == ["message", "connection.update"]
    assert register(client, "http://example.com/a")["created"] is True   # global: another
    assert register(client, "http://example.com/b", events=["*"])["webhook"]["events"] == ["*"]
    assert client.post("/webhooks", json={"url": "http://example.com/c",
                                          "accountId": "nope"}).status_code == 404
    for bad in ({"events": ["message", "bogus"]}, {"events": []}, {"events": "message"},
                {"events": ["qr", "qr"]}, {"secret": "short"}, {"accountId": "a b"},
                {"extra": 1}):
        response = client.post("/webhooks", json={"url": "http://example.com/d", **bad})
        assert response.status_code == 400, bad
    ids = [w["id"] for w in client.get("/webhooks?accountId=acc1").json["webhooks"]]
    assert scoped["id"] in ids and len(ids) == 3
    assert client.post("/webhooks", data="x").status_code == 400


def test_default_secret_from_config(make_app):
    client = make_app(webhook_secret="server-wide-secret").test_client()
    assert register(client, "http://example.com/a")["webhook"]["hasSecret"] is True


# -- the delivery contract -----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_message_payload_field_by_field(make_app, receivers, kind):
    app = make_app(kind)
    client, receiver = app.test_client(), receivers()
    hook = register(client, receiver.url)
    app.extensions["wildcat"].events.emit(message_event("message", "mybot", sample_message()))
    request = receiver.wait_for(1)[0]
    body = request.json
    for key, kind_ in REFERENCE_TYPES.items():
        assert isinstance(body[key], kind_), key
    assert {k: body[k] for k in REFERENCE_TYPES} == {
        "from": "919876543210@s.whatsapp.net", "message": "Hello!",
        "messageId": "3EB0123ABCD456EF", "timestamp": 1730700645123, "accountId": "mybot",
        "chatId": "919876543210@s.whatsapp.net", "fromMe": False, "type": "text"}
    assert body["event"] == "message" and body["text"] == "Hello!" and body["pushName"] == "Ana"
    assert body["hasMedia"] is False and body["isGroup"] is False
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Wildcat-Event"] == "message"
    assert request.headers["X-Wildcat-Timestamp"].isdigit()
    assert "X-Wildcat-Signature" not in request.headers
    delivery = one_delivery(client, hook["id"], status="delivered")
    assert request.headers["X-Wildcat-Delivery"] == delivery["id"]
    assert delivery["attempts"] == 1 and delivery["lastStatusCode"] == 200
    assert delivery["payload"] == body and delivery["event"] == "message"
    image = dict(sample_message(), messageId="3EB0IMAGE", type="image", text=None,
                 hasMedia=True, mimetype="image/jpeg")
    app.extensions["wildcat"].events.emit(message_event("message", "mybot", image))
    media = receiver.wait_for(2)[1].json
    for key, kind_ in REFERENCE_TYPES.items():
        assert isinstance(media[key], kind_), key
    assert media["message"] == "" and media["type"] == "image" and media["hasMedia"] is True
    assert media["mediaUrl"] == "/accounts/mybot/messages/3EB0IMAGE/media"


def test_events_filters(make_app, receivers):
    app = make_app()
    client = app.test_client()
    assert client.post("/accounts", json={"id": "acc1"}).status_code == 201
    default, everything, scoped = receivers(), receivers(), receivers()
    register(client, default.url)
    register(client, everything.url, events=["*"])
    register(client, scoped.url, accountId="acc1", events=["message", "qr"])
    app.extensions["wildcat"].events.emit(message_event("message", "acc1", sample_message()))
    app.extensions["wildcat"].events.emit(message_event("message", "acc2", sample_message()))
    publish(app, "message.sent", "acc1")
    publish(app, "qr", "acc2", qr="2@x")
    publish(app, "qr", "acc1", qr="2@y")

    def ours(receiver):      # leave out the sandbox's own events for acc1
        return sorted((r.json["event"], r.json["accountId"]) for r in receiver.requests
                      if r.json["event"] != "connection.update"
                      and r.json.get("qr", "2@x") in ("2@x", "2@y"))
    wait_until(lambda: len(ours(everything)) == 5 and len(ours(default)) == 2
               and len(ours(scoped)) == 2, message="the filtered deliveries")
    assert ours(default) == [("message", "acc1"), ("message", "acc2")]
    assert ours(scoped) == [("message", "acc1"), ("qr", "acc1")]
    assert ours(everything) == [("message", "acc1"), ("message", "acc2"),
                                ("message.sent", "acc1"), ("qr", "acc1"), ("qr", "acc2")]
    assert all(r.json["accountId"] == "acc1" for r in scoped.requests)
    assert {r.json["event"] for r in default.requests} == {"message"}


def test_signature_verifies_as_the_readme_says(make_app, receivers):
    app = make_app(webhook_secret="server-default-secret")
    client, own, default = app.test_client(), receivers(), receivers()
    register(client, own.url, events=["qr"], secret="whsec-0123456789")
    register(client, default.url, events=["qr"])
    publish(app, "qr", qr="2@ünïcode,✓")
    for receiver, secret in ((own, "whsec-0123456789"), (default, "server-default-secret")):
        request = receiver.wait_for(1)[0]
        assert request.headers["X-Wildcat-Signature"].startswith("sha256=")
        assert verify_wildcat_signature(secret, request.headers, request.body)
        assert not verify_wildcat_signature("wrong-secret", request.headers, request.body)
        assert not verify_wildcat_signature(secret, request.headers, request.body + b" ")
        stale = dict(request.headers, **{"X-Wildcat-Timestamp": "1000"})
        assert not verify_wildcat_signature(secret, stale, request.body)
        assert request.json["qr"] == "2@ünïcode,✓"


# -- retries -------------------------------------------------------------------------------
def test_retries_on_500_until_delivered(make_app, receivers):
    app = make_app()
    client = app.test_client()
    receiver = receivers(lambda r, n: (500, {}, b"boom") if n <= 2 else (200, {}, b"ok"))
    hook = register(client, receiver.url, events=["qr"])
    publish(app, qr="x")
    delivery = one_delivery(client, hook["id"], status="delivered")
    requests_ = receiver.requests
    assert delivery["attempts"] == 3 and delivery["lastStatusCode"] == 200
    assert len(requests_) == 3 and len({r.delivery_id for r in requests_}) == 1
    assert [r.headers["X-Wildcat-Attempt"] for r in requests_] == ["1", "2", "3"]
    assert requests_[0].body == requests_[2].body


def test_retries_on_timeout(make_app, receivers):
    app = make_app(webhook_timeout=0.5)
    client = app.test_client()
    receiver = receivers(lambda r, n: 1.5 if n == 1 else (200, {}, b"ok"))
    hook = register(client, receiver.url, events=["qr"])
    publish(app, qr="x")
    delivery = one_delivery(client, hook["id"], status="delivered")
    assert delivery["attempts"] == 2 and len(receiver.delivery_ids()) == 1


def test_retries_on_connection_refused_until_the_endpoint_is_up(make_app, receivers):
    app = make_app(webhook_max_attempts=100)
    client = app.test_client()
    port = free_port()
    hook = register(client, f"http://127.0.0.1:{port}/hook", events=["qr"])
    publish(app, qr="x")
    pending = one_delivery(client, hook["id"], status="pending")
    wait_until(lambda: deliveries(client, hook["id"])[0]["attempts"] >= 2)
    pending = deliveries(client, hook["id"])[0]
    assert "connection" in pending["lastError"] and pending["nextAttemptAt"] is not None
    receiver = receivers(port=port)
    delivery = one_delivery(client, hook["id"], status="delivered")
    assert receiver.delivery_ids() == {delivery["id"]} and delivery["attempts"] >= 3


def test_other_4xx_and_redirects_fail_at_once(make_app, receivers):
    app = make_app()
    client = app.test_client()
    target = receivers()
    bad = receivers(lambda r, n: (400, {}, b'{"error":"nope"}'))
    moved = receivers(lambda r, n: (301, {"Location": target.url}, b""))
    hook_bad = register(client, bad.url, events=["qr"])
    hook_moved = register(client, moved.url, events=["qr"])
    publish(app, qr="x")
    failed = one_delivery(client, hook_bad["id"], status="failed")
    assert failed["attempts"] == 1 and failed["lastStatusCode"] == 400
    assert failed["lastError"] == 'HTTP 400: {"error":"nope"}' and failed["nextAttemptAt"] is None
    redirected = one_delivery(client, hook_moved["id"], status="failed")
    assert redirected["attempts"] == 1 and redirected["lastStatusCode"] == 301
    assert "not followed" in redirected["lastError"]
    assert len(bad.requests) == 1 and len(moved.requests) == 1 and target.requests == []
    assert deliveries(client, hook_bad["id"], status="failed")[0]["id"] == failed["id"]


def test_gives_up_after_the_last_attempt(make_app, receivers):
    app = make_app(webhook_max_attempts=3)
    client = app.test_client()
    receiver = receivers(lambda r, n: (503, {}, b""))
    hook = register(client, receiver.url, events=["qr"])
    publish(app, qr="x")
    delivery = one_delivery(client, hook["id"], status="failed")
    assert delivery["attempts"] == 3 and delivery["lastStatusCode"] == 503
    assert len(receiver.requests) == 3


def test_retry_after_is_honoured(make_app, receivers):
    app = make_app()
    client = app.test_client()
    receiver = receivers(lambda r, n: (429, {"Retry-After": "1"}, b"") if n == 1
                         else (200, {}, b"ok"))
    hook = register(client, receiver.url, events=["qr"])
    publish(app, qr="x")
    one_delivery(client, hook["id"], status="delivered")
    first, second = receiver.requests
    assert second.at - first.at >= 0.95     # the configured backoff alone would be ~0.05s


def test_parse_retry_after():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    now = 1_700_000_000.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:40 GMT", now=now) == pytest.approx(20.0)
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:00 GMT", now=now) == 0.0


def test_slow_and_dead_endpoints_do_not_delay_a_healthy_one(make_app, receivers):
    """Hung (accepts, never answers), slow (answers after 1.5s) and refused endpoints each
    get a backlog; the healthy endpoint still gets every event well within one timeout."""
    # A 10 s timeout: if the healthy deliveries queued behind the hung one, they would arrive
    # after it; without that, they take well under a second (5 s of room for a busy CI).
    app = make_app(webhook_timeout=10.0, webhook_max_attempts=100)
    client = app.test_client()
    hole, slow, healthy = BlackHole(), receivers(lambda r, n: 1.5), receivers()
    try:
        for url in (hole.url, slow.url, f"http://127.0.0.1:{free_port()}/x", healthy.url):
            register(client, url, events=["qr"])
        started = time.monotonic()
        for i in range(40):
            publish(app, qr=f"code-{i}")
        healthy.wait_for(40, timeout=20)
        assert healthy.requests[-1].at - started < 5        # the hung one's timeout: 10 s
        assert len(healthy.delivery_ids()) == 40
        assert len(slow.requests) <= 4        # the slow endpoint never took the pool
    finally:
        hole.close()


# -- redelivery and the delivery log -------------------------------------------------------
@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_redeliver(make_app, receivers, kind):
    app = make_app(kind)
    client = app.test_client()
    answers = {"status": 400}
    receiver = receivers(lambda r, n: (answers["status"], {}, b""))
    hook = register(client, receiver.url, events=["qr"])
    publish(app, qr="x")
    failed = one_delivery(client, hook["id"], status="failed")
    answers["status"] = 200
    response = client.post(f"/webhooks/deliveries/{failed['id']}/redeliver")
    assert response.status_code == 200, response.json
    assert response.json["delivery"]["status"] == "pending"
    assert response.json["delivery"]["attempts"] == 0
    delivered = one_delivery(client, hook["id"], status="delivered")
    assert delivered["attempts"] == 1 and delivered["redeliveries"] == 1
    assert receiver.delivery_ids() == {failed["id"]} and len(receiver.requests) == 2
    missing = client.post("/webhooks/deliveries/nope/redeliver")
    assert missing.status_code == 404 and missing.json["code"] == "delivery_not_found"


def test_deleting_a_webhook_drops_its_backlog(make_app):
    app = make_app(webhook_max_attempts=100)
    client, dispatcher = app.test_client(), app.extensions["wildcat"].dispatcher
    hook = register(client, f"http://127.0.0.1:{free_port()}/hook", events=["qr"])
    for i in range(5):
        publish(app, qr=str(i))
    wait_until(lambda: len(deliveries(client, hook["id"], status="pending")) == 5)
    wait_until(lambda: dispatcher.snapshot()["lanes"] == 1)
    assert client.delete(f"/webhooks/{hook['id']}").status_code == 200
    wait_until(lambda: dispatcher.snapshot()["lanes"] == 0, message="its lane dropped")
    assert app.extensions["wildcat"].store.count_deliveries().get("pending", 0) == 0


def test_delivery_log_is_paginated_and_filtered(make_app, receivers):
    app = make_app()
    client = app.test_client()
    receiver = receivers()
    hook = register(client, receiver.url, events=["qr"])
    for i in range(3):
        publish(app, qr=str(i))
    receiver.wait_for(3)
    wait_until(lambda: len(deliveries(client, hook["id"], status="delivered")) == 3)
    assert len(deliveries(client, hook["id"], limit=2)) == 2
    assert len(deliveries(client, hook["id"], limit=2, skip=2)) == 1
    assert deliveries(client, hook["id"], status="failed") == []
    for bad in ({"status": "bogus"}, {"limit": 0}, {"limit": "x"}, {"skip": -1}, {"x": 1}):
        response = client.get(f"/webhooks/{hook['id']}/deliveries", query_string=bad)
        assert response.status_code == 400, bad


def test_fan_out_is_one_store_write_per_event(make_app, receivers):
    """The webhook list is cached: publishing costs one store call (the event with its two
    deliveries), no webhook query."""
    app = make_app()
    runtime = app.extensions["wildcat"]
    client = app.test_client()
    register(client, receivers().url, events=["qr"])
    register(client, receivers().url, events=["*"])
    publish(app, qr="warm-up")
    calls = {"list": 0, "append": 0, "create": 0}
    store = runtime.store
    originals = store.list_webhooks, store.append_event, store.create_deliveries

    def counting_list(*a, **kw):
        calls["list"] += 1
        return originals[0](*a, **kw)

    def counting_append(event, at_ms, deliveries=()):
        calls["append"] += 1
        assert len(deliveries) == 2
        return originals[1](event, at_ms, deliveries)

    def counting_create(docs):
        calls["create"] += 1
        return originals[2](docs)
    store.list_webhooks, store.append_event, store.create_deliveries = \
        counting_list, counting_append, counting_create
    try:
        for i in range(50):
            publish(app, qr=str(i))
    finally:
        store.list_webhooks, store.append_event, store.create_deliveries = originals
    assert calls == {"list": 0, "append": 50, "create": 0}


# -- the private-address guard -------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "http://localhost:8080/x", "http://127.0.0.1/", "http://10.1.2.3/", "http://192.168.0.1/",
    "http://172.16.5.5/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://[fd00:ec2::254]/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/",
    "http://100.64.0.1/", "http://2130706433/"])
def test_private_addresses_refused_at_registration(make_app, url):
    client = make_app(webhook_block_private=True).test_client()
    response = client.post("/webhooks", json={"url": url})
    assert response.status_code == 400 and response.json["code"] == "webhook_url_blocked"


def test_public_address_allowed_and_guard_off_by_default(make_app):
    guarded = make_app(webhook_block_private=True).test_client()
    assert register(guarded, "http://93.184.215.14/hook")["created"] is True
    assert register(make_app().test_client(), "http://localhost:1/hook")["created"] is True


def test_private_address_refused_at_delivery_time(make_app, receivers):
    """A webhook stored before the guard was on (or a name that now resolves to a private
    address) fails at delivery, at once, without a request reaching the address."""
    app = make_app(webhook_block_private=True)
    runtime, client = app.extensions["wildcat"], app.test_client()
    receiver = receivers()
    runtime.store.create_webhook({"_id": "old", "url": f"http://localhost:{receiver.port}/h",
                                  "events": ["qr"], "createdAt": "2024-01-01T00:00:00Z"})
    runtime.dispatcher.webhooks_changed()
    publish(app, qr="x")
    delivery = one_delivery(client, "old", status="failed")
    assert delivery["attempts"] == 1 and delivery["lastError"].startswith("webhook_url_blocked")
    assert receiver.requests == []


def test_netguard_classification():
    for ip in ("127.0.0.1", "10.0.0.1", "169.254.169.254", "fd00:ec2::254", "::1", "0.0.0.0",
               "::ffff:10.0.0.1", "224.0.0.1", "fe80::1%eth0", "100.64.1.1"):
        assert is_blocked_ip(ip), ip
    for ip in ("93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"):
        assert not is_blocked_ip(ip), ip
    with pytest.raises(AddressBlocked):
        check_host("localhost")
    check_host("no-such-host.invalid")      # unresolvable now: checked again at connect


def test_config_variables():
    cfg = load_config({"WILDCAT_WEBHOOK_POLL_INTERVAL": "0.5"})
    assert cfg.webhook_poll_interval == 0.5
    assert load_config({}).webhook_poll_interval == 5.0
    for bad in ("0", "-1", "soon"):
        with pytest.raises(ConfigError, match="WILDCAT_WEBHOOK_POLL_INTERVAL"):
            load_config({"WILDCAT_WEBHOOK_POLL_INTERVAL": bad})
    assert load_config({}).webhook_retention_days == 7.0
    assert load_config({"WILDCAT_WEBHOOK_RETENTION_DAYS": "0"}).webhook_retention_days == 0
    with pytest.raises(ConfigError, match="WILDCAT_WEBHOOK_RETENTION_DAYS"):
        load_config({"WILDCAT_WEBHOOK_RETENTION_DAYS": "week"})


def test_finished_deliveries_expire(tmp_path):
    store = make_store("sqlite", tmp_path)
    store.create_webhook({"_id": "w1", "url": "http://127.0.0.1:9/x", "events": ["qr"],
                          "createdAt": "2020-01-01T00:00:00.000Z"})
    old = "2020-01-01T00:00:00.000Z"
    store.create_deliveries([
        {"_id": name, "webhookId": "w1", "accountId": None, "event": "qr", "payload": {},
         "status": status, "attempts": 1, "nextAttemptAt": 10**15, "createdAt": created}
        for name, status, created in [("old-done", "delivered", old), ("old-failed", "failed", old),
                                      ("old-waiting", "pending", old),
                                      ("fresh-done", "delivered", "2999-01-01T00:00:00.000Z")]])
    app = create_app(test_config(tmp_path, webhook_retention_days=7), store=store)
    app.extensions["wildcat"].start()
    try:
        wait_until(lambda: store.get_delivery("old-done") is None, message="expired")
        assert store.get_delivery("old-failed") is None
        assert store.get_delivery("old-waiting") is not None
        assert store.get_delivery("fresh-done") is not None
    finally:
        app.extensions["wildcat"].stop(timeout=10)


def test_sandbox_inbound_message_reaches_the_webhook(make_app, receivers):
    """End to end through the inbound pipeline."""
    app = make_app()
    client, receiver = app.test_client(), receivers()
    register(client, receiver.url)
    assert client.post("/accounts", json={"id": "mybot"}).status_code == 201
    wait_until(lambda: client.get("/accounts/mybot").json["account"]["hasQR"])
    assert client.post("/sandbox/accounts/mybot/scan",
                       json={"phone": "15550001111"}).status_code == 200
    wait_until(lambda: client.get("/accounts/mybot/status").json["status"] == "connected")
    sent = client.post("/sandbox/accounts/mybot/inbound",
                       json={"from": "919876543210", "text": "Hello!", "pushName": "Ana"})
    assert sent.status_code == 200, sent.json
    body = receiver.wait_for(1)[0].json
    for key, kind_ in REFERENCE_TYPES.items():
        assert isinstance(body[key], kind_), key
    assert body["event"] == "message" and body["message"] == "Hello!"
    assert body["messageId"] == sent.json["messageId"] and body["accountId"] == "mybot"
    assert body["from"] == body["chatId"] == "919876543210@s.whatsapp.net"
    assert body["fromMe"] is False and body["type"] == "text"


def test_store_outage_at_fan_out_does_not_lose_the_event(make_app, receivers, monkeypatch):
    """The store refuses the event and its delivery rows for a moment: they are written
    once it is back, once."""
    from wildcat.store.base import StoreError

    app = make_app()
    client = app.test_client()
    receiver = receivers(lambda r, n: (200, {}, b"ok"))
    hook = register(client, receiver.url, events=["qr"])
    store = app.extensions["wildcat"].store
    real_append = store.append_event
    refused = []

    def flaky(event, at_ms, deliveries=()):
        if len(refused) < 2:
            refused.append(len(deliveries))
            raise StoreError("store unreachable")
        return real_append(event, at_ms, deliveries)

    monkeypatch.setattr(store, "append_event", flaky)
    publish(app, qr="during-outage")
    delivery = one_delivery(client, hook["id"], status="delivered")
    assert refused == [1, 1]
    assert delivery["payload"]["qr"] == "during-outage"
    wait_until(lambda: len(receiver.requests) == 1)
    logged = [e for e in store.read_events(0, 100) if e.get("qr") == "during-outage"]
    assert len(logged) == 1 and delivery["payload"]["cursor"] == logged[0]["cursor"]


def test_webhook_lanes_are_spread_over_instances_each_delivery_once(tmp_path, receivers):
    """Four webhooks, two instances on one store: each sends for two, every delivery once."""
    receiver = receivers(lambda r, n: (200, {}, b"ok"))
    apps = []
    for name in ("first", "second"):
        config = test_config(tmp_path / name, webhook_poll_interval=0.2, lease_ttl=1.5)
        app = create_app(config, store=make_store("sqlite", tmp_path))
        app.extensions["wildcat"].start()
        apps.append(app)
    try:
        for n in range(4):
            register(apps[0].test_client(), f"{receiver.url}/{n}", events=["qr"])
        dispatchers = [a.extensions["wildcat"].dispatcher for a in apps]
        for d in dispatchers:
            d.webhooks_changed()
        wait_until(lambda: [d.snapshot()["lanesHeld"] for d in dispatchers] == [2, 2],
                   timeout=20, message="two lanes each")
        for i in range(10):
            publish(apps[i % 2], qr=f"spread-{i}")
        wait_until(lambda: len(receiver.requests) >= 40, timeout=20)
        ids = [r.delivery_id for r in receiver.requests]
        assert len(ids) == len(set(ids)) == 40
        # Both did part of the work (a lane may change hands once under a busy CI's load, so
        # not exactly half each), and together every delivery exactly once.
        wait_until(lambda: sum(d.stats["delivered"] for d in dispatchers) == 40,
                   message="every delivery recorded as delivered")
        assert all(d.stats["delivered"] > 0 for d in dispatchers)
    finally:
        for app in apps:
            app.extensions["wildcat"].stop(timeout=10)


def test_two_instances_on_one_store_send_each_delivery_once(tmp_path, receivers):
    """A deploy overlap: both servers fan out, only the holder of the webhook's lane sends."""
    receiver = receivers(lambda r, n: (200, {}, b"ok"))
    apps = []
    for name in ("first", "second"):
        config = test_config(tmp_path / name, webhook_poll_interval=0.2, lease_ttl=1.5)
        app = create_app(config, store=make_store("sqlite", tmp_path))  # the same SQLite file
        app.extensions["wildcat"].start()
        apps.append(app)
    try:
        register(apps[0].test_client(), receiver.url, events=["qr"])
        dispatchers = [a.extensions["wildcat"].dispatcher for a in apps]
        for d in dispatchers:   # as REGISTRY_TTL (1 s) would: the second sees the webhook
            d.webhooks_changed()
        wait_until(lambda: sum(d.snapshot()["lanesHeld"] for d in dispatchers) == 1,
                   message="one instance sends for the webhook")
        for i in range(20):
            for app in apps:
                publish(app, qr=f"{id(app)}-{i}")
        wait_until(lambda: len(receiver.requests) >= 40, timeout=20)
        ids = [r.delivery_id for r in receiver.requests]
        assert len(ids) == len(set(ids)) == 40

        leader = next(a for a, d in zip(apps, dispatchers) if d.snapshot()["lanesHeld"])
        standby = next(a for a in apps if a is not leader)
        leader.extensions["wildcat"].stop(timeout=10)
        publish(standby, qr="after-takeover")
        wait_until(lambda: any(b'"after-takeover"' in r.body for r in receiver.requests),
                   timeout=20, message="the standby takes over sending")
        assert standby.extensions["wildcat"].dispatcher.snapshot()["lanesHeld"] == 1
    finally:
        for app in apps:
            app.extensions["wildcat"].stop(timeout=10)
