"""Groups over HTTP against a real server: group creates per second, GET groups latency for an
account in `--groups` groups, and one participants call adding 256 members.

Starts `python app.py` with the sandbox driver and a temp data dir (SQLite); creates and scans
one account; creates `--groups` groups of 3 through POST .../groups; then times GET .../groups
`--repeats` times (each asks the sandbox's WhatsApp and compares every group with the store;
the creates stored them already, so nothing is rewritten); then adds 256 participants to one
group in one request and reads that group. Prints a JSON object as the last line.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.util import ServerProcess, wait_until  # noqa: E402

ACCOUNT = "bench"


def timed(fn):
    began = time.perf_counter()
    response = fn()
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code not in (200, 201):
        raise SystemExit(f"{response.request.method} {response.request.url}: "
                         f"{response.status_code} {response.text[:300]}")
    return response, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wildcat-bench-groups-") as data_dir:
        server = ServerProcess({"WILDCAT_SEND_RATE_PER_MINUTE": "0", "LOG_LEVEL": "WARNING"},
                               data_dir).start()
        try:
            http = requests.Session()
            base = f"{server.url}/accounts/{ACCOUNT}"
            http.post(f"{server.url}/accounts", json={"id": ACCOUNT}).raise_for_status()
            wait_until(lambda: http.get(base).json()["account"]["hasQR"], 30)
            http.post(f"{server.url}/sandbox/accounts/{ACCOUNT}/scan",
                      json={"phone": "15550001111"}).raise_for_status()
            wait_until(lambda: http.get(f"{base}/status").json()["status"] == "connected", 30)

            began, creates = time.perf_counter(), []
            for i in range(args.groups):
                response, ms = timed(lambda: http.post(f"{base}/groups", json={
                    "subject": f"Group {i}", "participants": [
                        "1555%07d" % (2 * i + 10), "1555%07d" % (2 * i + 11)]}))
                creates.append(ms)
                last = response.json()["group"]["id"]
            create_seconds = time.perf_counter() - began

            lists = []
            for _ in range(args.repeats):
                response, ms = timed(lambda: http.get(f"{base}/groups"))
                assert len(response.json()["groups"]) == args.groups
                lists.append(ms)

            members = ["1556%07d" % i for i in range(256)]
            response, add_ms = timed(lambda: http.post(f"{base}/groups/{last}/participants",
                                                       json={"action": "add",
                                                             "participants": members}))
            added = sum(r["ok"] for r in response.json()["results"])
            _, get_ms = timed(lambda: http.get(f"{base}/groups/{last}"))
        finally:
            server.stop()

    result = {
        "groups": args.groups,
        "creates_per_second": round(args.groups / create_seconds, 1),
        "create_ms_p50": round(statistics.median(creates), 2),
        "create_ms_max": round(max(creates), 2),
        "list_ms_p50": round(statistics.median(lists), 2),
        "list_ms_max": round(max(lists), 2),
        "participants_add_256_ms": round(add_ms, 2), "participants_added": added,
        "get_group_259_members_ms": round(get_ms, 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
