"""Issue 18 with the sandbox: truthful states, one event per real change, account.deleted,
accounts that stay down (stream replaced, ban, outdated client), the start spread and the
per-account proxy."""
import json
import logging
import time

import pytest

from tests.util import make_store, test_config, wait_until
from wildcat import domain
from wildcat.drivers.sandbox import SandboxDriver
from wildcat.factory import create_app
from workers.supervisor import start_delays

PROXY = "socks5://alice:s3cr%40t-pw@127.0.0.1:1080"
SECRET = "s3cr%40t-pw"


def updates(events, account_id="acct"):
    return [(e["status"], e["reason"]) for e in events
            if e["event"] == domain.CONNECTION_UPDATE and e["accountId"] == account_id]


def account(client, account_id="acct"):
    return client.get(f"/accounts/{account_id}").json["account"]


def connected_account(client, account_id="acct", events=None):
    """Create, scan, and wait until connected (and its connection.update published)."""
    assert client.post("/accounts", json={"id": account_id}).status_code == 201
    wait_until(lambda: account(client, account_id)["hasQR"], message="a QR")
    assert client.post(f"/sandbox/accounts/{account_id}/scan", json={}).status_code == 200
    wait_until(lambda: account(client, account_id)["currentStatus"] == "connected",
               message="connected")
    if events is not None:
        wait_until(lambda: ("connected", "connected") in updates(events, account_id),
                   message="the connected event")


def test_login_states_dialing_then_qr_then_connected(client, events):
    connected_account(client, events=events)
    assert updates(events) == [("connecting", "dialing"), ("connecting", "awaiting_qr_scan"),
                               ("connected", "connected")]
    first_qr = next(i for i, e in enumerate(events) if e["event"] == domain.QR)
    awaiting = next(i for i, e in enumerate(events) if e.get("reason") == "awaiting_qr_scan")
    dialing = next(i for i, e in enumerate(events) if e.get("reason") == "dialing")
    assert dialing < first_qr and dialing < awaiting
    shown = account(client)
    assert shown["attempts"] == 0 and "nextRetryAt" not in shown and "lastError" not in shown


def test_repeated_failures_publish_one_event_and_show_on_the_account(client, events):
    connected_account(client, events=events)
    client.post("/sandbox/accounts/acct/fail-connects", json={})
    del events[:]
    assert client.post("/sandbox/accounts/acct/drop").status_code == 200
    wait_until(lambda: account(client)["attempts"] >= 5, message="five failed retries")
    assert updates(events) == [("reconnecting", "connection_lost"),
                               ("reconnecting", "connect_failed")]
    failed = [e for e in events if e.get("reason") == "connect_failed"][0]
    assert failed["errorKind"] == "network" and "sandbox network" in failed["lastError"]
    shown = account(client)
    assert shown["currentStatus"] == "reconnecting" and shown["status"] == "reconnecting"
    assert shown["reason"] in ("connect_failed", "dialing")
    assert "sandbox network" in shown["lastError"] and shown["errorKind"] == "network"
    assert shown["nextRetryAt"].endswith("Z")

    # Another kind of failure is news: one more event; then quiet again.
    client.post("/sandbox/accounts/acct/fail-connects",
                json={"error": "dial tcp: lookup web.whatsapp.com: no such host"})
    wait_until(lambda: account(client).get("errorKind") == "dns", message="a DNS failure")
    attempts = account(client)["attempts"]
    wait_until(lambda: account(client)["attempts"] >= attempts + 2, message="more retries")
    assert updates(events)[2:] == [("reconnecting", "connect_failed")]
    assert [e["errorKind"] for e in events if e.get("reason") == "connect_failed"] == [
        "network", "dns"]

    client.delete("/sandbox/accounts/acct/fail-connects")
    wait_until(lambda: updates(events)[-1] == ("connected", "connected"), message="recovered")
    assert len(updates(events)) == 4
    shown = account(client)
    assert shown["attempts"] == 0 and "lastError" not in shown and "nextRetryAt" not in shown
    connections = client.get("/sandbox/accounts/acct/connections").json["connections"]
    assert [c["outcome"] for c in connections][-1] == "connected"
    assert sum(c["outcome"] == "failed" for c in connections) >= 7


