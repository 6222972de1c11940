"""Issue 16 through the app factory (real SQLite store, sandbox driver): collectionName,
deep JSON, the webhook guard's IPv6 gaps, the dashboard's `next`, multipart part counts,
/docs headers, dashboard sessions, the bounded SQLite pool, account capacity, the worker
restart backoff and gunicorn's options. Items about the server itself are in
test_hardening_server.py."""
import io
import threading
import time

import pytest

from tests.util import connected_account, make_store, test_config, wait_until
from wildcat.capacity import account_capacity, client_connections
from wildcat.factory import create_app
from wildcat.netguard import is_blocked_ip
from wildcat.server import gunicorn_options
from wildcat.sessions import DashboardSessions
from wildcat.store.sqlite import SQLiteStore

KEY = "hardening-admin-key-0123456789"


@pytest.fixture
def keyed(make_app):
    return make_app(api_key=KEY)


# -- 7. collectionName is never shared ------------------------------------------------------
def test_collection_name_is_unique(client, runtime):
    assert client.post("/accounts", json={"id": "alpha"}).status_code == 201
    evil = client.post("/accounts", json={"id": "evil", "collectionName": "auth_alpha"})
    assert evil.status_code == 409 and evil.json["code"] == "collection_in_use"
    assert client.post("/accounts", json={"id": "x", "collectionName": "auth_y"}).status_code \
        == 201
    taken = client.post("/accounts", json={"id": "y"})          # its default is x's
    assert taken.status_code == 409 and taken.json["code"] == "collection_in_use"
    assert [a["_id"] for a in runtime.store.list_accounts()] == ["alpha", "x"]
    runtime.store.save_snapshot("auth_orphan", b"session")      # a session of no account
    orphan = client.post("/accounts", json={"id": "z", "collectionName": "auth_orphan"})
    assert orphan.status_code == 409
    assert client.delete("/accounts/x").status_code == 200
    assert client.post("/accounts", json={"id": "y"}).status_code == 201   # free again


# -- 9. deep or huge JSON is a 400 ----------------------------------------------------------
@pytest.mark.parametrize("body", [b"[" * 1000, b"[" * 1000 + b"]" * 1000,
                                  b'{"a":' * 500 + b"1" + b"}" * 500,
                                  b"[" + b"0," * 20000 + b"0]"])
def test_deep_or_huge_json_is_invalid_json(client, body):
    response = client.post("/accounts", data=body, content_type="application/json")
    assert response.status_code == 400 and response.json["code"] == "invalid_json"
    assert client.get("/accounts").json["accounts"] == []


def test_brackets_inside_strings_do_not_count(client):
    response = client.post("/accounts", json={"id": "brackets", "name": "[" * 90})
    assert response.status_code == 201, response.json


# -- 11. the webhook guard unwraps IPv4 inside IPv6 ----------------------------------------
@pytest.mark.parametrize("address", ["::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::",
                                     "::ffff:0:a9fe:a9fe", "fec0::1", "64:ff9b:1::a00:1",
                                     "2001:0:4136:e378:8000:63bf:80ff:fffe", "::ffff:10.0.0.1"])
def test_embedded_private_ipv4_is_blocked(make_app, address):
    assert is_blocked_ip(address)
    client = make_app(webhook_block_private=True).test_client()
    response = client.post("/webhooks", json={"url": f"http://[{address}]/hook"})
    assert response.status_code == 400 and response.json["code"] == "webhook_url_blocked"


@pytest.mark.parametrize("address", ["2606:4700:4700::1111", "64:ff9b::808:808",
                                     "2002:808:808::1", "8.8.8.8"])
def test_public_addresses_still_pass(address):
    assert not is_blocked_ip(address)


# -- 12. smaller items ----------------------------------------------------------------------
@pytest.mark.parametrize("target", ["/dashboard\r\nSet-Cookie: x=1", "/dashboard\n", "/docs\t"])
def test_crlf_in_next_falls_back_to_the_dashboard(keyed, target):
    client = keyed.test_client()
    page = client.get("/dashboard/login", query_string={"next": target})
    assert page.status_code == 200 and b'value="/dashboard"' in page.data
    signed = client.post("/dashboard/login", data={"apiKey": KEY, "next": target})
    assert signed.status_code == 303 and signed.headers["Location"] == "/dashboard"


