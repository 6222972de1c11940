"""connection.update events while WhatsApp cannot be reached, with the real neonize driver.

Starts `python app.py` with the neonize driver (offline here: every dial fails), registers a
webhook on a real local receiver (tests/receiver.py) for `connection.update` and
`account.deleted`, creates N accounts and lets them fail to dial for --seconds. Then reads
each account (attempts, reason, lastError, errorKind, nextRetryAt), counts the events the
receiver got per account, deletes the accounts and counts what deleting published.
Prints a JSON object as the last line.

    python bench/bench_reconnect_events.py --accounts 3 --seconds 60
    python bench/bench_reconnect_events.py --backoff-base 0.5 --backoff-cap 4   # more dials
"""
import argparse
import collections
import json
import os
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.receiver import Receiver  # noqa: E402
from tests.util import ServerProcess, wait_until  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--backoff-base", type=float, default=2.0)   # the defaults
    parser.add_argument("--backoff-cap", type=float, default=120.0)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="wildcat-bench-")
    receiver = Receiver().start()
    server = ServerProcess({"WILDCAT_DRIVER": "neonize", "LOG_LEVEL": "WARNING",
                            "WILDCAT_RECONNECT_BACKOFF_BASE": str(args.backoff_base),
                            "WILDCAT_RECONNECT_BACKOFF_CAP": str(args.backoff_cap)},
                           data).start()
    try:
        requests.post(server.url + "/webhooks", json={
            "url": receiver.url, "events": ["connection.update", "account.deleted"]},
            timeout=10).raise_for_status()
        names = [f"offline{i}" for i in range(args.accounts)]
        for name in names:
            requests.post(server.url + "/accounts", json={"id": name},
                          timeout=30).raise_for_status()
        began = time.monotonic()
        time.sleep(args.seconds)          # the measured window: dials failing by themselves
        accounts = {name: requests.get(f"{server.url}/accounts/{name}", timeout=10)
                    .json()["account"] for name in names}
        window = time.monotonic() - began
        wait_until(lambda: receiver.count >= 1, 10, 0.1, "the first webhook")
        during = [r.json for r in list(receiver.requests)]
        for name in names:
            requests.delete(f"{server.url}/accounts/{name}", timeout=60).raise_for_status()
        wait_until(lambda: sum(r.json["event"] == "account.deleted"
                               for r in list(receiver.requests)) >= len(names),
                   30, 0.1, "account.deleted deliveries")
        after = [r.json for r in list(receiver.requests)[len(during):]]
    finally:
        server.stop()
        receiver.stop()

    per_account = {}
    for name in names:
        updates = [e for e in during if e["event"] == "connection.update"
                   and e["accountId"] == name]
        shown = accounts[name]
        per_account[name] = {
            "dials": shown.get("attempts", 0) + 1,
            "connection_updates": len(updates),
            "reasons": [f'{e["status"]}/{e["reason"]}' for e in updates],
            "connection_updates_after_first_failure": _after_first_failure(updates),
            "errorKinds": [e.get("errorKind") for e in updates if e.get("errorKind")],
            "shown": {k: shown.get(k) for k in ("currentStatus", "reason", "attempts",
                                               "errorKind", "nextRetryAt")},
            "lastError": (shown.get("lastError") or "")[:160],
        }
    deleted = collections.Counter(e["event"] for e in after)
    result = {
        "accounts": len(names), "window_s": round(window, 1),
        "backoff": [args.backoff_base, args.backoff_cap],
        "dials_total": sum(a["dials"] for a in per_account.values()),
        "connection_updates_total": sum(a["connection_updates"] for a in per_account.values()),
        "connection_updates_after_first_failure": sum(
            a["connection_updates_after_first_failure"] for a in per_account.values()),
        "on_delete": dict(deleted),
        "per_account": per_account,
    }
    for name, row in per_account.items():
        print(f"{name}: {row['dials']} dials, {row['connection_updates']} connection.update "
              f"{row['reasons']} kinds={row['errorKinds']}")
    print(f"on delete: {dict(deleted)}")
    print(json.dumps(result))


def _after_first_failure(updates):
    """Events published once the account had failed a first time (the retries' noise)."""
    reasons = [e["reason"] for e in updates]
    return len(reasons) - reasons.index("connect_failed") - 1 if "connect_failed" in reasons \
        else 0


if __name__ == "__main__":
    main()