def test_delete_publishes_account_deleted_and_nothing_else(client, runtime, events):
    connected_account(client, events=events)
    hook = client.post("/webhooks", json={"url": "http://127.0.0.1:9/all", "events": ["*"]})
    hook_id = hook.json["webhook"]["id"]
    before = len(runtime.store.list_deliveries(hook_id, limit=1000))
    del events[:]
    assert client.delete("/accounts/acct").status_code == 200
    assert [e["event"] for e in events] == [domain.ACCOUNT_DELETED]
    assert events[0]["accountId"] == "acct"
    deliveries = runtime.store.list_deliveries(hook_id, limit=1000)
    assert [d["event"] for d in deliveries[:len(deliveries) - before]] == [
        domain.ACCOUNT_DELETED]
    assert client.get("/accounts/acct").status_code == 404


def test_stream_replaced_stays_down(client, events):
    connected_account(client, events=events)
    assert client.post("/sandbox/accounts/acct/kick",
                       json={"reason": "stream_replaced"}).status_code == 200
    wait_until(lambda: updates(events)[-1][0] == "disconnected")
    shown = account(client)
    assert shown["reason"] == "stream_replaced" and "another" in shown["lastError"]
    assert updates(events)[-1] == ("disconnected", "stream_replaced")
    assert account(client).get("nextRetryAt") is None          # no retry is planned
    assert client.post("/accounts/acct/connect").status_code == 200   # taking it back
    wait_until(lambda: updates(events)[-1] == ("connected", "connected"))
    assert updates(events)[-3:] == [("disconnected", "stream_replaced"),
                                    ("reconnecting", "dialing"), ("connected", "connected")]


