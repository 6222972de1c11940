"""Managing webhooks: PATCH, 409 webhook_exists on a re-POST with other settings, disabling
(deliveries wait, nothing is sent), the per-webhook counts, ISO delivery times — on both
stores, with a real local HTTP receiver and the real dispatcher."""
import re

import pytest

from tests.receiver import Receiver
from tests.util import wait_until
from wildcat.domain import make_event

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
STORES = ["sqlite", "mongomock"]


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


def publish(app, qr="x"):
    app.extensions["wildcat"].events.emit(make_event("qr", "acc1", qr=qr))


def hooks(client):
    return {w["id"]: w for w in client.get("/webhooks").json["webhooks"]}


@pytest.mark.parametrize("kind", STORES)
def test_repost_with_other_settings_is_409_with_the_id(make_app, kind):
    client = make_app(kind).test_client()
    first = client.post("/webhooks", json={"url": "http://example.com/h", "events": ["qr"],
                                           "secret": "first-secret"})
    assert first.status_code == 201
    same = client.post("/webhooks", json={"url": "http://example.com/h", "events": ["qr"],
                                          "secret": "first-secret"})
    assert same.status_code == 200 and same.json["id"] == first.json["id"]
    for other in ({"events": ["message"]}, {"events": ["qr"], "secret": "second-secret"},
                  {"events": ["qr"]}):
        response = client.post("/webhooks", json={"url": "http://example.com/h", **other})
        assert response.status_code == 409, other
        assert response.json["code"] == "webhook_exists"
        assert response.json["details"] == {"id": first.json["id"]}
    assert len(hooks(client)) == 1


@pytest.mark.parametrize("kind", STORES)
def test_patch_changes_only_the_given_fields(make_app, kind):
    client = make_app(kind).test_client()
    assert client.post("/accounts", json={"id": "acc1"}).status_code == 201
    hook = client.post("/webhooks", json={"url": "http://example.com/a", "accountId": "acc1",
                                          "events": ["message"]}).json["webhook"]
    response = client.patch(f"/webhooks/{hook['id']}",
                            json={"events": ["message", "qr"], "secret": "a-new-secret"})
    assert response.status_code == 200, response.json
    changed = response.json["webhook"]
    assert changed["events"] == ["message", "qr"] and changed["hasSecret"] is True
    assert changed["url"] == hook["url"] and changed["accountId"] == "acc1"
    assert ISO.match(changed["updatedAt"]) and changed["createdAt"] == hook["createdAt"]
    assert "a-new-secret" not in response.text
    changed = client.patch(f"/webhooks/{hook['id']}", json={
        "url": "http://example.com/b", "accountId": None, "secret": None}).json["webhook"]
    assert (changed["url"], changed["accountId"], changed["hasSecret"]) == \
        ("http://example.com/b", None, False)
    assert hooks(client)[hook["id"]]["url"] == "http://example.com/b"
    # The old (url, accountId) is free now: registering it creates a new webhook.
    again = client.post("/webhooks", json={"url": "http://example.com/a", "accountId": "acc1"})
    assert again.status_code == 201 and again.json["id"] != hook["id"]


