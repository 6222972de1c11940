"""Crash durability: the real server (gunicorn, `python app.py`) is SIGKILLed with a backlog
of deliveries to an endpoint that is down, restarted on the same data dir, the endpoint
comes up, and every delivery arrives."""
import glob
import os
import signal

import pytest
import requests

from tests.receiver import Receiver
from tests.util import ServerProcess, free_port, live_status, wait_until

ENV = {"WILDCAT_WEBHOOK_BACKOFF_BASE": "0.2", "WILDCAT_WEBHOOK_BACKOFF_CAP": "1",
       "WILDCAT_WEBHOOK_MAX_ATTEMPTS": "100", "WILDCAT_WEBHOOK_POLL_INTERVAL": "0.5",
       "WILDCAT_WEBHOOK_TIMEOUT": "1", "WILDCAT_THREADS": "8",
       # The killed server's leases (its accounts, webhook dispatch) must expire before the
       # restarted one, a new instance, takes over: keep that wait short here.
       "WILDCAT_LEASE_TTL": "2"}


def children(pid):
    found = set()
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        with open(path) as f:
            found.update(int(p) for p in f.read().split())
    return found


def crash(server):
    """SIGKILL the gunicorn master and its worker together: no shutdown code runs."""
    workers = children(server.proc.pid)
    os.kill(server.proc.pid, signal.SIGKILL)
    for pid in workers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    server.proc.wait(10)
    server.stop()
    wait_until(lambda: not any(os.path.exists(f"/proc/{p}/status") and
                               "zombie" not in open(f"/proc/{p}/status").read()
                               for p in workers), 10, message="worker gone")


def make_events(http, base):
    """Accounts created (connection.update + qr) and 20 received messages."""
    for i in range(6):
        assert http.post(f"{base}/accounts", json={"id": f"acc{i}"}).status_code == 201
    wait_until(lambda: http.get(f"{base}/accounts/acc0").json()["account"]["hasQR"])
    assert http.post(f"{base}/sandbox/accounts/acc0/scan", json={}).status_code == 200
    wait_until(lambda: live_status(base, "acc0", http) == "connected")
    for i in range(20):
        response = http.post(f"{base}/sandbox/accounts/acc0/inbound",
                             json={"from": "919876543210", "text": f"message {i}"})
        assert response.status_code == 200, response.text


@pytest.mark.timeout(120)
def test_backlog_survives_sigkill_and_restart(tmp_path):
    data_dir = str(tmp_path / "data")
    endpoint_port = free_port()
    http = requests.Session()
    server = ServerProcess(ENV, data_dir).start()
    try:
        hook = http.post(f"{server.url}/webhooks", json={
            "url": f"http://127.0.0.1:{endpoint_port}/hook", "events": ["*"]}).json()
        make_events(http, server.url)

        minimum = 12 + 20

        def backlog():
            found = http.get(f"{server.url}/webhooks/{hook['id']}/deliveries",
                             params={"limit": 500}).json()["deliveries"]
            tried = [d for d in found if d["attempts"] >= 1]
            return len(found) >= minimum and len(tried) >= 3 and found
        before = wait_until(backlog, 20, message="a backlog the dispatcher has been trying")
        assert all(d["status"] == "pending" for d in before)
        assert all("connection" in d["lastError"] for d in before if d["attempts"])
    finally:
        crash(server)

    # Same data dir, a new process; then the endpoint comes up.
    server = ServerProcess(ENV, data_dir).start()
    try:
        with Receiver(port=endpoint_port) as receiver:
            wanted = {d["id"] for d in before}
            wait_until(lambda: wanted <= receiver.delivery_ids(), 30,
                       message="every delivery of the backlog")
            kinds = {r.json["event"] for r in receiver.requests}
            assert {"connection.update", "qr"} <= kinds
            texts = {r.json["message"] for r in receiver.requests
                     if r.json["event"] == "message"}
            assert texts >= {f"message {i}" for i in range(20)}

            def all_delivered():
                found = http.get(f"{server.url}/webhooks/{hook['id']}/deliveries",
                                 params={"limit": 500}).json()["deliveries"]
                return all(d["status"] == "delivered" for d in found if d["id"] in wanted)
            wait_until(all_delivered, 10, message="backlog marked delivered")
    finally:
        server.stop()