def test_temporary_ban_stays_down_with_its_end(client, events):
    connected_account(client, events=events)
    before = time.time()
    assert client.post("/sandbox/accounts/acct/kick", json={
        "reason": "temporary_ban", "expireSeconds": 7200, "code": "BLOCKED_BY_USERS"}
    ).status_code == 200
    wait_until(lambda: updates(events)[-1][0] == "disconnected")
    shown = account(client)
    assert shown["reason"] == "temporary_ban" and shown["banCode"] == "BLOCKED_BY_USERS"
    until = time.mktime(time.strptime(shown["until"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
    assert before + 7200 - 5 <= until <= time.time() + 7200 + 5
    event = [e for e in events if e.get("reason") == "temporary_ban"][0]
    assert event["until"] == shown["until"] and "until" in event["lastError"]


def test_client_outdated_is_its_own_reason(client, events):
    connected_account(client, events=events)
    client.post("/sandbox/accounts/acct/kick", json={"reason": "client_outdated"})
    wait_until(lambda: updates(events)[-1][0] == "disconnected")
    shown = account(client)
    assert shown["reason"] == "client_outdated" and "outdated" in shown["lastError"]
    assert "update WILDCAT" in shown["lastError"]


def test_kick_needs_a_live_connection_and_a_known_reason(client):
    client.post("/accounts", json={"id": "acct"})
    assert client.post("/sandbox/accounts/acct/kick",
                       json={"reason": "stream_replaced"}).status_code == 409
    bad = client.post("/sandbox/accounts/acct/kick", json={"reason": "nuke"})
    assert bad.status_code == 400 and bad.json["code"] == "validation_error"
    assert client.post("/sandbox/accounts/nobody/fail-connects", json={}).status_code == 404


def test_down_accounts_stay_down_across_a_restart(tmp_path):
    store = make_store("sqlite", tmp_path)
    driver = SandboxDriver()
    app = create_app(test_config(tmp_path), store=store, driver=driver)
    app.extensions["wildcat"].start()
    client = app.test_client()
    for name in ("replaced", "banned"):
        connected_account(client, name)
    client.post("/sandbox/accounts/replaced/kick", json={"reason": "stream_replaced"})
    client.post("/sandbox/accounts/banned/kick", json={"reason": "temporary_ban"})
    for name in ("replaced", "banned"):
        wait_until(lambda: account(client, name)["currentStatus"] == "disconnected")
    app.extensions["wildcat"].stop(timeout=10)

    again = create_app(test_config(tmp_path, start_spread_seconds=0.0), store=store,
                       driver=driver)
    again.extensions["wildcat"].start()
    try:
        client = again.test_client()
        client.post("/accounts", json={"id": "marker"})   # a worker that did start
        wait_until(lambda: account(client, "marker")["hasQR"])
        assert account(client, "replaced")["reason"] == "stream_replaced"
        assert account(client, "banned")["reason"] == "temporary_ban"
        assert account(client, "banned")["until"]
        for name in ("replaced", "banned"):
            assert len(driver.connections[name]) == 1, "reconnected after the restart"
    finally:
        again.extensions["wildcat"].stop(timeout=10)


# -- the start spread ----------------------------------------------------------------------
def test_start_delays_spread_over_a_window_growing_with_the_accounts():
    accounts = [{"_id": f"a{i}", "status": "connected"} for i in range(500)]
    accounts += [{"_id": "off", "status": "disconnected"}, {"_id": "out", "status": "logged_out"}]
    delays = start_delays(accounts)
    assert set(delays) == {f"a{i}" for i in range(500)}      # stopped ones never dial
    assert 0 <= min(delays.values()) and max(delays.values()) <= 100.0   # 0.2 s each
    per_second = [0] * 100
    for delay in delays.values():
        per_second[int(delay)] += 1
    assert max(per_second) <= 10                             # about 5 a second, never 500
    assert max(start_delays(accounts[:10]).values()) <= 2.0
    assert start_delays(accounts, spread_seconds=0) == {}
    assert max(start_delays(accounts, spread_seconds=30).values()) <= 30


def test_fifty_accounts_first_connects_are_spread(tmp_path):
    store = make_store("sqlite", tmp_path)
    driver = SandboxDriver()
    names = [f"n{i:02d}" for i in range(50)]
    for name in names:
        store.create_account({"_id": name, "status": "connected", "collectionName": name,
                              "createdAt": domain.iso_now()})
        driver._logins[name] = f"1555{int(name[1:]):07d}@s.whatsapp.net"
    app = create_app(test_config(tmp_path, start_spread_seconds=3.0), store=store,
                     driver=driver)
    started = time.time() * 1000
    app.extensions["wildcat"].start()
    try:
        client = app.test_client()
        wait_until(lambda: all(name in driver.connections for name in names), timeout=30,
                   message="every account's first connect")
        firsts = sorted(driver.connections[name][0]["at"] - started for name in names)
        assert firsts[-1] - firsts[0] >= 1500, firsts     # spread over the 3 s window
        per_half_second = {}
        for at in firsts:
            per_half_second[int(at // 500)] = per_half_second.get(int(at // 500), 0) + 1
        assert max(per_half_second.values()) <= 25, per_half_second   # not all at once
        wait_until(lambda: all(a["currentStatus"] == "connected"
                               for a in client.get("/accounts").json["accounts"]),
                   timeout=30, message="all connected")
    finally:
        app.extensions["wildcat"].stop(timeout=15)


# -- the proxy -----------------------------------------------------------------------------
def test_proxy_is_validated_stored_masked_and_used(client, runtime, caplog):
    caplog.set_level(logging.DEBUG)
    connected_account(client)
    for bad in ("ftp://h:1", "socks5://host", "http://h:70000", "http://h:80/path",
                "socks5://:pw@h:1080", 5, {"$gt": ""}, "socks5://h:1080 x"):
        response = client.patch("/accounts/acct", json={"proxy": bad})
        assert response.status_code == 400, bad
        assert response.json["code"] == "validation_error"
    assert "proxy" not in runtime.store.get_account("acct")

    response = client.patch("/accounts/acct", json={"proxy": PROXY})
    assert response.status_code == 200, response.json
    assert response.json["account"]["proxy"] == "socks5://alice:***@127.0.0.1:1080"
    assert runtime.store.get_account("acct")["proxy"] == PROXY
    wait_until(lambda: client.get("/sandbox/accounts/acct/connections").json["connections"]
               [-1]["proxy"] == "socks5://alice:***@127.0.0.1:1080",
               message="a reconnect through the proxy")
    wait_until(lambda: account(client)["currentStatus"] == "connected")
    assert runtime.driver.session("acct").proxy == PROXY      # what the driver dialed with
    for path in ("/accounts", "/accounts/acct", "/sandbox/accounts/acct/connections"):
        assert SECRET not in client.get(path).get_data(as_text=True)
    assert not [r for r in caplog.records if SECRET in r.getMessage()]

    assert client.patch("/accounts/acct", json={"proxy": None}).json["account"]["proxy"] is None
    wait_until(lambda: client.get("/sandbox/accounts/acct/connections").json["connections"]
               [-1]["proxy"] is None, message="a reconnect without the proxy")
    assert "proxy" not in runtime.store.get_account("acct")


def test_proxy_of_a_disconnected_account_is_used_at_its_next_connect(client):
    connected_account(client)
    client.post("/accounts/acct/disconnect")
    count = len(client.get("/sandbox/accounts/acct/connections").json["connections"])
    assert client.patch("/accounts/acct", json={"proxy": "http://10.0.0.1:3128"}).status_code == 200
    assert account(client)["currentStatus"] == "disconnected"       # not reconnected by PATCH
    assert len(client.get("/sandbox/accounts/acct/connections").json["connections"]) == count
    client.post("/accounts/acct/connect")
    wait_until(lambda: account(client)["currentStatus"] == "connected")
    last = client.get("/sandbox/accounts/acct/connections").json["connections"][-1]
    assert last["proxy"] == "http://10.0.0.1:3128"


@pytest.mark.parametrize("url,shown", [
    ("socks5://u:p@h:1", "socks5://u:***@h:1"), ("HTTP://proxy.local:3128", "http://proxy.local:3128"),
    ("https://u@[::1]:443/", "https://u@[::1]:443")])
def test_proxy_forms(client, url, shown):
    client.post("/accounts", json={"id": "acct"})
    response = client.patch("/accounts/acct", json={"proxy": url})
    assert response.status_code == 200 and response.json["account"]["proxy"] == shown
    assert json.dumps(response.json).count("***") == shown.count("***")


# -- the rules behind the states -------------------------------------------------------------
@pytest.mark.parametrize("error,kind", [
    ('failed to send handshake request: Get "https://web.whatsapp.com/ws/chat": dial tcp: '
     'lookup web.whatsapp.com on 10.0.0.53:53: no such host', "dns"),
    ('Get "https://web.whatsapp.com/ws/chat": Forbidden', "proxy"),
    ("proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused", "proxy"),
    ("dial tcp 157.240.0.53:443: connect: connection refused", "refused"),
    ("dial tcp 157.240.0.53:443: i/o timeout", "timeout"),
    ("dial tcp: connect: network is unreachable", "unreachable"),
    ("login failed: err-unexpected-state", "login"),
    ("failed to dial whatsapp web websocket", "network"),
    ("something else", "other"), (None, "other")])
def test_error_kinds(error, kind):
    assert domain.error_kind(error) == kind


def test_outdated_errors_and_ban_ends():
    from wildcat.connection_state import ban_until, is_outdated_error, retry_fields
    assert is_outdated_error("login failed: err-client-outdated")
    assert not is_outdated_error("login failed: timeout")
    assert ban_until(None) is None and ban_until(0) is None and ban_until("x") is None
    assert ban_until(60) > domain.iso_now()
    fields = retry_fields(3, 10.0)
    assert fields["attempts"] == 3 and fields["nextRetryAt"] > domain.iso_now()


def test_a_proxy_changed_in_the_store_by_another_process_is_picked_up(client, runtime):
    """Another process's PATCH reaches the owner's worker at its next lease renewal."""
    connected_account(client)
    runtime.store.update_account("acct", {"proxy": "http://10.9.9.9:3128"})
    wait_until(lambda: client.get("/sandbox/accounts/acct/connections").json["connections"]
               [-1]["proxy"] == "http://10.9.9.9:3128", timeout=10,
               message="a reconnect through the stored proxy")
    wait_until(lambda: account(client)["currentStatus"] == "connected")
