"""The owner relay: a live request for an account another instance owns, relayed by the
gunicorn worker before Flask sees it.

Forwarding through Flask (wildcat/forwarding.py) cost the receiving instance a whole request
cycle (gunicorn's parser, Flask's routing, every before_request hook, a streamed response)
for a request whose work is done by the owner: measured, the relaying instance spent as much
CPU as the owner, so with two gunicorn workers and requests arriving at either, half of all
sends cost double and a second worker bought almost nothing. The worker's event loop has
already read the whole request (head and a small body, wildcat/http_worker.py); this module
relays those bytes to the owner over a kept-alive connection and writes the owner's answer
back, in about a tenth of that CPU.

It takes only the plain case and leaves everything else to the Flask path, which still
handles it completely: a request whose bytes are all here (no streamed, chunked or
`Expect` body, no upgrade, no pipelined next request), HTTP/1.1, a path with nothing to
decode, a live route (forwarding.is_live) of an account whose lease another live instance
holds, not already forwarded. Should the owner not accept a connection, or answer that it
no longer owns the account, the request goes to the Flask path (nothing has been written to
the client yet), which looks the owner up again, retries, or answers 503 `account_moving`.
Once the owner has the request it is never sent twice: a failure then answers 502
`owner_unreachable`, exactly as the Flask path does.

The owner authenticates the request and runs every hook, as it does for a request
forwarded by the Flask path.
"""
import http.client
import json
import logging
import socket
import time
import urllib.parse

from werkzeug.exceptions import HTTPException

from wildcat.errors import AccountMoving, OwnerUnreachable
from wildcat.forwarding import (CHUNK, FORWARD_HEADER, HOP_BY_HOP, NOT_OWNER_HEADER,
                                PATH_SAFE, OwnerConnections, _NotReached, is_live, sign)
from wildcat.metrics import FORWARD_SECONDS

log = logging.getLogger("wildcat.access")

# Paths the relay may take (every live route is under them); others go to Flask at once.
PREFIXES = (b"/accounts/", b"/sandbox/")
REFUSED_HEADERS = {b"transfer-encoding", b"expect", b"upgrade", FORWARD_HEADER.lower().encode()}


class Request:
    """The parts of a complete request the relay needs, or None from `parse` when the
    request is not the plain case."""

    __slots__ = ("method", "target", "path", "headers", "body", "close")

    @classmethod
    def parse(cls, raw: bytes):
        end = raw.find(b"\r\n\r\n")
        if end < 0:
            return None
        lines = raw[:end].split(b"\r\n")
        parts = lines[0].split(b" ")
        if len(parts) != 3 or parts[2] != b"HTTP/1.1" or not parts[1].startswith(PREFIXES):
            return None
        headers, length, close = [], 0, False
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip()
            if not sep or not name or name in REFUSED_HEADERS:
                return None
            if name == b"content-length":
                if not value.isdigit():
                    return None
                length = int(value)
            elif name == b"connection":
                close = b"close" in value.lower()
            headers.append((name.decode("latin-1"), value.decode("latin-1")))
        if len(raw) != end + 4 + length:        # a body still coming, or a next request
            return None
        request = cls()
        request.method = parts[0].decode("latin-1")
        request.target = parts[1].decode("latin-1")
        request.path = request.target.split("?", 1)[0]
        if "%" in request.path or \
                urllib.parse.quote(request.path, safe=PATH_SAFE) != request.path:
            return None                         # the signed path must be the decoded one
        request.headers, request.body, request.close = headers, raw[end + 4:], close
        return request


