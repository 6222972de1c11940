"""Webhook delivery throughput and backlog drain (SQLite store).

The receiver is a minimal asyncio HTTP/1.1 keep-alive endpoint in its own process (so it is
not the bottleneck and does not share the GIL with the senders); it answers 200 to every
POST and counts them.

1. Throughput: N `message` events are published on the event bus of a real runtime (the
   fan-out writes each delivery to the store, the dispatcher sends it with
   `webhook_concurrency` senders, each attempt's result is written back). The clock runs
   from the first publish until the receiver has counted all N. In the same run, the same
   bodies are POSTed by the same number of threads, each with a plain `requests.Session`
   (no store, no signature): the plain rate. The ratio WILDCAT / plain is the figure
   (median of --rounds alternated rounds).
2. Drain: a backlog of B pending deliveries is written straight to the store, then (in a
   fresh child process, so the figure is the dispatcher's alone) the runtime starts and the
   clock runs until the store says all B are delivered: drain time, rate and peak RSS.

Prints the figures and a JSON object as the last line.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from wildcat.config import load_config  # noqa: E402
from wildcat.services.message_shapes import message_event  # noqa: E402
from wildcat.services.webhooks import event_body, new_delivery  # noqa: E402


# -- the receiver (child process) -----------------------------------------------------------
class _Endpoint(asyncio.Protocol):
    count = 0

    def connection_made(self, transport):
        self.transport, self.buf = transport, b""

    def data_received(self, data):
        self.buf += data
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buf[:head_end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buf) < head_end + 4 + length:
                return
            self.buf = self.buf[head_end + 4 + length:]
            if head.startswith("GET /count"):
                body = str(_Endpoint.count).encode()
            else:
                _Endpoint.count += 1
                body = b"ok"
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                                 b"Content-Type: text/plain\r\n\r\n%s" % (len(body), body))


def _serve(port, ready):
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(_Endpoint, "127.0.0.1", port,
                                                        backlog=1024))
    ready.set()
    loop.run_until_complete(server.serve_forever())


def start_receiver():
    from tests.util import free_port
    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_serve, args=(port, ready), daemon=True)
    proc.start()
    ready.wait(10)
    return proc, f"http://127.0.0.1:{port}"


def received(base):
    return int(requests.get(base + "/count", timeout=5).text)


def wait_count(base, target, timeout=600):
    deadline = time.monotonic() + timeout
    while received(base) < target:
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: {received(base)} of {target} received")
        time.sleep(0.005)


# -- workloads --------------------------------------------------------------------------
def sample_event(i):
    return message_event("message", "bench", {
        "messageId": f"3EB0{i:016X}", "chatId": "919876543210@s.whatsapp.net",
        "from": "919876543210@s.whatsapp.net", "timestamp": 1730700645123 + i,
        "text": f"webhook bench message number {i}", "fromMe": False, "type": "text",
        "pushName": "Bench"})


def make_runtime(data_dir, concurrency, **overrides):
    from wildcat.factory import create_app
    from wildcat.store.sqlite import SQLiteStore
    config = load_config({}, driver="sandbox", data_dir=data_dir, webhook_concurrency=concurrency,
                         auto_connect_on_start=False, log_level="WARNING", **overrides)
    app = create_app(config, store=SQLiteStore(os.path.join(data_dir, "wildcat.db")))
    return app.extensions["wildcat"]


def register(runtime, url):
    doc = {"_id": uuid.uuid4().hex, "url": url, "events": ["*"], "secret": "bench-secret-1",
           "createdAt": "2024-01-01T00:00:00Z"}
    runtime.store.create_webhook(doc)
    runtime.dispatcher.webhooks_changed()
    return doc


def wildcat_rate(base, count, concurrency):
    runtime = make_runtime(tempfile.mkdtemp(prefix="wildcat-bench-wh-"), concurrency)
    register(runtime, base + "/hook")
    runtime.start()
    events = [sample_event(i) for i in range(count)]
    start_count = received(base)
    started = time.monotonic()

    def produce():                     # an account thread publishing its events
        for event in events:
            runtime.events.emit(event)
    producer = threading.Thread(target=produce)
    producer.start()
    wait_count(base, start_count + count)
    elapsed = time.monotonic() - started
    producer.join()
    runtime.stop()
    return count / elapsed


def plain_rate(base, count, concurrency):
    bodies = [event_body(sample_event(i)) for i in range(count)]
    chunks = [bodies[i::concurrency] for i in range(concurrency)]

    def post(chunk):
        session = requests.Session()
        for body in chunk:
            session.post(base + "/hook", data=body, timeout=10,
                         headers={"Content-Type": "application/json"}).raise_for_status()
    threads = [threading.Thread(target=post, args=(c,)) for c in chunks]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count / (time.monotonic() - started)


def fill_backlog(data_dir, base, backlog):
    runtime = make_runtime(data_dir, 8)
    webhook = register(runtime, base + "/hook")
    batch, created = [], time.time_ns() // 1_000_000
    for i in range(backlog):
        batch.append(new_delivery(webhook, sample_event(i), created))
        if len(batch) == 1000:
            runtime.store.create_deliveries(batch)
            batch = []
    if batch:
        runtime.store.create_deliveries(batch)
    runtime.store.close()


def drain(data_dir, backlog, concurrency):
    """Child process: start the runtime on the filled store; time until all delivered."""
    runtime = make_runtime(data_dir, concurrency)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    runtime.start()
    while runtime.store.count_deliveries().get("delivered", 0) < backlog:
        time.sleep(0.25)
    elapsed = time.monotonic() - started
    runtime.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"drain_s": round(elapsed, 2), "rss_before_mb": round(rss_before / 1024, 1),
                      "peak_rss_mb": round(peak / 1024, 1)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--drain-child", nargs=3, metavar=("DIR", "N", "C"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drain_child:
        drain(args.drain_child[0], int(args.drain_child[1]), int(args.drain_child[2]))
        return
    proc, base = start_receiver()
    try:
        plain_rate(base, 500, args.concurrency)                      # warm-up
        rounds = []
        for _ in range(args.rounds):          # alternated, so load from elsewhere hits both
            rounds.append((wildcat_rate(base, args.count, args.concurrency),
                           plain_rate(base, args.count, args.concurrency)))
            print(f"round: WILDCAT {rounds[-1][0]:.0f} deliveries/s, plain requests.Session "
                  f"{rounds[-1][1]:.0f} posts/s, ratio {rounds[-1][0] / rounds[-1][1]:.2f}")
        wildcat = statistics.median(r[0] for r in rounds)
        plain = statistics.median(r[1] for r in rounds)
        ratio = statistics.median(r[0] / r[1] for r in rounds)
        print(f"throughput (median of {args.rounds}): WILDCAT {wildcat:.0f} deliveries/s, plain "
              f"{plain:.0f} posts/s, ratio {ratio:.2f} ({args.count} events per round, "
              f"{args.concurrency} senders)")
        data_dir = tempfile.mkdtemp(prefix="wildcat-bench-drain-")
        started = time.monotonic()
        fill_backlog(data_dir, base, args.backlog)
        fill_s = time.monotonic() - started
        before = received(base)
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--drain-child",
                              data_dir, str(args.backlog), str(args.concurrency)],
                             capture_output=True, text=True, check=True)
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        arrived = received(base) - before
        print(f"drain: {args.backlog} pending deliveries (written in {fill_s:.1f}s) delivered "
              f"in {figures['drain_s']}s ({args.backlog / figures['drain_s']:.0f}/s), "
              f"{arrived} requests arrived; peak RSS {figures['peak_rss_mb']} MB "
              f"(RSS before start {figures['rss_before_mb']} MB)")
        print(json.dumps({
            "events": args.count, "concurrency": args.concurrency,
            "wildcat_deliveries_per_s": round(wildcat), "plain_posts_per_s": round(plain),
            "ratio": round(ratio, 2), "rounds": args.rounds, "backlog": args.backlog,
            "drain_s": figures["drain_s"], "drain_per_s": round(args.backlog / figures["drain_s"]),
            "drain_requests_arrived": arrived, "peak_rss_mb": figures["peak_rss_mb"]}))
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
