"""Memory and start-up of neonize session hosts under the real server (offline).

For each K (WILDCAT_ACCOUNTS_PER_HOST) and each account count N: starts `python app.py` with
the neonize driver on a temp data dir, measures the web process's RSS with 0 accounts,
creates N accounts, waits until every account's session host has started neonize and tried
to connect (offline the connect fails: the account then shows `lastError`), and measures the
session hosts: their number, RSS (summed; shared library pages count once per process) and
PSS (shared pages split between the processes that map them). The marginal RSS per account
is (total at the largest N - total at the smallest N) / (difference in N), per K.
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


def pss_mb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(accounts, per_host):
    data = tempfile.mkdtemp(prefix="wildcat-bench-")
    server = ServerProcess({"WILDCAT_DRIVER": "neonize", "LOG_LEVEL": "WARNING",
                            "WILDCAT_RECONNECT_BACKOFF_BASE": "30",
                            "WILDCAT_ACCOUNTS_PER_HOST": str(per_host)}, data).start()
    try:
        workers = children_of(server.proc.pid)
        web_pid = workers[0] if workers else server.proc.pid  # gunicorn master -> worker
        time.sleep(2)
        rss_idle = rss_mb(web_pid)
        began = time.monotonic()
        for i in range(accounts):
            requests.post(server.url + "/accounts", json={"id": f"bench{i}"}).raise_for_status()

        def all_up():
            listed = requests.get(server.url + "/accounts").json()["accounts"]
            return all(a.get("lastError") for a in listed)
        wait_until(all_up, timeout=600, interval=0.2, message="every session host connected once")
        startup = time.monotonic() - began
        time.sleep(2)
        hosts = children_of(web_pid)
        host_rss = sorted(rss_mb(p) for p in hosts)
        return {
            "accounts": accounts,
            "accounts_per_host": per_host,
            "web_rss_mb_0_accounts": round(rss_idle, 1),
            "web_rss_mb_n_accounts": round(rss_mb(web_pid), 1),
            "session_hosts": len(hosts),
            "session_host_rss_mb_median": round(host_rss[len(host_rss) // 2], 1) if host_rss else None,
            "session_host_rss_mb_total": round(sum(host_rss), 1),
            "session_host_pss_mb_total": round(sum(pss_mb(p) for p in hosts), 1),
            "seconds_to_all_hosts_up": round(startup, 2),
        }
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", default="1,20,100", help="comma-separated counts")
    parser.add_argument("--per-host", default="1,10", help="comma-separated K values")
    args = parser.parse_args()
    counts = [int(n) for n in args.accounts.split(",")]
    runs = []
    for per_host in [int(k) for k in args.per_host.split(",")]:
        for accounts in counts:
            result = measure(accounts, per_host)
            runs.append(result)
            print(f"K={per_host} N={accounts}: {result['session_hosts']} hosts, RSS total "
                  f"{result['session_host_rss_mb_total']} MB (median "
                  f"{result['session_host_rss_mb_median']} MB), PSS total "
                  f"{result['session_host_pss_mb_total']} MB, all up in "
                  f"{result['seconds_to_all_hosts_up']} s; web process "
                  f"{result['web_rss_mb_n_accounts']} MB", flush=True)
    marginal = {}
    for per_host in sorted({r["accounts_per_host"] for r in runs}):
        mine = sorted((r for r in runs if r["accounts_per_host"] == per_host),
                      key=lambda r: r["accounts"])
        if len(mine) >= 2 and mine[-1]["accounts"] > mine[0]["accounts"]:
            span = mine[-1]["accounts"] - mine[0]["accounts"]
            marginal[str(per_host)] = {
                "rss_mb_per_account": round((mine[-1]["session_host_rss_mb_total"]
                                             - mine[0]["session_host_rss_mb_total"]) / span, 2),
                "pss_mb_per_account": round((mine[-1]["session_host_pss_mb_total"]
                                             - mine[0]["session_host_pss_mb_total"]) / span, 2)}
            print(f"K={per_host}: marginal {marginal[str(per_host)]['rss_mb_per_account']} MB "
                  f"RSS ({marginal[str(per_host)]['pss_mb_per_account']} MB PSS) per account")
    print(json.dumps({"runs": runs, "marginal_per_account": marginal}))


if __name__ == "__main__":
    main()
