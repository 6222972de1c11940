"""The gunicorn worker: gthread, except that a connection gets a thread only once its
request head (and a small body) has arrived.

gunicorn's gthread hands a new or kept-alive connection to a thread as soon as its socket
is readable; the thread then blocks reading the rest of the request. 32 clients sending a
request line and going quiet held all 32 threads and froze the API. Here the main loop
reads the head without blocking, up to `header_timeout` seconds (then the connection is
answered 408 and closed), and also the body when it is small (`PREBUFFER_BYTES`); idle
connections cost a buffer, not a thread. A larger or chunked body is read by the request
thread through `GuardedSocket`, which gives up when the client is silent for
`body_idle_timeout` seconds or the body takes longer than `body_timeout` in all (408); at
most a quarter of the threads read such bodies at once (the others wait, parked, without a
thread), so slow uploads cannot take the threads the rest of the API needs.

gunicorn's own parse errors (414, 431, 400) are answered in the API's JSON error shape.
TLS and HTTP/2 cleartext are left to plain gthread (WILDCAT serves HTTP/1.1 behind a proxy).
"""
import errno
import json
import re
import select
import selectors
import socket
import threading
import time
from functools import partial

from gunicorn import util
from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import TConn, ThreadWorker

from wildcat.errors import BadRequest, ClientTooSlow, HeaderFieldsTooLarge, RequestTimeout, \
    ServerBusy, UriTooLong

PREBUFFER_BYTES = 64 * 1024
MAX_HEAD_BYTES = 64 * 1024       # beyond this the thread's parser answers 431 or 414
RECV_CHUNK = 64 * 1024
ACCEPT_PAUSE = 1.0               # seconds without accepting after EMFILE
READY, STREAM = "ready", "stream"
_HEAD_END = b"\r\n\r\n"
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*(\d{1,12})[ \t]*\r\n", re.I)
_STREAMS = re.compile(rb"\r\n(?:transfer-encoding|expect)[ \t]*:", re.I)
_UPGRADE = re.compile(rb"\r\nupgrade[ \t]*:", re.I)     # /ws: capped by the app itself
_JSON_ERRORS = (
    (http_errors.LimitRequestLine, 414, "URI Too Long", UriTooLong.code),
    (http_errors.LimitRequestHeaders, 431, "Request Header Fields Too Large",
     HeaderFieldsTooLarge.code),
    ((http_errors.InvalidRequestLine, http_errors.InvalidRequestMethod,
      http_errors.InvalidHTTPVersion, http_errors.InvalidHeader, http_errors.InvalidHeaderName,
      http_errors.ObsoleteFolding, http_errors.InvalidChunkSize,
      http_errors.ChunkMissingTerminator, http_errors.InvalidChunkExtension),
     400, "Bad Request", BadRequest.code),
)


class Timeouts:
    """The worker's read deadlines (from the app's Config when it has one)."""

    def __init__(self, config=None):
        self.header = getattr(config, "header_timeout", 10.0)
        self.body_idle = getattr(config, "body_idle_timeout", 30.0)
        self.body = getattr(config, "body_timeout", 300.0)


class GuardedSocket:
    """A connection's socket whose reads, while armed, wait at most until a deadline.

    Only the request parser reads through it; the response and a WebSocket use `raw`.
    """

    def __init__(self, sock):
        self.raw = sock
        self._deadline = None
        self._idle = None

    def arm(self, idle, total):
        self._idle, self._deadline = idle, time.monotonic() + total

    def disarm(self):
        self._deadline = None

    def recv(self, size, *flags):
        if self._deadline is not None:
            self._wait_readable()
        return self.raw.recv(size, *flags)

    def _wait_readable(self):
        wait = min(self._idle, self._deadline - time.monotonic())
        if wait > 0:
            poller = select.poll()
            poller.register(self.raw, select.POLLIN | select.POLLERR | select.POLLHUP)
            if poller.poll(wait * 1000):
                return
        raise ClientTooSlow(errno.ECONNRESET, "The request body did not arrive in time")

    def __getattr__(self, name):
        return getattr(self.raw, name)


