"""Typed worker commands: deadlines, cancellation, a full queue, and one error per condition."""
import threading

import pytest

from tests.sandboxes import GatedSandbox
from tests.util import connected_account, wait_until
from wildcat.drivers.base import DriverEvent
from wildcat.store.base import StoreError

PEER = "15550009999@s.whatsapp.net"


@pytest.fixture
def gated(make_app):
    driver = GatedSandbox()
    app = make_app(driver=driver, command_timeout=1.0)
    client = app.test_client()
    connected_account(client, "mybot", "15550001111")
    return app, client, driver


def _send_in_thread(client, text, results):
    def run():
        response = client.post("/accounts/mybot/message/send", json={"to": PEER, "message": text})
        results[text] = response
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_timed_out_queued_send_never_runs_and_a_running_one_is_stored(gated):
    app, client, driver = gated
    runtime = app.extensions["wildcat"]
    driver.gate.clear()                       # WhatsApp stalls
    results = {}
    first = _send_in_thread(client, "first", results)
    wait_until(lambda: driver.sends_started == ["first"])
    second = _send_in_thread(client, "second", results)   # queued behind "first"
    first.join(10)
    second.join(10)
    for text, started in (("first", True), ("second", False)):
        response = results[text]
        assert response.status_code == 504, response.json
        assert response.json["code"] == "account_timeout"
        assert ("still running" in response.json["error"]) is started
    driver.gate.set()                         # WhatsApp answers the running send
    wait_until(lambda: runtime.store.count_messages("mybot") == 1)
    sent = client.get("/sandbox/accounts/mybot/sent").json["sent"]
    assert [s["text"] for s in sent] == ["first"]
    assert driver.sends_started == ["first"]  # the cancelled send never reached the driver
    # A retry of the cancelled send goes out once.
    retry = client.post("/accounts/mybot/message/send", json={"to": PEER, "message": "second"})
    assert retry.status_code == 200
    sent = client.get("/sandbox/accounts/mybot/sent").json["sent"]
    assert [s["text"] for s in sent] == ["first", "second"]


def test_a_full_queue_is_503_account_busy_with_retry_after(gated):
    app, client, driver = gated
    worker = app.extensions["wildcat"].supervisor.get("mybot")
    driver.gate.clear()
    results = {}
    blocked = _send_in_thread(client, "blocking", results)
    wait_until(lambda: driver.sends_started == ["blocking"])
    for n in range(worker._queue.maxsize):   # driver events fill the account's queue
        worker.on_driver_event(DriverEvent("noop", {"n": n}))
    response = client.post("/accounts/mybot/message/send", json={"to": PEER, "message": "x"})
    assert response.status_code == 503 and response.json["code"] == "account_busy"
    assert int(response.headers["Retry-After"]) >= 1
    driver.gate.set()
    blocked.join(10)
    assert "x" not in driver.sends_started


def test_the_store_not_answering_is_503_store_unavailable(client, runtime, monkeypatch):
    def down(*args, **kwargs):
        raise StoreError("database is locked (/secret/path/wildcat.db)")
    monkeypatch.setattr(runtime.store, "get_account", down)
    response = client.get("/accounts/anything")
    assert response.status_code == 503
    assert response.json["code"] == "store_unavailable"
    assert "/secret/path" not in response.json["error"]
    assert response.headers["Retry-After"]


def test_one_code_for_not_connected_and_for_no_pending_login(client, runtime):
    connected_account(client, "mybot", "15550001111")
    pair = client.post("/accounts/mybot/pair", json={"phone": "15550001111"})
    assert (pair.status_code, pair.json["code"]) == (409, "no_pending_login")
    scan = client.post("/sandbox/accounts/mybot/scan", json={"phone": "15550001111"})
    assert (scan.status_code, scan.json["code"]) == (409, "no_pending_login")
    client.post("/sandbox/accounts/mybot/inbound", json={"from": PEER, "text": "hi"})
    wait_until(lambda: runtime.store.get_chat("mybot", PEER))
    client.post("/accounts/mybot/disconnect")
    for path, body in (("message/send", {"to": PEER, "message": "x"}),
                       (f"chats/{PEER}/read", None)):
        response = client.post(f"/accounts/mybot/{path}", json=body)
        assert (response.status_code, response.json["code"]) == (409, "account_not_connected")


def test_the_openapi_error_codes_come_from_the_error_table(client):
    from wildcat.errors import codes_by_status
    spec = client.get("/openapi.json").json
    for status, codes in codes_by_status().items():
        text = spec["components"]["responses"][f"E{status}"]["description"]
        assert all(f"`{code}`" in text for code in codes), (status, text)
