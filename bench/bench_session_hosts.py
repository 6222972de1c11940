"""Memory and start-up of neonize session hosts under the real server (offline).

Starts `python app.py` with the neonize driver on a temp data dir, measures the web
process's RSS with 0 accounts, creates N accounts, waits until every account's session host
has started neonize and tried to connect (offline the connect fails: the account then shows
`lastError`), and measures the web process's RSS again and the session hosts' RSS.
Prints a JSON object as the last line.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.util import ServerProcess, wait_until  # noqa: E402


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children_of(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    helper = b"resource_tracker" in f.read()  # multiprocessing's own helper
                if int(fields[1]) == pid and not helper:
                    kids.append(int(entry))
            except (OSError, IndexError):
                pass
    return kids


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=20)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="wildcat-bench-")
    server = ServerProcess({"WILDCAT_DRIVER": "neonize", "LOG_LEVEL": "WARNING",
                            "WILDCAT_RECONNECT_BACKOFF_BASE": "30"}, data).start()
    try:
        workers = children_of(server.proc.pid)
        web_pid = workers[0] if workers else server.proc.pid  # gunicorn master -> worker
        time.sleep(2)
        rss_idle = rss_mb(web_pid)
        began = time.monotonic()
        for i in range(args.accounts):
            requests.post(server.url + "/accounts", json={"id": f"bench{i}"}).raise_for_status()

        def all_up():
            accounts = requests.get(server.url + "/accounts").json()["accounts"]
            return all(a.get("lastError") for a in accounts)
        wait_until(all_up, timeout=300, interval=0.2, message="every session host connected once")
        startup = time.monotonic() - began
        time.sleep(2)
        hosts = children_of(web_pid)
        host_rss = sorted(rss_mb(p) for p in hosts)
        result = {
            "accounts": args.accounts,
            "web_rss_mb_0_accounts": round(rss_idle, 1),
            "web_rss_mb_n_accounts": round(rss_mb(web_pid), 1),
            "session_hosts": len(hosts),
            "session_host_rss_mb_median": round(host_rss[len(host_rss) // 2], 1) if host_rss else None,
            "session_host_rss_mb_total": round(sum(host_rss), 1),
            "seconds_to_all_hosts_up": round(startup, 2),
        }
    finally:
        server.stop()
    print(f"web process RSS: {result['web_rss_mb_0_accounts']} MB with 0 accounts, "
          f"{result['web_rss_mb_n_accounts']} MB with {args.accounts}")
    print(f"session hosts: {result['session_hosts']}, median RSS "
          f"{result['session_host_rss_mb_median']} MB; all up in {result['seconds_to_all_hosts_up']} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
