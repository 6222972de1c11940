"""Owner forwarding (DESIGN §10): a request that needs an account's live connection is
answered by the instance holding the account's lease, wherever it arrives.

A before_request hook picks the owner from the store (the lease, then the owner's address in
the instance registry) and streams the request there and the answer back, chunk by chunk in
both directions. The forwarded request carries `X-Wildcat-Forward`, an HMAC of the sender,
a timestamp, the method and the path under WILDCAT_CLUSTER_SECRET; an instance never
forwards a request that carries a valid one (no loops), and answers 503 `account_moving`
with `X-Wildcat-Not-Owner` when it is no longer the owner, which makes the sender look the
owner up once more and retry (bodies up to RETRY_BODY_BYTES are kept for that retry; larger
ones stream and are retried only when the owner could not even be reached).

Connections to owners are kept alive and reused (`OwnerConnections`): a new TCP connection
per forwarded request cost more CPU, on both instances, than the request itself.
"""
import hashlib
import hmac
import http.client
import io
import logging
import select
import socket
import threading
import time
import urllib.parse

from flask import Response, request

from wildcat.domain import now_ms, wants_owner
from wildcat.errors import AccountMoving, OwnerUnreachable
from wildcat.metrics import FORWARD_SECONDS

log = logging.getLogger(__name__)

FORWARD_HEADER = "X-Wildcat-Forward"
NOT_OWNER_HEADER = "X-Wildcat-Not-Owner"
SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000
RETRY_BODY_BYTES = 1024 * 1024
CHUNK = 64 * 1024
# A kept-alive connection idle longer than this is closed rather than reused: the owner's
# gunicorn closes idle connections after its keep-alive (2 s), and a request written into a
# connection the owner is closing would be lost in flight.
IDLE_REUSE_MAX = 1.0
IDLE_PER_OWNER = 32
# Routes that need the account's live connection (or its live state); everything else is
# a read of stored data that any instance answers.
LIVE_ENDPOINTS = {
    "accounts.delete_account", "accounts.account_status", "accounts.connect",
    "accounts.disconnect", "accounts.logout", "accounts.pair", "accounts.get_qr",
    "accounts.get_qr_json", "messages.send_text", "messages.send_media", "messages.reply",
    "messages.react", "messages.delete", "messages.get_media", "chats.mark_read",
    "chat_extras.send_location", "chat_extras.send_contact", "chat_extras.send_poll",
    "chat_extras.send_sticker", "chat_extras.edit", "chat_extras.presence",
    "chat_extras.check", "chat_extras.get_contact", "chat_extras.block",
    "chat_extras.unblock", "chat_extras.status_text", "chat_extras.status_image",
}
# Blueprints whose every route drives the connection (group commands, the sandbox's phone).
LIVE_BLUEPRINTS = ("groups", "sandbox", "sandbox_groups")
# Account routes answered from the store wherever they arrive (a test checks that every
# account route is in one of the two sets, so a new route is classified on purpose).
STORED_ENDPOINTS = {
    "accounts.get_account", "accounts.update_account", "tokens.rotate_token",
    "messages.get_message", "chats.list_chats", "chats.chat_messages",
    "chat_extras.list_contacts",
}
# What request_target() leaves unquoted in a path (the signed form).
PATH_SAFE = "/:@!$&'()*+,;=-._~"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "host", "content-length", "expect",
              FORWARD_HEADER.lower()}


def request_target() -> str:
    """The request's path and query as sent on the wire (signed by the sender, checked by
    the receiver: both compute it the same way)."""
    target = urllib.parse.quote(request.path, safe=PATH_SAFE)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return target


def is_live(endpoint) -> bool:
    return bool(endpoint) and (endpoint in LIVE_ENDPOINTS or
                               endpoint.split(".", 1)[0] in LIVE_BLUEPRINTS)


