"""Restart on the same data dir, SIGTERM, config refusal, the real server over HTTP."""
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.util import ROOT, ServerProcess, make_store, test_config, live_status, wait_until
from wildcat.config import ConfigError, load_config
from wildcat.factory import create_app


def started(tmp_path, store_kind, store=None, **overrides):
    app = create_app(test_config(tmp_path, **overrides),
                     store=store or make_store(store_kind, tmp_path))
    app.extensions["wildcat"].start()
    return app


def status_of(client, account_id):
    return client.get(f"/accounts/{account_id}/status").json["status"]


def test_restart_reconnects_connected_and_keeps_stopped_ones(tmp_path, store_kind):
    first = started(tmp_path, store_kind)
    store = first.extensions["wildcat"].store
    client = first.test_client()
    for name in ("live", "paused", "gone", "fresh"):
        assert client.post("/accounts", json={"id": name}).status_code == 201
    for name in ("live", "paused", "gone"):
        wait_until(lambda: client.get(f"/accounts/{name}").json["account"]["hasQR"])
        client.post(f"/sandbox/accounts/{name}/scan", json={})
        wait_until(lambda: status_of(client, name) == "connected")
    client.post("/accounts/paused/disconnect")
    client.post("/accounts/gone/logout")
    first.extensions["wildcat"].stop(timeout=10)

    # A new process: a new sandbox network that has never seen these accounts.
    second = started(tmp_path, store_kind, store=store)
    client = second.test_client()
    assert {a["_id"] for a in client.get("/accounts").json["accounts"]} == {
        "live", "paused", "gone", "fresh"}
    wait_until(lambda: status_of(client, "live") == "connected", message="live reconnects")
    assert client.get("/accounts/live").json["account"]["hasQR"] is False
    assert status_of(client, "paused") == "disconnected"
    assert status_of(client, "gone") == "logged_out"
    assert client.get("/accounts/paused").json["account"]["status"] == "disconnected"
    client.post("/accounts/paused/connect")
    wait_until(lambda: status_of(client, "paused") == "connected", message="paused resumes")
    second.extensions["wildcat"].stop(timeout=10)


def test_stop_is_bounded(tmp_path, store_kind):
    app = started(tmp_path, store_kind)
    client = app.test_client()
    for i in range(10):
        client.post("/accounts", json={"id": f"a{i}"})
    began = time.monotonic()
    app.extensions["wildcat"].stop(timeout=10)
    assert time.monotonic() - began < 20   # its own 10 s deadline, plus room for a busy CI
    assert not any(w.is_alive() for w in app.extensions["wildcat"].supervisor.workers().values())


@pytest.mark.parametrize("env,name", [({"PORT": "abc"}, "PORT"),
                                      ({"WILDCAT_DRIVER": "foo"}, "WILDCAT_DRIVER"),
                                      ({"PORT": "70000"}, "PORT"),
                                      ({"AUTO_CONNECT_ON_START": "maybe"}, "AUTO_CONNECT_ON_START"),
                                      ({"WILDCAT_MAX_UPLOAD_MB": "-1"}, "WILDCAT_MAX_UPLOAD_MB"),
                                      ({"LOG_LEVEL": "loud"}, "LOG_LEVEL")])
def test_bad_config_is_refused(env, name):
    with pytest.raises(ConfigError, match=name):
        load_config(env)


def test_config_defaults_and_aliases():
    cfg = load_config({"MONGO_URL": "mongodb://x", "PORT": "8080"})
    assert cfg.mongodb_uri == "mongodb://x" and cfg.port == 8080
    assert cfg.driver == "neonize" and cfg.max_upload_mb == 50 and cfg.send_rate_per_minute == 60
    assert cfg.db_name == "wildcat" and cfg.data_dir == "./data" and cfg.auto_connect_on_start


def test_bad_config_stops_startup_with_one_line(tmp_path):
    result = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PORT": "abc"}, timeout=60)
    assert result.returncode == 2
    assert "PORT must be an integer" in result.stderr.strip().splitlines()[-1]


def test_real_server_over_http_and_sigterm(tmp_path):
    data = str(tmp_path / "data")
    server = ServerProcess({}, data).start()
    try:
        url = server.url
        assert requests.get(url + "/ping").json()["pong"] is True
        assert requests.post(url + "/accounts", json={"id": "http"}).status_code == 201
        wait_until(lambda: requests.get(url + "/accounts/http").json()["account"]["hasQR"])
        assert requests.post(url + "/sandbox/accounts/http/scan", json={}).ok
        wait_until(lambda: live_status(url, "http")
                   == "connected")
        assert requests.get(url + "/nope").json()["code"] == "not_found"
    finally:
        began = time.monotonic()
        code = server.stop(signal.SIGTERM)
    assert time.monotonic() - began < 25
    assert code == 0, server.log()
    assert "worker stopped" in server.log()

    again = ServerProcess({}, data, port=server.port).start()
    try:
        wait_until(lambda: live_status(again.url, "http")
                   == "connected", timeout=15, message="reconnect after restart")
    finally:
        again.stop()
