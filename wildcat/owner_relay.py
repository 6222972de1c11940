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
import time
import urllib.parse

from werkzeug.exceptions import HTTPException

from wildcat.errors import AccountMoving, OwnerUnreachable
from wildcat.forwarding import (CHUNK, FORWARD_HEADER, HOP_BY_HOP, NOT_OWNER_HEADER,
                                PATH_SAFE, STALE_ERRORS, _NotReached, is_live, sign)
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
            conn, answer = self._send(address, request)
        except _NotReached:
            return None
        except OSError as exc:
            log.warning("relay %s %s to %s failed mid-request: %s", request.method,
                        request.path, instance_id, exc)
            return _write_error(sock, OwnerUnreachable())
        if answer.status == 503 and answer.getheader(NOT_OWNER_HEADER):
            answer.read()
            self.forwarder.connections.give_back(address, conn)
            return None                         # the Flask path finds the new owner
        keep = self._answer(sock, conn, address, answer, instance_id,
                            keep=not (request.close or closing))
        elapsed = time.monotonic() - started
        FORWARD_SECONDS.observe(elapsed)
        log.info("%s %s -> %s (relayed to %s, %.1f ms)", request.method, request.path,
                 answer.status, instance_id, elapsed * 1000)
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
        """(connection, response head): on a kept-alive connection, once more on a new
        one when the owner had closed it (it read nothing of the request then)."""
        conn = self.forwarder.connections.take(address)
        if conn is not None:
            try:
                return conn, self._request(conn, request)
            except STALE_ERRORS:
                conn.close()
        conn = self.forwarder.connections.open(address)
        try:
            return conn, self._request(conn, request)
        except BaseException:
            conn.close()
            raise

    def _request(self, conn, request):
        conn.putrequest(request.method, request.target, skip_accept_encoding=True)
        host = None
        for name, value in request.headers:
            if name == "host":
                host = value
            if name not in HOP_BY_HOP:
                conn.putheader(name, value)
        if host and not any(name == "x-forwarded-host" for name, _ in request.headers):
            conn.putheader("X-Forwarded-Host", host)
        conn.putheader(FORWARD_HEADER, sign(self.config.cluster_secret,
                                            self.config.instance_id, request.method,
                                            request.target))
        if request.body or request.method not in ("GET", "HEAD"):
            conn.putheader("Content-Length", str(len(request.body)))
        conn.endheaders(request.body or None)
        return conn.getresponse()

    def _answer(self, sock, conn, address, answer, instance_id, keep):
        """Write the owner's answer to the client; whether the client connection stays
        open. A body without a Content-Length is relayed until the owner ends it, and the
        client connection is closed after it (that is its framing)."""
        framed = answer.getheader("Content-Length") is not None
        keep = keep and framed
        lines = [f"HTTP/1.1 {answer.status} {answer.reason}"]
        lines += [f"{k}: {v}" for k, v in answer.getheaders()
                  if k.lower() not in HOP_BY_HOP or k.lower() == "content-length"]
        lines += [f"X-Wildcat-Instance: {instance_id}",
                  "Connection: keep-alive" if keep else "Connection: close"]
        done = False
        try:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            while True:
                chunk = answer.read1(CHUNK)
                if not chunk:
                    break
                sock.sendall(chunk)
            answer.close()
            done = True
        except (OSError, http.client.HTTPException) as exc:
            log.warning("relay from %s cut short: %s", instance_id, exc)
            return False
        finally:
            if done and not answer.will_close:
                self.forwarder.connections.give_back(address, conn)
            else:
                conn.close()
        return keep


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
