"""Accounts API and the connection state machine, through the app factory, on both stores."""

from tests.util import create, scan, wait_until


def status(client, account_id="mybot"):
    return client.get(f"/accounts/{account_id}/status").json["status"]


def test_ping(client):
    body = client.get("/ping").json
    assert body["ok"] is True and body["pong"] is True
    assert body["time"].endswith("Z") and "T" in body["time"]


def test_create_account_defaults_and_shape(client):
    account = create(client, name="My WhatsApp Bot")
    assert account["_id"] == "mybot"
    assert account["name"] == "My WhatsApp Bot"
    assert account["collectionName"] == "auth_mybot"
    assert account["status"] == "connecting"
    assert account["createdAt"].endswith("Z")
    assert create(client, "other", collectionName="auth_custom")["collectionName"] == "auth_custom"


def test_create_starts_login_with_qr(client):
    create(client)
    account = wait_until(lambda: client.get("/accounts/mybot").json["account"]["hasQR"]
                         and client.get("/accounts/mybot").json["account"])
    assert account["currentStatus"] == "connecting"
    listed = client.get("/accounts").json["accounts"]
    assert [a["_id"] for a in listed] == ["mybot"]
    assert {"status", "currentStatus", "hasQR", "createdAt"} <= listed[0].keys()


def test_duplicate_account_is_refused(client):
    create(client)
    response = client.post("/accounts", json={"id": "mybot"})
    assert response.status_code == 400
    assert response.json == {"ok": False, "error": "Account already exists",
                             "code": "account_exists"}


def test_unknown_account(client):
    for method, path in [("get", "/accounts/nope"), ("delete", "/accounts/nope"),
                         ("get", "/accounts/nope/status"), ("post", "/accounts/nope/connect"),
                         ("post", "/accounts/nope/disconnect"), ("post", "/accounts/nope/logout"),
                         ("get", "/accounts/nope/qr")]:
        response = getattr(client, method)(path)
        assert response.status_code == 404, path
        assert response.json == {"ok": False, "error": "Account not found",
                                 "code": "account_not_found"}


