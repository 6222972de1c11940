"""The real neonize driver under the account worker, offline.

WhatsApp's servers cannot be reached from here, so every connect fails: that failure path
(reported, retried with backoff, one child per account, nothing left behind) is what runs.
"""
import multiprocessing

import pytest

from tests.util import make_store, test_config, wait_until
from wildcat import domain
from wildcat.factory import create_app

pytest.importorskip("neonize")


@pytest.fixture
def neonize_app(tmp_path):
    config = test_config(tmp_path, driver="neonize", reconnect_backoff_base=0.2,
                         reconnect_backoff_cap=0.5)
    app = create_app(config, store=make_store("sqlite", tmp_path))
    app.extensions["wildcat"].start()
    yield app
    app.extensions["wildcat"].stop(timeout=15)


def test_failing_dials_publish_one_event_and_count_attempts(neonize_app):
    """Offline every dial fails the same way: the retries show on the account (attempts,
    lastError, nextRetryAt) but publish one connection.update, not one per attempt."""
    runtime = neonize_app.extensions["wildcat"]
    client = neonize_app.test_client()
    events = []
    runtime.bus.subscribe(events.append)
    assert client.post("/accounts", json={"id": "real"}).status_code == 201

    def updates():
        return [(e["status"], e["reason"]) for e in events if e["event"] == "connection.update"]

    children = set()

    def retried(times):
        def check():
            live = multiprocessing.active_children()
            assert len(live) <= 1, f"more than one session host: {live}"
            children.update(p.pid for p in live)
            return client.get("/accounts/real").json["account"]["attempts"] >= times
        return check

    wait_until(retried(4), timeout=60, message="four failed connects")
    account = client.get("/accounts/real").json["account"]
    assert account["currentStatus"] == "reconnecting"
    assert account["status"] == "reconnecting"
    assert "dial" in account["lastError"] or "websocket" in account["lastError"]
    assert account["lastError"] == account["lastError"].strip()
    assert account["nextRetryAt"].endswith("Z")
    assert updates() == [("connecting", "dialing"), ("reconnecting", "connect_failed")]
    failure = [e for e in events if e.get("reason") == "connect_failed"][0]
    assert failure["errorKind"] == domain.error_kind(account["lastError"]) != "other"

    assert client.post("/accounts/real/disconnect").json["status"] == "disconnected"
    wait_until(lambda: not multiprocessing.active_children(), timeout=10,
               message="session host gone after disconnect")
    assert client.get("/accounts/real").json["account"].get("nextRetryAt") is None
    client.post("/accounts/real/connect")
    wait_until(lambda: updates()[-1] == ("reconnecting", "connect_failed"), timeout=60)
    assert client.delete("/accounts/real").status_code == 200
    wait_until(lambda: not multiprocessing.active_children(), timeout=10,
               message="session host gone after delete")
    assert [e["event"] for e in events][-1] == "account.deleted"
    assert len(children) >= 1


def test_pair_without_pending_qr_is_refused(neonize_app):
    client = neonize_app.test_client()
    client.post("/accounts", json={"id": "nopair"})
    response = client.post("/accounts/nopair/pair", json={"phone": "919876543210"})
    assert response.status_code == 409
    assert response.json["code"] == "no_pending_login"


def test_shutdown_leaves_no_child(tmp_path):
    config = test_config(tmp_path, driver="neonize")
    app = create_app(config, store=make_store("sqlite", tmp_path))
    runtime = app.extensions["wildcat"]
    runtime.start()
    client = app.test_client()
    for name in ("s1", "s2", "s3"):
        client.post("/accounts", json={"id": name})
    hosts = runtime.driver.pool.hosts   # default WILDCAT_ACCOUNTS_PER_HOST: one shared host
    wait_until(lambda: sorted(a for h in hosts() for a in h.accounts) == ["s1", "s2", "s3"],
               timeout=30)
    assert len(multiprocessing.active_children()) == len(hosts()) == 1
    runtime.stop(timeout=15)
    assert multiprocessing.active_children() == []


def test_snapshot_restored_onto_empty_data_dir(tmp_path):
    """A dyno restart: the disk is empty, the store still has the login snapshot."""
    import sqlite3

    source = tmp_path / "elsewhere.db"
    conn = sqlite3.connect(source)
    conn.execute("CREATE TABLE whatsmeow_device (jid TEXT PRIMARY KEY)")
    conn.execute("INSERT INTO whatsmeow_device VALUES ('15550001111.0:1@s.whatsapp.net')")
    conn.commit()
    conn.close()
    store = make_store("sqlite", tmp_path)
    store.create_account({"_id": "dyno", "collectionName": "auth_dyno", "status": "connected",
                          "createdAt": "2026-01-01T00:00:00.000Z"})
    store.save_snapshot("auth_dyno", source.read_bytes())

    config = test_config(tmp_path, driver="neonize", data_dir=str(tmp_path / "empty"))
    app = create_app(config, store=store)
    runtime = app.extensions["wildcat"]
    events = []
    runtime.bus.subscribe(events.append)
    runtime.start()
    try:
        wait_until(lambda: any(e.get("status") == "reconnecting" and e.get("reason") == "dialing"
                               for e in events),
                   timeout=20, message="reconnect from the restored session")
        session_file = tmp_path / "empty" / "sessions" / "dyno.db"
        assert session_file.exists()
        check = sqlite3.connect(session_file)
        assert check.execute("SELECT jid FROM whatsmeow_device").fetchall() == [
            ("15550001111.0:1@s.whatsapp.net",)]
        check.close()
    finally:
        runtime.stop(timeout=15)


class ProxyRecorder:
    """A local HTTP proxy that records each CONNECT it is asked for and refuses it (the
    WhatsApp servers it would tunnel to cannot be reached from here)."""

    def __init__(self):
        import socketserver

        self.requests = []
        recorder = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                data = b""
                self.request.settimeout(5)
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                recorder.requests.append(data.decode("latin-1"))
                self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def start(self):
        import threading
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_the_proxy_carries_the_whatsapp_connection(neonize_app):
    """PATCH proxy reconnects the real neonize client through it: the proxy sees the
    CONNECT to WhatsApp's websocket host with the account's credentials; the password
    never shows in the account's error."""
    import base64

    recorder = ProxyRecorder().start()
    try:
        client = neonize_app.test_client()
        client.post("/accounts", json={"id": "viaproxy"})
        url = f"http://alice:pw-s3cret@127.0.0.1:{recorder.port}"
        response = client.patch("/accounts/viaproxy", json={"proxy": url})
        assert response.status_code == 200, response.json
        assert response.json["account"]["proxy"] == f"http://alice:***@127.0.0.1:{recorder.port}"
        wait_until(lambda: recorder.requests, timeout=60, message="a CONNECT at the proxy")
        request = recorder.requests[0]
        assert request.startswith("CONNECT web.whatsapp.com:443 ")
        auth = [line.split(":", 1)[1].strip() for line in request.split("\r\n")
                if line.lower().startswith("proxy-authorization:")]
        assert auth and base64.b64decode(auth[0].split()[1]) == b"alice:pw-s3cret"

        def failed_through_proxy():
            account = client.get("/accounts/viaproxy").json["account"]
            return account.get("errorKind") == "proxy" and account
        account = wait_until(failed_through_proxy, timeout=60, message="a proxy failure")
        assert "Forbidden" in account["lastError"]      # the proxy's answer failed the dial
        assert "pw-s3cret" not in account["lastError"]
    finally:
        recorder.stop()
