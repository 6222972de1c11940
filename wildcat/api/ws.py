"""`GET /ws`: a WebSocket stream of every event, the same JSON as the webhook body.

Each client holds one server thread (gthread) and gets a bounded queue of
`ws_queue_size` frames. The event bus only enqueues (it never waits on a socket); a client
whose queue overflows is dropped (its socket shut down, close code 1008 when still
possible) rather than slowing the account threads or anyone else. Pings every
`ws_ping_interval` seconds keep idle proxies open; a client that does not answer a ping
before the next one is disconnected. Query: `accountId` (only that account's events),
`events` (comma-separated names, default all), `apiKey` (for browsers, which cannot set
headers on a WebSocket).
"""
import hmac
import logging
import queue
import socket
import threading

from flask import Blueprint, current_app, g, request
from flask_sock import Sock

from wildcat.api import runtime
from wildcat.errors import Unauthorized, WebSocketUpgradeRequired, WsCapacity
from wildcat.schemas import load, query_args
from wildcat.schemas.webhooks import StreamQuerySchema
from wildcat.services.accounts import get_account
from wildcat.services.webhooks import event_body

log = logging.getLogger(__name__)

bp = Blueprint("ws", __name__)
sock = Sock()
stream_query = StreamQuerySchema()
POLL = 0.5          # seconds between checks for a closed client or a stopping server


def check_api_key(config, req) -> None:
    """With an API key configured, require it (X-API-Key, Bearer, or ?apiKey=)."""
    if not config.api_key:
        return
    scheme, _, bearer = (req.headers.get("Authorization") or "").partition(" ")
    presented = (req.headers.get("X-API-Key") or
                 (bearer.strip() if scheme.lower() == "bearer" else "") or
                 req.args.get("apiKey") or "")
    if not hmac.compare_digest(presented.encode(), config.api_key.encode()):
        raise Unauthorized()


class StreamClient:
    """One WebSocket subscriber: its filter and its bounded frame queue."""

    def __init__(self, account_id, events, size):
        self.account_id, self.events = account_id, set(events) if events else None
        self.frames = queue.Queue(maxsize=size)
        self.dropped = False
        self.sock = None          # set once the handshake is done; shut down on overflow

    def offer(self, event):
        """Bus subscriber: enqueue or drop the client, never block."""
        if self.dropped or (self.account_id and event.get("accountId") != self.account_id):
            return
        if self.events is not None and event.get("event") not in self.events:
            return
        try:
            self.frames.put_nowait(event)
        except queue.Full:
            self.dropped = True
            log.warning("WebSocket client %s too slow (%d frames queued); dropping it",
                        _client_id(self), self.frames.maxsize)
            if self.sock is not None:
                try:
                    self.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _client_id(client):
    return f"{id(client):x}"


class StreamHub:
    """The app's WebSocket clients (a count, for the capacity limit)."""

    def __init__(self, limit):
        self.limit, self.count, self._lock = limit, 0, threading.Lock()

    def enter(self):
        with self._lock:
            if self.count >= self.limit:
                raise WsCapacity()
            self.count += 1

    def leave(self):
        with self._lock:
            self.count -= 1


class _DaemonThread(threading.Thread):
    """simple-websocket's reader thread must never keep a stopping server process alive."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, daemon=True, **kwargs)


def init_app(app, config):
    """Register `/ws` with its ping interval and client limit."""
    app.config["SOCK_SERVER_OPTIONS"] = {"ping_interval": config.ws_ping_interval,
                                         "max_message_size": 64 * 1024,
                                         "thread_class": _DaemonThread}
    app.extensions["wildcat_ws"] = StreamHub(config.ws_max_clients or max(1, config.threads // 2))
    app.register_blueprint(bp)


@bp.before_request
def _subscribe():
    """Authorise and subscribe before the handshake, so no event falls in between."""
    if "auth" not in g:             # the app-wide API key check did not run
        check_api_key(runtime().config, request)
    if not request.url_rule.websocket:
        raise WebSocketUpgradeRequired(headers={"Upgrade": "websocket"})
    args = load(stream_query, query_args())
    if args.get("accountId"):
        get_account(runtime(), args["accountId"])
    hub = _hub()
    hub.enter()
    g.ws_entered = True
    client = g.ws_client = StreamClient(args.get("accountId"), args.get("events"),
                                        runtime().config.ws_queue_size)
    g.ws_unsubscribe = runtime().bus.subscribe(client.offer)


@bp.teardown_request
def _unsubscribe(exc=None):
    unsubscribe = g.pop("ws_unsubscribe", None)
    if unsubscribe is not None:
        unsubscribe()
    if g.pop("ws_entered", False):
        _hub().leave()


def _hub():
    return current_app.extensions["wildcat_ws"]


def _serving():
    worker = getattr(runtime(), "server_worker", None)
    return runtime().started and getattr(worker, "alive", True)


@bp.get("/ws")
def plain_get():
    """A plain GET (no upgrade) is answered 400 by `_subscribe`."""


@sock.route("/ws", bp=bp)
def stream(ws):
    client = g.ws_client
    client.sock = ws.sock
    try:        # events go out as they happen, not coalesced by Nagle's algorithm
        ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    log.info("WebSocket client %s connected (account %s, events %s)", _client_id(client),
             client.account_id or "*", ",".join(sorted(client.events or ["*"])))
    try:
        while ws.connected and not client.dropped and _serving():
            try:
                event = client.frames.get(timeout=POLL)
            except queue.Empty:
                continue
            ws.send(event_body(event).decode("utf-8"))
    except OSError:
        pass
    finally:
        _hang_up(ws, client)
        log.info("WebSocket client %s disconnected", _client_id(client))


def _hang_up(ws, client):
    """Close (1008 for a dropped client), then shut the socket so the reader thread ends now
    instead of at its next ping."""
    try:
        if ws.connected:
            ws.close(1008 if client.dropped else 1001,
                     "client too slow" if client.dropped else "server shutting down")
    except Exception:
        pass
    try:
        ws.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
