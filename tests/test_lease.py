"""Two server instances on one store: each account is connected by exactly one of them."""
import os
import signal

import requests

from tests.util import ServerProcess, live_status, wait_until

FAST = {"WILDCAT_LEASE_TTL": "2", "WILDCAT_SUPERVISOR_INTERVAL": "0.2",
        "WILDCAT_RECONNECT_BACKOFF_BASE": "0.1", "WILDCAT_RECONNECT_BACKOFF_CAP": "0.5"}


def status(server, account_id):
    return live_status(server.url, account_id)


def crash(server):
    """SIGKILL the server's gunicorn worker, then its master (killing the master alone
    leaves the worker to notice and exit gracefully, handing its accounts over)."""
    with open(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children") as f:
        workers = [int(pid) for pid in f.read().split()]
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    server.stop(signal.SIGKILL)


def owners(server):
    """{account id: owning instance} from /cluster (each account at most once)."""
    held = {}
    for instance in requests.get(server.url + "/cluster").json()["instances"]:
        for account_id in instance["accounts"]:
            assert account_id not in held, "an account with two owners"
            held[account_id] = instance["id"]
    return held


def test_a_second_instance_shares_the_accounts_then_takes_over(tmp_path):
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
        # The newcomer gets its share (one each); every account keeps exactly one owner and
        # reads the same through both servers (live routes go to the owner).
        wait_until(lambda: len(set(owners(second).values())) == 2 and len(owners(second)) == 2,
                   timeout=20, message="one account each")
        for name in ("a1", "a2"):
            wait_until(lambda: status(first, name) == status(second, name) == "connected",
                       timeout=20, message=f"{name} connected, seen from both")
        # A new account created on the second is owned by the second.
        requests.post(second.url + "/accounts", json={"id": "b1"})
        wait_until(lambda: status(first, "b1") == "connecting", message="first sees b1")
        second_id = requests.get(second.url + "/health").json()["instance"]
        assert owners(first)["b1"] == second_id

        crash(first)        # the leases are not released, they expire
        wait_until(lambda: owners(second) == {"a1": second_id, "a2": second_id,
                                              "b1": second_id},
                   timeout=20, message="the survivor owns every account")
        for name in ("a1", "a2"):
            wait_until(lambda: status(second, name) == "connected", timeout=20,
                       message=f"the survivor reconnects {name}")
        assert requests.get(f"{second.url}/accounts/a1").json()["account"]["hasQR"] is False
    finally:
        first.stop()
        if second:
            second.stop()