class GuardedConn(TConn):
    """A connection whose graceful close never blocks the event loop (gunicorn's lingers up
    to 2 s on the main thread, waiting for a client that may never send or close)."""

    def close(self, graceful=False):
        sock = getattr(self.sock, "raw", self.sock)
        if graceful:
            try:
                sock.shutdown(socket.SHUT_WR)
                sock.setblocking(False)
                for _ in range(4):              # what has already arrived, without waiting
                    if not sock.recv(16384):
                        break
            except OSError:
                pass
        util.close(sock)


class _ClosingApp:
    """The WSGI app, noting on the request thread a response that says `Connection: close`
    (gunicorn drops that header and would keep the connection, e.g. after a 413 whose body
    was never read)."""

    def __init__(self, app):
        self.app, self.local = app, threading.local()

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            self.local.close = any(k.lower() == "connection" and v.lower() == "close"
                                   for k, v in headers)
            return start_response(status, headers, exc_info)
        return self.app(environ, start)

    def __getattr__(self, name):                # worker.wsgi.extensions for the hooks
        return getattr(self.app, name)


class GuardedThreadWorker(ThreadWorker):
    """gthread with the request head read by the event loop (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading_conns = {}          # conn -> deadline, while its head arrives
        self.parked = {}                 # conn -> deadline, waiting for a streaming slot
        self.streaming = 0               # requests whose thread is reading a body
        self.max_streaming = max(1, self.cfg.threads // 4)
        self._timeouts = None
        self._accept_paused_until = -1e9

    @property
    def timeouts(self):
        if self._timeouts is None:
            runtime = getattr(self.wsgi, "extensions", {}).get("wildcat")
            self._timeouts = Timeouts(getattr(runtime, "config", None))
        return self._timeouts

    def _guarding(self):
        return not self.cfg.is_ssl and self.cfg.http2_cleartext == "off"

    # -- the event loop's side -----------------------------------------------------------
    def accept(self, listener):
        if not self._guarding():
            return super().accept(listener)
        try:
            client_sock, client_addr = listener.accept()
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE):
                self._pause_accepting(exc)
                return
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = GuardedConn(self.cfg, client_sock, client_addr, listener.getsockname())
        conn.sock = GuardedSocket(conn.sock)
        self._await_head(conn)

    def _pause_accepting(self, exc):
        """Out of descriptors: stop accepting for a moment instead of crashing the worker
        (which would restart every account)."""
        now = time.monotonic()
        if now >= self._accept_paused_until + 60:
            self.log.error("accept() failed (%s): no file descriptors left; pausing new "
                           "connections (raise `ulimit -n` or hold fewer accounts)", exc)
        self._accept_paused_until = now + ACCEPT_PAUSE
        self.set_accept_enabled(False)

    def set_accept_enabled(self, enabled):
        if enabled and time.monotonic() < self._accept_paused_until:
            return
        super().set_accept_enabled(enabled)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection has its next request coming: read its head here too."""
        if not isinstance(conn.sock, GuardedSocket):
            return super().on_client_socket_readable(conn, client)
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._await_head(conn)

    def _await_head(self, conn):
        conn.sock.raw.setblocking(False)
        conn.head = bytearray()
        self.reading_conns[conn] = time.monotonic() + self.timeouts.header
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read_head, conn))

    def _read_head(self, conn, _fileobj):
        try:
            data = conn.sock.raw.recv(RECV_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:                        # the client went away before a request
            self._stop_reading(conn)
            self._close(conn)
            return
        conn.head += data
        ready = self._complete(conn)
        if ready is None:
            return
        self._stop_reading(conn)
        conn.prebuffered = bytes(conn.head)
        conn.head = None
        conn.streams_body = ready == STREAM
        if conn.streams_body and self.streaming >= self.max_streaming:
            self._park(conn)
        else:
            self._dispatch(conn)

    def _complete(self, conn):
        """None while the head (and a small body) is still coming; READY once it is here;
        STREAM when a thread must read the rest (a large or chunked body, an upgrade)."""
        end = conn.head.find(_HEAD_END)
        if end < 0:
            return READY if len(conn.head) > MAX_HEAD_BYTES else None
        head = bytes(conn.head[:end + 2])
        if _STREAMS.search(head):
            return STREAM
        if _UPGRADE.search(head):
            return READY
        match = _CONTENT_LENGTH.search(head)
        length = int(match.group(1)) if match else 0
        if length > PREBUFFER_BYTES:
            return STREAM
        if len(conn.head) < end + 4 + length:
            if not getattr(conn, "body_started", False):   # the body gets its own deadline
                conn.body_started = True
                self.reading_conns[conn] = time.monotonic() + self.timeouts.body_idle
            return None
        return READY

    # A request that streams its body (an upload, a chunked body) holds its thread while
    # the client sends: at most `max_streaming` do at once, so slow uploads
    # can never take the threads every other request needs. The rest wait here, parked
    # (not read, no thread), in arrival order.
    def _dispatch(self, conn):
        if conn.streams_body:
            self.streaming += 1
        self.enqueue_req(conn)

    def _park(self, conn):
        self.parked[conn] = time.monotonic() + self.timeouts.body_idle

    def finish_request(self, conn, fs):
        if getattr(conn, "streams_body", False):
            conn.streams_body = False
            self.streaming -= 1
            if self.parked and self.alive:
                waiting = next(iter(self.parked))
                del self.parked[waiting]
                self._dispatch(waiting)
        return super().finish_request(conn, fs)

    def _stop_reading(self, conn):
        self.reading_conns.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        conn.body_started = False

    def _close(self, conn):
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        """Also close connections whose head did not arrive in time (408), and those that
        waited too long for a streaming slot (503)."""
        super().murder_pending()
        now = time.monotonic()
        for conn, deadline in list(self.parked.items()):
            if deadline > now and self.alive:
                continue
            del self.parked[conn]
            _send_json_error(conn.sock.raw, 503, "Service Unavailable", ServerBusy.code,
                             ServerBusy.message)
            self._close(conn)
        for conn, deadline in list(self.reading_conns.items()):
            if deadline > now and self.alive:      # a stopping worker takes no new request
                continue
            self._stop_reading(conn)
            if conn.head:
                _send_json_error(conn.sock.raw, 408, "Request Timeout", RequestTimeout.code,
                                 RequestTimeout.message)
            self._close(conn)

    # -- the request thread's side -------------------------------------------------------
    def handle(self, conn):
        if not isinstance(conn.sock, GuardedSocket):
            return super().handle(conn)
        conn.sock.raw.setblocking(True)
        conn.init()                         # builds the parser on the guarded socket
        prebuffered = getattr(conn, "prebuffered", None)
        if prebuffered:
            conn.prebuffered = None
            relay = getattr(self.wsgi, "extensions", {}).get("wildcat_relay")
            if relay is not None and not conn.streams_body:
                kept = relay.relay(prebuffered, conn.sock.raw, closing=not self.alive)
                if kept is not None:        # answered by the account's owner
                    return kept
            conn.parser.unreader.unread(prebuffered)
        timeouts = self.timeouts
        conn.sock.arm(timeouts.body_idle, timeouts.header + timeouts.body)
        try:
            return super().handle(conn)
        finally:
            conn.sock.disarm()

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = _ClosingApp(self.wsgi)

    def handle_request(self, req, conn):
        """The app writes to, and a WebSocket reads from, the raw socket (no deadline)."""
        guarded = conn.sock
        if not isinstance(guarded, GuardedSocket):
            return super().handle_request(req, conn)
        conn.sock = guarded.raw
        self.wsgi.local.close = False
        try:
            keepalive = super().handle_request(req, conn)
        finally:
            conn.sock = guarded
        return keepalive and not self.wsgi.local.close

    def handle_error(self, req, client, addr, exc):
        """gunicorn's own 400/414/431 answers, in the API's JSON error shape."""
        for kinds, status, reason, code in _JSON_ERRORS:
            if isinstance(exc, kinds):
                self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0],
                                 ascii(str(exc))[1:-1])
                _send_json_error(getattr(client, "raw", client), status, reason, code,
                                 f"{reason}: {exc}" if status != 400 else str(exc))
                return
        return super().handle_error(req, getattr(client, "raw", client), addr, exc)


def _send_json_error(sock, status, reason, code, message):
    body = json.dumps({"ok": False, "error": message, "code": code}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    try:
        util.write_nonblock(sock, head.encode("latin-1") + body)
    except OSError:
        pass