@pytest.mark.parametrize("kind", STORES)
def test_patch_errors_change_nothing(make_app, kind):
    client = make_app(kind).test_client()
    a = client.post("/webhooks", json={"url": "http://example.com/a"}).json["webhook"]
    b = client.post("/webhooks", json={"url": "http://example.com/b"}).json["webhook"]
    taken = client.patch(f"/webhooks/{b['id']}", json={"url": "http://example.com/a"})
    assert taken.status_code == 409 and taken.json["code"] == "webhook_exists"
    missing = client.patch("/webhooks/nope", json={"enabled": False})
    assert missing.status_code == 404 and missing.json["code"] == "webhook_not_found"
    no_account = client.patch(f"/webhooks/{b['id']}", json={"accountId": "ghost"})
    assert no_account.status_code == 404 and no_account.json["code"] == "account_not_found"
    for bad in ({}, {"url": "ftp://x"}, {"url": None}, {"events": []}, {"events": ["bogus"]},
                {"events": ["qr", "qr"]}, {"secret": "short"}, {"enabled": "yes"},
                {"enabled": None}, {"id": "x"}, {"accountId": {"$ne": ""}}, {"url": 5}):
        response = client.patch(f"/webhooks/{b['id']}", json=bad)
        assert response.status_code == 400, bad
        assert response.json["ok"] is False and response.json["code"] == "validation_error"
    assert client.patch(f"/webhooks/{b['id']}", data="x").status_code == 400
    assert hooks(client) == {a["id"]: hooks(client)[a["id"]], b["id"]: hooks(client)[b["id"]]}
    assert hooks(client)[b["id"]]["url"] == "http://example.com/b"
    assert hooks(client)[b["id"]]["updatedAt"] is None


@pytest.mark.parametrize("kind", STORES)
def test_a_disabled_webhook_keeps_deliveries_pending_and_sends_nothing(make_app, receiver,
                                                                        kind):
    app = make_app(kind, webhook_poll_interval=0.2)
    client, dispatcher = app.test_client(), app.extensions["wildcat"].dispatcher
    witness = Receiver().start()      # an enabled webhook: proof the dispatcher kept working
    try:
        hook = client.post("/webhooks", json={"url": receiver.url, "events": ["qr"]}).json["id"]
        publish(app, "first")
        receiver.wait_for(1)
        off = client.patch(f"/webhooks/{hook}", json={"enabled": False})
        assert off.status_code == 200 and off.json["webhook"]["enabled"] is False
        wait_until(lambda: dispatcher.snapshot()["lanes"] == 0, message="its lane dropped")
        client.post("/webhooks", json={"url": witness.url, "events": ["qr"]})
        for i in range(3):
            publish(app, f"while-off-{i}")
        witness.wait_for(3)
        wait_until(lambda: hooks(client)[hook]["deliveries"]["pending"] == 3,
                   message="three pending deliveries")
        assert len(receiver.requests) == 1
        assert client.get(f"/webhooks/{hook}/deliveries?status=pending").json["deliveries"]
        on = client.patch(f"/webhooks/{hook}", json={"enabled": True})
        assert on.json["webhook"]["enabled"] is True
        receiver.wait_for(4)
        wait_until(lambda: hooks(client)[hook]["deliveries"] == {
            "pending": 0, "delivered": 4, "failed": 0}, message="all four delivered")
    finally:
        witness.stop()


@pytest.mark.parametrize("kind", STORES)
def test_counts_last_error_and_iso_times(make_app, kind):
    app = make_app(kind, webhook_max_attempts=2, webhook_backoff_base=0.01,
                   webhook_backoff_cap=0.02)
    client = app.test_client()
    failing = Receiver(lambda request, n: (503, {}, b"down for maintenance")).start()
    try:
        hook = client.post("/webhooks", json={"url": failing.url, "events": ["qr"]}).json["id"]
        publish(app, "one")
        wait_until(lambda: hooks(client)[hook]["deliveries"]["failed"] == 1,
                   message="a failed delivery")
    finally:
        failing.stop()
    summary = hooks(client)[hook]
    assert summary["lastError"] == "HTTP 503: down for maintenance"
    assert ISO.match(summary["lastErrorAt"])
    delivery = client.get(f"/webhooks/{hook}/deliveries").json["deliveries"][0]
    assert delivery["nextAttemptAt"] is None
    for key in ("createdAt", "lastAttemptAt"):
        assert ISO.match(delivery[key]), (key, delivery[key])
    redo = client.post(f"/webhooks/deliveries/{delivery['id']}/redeliver").json["delivery"]
    assert ISO.match(redo["nextAttemptAt"]), redo["nextAttemptAt"]
