"""Inbound pipeline throughput and chats API latency (SQLite).

1. Pipeline: N normalised text messages over C chats are handed in-process to a real,
   connected sandbox account's `AccountWorker.on_driver_event` (what a driver's callback
   does) by one producer thread; the clock stops when every message is stored AND its
   `message` event is published. In the same run the same records are inserted straight
   into the store with `insert_messages` (batches of 1,000): the raw insert rate. The ratio
   pipeline/raw is the figure.
2. HTTP latency: the store is filled directly (batched inserts, C chats) to each size in
   --sizes (the timed chat always holds 100 of them, spread over the whole time range, so
   both sizes answer a full page of 50), then the real server (`python app.py`: gunicorn, one gthread worker) is started
   on it and GET /accounts/:id/chats and GET /accounts/:id/chats/:chatId/messages are timed
   sequentially over one keep-alive connection (p50/p99 ms); growth = p50 large / p50 small.

Prints the figures and a JSON object as the last line.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.util import ServerProcess, wait_until  # noqa: E402
from wildcat.config import load_config  # noqa: E402
from wildcat.drivers.base import MESSAGE, DriverEvent  # noqa: E402
from wildcat.services.chats import chat_activity  # noqa: E402
from wildcat.store.sqlite import SQLiteStore  # noqa: E402

START = 1_730_000_000_000
RAW = b"\x0a\x20" + b"r" * 48          # a serialized waE2E.Message is stored with each one


def chat_jid(n):
    return f"4477{n:08d}@s.whatsapp.net"


HOT_CHAT = "447799999999@s.whatsapp.net"
HOT_MESSAGES = 100                     # the timed chat holds this many at every store size


def record(i, chats, hot_every=0):
    chat = HOT_CHAT if hot_every and i % hot_every == 0 else chat_jid(i % chats)
    return {"messageId": f"3EB0{i:016X}", "chatId": chat, "from": chat, "fromMe": False,
            "timestamp": START + i, "type": "text", "text": f"inbound message number {i}",
            "caption": None, "pushName": f"Contact {i % chats}", "isGroup": False,
            "quotedMessageId": None, "hasMedia": False, "raw": RAW}


def pipeline_rate(count, chats):
    """(pipeline msgs/s, raw insert msgs/s) on one SQLite file, same records."""
    from wildcat.factory import create_app
    data = tempfile.mkdtemp(prefix="wildcat-bench-inbound-")
    config = load_config({}, driver="sandbox", data_dir=data, send_rate_per_minute=0)
    store = SQLiteStore(os.path.join(data, "wildcat.db"))
    app = create_app(config, store=store)
    runtime = app.extensions["wildcat"]
    runtime.start()
    try:
        client = app.test_client()
        assert client.post("/accounts", json={"id": "bench"}).status_code == 201
        wait_until(lambda: client.get("/accounts/bench").json["account"]["hasQR"])
        client.post("/sandbox/accounts/bench/scan", json={"phone": "15550009999"})
        wait_until(lambda: client.get("/accounts/bench/status").json["status"] == "connected")
        worker = runtime.supervisor.get("bench")
        msgs = [record(i, chats) for i in range(count)]
        published = threading.Semaphore(0)
        runtime.bus.subscribe(lambda e: e["event"] == "message" and published.release())
        began = time.perf_counter()
        for msg in msgs:
            worker.on_driver_event(DriverEvent(MESSAGE, msg))
        for _ in range(count):
            published.acquire()
        elapsed = time.perf_counter() - began
        stored = store.count_messages("bench")
        assert stored == count, f"{stored} of {count} stored"
        raw = [dict(m, messageId="R" + m["messageId"]) for m in msgs]
        began = time.perf_counter()
        for start in range(0, count, 1000):
            store.insert_messages("raw", raw[start:start + 1000])
        raw_elapsed = time.perf_counter() - began
        return count / elapsed, count / raw_elapsed
    finally:
        runtime.stop(timeout=10)


def fill(data, total, chats):
    """A store holding `total` messages over `chats` chats of account `bench`."""
    store = SQLiteStore(os.path.join(data, "wildcat.db"))
    store.create_account({"_id": "bench", "name": None, "collectionName": "auth_bench",
                          "status": "disconnected", "createdAt": "2025-01-01T00:00:00.000Z"})
    began, hot_every, newest = time.perf_counter(), total // HOT_MESSAGES, {}
    for start in range(0, total, 10_000):
        batch = [record(i, chats, hot_every) for i in range(start, min(total, start + 10_000))]
        store.insert_messages("bench", batch)
        newest.update((m["chatId"], m) for m in batch)
    store.upsert_chats("bench", [chat_activity(m, unread_increment=1, name=m["pushName"])
                                 for m in newest.values()])
    store.close()
    return time.perf_counter() - began


def percentiles(samples):
    ordered = sorted(samples)
    return (round(statistics.median(ordered) * 1000, 2),
            round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2))


def http_latency(total, chats, requests_per_endpoint):
    data = tempfile.mkdtemp(prefix="wildcat-bench-chats-")
    fill_seconds = fill(data, total, chats)
    server = ServerProcess({"LOG_LEVEL": "WARNING", "AUTO_CONNECT_ON_START": "false"},
                           data).start()
    try:
        session = requests.Session()
        urls = {"chats": f"{server.url}/accounts/bench/chats",
                "messages": f"{server.url}/accounts/bench/chats/{HOT_CHAT}/messages"}
        result = {"stored": total, "fill_seconds": round(fill_seconds, 1)}
        for name, url in urls.items():
            for _ in range(20):   # warm up connections and caches
                session.get(url).raise_for_status()
            samples = []
            for _ in range(requests_per_endpoint):
                began = time.perf_counter()
                response = session.get(url)
                samples.append(time.perf_counter() - began)
                assert response.status_code == 200 and len(response.json()[name]) == 50
            result[name] = dict(zip(("p50_ms", "p99_ms"), percentiles(samples)))
        return result
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--chats", type=int, default=1_000)
    parser.add_argument("--sizes", default="10000,1000000",
                        help="stored-message counts for the HTTP latency runs")
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()

    rate, raw_rate = pipeline_rate(args.messages, args.chats)
    print(f"pipeline: {rate:,.0f} msg/s; raw insert_messages: {raw_rate:,.0f} msg/s; "
          f"ratio {rate / raw_rate:.3f}  ({args.messages:,} messages, {args.chats:,} chats)")
    latency = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        run = http_latency(size, args.chats, args.requests)
        latency.append(run)
        print(f"{size:>9,} stored (filled in {run['fill_seconds']}s): "
              f"GET chats p50 {run['chats']['p50_ms']} ms p99 {run['chats']['p99_ms']} ms; "
              f"GET chat messages p50 {run['messages']['p50_ms']} ms "
              f"p99 {run['messages']['p99_ms']} ms")
    growth = {}
    if len(latency) >= 2:
        small, large = latency[0], latency[-1]
        growth = {name: round(large[name]["p50_ms"] / small[name]["p50_ms"], 2)
                  for name in ("chats", "messages")}
        print(f"p50 growth {small['stored']:,} -> {large['stored']:,}: {growth}")
    print(json.dumps({"bench": "inbound", "server": "python app.py (gunicorn gthread, 1 worker)",
                      "store": "sqlite", "messages": args.messages, "chats": args.chats,
                      "pipeline_msgs_per_s": round(rate), "raw_insert_msgs_per_s": round(raw_rate),
                      "pipeline_to_raw_ratio": round(rate / raw_rate, 3),
                      "latency": latency, "p50_growth": growth}))


if __name__ == "__main__":
    main()
