"""Many processes, one store: what a second gunicorn worker buys, what forwarding costs, how
fast a dead server's accounts come back, and how late an event reaches /ws on another process.

Starts real `python app.py` servers (sandbox driver, send rate limit off, temp data dirs):
1. throughput: a WEB_CONCURRENCY=1 server and a WEB_CONCURRENCY=2 server, each with
   `--accounts` connected accounts; `--connections` keep-alive connections of the lean load
   generator (bench/loadgen.py: one thread, a few tens of microseconds per request, so the
   server gets the cores) cycle through GET .../chats, then POST .../message/send, for
   `--seconds` each, `--runs` times, alternating the two servers; the figures are the
   medians and the ratio 2 workers / 1 worker. Sends go to the public port, where a
   request for an account the other worker owns is relayed to it (random routing, as
   behind any load balancer), and on the 2-worker server also straight to each account's
   owner (its private address, from GET /cluster: owner routing). The servers' CPU seconds
   per request are given too: unlike rates, they hold on a busy machine;
2. forwarding: on the 2-worker server, sequential sends to an account through its owner's
   private address (direct) and through the other worker's (forwarded): p50/p99 ms;
3. event lag: a /ws client on one worker, sends (at random moments) on accounts the other
   worker owns; the lag is receive time - the event's `timestamp` (ms, same clock): p50/p99;
4. failover: two servers on one data dir with WILDCAT_LEASE_TTL=`--ttl`; SIGKILL the one
   owning accounts (its whole process group); seconds until /cluster on the survivor shows
   every account owned again.
Prints a JSON object as the last line.
"""
import argparse
import http.client
import json
import os
import random
import signal
import sys
import tempfile
import time
import urllib.parse

import requests
import websocket

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.test_cluster import ClusterServer, cluster, create_and_scan, spread  # noqa: E402
from tests.util import wait_until  # noqa: E402
import loadgen  # noqa: E402  (bench/, beside this script)

PEER = "15559990000"
ENV = {"WILDCAT_SEND_RATE_PER_MINUTE": "0", "WILDCAT_SUPERVISOR_INTERVAL": "0.3",
       "WILDCAT_CLUSTER_SECRET": "bench", "LOG_LEVEL": "WARNING", "WILDCAT_THREADS": "32"}


def pct(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p / 100))], 2)


def server_cpu(server):
    """CPU seconds (user + system) used so far by the server's gunicorn workers."""
    total = 0.0
    with open(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children") as f:
        pids = f.read().split()
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def requests_for(kind, names):
    body = json.dumps({"to": PEER, "message": "bench"}).encode()
    if kind == "chats":
        return [("GET", f"/accounts/{n}/chats", None) for n in names]
    return [("POST", f"/accounts/{n}/message/send", body) for n in names]


def plan_for(server, kind, names, connections, routing):
    """The load generator's connections: all to the public port ("random": the kernel
    gives each to a worker), or each to one owner's private address with its accounts."""
    if routing == "random":
        port = urllib.parse.urlsplit(server.url).port
        return [("127.0.0.1", port, requests_for(kind, names))] * connections
    plan = []
    instances = [i for i in cluster(server.url)["instances"] if i["alive"]]
    for instance in instances:
        parts = urllib.parse.urlsplit(instance["address"])
        mine = [n for n in names if n in instance["accounts"]]
        plan += [(parts.hostname, parts.port, requests_for(kind, mine))] * \
            (connections // len(instances))
    return plan


def throughput(server, kind, names, seconds, connections, routing="random"):
    """{rate: ok requests/s, cpu_ms: server CPU ms per request, errors}."""
    plan = plan_for(server, kind, names, connections, routing)
    cpu = server_cpu(server)
    figures = loadgen.run(plan, seconds=seconds)
    used = server_cpu(server) - cpu
    if figures["errors"]:
        raise AssertionError(f"{figures['errors']} errors: {figures}")
    return {"rate": figures["rate"],
            "cpu_ms": round(used * 1000 / max(1, figures["requests"]), 3)}


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


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
        # at a random moment of the receiving process's 25 ms poll, as events arrive: a send
        # right after the previous event was read would always wait one whole poll
        time.sleep(random.uniform(0, 0.05))
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


CASES = (("chats", "random"), ("send", "random"), ("send", "owner"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--ttl", type=float, default=3.0)
    args = parser.parse_args()
    names = [f"b{n}" for n in range(args.accounts)]
    result = {"accounts": args.accounts, "seconds": args.seconds, "runs": args.runs,
              "connections": args.connections, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as base:
        servers = {w: prepared({"WEB_CONCURRENCY": str(w)}, os.path.join(base, f"w{w}"), names)
                   for w in (1, 2)}
        try:
            samples = {}
            for _ in range(args.runs):          # alternating: a load spike hits both
                for kind, routing in CASES:
                    for workers, server in servers.items():
                        if routing == "owner" and workers == 1:
                            continue
                        figures = throughput(server, kind, names, args.seconds,
                                             args.connections, routing)
                        samples.setdefault((workers, kind, routing), []).append(figures)
                        print(f"WEB_CONCURRENCY={workers} {kind} ({routing} routing): "
                              f"{figures['rate']}/s, {figures['cpu_ms']} ms CPU/request",
                              flush=True)
            for (workers, kind, routing), runs in samples.items():
                key = f"{kind}_{routing}_{workers}w"
                result[key + "_per_s"] = median([r["rate"] for r in runs])
                result[key + "_cpu_ms"] = median([r["cpu_ms"] for r in runs])
            for kind, routing in CASES:
                one = result[f"{kind}_random_1w_per_s"]
                result[f"{kind}_{routing}_ratio"] = round(
                    result[f"{kind}_{routing}_2w_per_s"] / max(one, 0.1), 2)
            view = cluster(servers[2].url)
            owner, other = view["instances"][0], view["instances"][1]
            account = owner["accounts"][0]
            direct = latency(owner["address"], account, args.samples)
            forwarded = latency(other["address"], account, args.samples)
            lags = event_lag(servers[2], args.samples)
        finally:
            for server in servers.values():
                server.stop(signal.SIGTERM)
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
