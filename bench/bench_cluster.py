"""Many processes, one store: what a second gunicorn worker buys, what forwarding costs, how
fast a dead server's accounts come back, and how late an event reaches /ws on another process.

Starts real `python app.py` servers (sandbox driver, send rate limit off, temp data dirs):
1. throughput: a WEB_CONCURRENCY=1 server and a WEB_CONCURRENCY=2 server, each with
   `--accounts` connected accounts; `--clients` client processes (raw http.client,
   keep-alive) hammer GET .../chats, then POST .../message/send, for `--seconds` each; the
   figure is the ratio 2 workers / 1 worker, measured in the same run;
2. forwarding: on the 2-worker server, sequential sends to an account through its owner's
   private address (direct) and through the other worker's (forwarded): p50/p99 ms;
3. event lag: a /ws client on one worker, sends on accounts the other worker owns; the lag
   is receive time - the event's `timestamp` (ms, same clock): p50/p99 ms;
4. failover: two servers on one data dir with WILDCAT_LEASE_TTL=`--ttl`; SIGKILL the one
   owning accounts (its whole process group); seconds until /cluster on the survivor shows
   every account owned again.
Prints a JSON object as the last line.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.parse

import requests
import websocket

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.test_cluster import ClusterServer, cluster, create_and_scan, spread  # noqa: E402
from tests.util import wait_until  # noqa: E402

PEER = "15559990000"
ENV = {"WILDCAT_SEND_RATE_PER_MINUTE": "0", "WILDCAT_SUPERVISOR_INTERVAL": "0.3",
       "WILDCAT_CLUSTER_SECRET": "bench", "LOG_LEVEL": "WARNING", "WILDCAT_THREADS": "32"}


def pct(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p / 100))], 2)


def _client(url, kind, accounts, seconds, threads, out):
    parts = urllib.parse.urlsplit(url)
    stop_at = time.monotonic() + seconds
    counts = [0] * threads
    body = json.dumps({"to": PEER, "message": "bench"}).encode()

    def loop(i):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        n = 0
        while time.monotonic() < stop_at:
            account = accounts[(i + n) % len(accounts)]
            n += 1
            if kind == "chats":
                conn.request("GET", f"/accounts/{account}/chats")
            else:
                conn.request("POST", f"/accounts/{account}/message/send", body,
                             {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[i] += 1
    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(sum(counts))


def throughput(url, kind, accounts, seconds, clients, threads):
    """Requests per second from `clients` processes of `threads` keep-alive threads."""
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_client,
                                     args=(url, kind, accounts, seconds, threads, out))
             for _ in range(clients)]
    for p in procs:
        p.start()
    total = sum(out.get() for _ in procs)
    for p in procs:
        p.join()
    return round(total / seconds, 1)


def prepared(env, data, names):
    server = ClusterServer({**ENV, **env}, data).start().ready()
    workers = int(env.get("WEB_CONCURRENCY", "1"))
    wait_until(lambda: len([i for i in cluster(server.url)["instances"] if i["alive"]])
               == workers, timeout=60, message="workers registered")
    create_and_scan([server.url], names)
    share = -(-len(names) // workers)
    wait_until(lambda: (spread(server.url, len(names)) or [99])[-1] <= share, timeout=60,
               message="accounts spread")
    for name in names:            # some history to read
        for _ in range(5):
            assert requests.post(f"{server.url}/accounts/{name}/message/send",
                                 json={"to": PEER, "message": "seed"}).ok
    return server


def post(conn, path, body):
    """One request, headers and body in one write (no delayed-ACK stall); (status, json)."""
    conn.request("POST", path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def latency(url, account, n):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    samples = []
    for _ in range(n):
        began = time.perf_counter()
        status, answer = post(conn, f"/accounts/{account}/message/send",
                              {"to": PEER, "message": "latency"})
        samples.append((time.perf_counter() - began) * 1000)
        assert status == 200, answer
    return samples


def event_lag(server, n):
    view = cluster(server.url)
    watcher_at, other = view["instances"][0], view["instances"][1]
    ws = websocket.create_connection(watcher_at["address"].replace("http://", "ws://") +
                                     "/ws?events=message.sent", timeout=10,
                                     skip_utf8_validation=True)
    parts = urllib.parse.urlsplit(other["address"])
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    lags = []
    for i in range(n):
        account = other["accounts"][i % len(other["accounts"])]
        status, answer = post(conn, f"/accounts/{account}/message/send",
                              {"to": PEER, "message": "lag"})
        assert status == 200, answer
        wanted = answer["messageId"]
        while True:
            event = json.loads(ws.recv())
            if event["messageId"] == wanted:
                lags.append(time.time() * 1000 - event["timestamp"])
                break
    ws.close()
    return lags


def failover(base, ttl, names):
    data = os.path.join(base, "failover")
    env = {**ENV, "WILDCAT_LEASE_TTL": str(ttl)}
    first = ClusterServer(env, data).start().ready()
    create_and_scan([first.url], names)
    second = ClusterServer(env, data).start().ready()
    try:
        wait_until(lambda: spread(first.url, len(names)) == [len(names) // 2] * 2
                   if len(names) % 2 == 0 else True, timeout=60, message="spread")
        wait_until(lambda: spread(second.url, len(names)), timeout=30, message="all owned")
        killed = time.monotonic()
        first.crash()
        wait_until(lambda: spread(second.url, len(names)) == [len(names)], timeout=ttl * 10,
                   interval=0.05, message="taken over")
        return round(time.monotonic() - killed, 2)
    finally:
        second.stop(signal.SIGTERM)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--ttl", type=float, default=3.0)
    args = parser.parse_args()
    names = [f"b{n}" for n in range(args.accounts)]
    result = {"accounts": args.accounts, "seconds": args.seconds,
              "clients": f"{args.clients} processes x {args.threads} threads",
              "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as base:
        rates = {}
        for workers in (1, 2):
            server = prepared({"WEB_CONCURRENCY": str(workers)},
                              os.path.join(base, f"w{workers}"), names)
            try:
                for kind in ("chats", "send"):
                    rates[(workers, kind)] = throughput(server.url, kind, names, args.seconds,
                                                        args.clients, args.threads)
                    print(f"WEB_CONCURRENCY={workers} {kind}: {rates[(workers, kind)]}/s",
                          flush=True)
                if workers == 2:
                    view = cluster(server.url)
                    owner, other = view["instances"][0], view["instances"][1]
                    account = owner["accounts"][0]
                    direct = latency(owner["address"], account, args.samples)
                    forwarded = latency(other["address"], account, args.samples)
                    lags = event_lag(server, args.samples)
            finally:
                server.stop(signal.SIGTERM)
        for kind in ("chats", "send"):
            result[f"{kind}_per_s_1_worker"] = rates[(1, kind)]
            result[f"{kind}_per_s_2_workers"] = rates[(2, kind)]
            result[f"{kind}_ratio"] = round(rates[(2, kind)] / max(rates[(1, kind)], 0.1), 2)
        result.update({
            "send_direct_ms_p50": pct(direct, 50), "send_direct_ms_p99": pct(direct, 99),
            "send_forwarded_ms_p50": pct(forwarded, 50),
            "send_forwarded_ms_p99": pct(forwarded, 99),
            "forward_extra_ms_p50": round(pct(forwarded, 50) - pct(direct, 50), 2),
            "forward_extra_ms_p99": round(pct(forwarded, 99) - pct(direct, 99), 2),
            "ws_lag_other_process_ms_p50": pct(lags, 50),
            "ws_lag_other_process_ms_p99": pct(lags, 99),
        })
        result["failover_ttl_s"] = args.ttl
        result["failover_after_sigkill_s"] = failover(base, args.ttl, names)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