class OwnerRelay:
    """Relays the plain live requests of accounts owned elsewhere (one per app)."""

    def __init__(self, app, forwarder):
        self.app, self.forwarder = app, forwarder
        self.config = forwarder.config
        self.wires = OwnerConnections(forwarder.timeout, opener=_Wire.open)

    def relay(self, raw: bytes, sock, closing=False):
        """Answer the request in `raw` on `sock` through its owner: whether the connection
        stays open, or None when the request is for the Flask path."""
        request = Request.parse(raw)
        if request is None:
            return None
        owner = self._owner(request)
        if owner is None:
            return None
        instance_id, address = owner
        started = time.monotonic()
        try:
            wire, head = self._send(address, request)
        except _NotReached:
            return None
        except (OSError, ValueError) as exc:
            log.warning("relay %s %s to %s failed mid-request: %s", request.method,
                        request.path, instance_id, exc)
            return _write_error(sock, OwnerUnreachable())
        if head.status == 503 and NOT_OWNER_HEADER.lower() in head.headers:
            try:
                wire.relay_body(head, None, request.method)
                self.wires.give_back(address, wire)
            except (OSError, ValueError):
                wire.close()
            return None                         # the Flask path finds the new owner
        keep = self._answer(sock, wire, address, head, request, instance_id,
                            keep=not (request.close or closing))
        elapsed = time.monotonic() - started
        FORWARD_SECONDS.observe(elapsed)
        log.info("%s %s -> %s (relayed to %s, %.1f ms)", request.method, request.path,
                 head.status, instance_id, elapsed * 1000)
        return keep

    def _owner(self, request):
        """(instance id, address) of another live owner, or None."""
        try:
            endpoint, args = self.app.url_map.bind("localhost").match(request.path,
                                                                     request.method)
        except HTTPException:
            return None
        if not is_live(endpoint) or "account_id" not in args:
            return None
        try:
            return self.forwarder.owner(args["account_id"], endpoint)
        except AccountMoving:
            return None                         # the Flask path answers it

    def _send(self, address, request):
        """(wire, response head), through OwnerConnections.exchange (a kept-alive wire the
        owner has not closed; a written request is never sent again)."""
        data = self._request_bytes(address, request)
        return self.wires.exchange(address, lambda wire: wire.sock.sendall(data),
                                   lambda wire: wire.read_head())

    def _request_bytes(self, address, request):
        host = urllib.parse.urlsplit(address).netloc
        lines = [f"{request.method} {request.target} HTTP/1.1", f"Host: {host}"]
        client_host = None
        for name, value in request.headers:
            if name == "host":
                client_host = value
            elif name not in HOP_BY_HOP:
                lines.append(f"{name}: {value}")
        if client_host and not any(n == "x-forwarded-host" for n, _ in request.headers):
            lines.append(f"X-Forwarded-Host: {client_host}")
        lines.append(f"{FORWARD_HEADER}: " + sign(self.config.cluster_secret,
                                                   self.config.instance_id, request.method,
                                                   request.target))
        if request.body or request.method not in ("GET", "HEAD"):
            lines.append(f"Content-Length: {len(request.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + request.body

    def _answer(self, sock, wire, address, head, request, instance_id, keep):
        """Write the owner's answer to the client; whether the client connection stays
        open. A body framed by neither a length nor chunks ends when the owner closes, and
        so does the client connection."""
        framed = head.framed(request.method)
        keep = keep and framed
        lines = [head.status_line]
        lines += [f"{name}: {value}" for name, value in head.pairs
                  if name.lower() not in RELAY_DROPS]
        lines += [f"X-Wildcat-Instance: {instance_id}",
                  "Connection: keep-alive" if keep else "Connection: close"]
        try:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            wire.relay_body(head, sock, request.method)
        except (OSError, ValueError) as exc:
            log.warning("relay from %s cut short: %s", instance_id, exc)
            wire.close()
            return False
        if framed and not head.closes:
            self.wires.give_back(address, wire)
        else:
            wire.close()
        return keep


# The owner's response headers not passed on: its connection's own (Transfer-Encoding is:
# the body is relayed chunks and all).
RELAY_DROPS = {"connection", "keep-alive", "proxy-authenticate", "trailers", "upgrade"}
MAX_RESPONSE_HEAD = 64 * 1024


class _Closed(ConnectionError):
    """The owner closed the connection before answering."""


class _Head:
    """A response head: status, header pairs and the framing of its body."""

    __slots__ = ("status", "status_line", "pairs", "headers", "length", "chunked", "closes")

    def __init__(self, raw: bytes):
        lines = raw.decode("latin-1").split("\r\n")
        self.status_line = lines[0]
        parts = self.status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ValueError(f"bad status line from the owner: {self.status_line[:80]!r}")
        self.status = int(parts[1])
        self.pairs, self.headers = [], {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise ValueError(f"bad header line from the owner: {line[:80]!r}")
            name, value = name.strip(), value.strip()
            self.pairs.append((name, value))
            self.headers[name.lower()] = value
        length = self.headers.get("content-length")
        self.length = int(length) if length is not None and length.isdigit() else None
        self.chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        self.closes = "close" in self.headers.get("connection", "").lower() or \
            parts[0] == "HTTP/1.0"

    def bodiless(self, method):
        return method == "HEAD" or self.status in (204, 304) or self.status < 200

    def framed(self, method):
        return self.bodiless(method) or self.chunked or self.length is not None


class _Wire:
    """A raw kept-alive connection to an owner, and the bytes read past the last answer."""

    __slots__ = ("sock", "buf")

    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    @classmethod
    def open(cls, address, timeout):
        parts = urllib.parse.urlsplit(address)
        if parts.scheme != "http":
            raise _NotReached(f"the relay speaks plain HTTP, not {parts.scheme}")
        try:
            sock = socket.create_connection((parts.hostname, parts.port or 80), timeout)
        except OSError as exc:
            raise _NotReached(str(exc)) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(sock)

    def close(self):
        self.sock.close()

    def _more(self):
        chunk = self.sock.recv(CHUNK)
        if not chunk:
            raise _Closed("the owner closed the connection")
        self.buf += chunk

    def read_head(self) -> _Head:
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head, self.buf = self.buf[:end], self.buf[end + 4:]
                parsed = _Head(head)
                if parsed.status == 100:        # an interim answer: the real one follows
                    continue
                return parsed
            if len(self.buf) > MAX_RESPONSE_HEAD:
                raise ValueError("the owner's response head is too large")
            self._more()

    def relay_body(self, head, sock, method):
        """Pass the body to `sock` (or drop it when None), as framed by the head."""
        def out(data):
            if sock is not None and data:
                sock.sendall(data)
        if head.bodiless(method):
            return
        if head.chunked:
            return self._relay_chunks(out)
        if head.length is None:                 # until the owner closes
            out(self.buf)
            self.buf = b""
            while True:
                chunk = self.sock.recv(CHUNK)
                if not chunk:
                    return
                out(chunk)
        left = head.length
        while True:
            take = self.buf[:left]
            self.buf = self.buf[len(take):]
            out(take)
            left -= len(take)
            if not left:
                return
            self._more()

    def _relay_chunks(self, out):
        """Chunked framing, relayed as it is: each size line, its data, then the trailers
        up to the empty line."""
        while True:
            while b"\r\n" not in self.buf:
                self._more()
            line, _, _ = self.buf.partition(b"\r\n")
            size = int(line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                while True:                     # trailers, then the empty line
                    end = self.buf.find(b"\r\n\r\n")
                    if end >= 0:
                        out(self.buf[:end + 4])
                        self.buf = self.buf[end + 4:]
                        return
                    self._more()
            need = len(line) + 2 + size + 2
            while len(self.buf) < need:
                out(self.buf)
                need -= len(self.buf)
                self.buf = b""
                self._more()
            out(self.buf[:need])
            self.buf = self.buf[need:]


def _write_error(sock, error):
    """The API's error answer for `error`, then close."""
    body = json.dumps({"ok": False, "error": error.message, "code": error.code}).encode()
    head = (f"HTTP/1.1 {error.status} {http.client.responses.get(error.status, '')}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n")
    try:
        sock.sendall(head.encode("latin-1") + body)
    except OSError:
        pass
    return False
