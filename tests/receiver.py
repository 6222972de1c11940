"""A real local webhook endpoint for tests and benches: records every POST it gets."""
import http.server
import json
import socket
import threading
import time

from tests.util import free_port, wait_until


class Received:
    """One request as the endpoint saw it."""

    def __init__(self, path, headers, body):
        self.path, self.headers, self.body = path, headers, body
        self.at = time.monotonic()

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def delivery_id(self):
        return self.headers.get("X-Wildcat-Delivery")


class Receiver:
    """ThreadingHTTPServer on 127.0.0.1 (HTTP/1.1 keep-alive) in a thread.

    `respond(received, n)` (n = 1-based request count) returns `(status, headers, body)`,
    or a number of seconds to stall before answering 200 (a slow or hung endpoint).
    """

    def __init__(self, respond=None, port=None, record=True):
        self.respond = respond or (lambda received, n: (200, {}, b"ok"))
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.requests = []
        self.count = 0
        self.record = record
        self.closing = threading.Event()
        self._lock = threading.Lock()
        self._server = None

    def start(self):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received = Received(self.path, dict(self.headers.items()), body)
                with owner._lock:
                    owner.count += 1
                    n = owner.count
                    if owner.record:
                        owner.requests.append(received)
                answer = owner.respond(received, n)
                if isinstance(answer, (int, float)):
                    if owner.closing.wait(answer):
                        return
                    answer = (200, {}, b"ok")
                status, headers, payload = answer
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), name="receiver",
                         daemon=True).start()
        return self

    def stop(self):
        self.closing.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def delivery_ids(self):
        with self._lock:
            return {r.delivery_id for r in self.requests}

    def wait_for(self, n, timeout=10.0):
        """Wait until at least n requests arrived; return the list."""
        wait_until(lambda: len(self.requests) >= n, timeout, message=f"{n} webhook requests "
                   f"at {self.url} (got {len(self.requests)})")
        return list(self.requests)


class BlackHole:
    """A port that accepts TCP connections and never answers (a hung endpoint)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"

    def close(self):
        self.sock.close()
