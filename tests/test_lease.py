"""Two server instances on one store: each account is connected by exactly one of them."""
import signal

import requests

from tests.util import ServerProcess, wait_until

FAST = {"WILDCAT_LEASE_TTL": "2", "WILDCAT_SUPERVISOR_INTERVAL": "0.2",
        "WILDCAT_RECONNECT_BACKOFF_BASE": "0.1", "WILDCAT_RECONNECT_BACKOFF_CAP": "0.5"}


def status(server, account_id):
    return requests.get(f"{server.url}/accounts/{account_id}/status").json()["status"]


def test_second_instance_leaves_leased_accounts_alone_then_takes_over(tmp_path):
    data = str(tmp_path / "data")
    first = ServerProcess(FAST, data).start()
    second = None
    try:
        for name in ("a1", "a2"):
            requests.post(first.url + "/accounts", json={"id": name})
            wait_until(lambda: requests.get(f"{first.url}/accounts/{name}").json()["account"]["hasQR"])
            requests.post(f"{first.url}/sandbox/accounts/{name}/scan", json={})
            wait_until(lambda: status(first, name) == "connected")

        second = ServerProcess(FAST, data).start()
        # The standby sees the accounts but holds no lease: it never connects them.
        wait_until(lambda: len(requests.get(second.url + "/accounts").json()["accounts"]) == 2)
        for _ in range(10):  # several lease periods of the standby's retry loop
            for name in ("a1", "a2"):
                assert status(first, name) == "connected"
                assert status(second, name) == "not_started"
            requests.get(second.url + "/ping")
            wait_until(lambda: True)
        # A new account created on the standby is owned by the standby.
        requests.post(second.url + "/accounts", json={"id": "b1"})
        wait_until(lambda: status(second, "b1") == "connecting")
        wait_until(lambda: status(first, "b1") == "not_started", message="first sees b1")

        first.stop(signal.SIGKILL)  # a crash: the leases are not released, they expire
        for name in ("a1", "a2"):
            wait_until(lambda: status(second, name) == "connected", timeout=20,
                       message=f"standby takes over {name}")
        assert requests.get(f"{second.url}/accounts/a1").json()["account"]["hasQR"] is False
    finally:
        first.stop()
        if second:
            second.stop()