def sign(secret, sender, method, path, ts=None) -> str:
    ts = now_ms() if ts is None else ts
    mac = hmac.new(secret.encode(), f"{sender}\n{ts}\n{method}\n{path}".encode(),
                   hashlib.sha256).hexdigest()
    return f"{sender}.{ts}.{mac}"


def verify(secret, value, method, path) -> bool:
    """True when `value` is a fresh signature of this request under `secret`."""
    try:
        sender, ts, _ = value.split(".", 2)
        ts = int(ts)
    except (AttributeError, ValueError):
        return False
    if not secret or abs(now_ms() - ts) > SIGNATURE_MAX_AGE_MS:
        return False
    return hmac.compare_digest(sign(secret, sender, method, path, ts), value)


class Forwarder:
    """Decides where a live request runs and proxies it there (one per app)."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.config = runtime.config
        self.timeout = max(60.0, self.config.command_timeout * 5 + 10)
        self.connections = OwnerConnections(self.timeout)

    # -- the hook ------------------------------------------------------------------------
    def before_request(self):
        if not is_live(request.endpoint):
            return None
        account_id = (request.view_args or {}).get("account_id")
        if account_id is None:
            return None
        path = request_target()
        marker = request.headers.get(FORWARD_HEADER)
        if marker is not None and verify(self.config.cluster_secret, marker, request.method,
                                         path):
            self._refuse_unless_owner(account_id)   # forwarded once: never again
            return None
        owner = self.owner(account_id)
        if owner is None:
            return None
        return self.forward(account_id, owner, path)

    def owner(self, account_id, endpoint=None):
        """(instance id, address) of the live owner when it is another instance; None to
        answer here (ours, or nobody's and not expected online); AccountMoving while an
        account that should be online has no owner. `endpoint`: the route's (the current
        request's by default)."""
        lease = self.runtime.store.get_lease(account_id)
        me = self.config.instance_id
        if lease is not None and lease["expiresAt"] > now_ms():
            if lease["owner"] == me:
                return None
            address = self.runtime.instances.address_of(lease["owner"])
            if not address:
                raise AccountMoving(retry_after=self._ttl_left(lease))
            return lease["owner"], address
        return self._unowned(account_id, endpoint or request.endpoint)

    def _unowned(self, account_id, endpoint):
        """Nobody holds the lease: answered here, unless the account should be online and
        other instances are alive (then one of them may be taking it: it is moving). Alone,
        this instance is the one that will take it (e.g. waiting for its start slot)."""
        account = self.runtime.store.get_account(account_id)
        if account is not None and wants_owner(account) and endpoint not in (
                "accounts.delete_account",):
            others = set(self.runtime.instances.live()) - {self.config.instance_id}
            if others:
                raise AccountMoving()
        return None

    def _refuse_unless_owner(self, account_id):
        lease = self.runtime.store.get_lease(account_id)
        mine = (lease is not None and lease["owner"] == self.config.instance_id
                and lease["expiresAt"] > now_ms())
        if not mine and lease is not None and lease["expiresAt"] > now_ms():
            raise AccountMoving(not_owner=True)
        if not mine:
            self._unowned(account_id, request.endpoint)

    def _ttl_left(self, lease):
        return max(1, (lease["expiresAt"] - now_ms()) / 1000)

    # -- the proxy -----------------------------------------------------------------------
    def forward(self, account_id, owner, path):
        length = request.content_length
        body = request.stream
        replayable = length is None or length <= RETRY_BODY_BYTES
        if replayable and request.method not in ("GET", "HEAD"):
            body = io.BytesIO(request.stream.read(RETRY_BODY_BYTES + 1))
            if body.getbuffer().nbytes > RETRY_BODY_BYTES:   # chunked and large: stream on
                replayable = False
                body = _Chain(body, request.stream)
        for attempt in (1, 2):
            instance_id, address = owner
            started = time.monotonic()
            try:
                conn, upstream = self._send(address, path, body, length)
            except _NotReached as exc:
                log.warning("account %s: owner %s at %s unreachable (%s)", account_id,
                            instance_id, address, exc)
                if attempt == 2:
                    raise AccountMoving() from None
            except OSError as exc:
                log.warning("account %s: forwarding to %s failed mid-request: %s",
                            account_id, instance_id, exc)
                raise OwnerUnreachable() from None
            else:
                retry = upstream.status == 503 and upstream.getheader(NOT_OWNER_HEADER)
                if not retry or attempt == 2 or not replayable:
                    return self._relay(conn, address, upstream, instance_id, started)
                conn.close()
            if not replayable and body is not request.stream:
                raise AccountMoving()
            if isinstance(body, io.BytesIO):
                body.seek(0)
            owner = self.owner(account_id)    # once more, on a fresh owner
            if owner is None:                 # ours now (or nobody's): answer here
                if isinstance(body, io.BytesIO):
                    _restore_body(body)
                return None
        raise AccountMoving()

    def _send(self, address, path, body, length):
        """(connection, response head) of the request sent to `address`, through
        OwnerConnections.exchange. A kept-alive connection is used when the body can be
        written again; a streamed body gets a new connection."""
        can_resend = not (request.method not in ("GET", "HEAD") and
                          not isinstance(body, io.BytesIO))
        return self.connections.exchange(
            address, lambda conn: self._write(conn, address, path, body, length),
            lambda conn: conn.getresponse(), reuse=can_resend)

    def _write(self, conn, address, path, body, length):
        if isinstance(body, io.BytesIO):      # written again after a failed first write
            body.seek(0)
        parts = urllib.parse.urlsplit(address)
        target = (parts.path.rstrip("/") + path) if parts.path else path
        conn.putrequest(request.method, target, skip_accept_encoding=True)
        for key, value in request.headers.items():
            if key.lower() not in HOP_BY_HOP:
                conn.putheader(key, value)
        if "X-Forwarded-Host" not in request.headers:    # the origin check's host
            conn.putheader("X-Forwarded-Host", request.host)
        conn.putheader(FORWARD_HEADER, sign(self.config.cluster_secret,
                                            self.config.instance_id, request.method, path))
        chunked = length is None and request.method not in ("GET", "HEAD")
        if chunked:
            conn.putheader("Transfer-Encoding", "chunked")
        elif length is not None:
            conn.putheader("Content-Length", str(length))
        conn.endheaders()
        if request.method not in ("GET", "HEAD"):
            while True:
                chunk = body.read(CHUNK)
                if not chunk:
                    break
                conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                conn.send(b"0\r\n\r\n")

    def _relay(self, conn, address, upstream, instance_id, started):
        headers = [(k, v) for k, v in upstream.getheaders()
                   if k.lower() not in HOP_BY_HOP or k.lower() == "content-length"]
        headers.append(("X-Wildcat-Instance", instance_id))

        def stream():
            done = False
            try:
                while True:
                    chunk = upstream.read1(CHUNK) if hasattr(upstream, "read1") else \
                        upstream.read(CHUNK)
                    if not chunk:
                        break
                    yield chunk
                # read1() leaves a response whose length ran out open: close it, or the
                # connection would refuse its next request (ResponseNotReady).
                upstream.close()
                done = True
            finally:
                # Read to its end, the connection carries the next forwarded request; cut
                # short (the client went away), what is left of the answer is unread: closed.
                if done and not upstream.will_close:
                    self.connections.give_back(address, conn)
                else:
                    conn.close()

        FORWARD_SECONDS.observe(time.monotonic() - started)
        return Response(stream(), status=upstream.status, headers=headers,
                        direct_passthrough=True)


class OwnerConnections:
    """Kept-alive connections to owners, by address: at most IDLE_PER_OWNER idle each,
    none reused after IDLE_REUSE_MAX seconds idle."""

    def __init__(self, timeout, opener=None):
        self.timeout = timeout
        self.opener = opener       # (address, timeout) -> connection; http.client's if None
        self._idle = {}            # address -> [(idle since, connection)], newest last
        self._lock = threading.Lock()

    def open(self, address):
        """A new connection (raises _NotReached when the owner does not accept it)."""
        if self.opener is not None:
            return self.opener(address, self.timeout)
        parts = urllib.parse.urlsplit(address)
        cls = (http.client.HTTPSConnection if parts.scheme == "https"
               else http.client.HTTPConnection)
        conn = cls(parts.hostname, parts.port, timeout=self.timeout)
        try:
            conn.connect()
        except OSError as exc:
            conn.close()
            raise _NotReached(str(exc)) from None
        # headers and body go out as written: no Nagle wait for the owner's delayed ACK
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def take(self, address):
        """The most recently used idle connection to `address` that is still open, or None;
        those idle too long, or closed by the owner, are closed on the way."""
        fresh_after = time.monotonic() - IDLE_REUSE_MAX
        with self._lock:
            idle = self._idle.get(address, [])     # oldest first: appended as given back
            cut = 0
            while cut < len(idle) and idle[cut][0] < fresh_after:
                cut += 1
            stale = [conn for _, conn in idle[:cut]]
            del idle[:cut]
        for old in stale:
            old.close()
        while True:
            with self._lock:
                conn = idle.pop()[1] if idle else None
            if conn is None or _still_open(conn):
                return conn
            conn.close()

    def exchange(self, address, write, read, reuse=True):
        """(connection, read(connection)) once write(connection) has sent a request.

        A kept-alive connection (one its owner has not closed: take() looks) is used when
        `reuse`; should writing to it fail, the owner has not read the whole request, and
        it is written again on a new connection. Once written, a request is never sent
        twice: a failure waiting for the answer is the caller's 502 (the owner may have run
        it). The connection is closed on any failure."""
        conn = self.take(address) if reuse else None
        if conn is not None:
            try:
                write(conn)
            except OSError:
                conn.close()
                conn = None
        if conn is None:
            conn = self.open(address)
            try:
                write(conn)
            except BaseException:
                conn.close()
                raise
        try:
            return conn, read(conn)
        except BaseException:
            conn.close()
            raise

    def give_back(self, address, conn):
        with self._lock:
            idle = self._idle.setdefault(address, [])
            if len(idle) < IDLE_PER_OWNER:
                idle.append((time.monotonic(), conn))
                return
        conn.close()


def _still_open(conn) -> bool:
    """An idle kept-alive connection has nothing to read: readable, the owner closed it (or
    sent what no request asked for), so it must not carry a request."""
    sock = getattr(conn, "sock", None)
    if sock is None or getattr(conn, "buf", b""):
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


def _restore_body(body):
    """Give the local view the body this hook already read from the client."""
    environ = request.environ
    environ["wsgi.input"] = body
    environ["CONTENT_LENGTH"] = str(body.getbuffer().nbytes)
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input_terminated"] = False
    request.__dict__.pop("stream", None)      # werkzeug caches the stream it built


class _NotReached(Exception):
    """The owner's address did not accept a connection: nothing was sent."""


class _Chain(io.RawIOBase):
    """The buffered head of a body, then the rest of the client's stream."""

    def __init__(self, head, rest):
        self.head, self.rest = head, rest

    def read(self, size=-1):
        return self.head.read(size) or self.rest.read(size)


def register_forwarding(app, runtime):
    """Install the owner-forwarding hook (after auth: a bad credential stops here)."""
    from wildcat.owner_relay import OwnerRelay
    forwarder = app.extensions["wildcat_forwarder"] = Forwarder(runtime)
    app.extensions["wildcat_relay"] = OwnerRelay(app, forwarder)   # the worker's fast path
    app.before_request(forwarder.before_request)

