"""Hostile clients against the real server (issue 16): memory under oversized bodies, and
`/ping` latency with 100 idle sockets.

Starts `python app.py` (sandbox driver, SQLite, an API key, one account) on a temp data dir
and measures the gunicorn worker's RSS (sampled every 20 ms, so the peak is seen):

1. idle;
2. `POST /dashboard/login`, url-encoded, 4 MB of `%41`, the whole body sent (no key);
3. sixteen parallel 48 MB url-encoded bodies to the login form, sent in full;
4. a 50 MB JSON body of nested empty arrays to a send route (account token), sent in full,
   and the same as a chunked body;
then opens 100 sockets that send a request line and one header and go quiet (half of them
a POST whose small body stops half-way), and times 20 sequential `GET /ping`.

`--root DIR` runs another checkout (e.g. one without these fixes) for a before/after.
Prints a JSON object as the last line.
"""
import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests import util  # noqa: E402
from tests.util import ServerProcess  # noqa: E402

KEY = "bench-hostile-admin-key-0123456789"


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return 0.0
    return 0.0


class RssSampler:
    """The worker's RSS every 20 ms while an attack runs: the peak, and whether it died."""

    def __init__(self, pid):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.peak = rss_mb(self.pid)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb(self.pid))

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def send_body(port, head, body_chunks, timeout=60):
    """Send a request and as much of its body as the server takes; return the status."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(head)
            for chunk in body_chunks:
                s.sendall(chunk)
        except OSError:
            pass                     # the server answered and closed before the body ended
        data = b""
        try:
            while b"\r\n" not in data:
                more = s.recv(4096)
                if not more:
                    break
                data += more
        except OSError:
            pass
    return int(data.split()[1]) if data.startswith(b"HTTP/") else None


def repeat(piece, total, size=256 * 1024):
    block = piece * (size // len(piece))
    sent = 0
    while sent < total:
        yield block[:total - sent]
        sent += len(block[:total - sent])


def empty_arrays(total):
    """`[[],[],...,[]]`, about `total` bytes: valid JSON that decodes to millions of lists."""
    count = (total - 4) // 3
    yield b"["
    yield from repeat(b"[],", 3 * count, size=3 * 87381)
    yield b"[]]"


def chunked(chunks):
    for chunk in chunks:
        yield b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    yield b"0\r\n\r\n"


def form_head(length):
    return (b"POST /dashboard/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % length)


def attack(name, pid, fn, results):
    before = rss_mb(pid)
    started = time.monotonic()
    with RssSampler(pid) as sampler:
        statuses = fn()
    time.sleep(0.5)
    after = rss_mb(pid)
    alive = after > 0
    results[name] = {"statuses": sorted(set(map(str, statuses))), "rssBeforeMb": round(before, 1),
                     "rssPeakMb": round(sampler.peak, 1), "rssAfterMb": round(after, 1),
                     "seconds": round(time.monotonic() - started, 2), "workerAlive": alive}
    print(f"{name}: {results[name]}", flush=True)
    return alive


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=util.ROOT, help="checkout to run (default: this one)")
    parser.add_argument("--idle", type=int, default=100)
    parser.add_argument("--skip-parallel", action="store_true",
                        help="skip the 16 x 48 MB bodies (for a checkout that would take "
                             "many gigabytes on a shared machine)")
    args = parser.parse_args()
    util.ROOT = os.path.abspath(args.root)

    data_dir = tempfile.mkdtemp(prefix="wildcat-bench-hostile-")
    server = ServerProcess({"WILDCAT_API_KEY": KEY, "LOG_LEVEL": "WARNING"}, data_dir).start()
    results, port = {}, server.port
    try:
        admin = {"X-API-Key": KEY}
        token = requests.post(server.url + "/accounts", json={"id": "bench"},
                              headers=admin).json()["token"]
        pid = server.worker_pid()
        for _ in range(20):
            requests.get(server.url + "/ping")
        idle_rss = rss_mb(pid)
        results["idleRssMb"] = round(idle_rss, 1)

        four_mb = 4 * 1024 * 1024
        attack("login_4mb_form", pid, lambda: [send_body(
            port, form_head(four_mb), repeat(b"%41", four_mb))], results)

        def sixteen():
            out = []
            size = 48 * 1024 * 1024
            threads = [threading.Thread(target=lambda: out.append(send_body(
                port, form_head(size), repeat(b"%41", size)))) for _ in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return out
        alive = True
        if not args.skip_parallel:
            alive = attack("login_16x48mb_parallel", pid, sixteen, results)

        json_head = ("POST /accounts/bench/message/send HTTP/1.1\r\nHost: x\r\n"
                     f"X-API-Key: {token}\r\nContent-Type: application/json\r\n").encode()
        fifty = 4 + 3 * ((50 * 1024 * 1024 - 4) // 3)
        if alive:
            attack("send_50mb_nested_arrays", pid, lambda: [send_body(
                port, json_head + b"Content-Length: %d\r\n\r\n" % fifty,
                empty_arrays(fifty))], results)
            attack("send_50mb_nested_arrays_chunked", pid, lambda: [send_body(
                port, json_head + b"Transfer-Encoding: chunked\r\n\r\n",
                chunked(empty_arrays(fifty)))], results)

        idle = []
        for i in range(args.idle):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n" if i % 2 else
                      b"POST /accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                      b"\r\nContent-Length: 500\r\n\r\n{\"id\":")
            idle.append(s)
        time.sleep(0.2)
        latencies, failures = [], 0
        for _ in range(20):
            started = time.monotonic()
            try:
                requests.get(server.url + "/ping", timeout=10).raise_for_status()
                latencies.append(time.monotonic() - started)
            except requests.RequestException:
                failures += 1
                if failures >= 3:        # frozen: 20 timeouts would only take longer
                    break
        for s in idle:
            s.close()
        results["idleSockets"] = {
            "sockets": args.idle, "pings": len(latencies) + failures, "failed": failures,
            "p50Ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "maxMs": round(max(latencies) * 1000, 1) if latencies else None}
        print(f"idle sockets: {results['idleSockets']}", flush=True)
        results["workerAliveAtEnd"] = rss_mb(pid) > 0
    finally:
        server.stop()
    print(json.dumps({"bench": "hostile", "root": util.ROOT, **results}))


if __name__ == "__main__":
    main()