def test_too_many_parts_is_a_400_with_its_reason(client):
    connected_account(client, "mp2")
    form = {f"extra{i}": "x" for i in range(19)}
    form["document"] = (io.BytesIO(b"hello"), "a.txt")
    response = client.post("/accounts/mp2/message/send/document", data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 400 and response.json["code"] == "too_many_parts"
    big_field = {"to": "919876543210", "caption": "c" * (600 * 1024),
                 "document": (io.BytesIO(b"hello"), "a.txt")}
    response = client.post("/accounts/mp2/message/send/document", data=big_field,
                           content_type="multipart/form-data")
    assert response.status_code == 400 and response.json["code"] == "field_too_large"


def test_docs_page_has_csp_and_frame_options(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_dashboard_sessions_are_random_revocable_and_expire():
    now = [1000.0]
    sessions = DashboardSessions(max_age=60, clock=lambda: now[0])
    first, second = sessions.create(), sessions.create()
    assert first != second and len(first) >= 40
    assert sessions.valid(first) and sessions.valid(second) and not sessions.valid("forged")
    sessions.revoke(first)
    assert not sessions.valid(first) and sessions.valid(second)
    now[0] += 61
    assert not sessions.valid(second)


def test_a_logged_out_cookie_no_longer_authenticates(keyed):
    client = keyed.test_client()
    assert client.post("/dashboard/login", data={"apiKey": KEY}).status_code == 303
    cookie = client.get_cookie("wildcat_session").value
    api = {"X-Wildcat-Dashboard": "1"}
    assert client.get("/accounts", headers=api).status_code == 200
    assert client.post("/dashboard/logout", headers=api).status_code == 303
    other = keyed.test_client()
    other.set_cookie("wildcat_session", cookie)
    assert other.get("/accounts", headers=api).status_code == 401


def test_gunicorn_control_socket_is_off_and_the_worker_guards_reads(config):
    options = gunicorn_options(config)
    assert options["control_socket_disable"] is True
    assert options["worker_class"] == "wildcat.http_worker.GuardedThreadWorker"
    assert options["worker_connections"] >= 2 * config.threads


# -- 6. bounded store connections, account capacity, restart backoff ----------------------
def test_sqlite_connections_are_pooled_and_bounded(tmp_path):
    store = SQLiteStore(str(tmp_path / "pool.db"))
    store.create_account({"_id": "a", "status": "x", "createdAt": "2024", "lastUpdate": "2024"})
    barrier = threading.Barrier(64)
    errors = []

    def use():
        barrier.wait()
        try:
            for _ in range(20):
                assert store.get_account("a") is not None
                store.update_account("a", {"status": "y"})
        except Exception as exc:     # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=use) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert store._open <= store.pool_size == 16
    store.close()


def test_account_capacity_follows_the_open_files_limit(tmp_path):
    config = test_config(tmp_path, threads=8)
    assert account_capacity(config, limit=256) == (256 - 128 - 64) // 4
    assert account_capacity(config, limit=1024) == (1024 - 128 - 256) // 4
    assert account_capacity(test_config(tmp_path, max_accounts=3), limit=65536) == 3
    assert client_connections(65536, 32) == 1000


def test_account_cap_is_a_503_with_a_clear_message(make_app):
    client = make_app(max_accounts=2).test_client()
    for name in ("one", "two"):
        assert client.post("/accounts", json={"id": name}).status_code == 201
    full = client.post("/accounts", json={"id": "three"})
    assert full.status_code == 503 and full.json["code"] == "account_capacity"
    assert "limit 2" in full.json["error"]


def test_the_account_cap_is_per_instance(tmp_path):
    """Two instances on one store hold twice what one can: the API counts the live
    instances, and each instance stops taking leases at its own capacity (the standby
    workers of accounts owned elsewhere hold no session and do not count)."""
    apps = []
    for name in ("first", "second"):
        app = create_app(test_config(tmp_path / name, max_accounts=2, lease_ttl=1.5),
                         store=make_store("sqlite", tmp_path))
        app.extensions["wildcat"].start()
        apps.append(app)
    try:
        wait_until(lambda: all(len(a.extensions["wildcat"].instances.refresh()) == 2
                               for a in apps), message="two live instances")
        client = apps[0].test_client()
        for n in range(4):
            assert client.post("/accounts", json={"id": f"c{n}"}).status_code == 201
        full = client.post("/accounts", json={"id": "c4"})
        assert full.status_code == 503 and full.json["code"] == "account_capacity"
        assert full.json["details"] == {"limit": 4, "perInstance": 2, "instances": 2}
    finally:
        for app in apps:
            app.extensions["wildcat"].stop(timeout=10)


def test_an_instance_takes_no_lease_above_its_capacity(tmp_path):
    from workers.placement import Placement

    class TwoInstances:
        def live(self):
            return {"i1": {}, "i2": {}}

    store = make_store("sqlite", tmp_path)
    placement = Placement(store, TwoInstances(), "i1", capacity=lambda: 2)
    placement.observe({f"a{n}": {"status": "connected"} for n in range(6)})
    now = int(time.time() * 1000)
    assert store.acquire_lease("a0", "i1", 60_000, now)
    with placement.taking(fair=False) as allowed:
        assert allowed                                    # 1 held, capacity 2
    assert store.acquire_lease("a1", "i1", 60_000, now)
    with placement.taking(fair=False) as allowed:
        assert not allowed                                # at capacity, even when forced
    other = Placement(store, TwoInstances(), "i2", capacity=lambda: 2)
    other.observe({f"a{n}": {"status": "connected"} for n in range(6)})
    with other.taking() as allowed:
        assert allowed                                    # the other instance has room


def test_a_worker_that_keeps_dying_is_not_restarted_in_a_tight_loop(tmp_path):
    """A worker thread that dies at once, every time (what a start-up failing on EMFILE
    did): restarts come after growing delays, not at every 0.05 s supervisor pass. The
    dead worker is a stand-in: a real AccountWorker survives its own exceptions."""
    app = create_app(test_config(tmp_path, supervisor_interval=0.05),
                     store=make_store("sqlite", tmp_path))
    runtime = app.extensions["wildcat"]
    runtime.start()
    supervisor = runtime.supervisor
    starts = []

    class DeadWorker:
        def is_alive(self):
            return False

        def stop(self):
            pass

        def join(self, timeout=None):
            pass

    def spawn(account_id, autoconnect):
        starts.append(time.monotonic())
        with supervisor._lock:
            supervisor._workers[account_id] = DeadWorker()
        return supervisor._workers[account_id]
    try:
        assert app.test_client().post("/accounts", json={"id": "dies"}).status_code == 201
        real = supervisor.get("dies")
        supervisor._spawn = spawn
        with supervisor._lock:
            supervisor._workers["dies"] = DeadWorker()
        real.stop()
        real.join(5)
        wait_until(lambda: len(starts) >= 5, timeout=20, message="five restarts")
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        for n, gap in enumerate(gaps[:4], start=1):    # jitter: at least base * 2^(n-1) / 2
            assert gap >= 0.5 * 0.05 * 2 ** (n - 1) * 0.9, gaps
    finally:
        with supervisor._lock:
            supervisor._workers.clear()
        runtime.stop(timeout=10)


def test_out_of_descriptors_pauses_accepting_instead_of_crashing():
    """accept() failing with EMFILE used to kill the worker (and restart every account).
    The listener is a stand-in: running a real process out of descriptors here would
    disturb the other tests."""
    import errno
    import logging
    import selectors
    import socket as socket_module

    from wildcat.http_worker import GuardedThreadWorker

    class Cfg:
        is_ssl, http2_cleartext = False, "off"

    class ExhaustedListener(socket_module.socket):
        def accept(self):
            raise OSError(errno.EMFILE, "Too many open files")

    worker = GuardedThreadWorker.__new__(GuardedThreadWorker)
    worker.cfg, worker.log = Cfg(), logging.getLogger("test.worker")
    worker.poller, worker._accepting, worker._accept_paused_until = (
        selectors.DefaultSelector(), False, -1e9)
    with ExhaustedListener() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        worker.sockets = [listener]
        worker.set_accept_enabled(True)
        assert worker._accepting
        worker.accept(listener)                      # no exception: the worker lives on
        assert not worker._accepting
        worker.set_accept_enabled(True)              # the loop asks again at once: not yet
        assert not worker._accepting
        worker._accept_paused_until = time.monotonic() - 0.001   # as if the pause ended
        worker.set_accept_enabled(True)
        assert worker._accepting
        worker.set_accept_enabled(False)
    worker.poller.close()


def test_a_stream_notices_a_token_rotated_on_another_instance(client, app, runtime):
    """Rotation on another instance sharing the store reaches no in-process hub: the stream
    re-checks its token against the store (every REVALIDATE seconds)."""
    from wildcat.api import ws
    from wildcat.auth import hash_token, issue_account_token

    token = client.post("/accounts", json={"id": "elsewhere"}).json["token"]
    stream = ws.StreamClient("elsewhere", None, 10, credential="token:elsewhere",
                             token_hash=hash_token(token))
    with app.app_context():
        stream.checked = 0.0
        assert ws._still_valid(stream)
        issue_account_token(runtime.store, "elsewhere")        # "the other instance"
        stream.checked = 0.0
        assert not ws._still_valid(stream) and stream.revoked == "token rotated"
        gone = ws.StreamClient("elsewhere", None, 10, credential="token:elsewhere",
                               token_hash="0" * 64)
        runtime.store.delete_account("elsewhere")
        gone.checked = 0.0
        assert not ws._still_valid(gone) and gone.revoked == "account deleted"


def test_an_account_token_session_is_random_and_ends_with_rotation_or_sign_out(keyed):
    admin = {"X-API-Key": KEY}
    browser = keyed.test_client()
    token = browser.post("/accounts", json={"id": "mine"}, headers=admin).json["token"]
    assert browser.post("/accounts", json={"id": "theirs"}, headers=admin).status_code == 201
    assert browser.post("/dashboard/login", data={"apiKey": token}).status_code == 303
    cookie = browser.get_cookie("wildcat_session").value
    assert token not in cookie and "mine" not in cookie          # a random id, nothing else
    page = {"X-Wildcat-Dashboard": "1"}
    assert browser.get("/accounts/mine", headers=page).status_code == 200
    assert browser.get("/accounts/theirs", headers=page).status_code == 403
    assert browser.post("/accounts/mine/token", headers=admin).status_code == 200
    assert browser.get("/accounts/mine", headers=page).status_code == 401   # rotated: ended
    fresh = browser.post("/accounts/mine/token", headers=admin).json["token"]
    assert browser.post("/dashboard/login", data={"apiKey": fresh}).status_code == 303
    second = browser.get_cookie("wildcat_session").value
    assert second != cookie and browser.get("/accounts/mine", headers=page).status_code == 200
    assert browser.post("/dashboard/logout", headers=page).status_code == 303
    replay = keyed.test_client()
    replay.set_cookie("wildcat_session", second)
    assert replay.get("/accounts/mine", headers=page).status_code == 401   # signed out


def test_a_group_picture_keeps_the_upload_limit(accounts):   # noqa: F811 (fixture)
    """The picture route streams its upload to disk: it has the media limit, not 1 MB."""
    import os as os_module

    from PIL import Image

    from tests.util import A as OWNER
    from tests.util import B_JID, create_group, groups_path
    gid = create_group(accounts, [B_JID])["id"]
    noisy = io.BytesIO()
    Image.frombytes("RGB", (800, 700), os_module.urandom(800 * 700 * 3)).save(noisy, "PNG")
    assert noisy.tell() > 1024 * 1024
    response = accounts.put(groups_path(OWNER, f"/{gid}/picture"),
                            data={"image": (io.BytesIO(noisy.getvalue()), "big.png")},
                            content_type="multipart/form-data")
    assert response.status_code == 200, response.json
