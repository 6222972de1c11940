"""Text sends per second over HTTP next to GET /ping per second, and the server's peak RSS
while a 50 MB image is uploaded and sent.

Starts `python app.py` with the sandbox driver, the send rate limit off and a temp data dir;
creates and scans one account; runs `--threads` client threads (one requests.Session each)
for `--seconds` against POST .../message/send and then against GET /ping; then streams a
50 MB PNG to POST .../message/send/image and reads the gunicorn worker's peak RSS (VmHWM,
reset just before the upload). Prints a JSON object as the last line.
"""
import argparse
import http.client
import io
import json
import os
import sys
import tempfile
import threading
import time

import requests
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.util import ServerProcess, wait_until  # noqa: E402

MB = 1024 * 1024
PEER = "919876543210@s.whatsapp.net"


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def worker_pid(server):
    pid = server.proc.pid
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return int(f.read().split()[0])


def hammer(threads, seconds, request):
    """Run `request(session)` in `threads` threads for `seconds`; (count, latencies ms)."""
    stop_at = time.monotonic() + seconds
    counts, latencies, errors = [0] * threads, [[] for _ in range(threads)], []

    def loop(i):
        session = requests.Session()
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            response = request(session)
            latencies[i].append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                errors.append(response.status_code)
                return
            counts[i] += 1

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise SystemExit(f"requests failed: {errors[:5]}")
    merged = sorted(x for lat in latencies for x in lat)
    return sum(counts), merged


def pct(values, p):
    return round(values[min(len(values) - 1, int(len(values) * p / 100))], 2)


def upload_image(server, account_id, size):
    """Stream a `size`-byte PNG (valid header, zero padding) without holding it here."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    png = out.getvalue()
    boundary = "benchboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\n{PEER}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; "
            f"filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    conn.putrequest("POST", f"/accounts/{account_id}/message/send/image")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + size + len(tail)))
    conn.endheaders()
    conn.send(head)
    conn.send(png)
    zeros, left = b"\0" * MB, size - len(png)
    while left:
        piece = zeros[:min(MB, left)]
        conn.send(piece)
        left -= len(piece)
    conn.send(tail)
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    return response.status, body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--upload-mb", type=int, default=50)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="wildcat-bench-")
    server = ServerProcess({"WILDCAT_SEND_RATE_PER_MINUTE": "0", "LOG_LEVEL": "WARNING",
                            "WILDCAT_MAX_UPLOAD_MB": str(args.upload_mb)}, data_dir).start()
    try:
        url, web = server.url, requests.Session()
        web.post(f"{url}/accounts", json={"id": "bench"}).raise_for_status()
        wait_until(lambda: web.get(f"{url}/accounts/bench").json()["account"]["hasQR"])
        web.post(f"{url}/sandbox/accounts/bench/scan", json={"phone": "15550001111"})
        wait_until(lambda: web.get(f"{url}/accounts/bench/status").json()["status"]
                   == "connected")
        send_url, body = f"{url}/accounts/bench/message/send", {"to": PEER, "message": "bench"}
        hammer(args.threads, 1.0, lambda s: s.post(send_url, json=body))      # warm-up
        sends, send_lat = hammer(args.threads, args.seconds, lambda s: s.post(send_url, json=body))
        pings, ping_lat = hammer(args.threads, args.seconds, lambda s: s.get(f"{url}/ping"))
        sends_per_s, pings_per_s = sends / args.seconds, pings / args.seconds
        print(f"text sends: {sends_per_s:.0f}/s (p50 {pct(send_lat, 50)} ms, "
              f"p99 {pct(send_lat, 99)} ms)")
        print(f"GET /ping:  {pings_per_s:.0f}/s (p50 {pct(ping_lat, 50)} ms, "
              f"p99 {pct(ping_lat, 99)} ms)")

        pid = worker_pid(server)
        baseline_kb = status_kb(pid, "VmRSS")
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")                   # VmHWM := current RSS
        began = time.monotonic()
        size = args.upload_mb * MB
        status, reply = upload_image(server, "bench", size)
        upload_s = time.monotonic() - began
        if status != 200:
            raise SystemExit(f"upload failed: {status} {reply}")
        peak_kb = status_kb(pid, "VmHWM")
        peak_above_mb = (peak_kb - baseline_kb) / 1024
        stored = web.get(f"{url}/accounts/bench/messages/{reply['messageId']}").json()["message"]
        assert stored["fileLength"] == size, stored
        print(f"{args.upload_mb} MB image: sent in {upload_s:.2f}s, server peak RSS "
              f"{peak_above_mb:.1f} MB above a {baseline_kb / 1024:.1f} MB baseline "
              f"({peak_above_mb / args.upload_mb:.2f}x the file; target < 3x)")
        result = {"bench": "send", "threads": args.threads, "seconds": args.seconds,
                  "sends_per_s": round(sends_per_s, 1), "pings_per_s": round(pings_per_s, 1),
                  "send_to_ping_ratio": round(sends_per_s / pings_per_s, 3),
                  "send_p50_ms": pct(send_lat, 50), "send_p99_ms": pct(send_lat, 99),
                  "ping_p50_ms": pct(ping_lat, 50), "ping_p99_ms": pct(ping_lat, 99),
                  "upload_mb": args.upload_mb, "upload_seconds": round(upload_s, 2),
                  "rss_baseline_mb": round(baseline_kb / 1024, 1),
                  "rss_peak_above_baseline_mb": round(peak_above_mb, 1),
                  "rss_peak_to_file_ratio": round(peak_above_mb / args.upload_mb, 2)}
    finally:
        server.stop()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
