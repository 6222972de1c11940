"""A lean HTTP load generator for the benches: one thread, non-blocking keep-alive sockets,
requests serialised once, responses framed by Content-Length only.

On a 2-core machine the load generator shares the cores with the server it measures. A
generator built on http.client or requests spends as much CPU per request as the server
(measured: a 2-process, 8-thread http.client generator took ~0.8 of a core for ~340 sends/s),
so a second server worker has no core to run on and a scaling figure measures the client.
This one spends a few tens of microseconds per request.

    figures = run([("127.0.0.1", port, requests)] * 8, seconds=5)

Each entry of the plan is one keep-alive connection: (host, port, requests), where
`requests` is a list of (method, path, body bytes or None) it sends in turn (connection i
starts at index i). Returns {"requests", "ok", "errors", "seconds", "rate", "latency_ms":
{"p50", "p99"}}, where ok counts 2xx answers and rate is ok per second.
"""
import selectors
import socket
import time


def serialise(host, port, method, path, body=None, headers=None):
    """The request's bytes (HTTP/1.1, keep-alive)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


class _Conn:
    __slots__ = ("sock", "wire", "next", "buf", "need", "sent_at")

    def __init__(self, sock, wire, start):
        self.sock, self.wire, self.next = sock, wire, start % len(wire)
        self.buf, self.need, self.sent_at = b"", None, 0.0


def _framed(conn):
    """The status of a complete response at the start of conn.buf (consumed), or None."""
    buf = conn.buf
    if conn.need is None:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = buf[:end].lower()
        at, length = head.find(b"content-length:"), 0
        if at >= 0:
            eol = head.find(b"\r\n", at)
            length = int(head[at + 15:eol if eol >= 0 else None])
        conn.need = (end + 4 + length, int(buf[9:12]))
    total, status = conn.need
    if len(buf) < total:
        return None
    conn.buf, conn.need = buf[total:], None
    return status


def run(plan, seconds=5.0, headers=None):
    sel = selectors.DefaultSelector()
    conns = []
    for i, (host, port, requests) in enumerate(plan):
        sock = socket.create_connection((host, port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        conn = _Conn(sock, [serialise(host, port, m, p, b, headers) for m, p, b in requests],
                     i)
        conns.append(conn)
        sel.register(sock, selectors.EVENT_READ, conn)
    latencies, ok, errors = [], 0, 0
    began = time.perf_counter()
    stop_at = began + seconds

    def send(conn):
        conn.sent_at = time.perf_counter()
        conn.sock.sendall(conn.wire[conn.next])
        conn.next = (conn.next + 1) % len(conn.wire)

    for conn in conns:
        send(conn)
    open_conns = len(conns)
    while open_conns:
        for key, _ in sel.select(timeout=1.0):
            conn = key.data
            chunk = conn.sock.recv(262144)
            if not chunk:
                raise ConnectionError("the server closed a keep-alive connection")
            conn.buf += chunk
            status = _framed(conn)
            if status is None:
                continue
            now = time.perf_counter()
            latencies.append((now - conn.sent_at) * 1000)
            if 200 <= status < 300:
                ok += 1
            else:
                errors += 1
            if now < stop_at:
                send(conn)
            else:
                sel.unregister(conn.sock)
                conn.sock.close()
                open_conns -= 1
    elapsed = time.perf_counter() - began
    latencies.sort()
    pick = (lambda p: round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 2)
            if latencies else None)
    return {"requests": ok + errors, "ok": ok, "errors": errors, "seconds": round(elapsed, 2),
            "rate": round(ok / elapsed, 1), "latency_ms": {"p50": pick(0.50), "p99": pick(0.99)}}