def test_qr_formats(client):
    create(client)
    wait_until(lambda: client.get("/accounts/mybot").json["account"]["hasQR"])
    png = client.get("/accounts/mybot/qr")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG")
    svg = client.get("/accounts/mybot/qr?format=svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    txt = client.get("/accounts/mybot/qr?format=txt")
    assert txt.mimetype == "text/plain" and len(txt.data.decode().splitlines()) > 10
    body = client.get("/accounts/mybot/qr?format=json").json
    assert body["ok"] and body["qr"].startswith("2@")
    assert client.get("/accounts/mybot/qr?format=gif").status_code == 400


def test_scan_connects_and_qr_is_gone(client):
    create(client)
    scan(client)
    account = client.get("/accounts/mybot").json["account"]
    assert account["currentStatus"] == "connected" and account["status"] == "connected"
    assert account["hasQR"] is False
    assert account["jid"] == "15550001111@s.whatsapp.net"
    response = client.get("/accounts/mybot/qr")
    assert response.status_code == 404 and response.json["code"] == "no_qr"
    body = client.get("/accounts/mybot/status").json
    assert body["ok"] and body["accountId"] == "mybot" and body["lastUpdate"].endswith("Z")


def test_disconnect_keeps_session_and_connect_needs_no_qr(client):
    create(client)
    scan(client)
    body = client.post("/accounts/mybot/disconnect").json
    assert body == {"ok": True, "message": "Account mybot disconnected", "status": "disconnected"}
    assert client.get("/accounts/mybot").json["account"]["status"] == "disconnected"
    body = client.post("/accounts/mybot/connect").json
    assert body["ok"] and body["message"] == "Attempting to connect mybot"
    wait_until(lambda: status(client) == "connected")


def test_logout_unlinks_and_connect_needs_new_qr(client):
    create(client)
    scan(client)
    assert client.post("/accounts/mybot/logout").json["status"] == "logged_out"
    assert client.get("/accounts/mybot").json["account"]["status"] == "logged_out"
    client.post("/accounts/mybot/connect")
    wait_until(lambda: client.get("/accounts/mybot").json["account"]["hasQR"])
    assert status(client) == "connecting"


def test_drop_reconnects_by_itself(client, runtime):
    events = []
    runtime.bus.subscribe(events.append)
    create(client)
    scan(client)
    assert client.post("/sandbox/accounts/mybot/drop").status_code == 200
    wait_until(lambda: any(e["event"] == "connection.update" and e["status"] == "reconnecting"
                           for e in events))
    wait_until(lambda: status(client) == "connected" and events[-1].get("status") == "connected")
    reasons = [e.get("reason") for e in events if e["event"] == "connection.update"]
    assert "connection_lost" in reasons


def test_unlink_from_phone_logs_out_without_reconnect(client, runtime):
    create(client)
    scan(client)
    client.post("/sandbox/accounts/mybot/unlink")
    wait_until(lambda: status(client) == "logged_out")
    account = client.get("/accounts/mybot").json["account"]
    assert account["status"] == "logged_out" and account["reason"] == "unlinked_from_phone"
    assert runtime.store.load_snapshot("auth_mybot") is None


def test_events_published_for_every_change(client, runtime):
    events = []
    runtime.bus.subscribe(events.append)
    create(client)
    scan(client)
    # The status answers "connected" a moment before its event is published: wait for it.
    update = wait_until(lambda: [e for e in events if e["event"] == "connection.update"
                                 and e["status"] == "connected"], message="connected event")[-1]
    names = [e["event"] for e in events]
    assert "qr" in names and "connection.update" in names
    assert update["accountId"] == "mybot" and update["status"] == "connected"
    assert isinstance(update["timestamp"], int) and update["reason"]


def test_pair_code(client):
    create(client)
    wait_until(lambda: client.get("/accounts/mybot").json["account"]["hasQR"])
    body = client.post("/accounts/mybot/pair", json={"phone": "+919876543210"}).json
    assert body["ok"] and len(body["code"]) == 9 and body["code"][4] == "-"
    bad = client.post("/accounts/mybot/pair", json={"phone": "0123"})
    assert bad.status_code == 400
    scan(client)
    late = client.post("/accounts/mybot/pair", json={"phone": "919876543210"})
    assert late.status_code == 409


def test_delete_removes_everything(client, runtime):
    create(client)
    scan(client)
    wait_until(lambda: runtime.store.load_snapshot("auth_mybot") is not None)
    body = client.delete("/accounts/mybot").json
    assert body == {"ok": True, "message": "Account mybot deleted"}
    assert client.get("/accounts/mybot").status_code == 404
    assert runtime.store.load_snapshot("auth_mybot") is None
    assert runtime.supervisor.get("mybot") is None
    assert not runtime.driver.has_session({"_id": "mybot"})
    create(client)  # the id can be used again, with a fresh login
    wait_until(lambda: client.get("/accounts/mybot").json["account"]["hasQR"])


def test_patch_changes_settings_and_refuses_bad_bodies(client):
    create(client, "mybot", name="Old")
    response = client.patch("/accounts/mybot", json={"name": "Support line"})
    assert response.status_code == 200, response.json
    assert response.json["account"]["name"] == "Support line"
    assert client.get("/accounts/mybot").json["account"]["name"] == "Support line"
    for body, code in (({}, "validation_error"), ({"nope": 1}, "validation_error"),
                       ({"name": 5}, "validation_error"), ([], "invalid_json")):
        response = client.patch("/accounts/mybot", json=body)
        assert (response.status_code, response.json["code"]) == (400, code), body
    assert client.get("/accounts/mybot").json["account"]["name"] == "Support line"
    response = client.patch("/accounts/ghost", json={"name": "x"})
    assert (response.status_code, response.json["code"]) == (404, "account_not_found")
