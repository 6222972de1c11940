"""Health, metrics and logs: the app factory on real stores, and one real server process."""
import io
import json
import logging

import mongomock
import mongomock.gridfs
import pymongo
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.util import ServerProcess, free_port, scan_account, test_config, wait_until
from wildcat import metrics
from wildcat.factory import create_app
from wildcat.logs import make_handler, request_id_from
from wildcat.store.mongo import MongoStore


def samples(text):
    """{(name, frozenset(labels)): value} of a Prometheus exposition."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def value(scraped, name, **labels):
    return scraped.get((name, frozenset(labels.items())), 0.0)


# -- health ------------------------------------------------------------------------------
def test_health_ok(client):
    client.post("/accounts", json={"id": "h1"})
    body = client.get("/health").json
    assert body["ok"] is True and body["status"] == "ok"
    assert (body["store"], body["supervisor"], body["dispatcher"]) == ("ok", "alive", "alive")
    assert body["accounts"]["total"] == 1


def test_health_503_when_the_store_is_gone(tmp_path):
    """The store object stays but its MongoDB is gone: a real client on a dead port."""
    mongomock.gridfs.enable_gridfs_integration()
    store = MongoStore(mongomock.MongoClient(), "wildcat_health")
    app = create_app(test_config(tmp_path), store=store)
    runtime = app.extensions["wildcat"]
    runtime.start()
    try:
        client = app.test_client()
        assert client.get("/health").status_code == 200
        dead = pymongo.MongoClient(f"mongodb://127.0.0.1:{free_port()}",
                                   serverSelectionTimeoutMS=200, connectTimeoutMS=200)
        store.client, store.db = dead, dead["wildcat_health"]
        response = client.get("/health")
        assert response.status_code == 503
        body = response.json
        assert body["ok"] is False and body["code"] == "unhealthy"
        assert body["details"]["store"] == "unreachable"
        assert body["details"]["supervisor"] == "alive"
        assert "store unreachable" in body["error"]
        scraped = samples(client.get("/metrics").get_data(as_text=True))
        assert value(scraped, "wildcat_store_up") == 0
        dead.close()
    finally:
        runtime.stop(timeout=10)


def test_health_503_when_the_threads_are_stopped(app, client):
    app.extensions["wildcat"].stop(timeout=10)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json["details"]["supervisor"] == "dead"
    assert response.json["details"]["store"] == "ok"


# -- metrics -----------------------------------------------------------------------------
def test_metrics_move_after_a_sandbox_conversation(client):
    before = samples(client.get("/metrics").get_data(as_text=True))
    for account_id in ("ma", "mb"):
        assert client.post("/accounts", json={"id": account_id}).status_code == 201
    jid_b = scan_account(client, "mb", "15550002222")
    scan_account(client, "ma", "15550001111")
    sent = client.post("/accounts/ma/message/send", json={"to": jid_b, "message": "hi"})
    assert sent.status_code == 200, sent.json
    inbound = client.post("/sandbox/accounts/ma/inbound",
                          json={"from": "15550003333@s.whatsapp.net", "text": "hello"})
    assert inbound.status_code == 200

    def moved():  # mb received ma's message and ma the injected one
        after = samples(client.get("/metrics").get_data(as_text=True))
        arrived = [value(after, "wildcat_messages_total", direction="in", account=a)
                   > value(before, "wildcat_messages_total", direction="in", account=a)
                   for a in ("ma", "mb")]
        return after if all(arrived) else None
    after = wait_until(moved, message="both arrivals counted")
    response = client.get("/metrics")
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")

    def delta(name, **labels):  # the counters are process-wide: other tests count too
        return value(after, name, **labels) - value(before, name, **labels)
    assert value(after, "wildcat_accounts", status="connected") == 2
    assert delta("wildcat_messages_total", direction="out", account="ma") == 1
    assert delta("wildcat_messages_total", direction="in", account="mb") == 1
    assert delta("wildcat_messages_total", direction="in", account="ma") == 1
    assert delta("wildcat_events_total", event="message.sent") == 1
    assert value(after, "wildcat_send_latency_seconds_count") > value(
        before, "wildcat_send_latency_seconds_count")
    assert delta("wildcat_http_requests_total", method="POST",
                 endpoint="accounts.create_account", status="201") == 2
    assert ("wildcat_webhook_outbox_depth", frozenset()) in after
    assert ("wildcat_webhook_deliveries", frozenset({("status", "failed")})) in after


def test_metric_hooks_for_other_modules():
    before = samples(metrics.render_process().decode())
    metrics.count_session_host_restart("hooked")
    metrics.observe_send_latency(0.3)
    metrics.observe_send_latency("not a number")  # a hook never raises
    after = samples(metrics.render_process().decode())
    assert value(after, "wildcat_session_host_restarts_total", account="hooked") == 1
    assert value(after, "wildcat_send_latency_seconds_count") == value(
        before, "wildcat_send_latency_seconds_count") + 1


# -- logs --------------------------------------------------------------------------------
@pytest.fixture
def json_log(config):
    stream = io.StringIO()
    handler = make_handler(type(config)(log_format="json"), stream)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def json_lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_request_id_is_echoed_and_in_every_json_line(client, json_log):
    response = client.post("/accounts", json={"id": "logged"},
                           headers={"X-Request-Id": "req-abc.123"})
    assert response.headers["X-Request-Id"] == "req-abc.123"
    lines = [entry for entry in json_lines(json_log) if entry.get("requestId") == "req-abc.123"]
    access = [entry for entry in lines if entry["logger"] == "wildcat.access"]
    assert access and access[0]["path"] == "/accounts" and access[0]["status"] == 201
    assert any(entry["logger"] != "wildcat.access" for entry in lines), lines  # the view's too
    assert {"time", "level", "logger", "thread", "message"} <= access[0].keys()
    generated = client.get("/accounts/logged", headers={"X-Request-Id": "bad id " + "x" * 300})
    rid = generated.headers["X-Request-Id"]
    assert len(rid) == 32 and int(rid, 16) >= 0
    entry = [e for e in json_lines(json_log) if e.get("path") == "/accounts/logged"][-1]
    assert entry["requestId"] == rid and entry["accountId"] == "logged"


def test_request_ids_are_sane():
    assert request_id_from("abc-1:2@x.y_z") == "abc-1:2@x.y_z"
    for bad in ("", None, "a b", "x" * 129, "ä", "a\nb", "<script>"):
        assert request_id_from(bad) != bad


def test_server_logs_json_with_request_ids_and_no_secrets(tmp_path):
    key = "operator-secret-key-42"
    server = ServerProcess({"LOG_FORMAT": "json", "WILDCAT_API_KEY": key},
                           str(tmp_path / "data")).start()
    try:
        headers = {"X-API-Key": key}
        created = requests.post(server.url + "/accounts", json={"id": "srv"}, headers=headers,
                                timeout=10)
        token = created.json()["token"]
        status = requests.get(server.url + "/accounts/srv/status", timeout=10,
                              headers={"Authorization": f"Bearer {token}",
                                       "X-Request-Id": "trace-77"})
        assert status.status_code == 200 and status.headers["X-Request-Id"] == "trace-77"
        denied = requests.get(server.url + "/accounts", timeout=10)
        assert denied.status_code == 401 and len(denied.headers["X-Request-Id"]) == 32

        def logged():
            text = server.log()
            return text if "trace-77" in text else None
        text = wait_until(logged, message="request line in the server log")
    finally:
        server.stop()
    entries = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert entries, text
    traced = [e for e in entries if e.get("requestId") == "trace-77"]
    assert traced and traced[0]["accountId"] == "srv" and traced[0]["status"] == 200
    assert any(e.get("accountId") == "srv" and e["thread"] == "account-srv" for e in entries)
    assert not any("open to anyone" in e["message"] for e in entries)  # a key is set
    assert key not in text and token not in text


def test_start_warns_when_the_api_is_open(tmp_path, caplog):
    app = create_app(test_config(tmp_path))
    with caplog.at_level(logging.WARNING):
        app.extensions["wildcat"].start()
    app.extensions["wildcat"].stop(timeout=10)
    assert any("WILDCAT_API_KEY is not set" in r.getMessage() for r in caplog.records)


def test_session_host_restarts_are_counted(tmp_path):
    """The neonize driver with a real child process (fake WhatsApp client inside): a killed
    session host that the driver starts again counts one restart."""
    import os
    import signal
    import types

    from workers.neonize.parent_driver import NeonizeDriver

    driver = NeonizeDriver(types.SimpleNamespace(data_dir=str(tmp_path), log_level="WARNING"),
                           session_factory="tests.fake_sessions:FakeSession")
    events = []
    session = driver.open_session({"_id": "restarted"}, events.append)
    before = value(samples(metrics.render_process().decode()),
                   "wildcat_session_host_restarts_total", account="restarted")
    try:
        session.start()
        wait_until(lambda: session.pid, message="first child")
        first = session.pid
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: session.pid not in (None, first), message="second child")
    finally:
        driver.close()
    after = value(samples(metrics.render_process().decode()),
                  "wildcat_session_host_restarts_total", account="restarted")
    assert after - before == 1


def test_log_format_is_read_and_refused_when_wrong():
    from wildcat.config import ConfigError, load_config
    assert load_config({"LOG_FORMAT": "JSON"}).log_format == "json"
    assert load_config({}).log_format == "text"
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        load_config({"LOG_FORMAT": "xml"})
