"""`GET /ws`: a WebSocket stream of every event, the same JSON as the webhook body.

Each client holds one server thread (gthread) and gets a bounded queue of
`ws_queue_size` frames. The event bus only enqueues (it never waits on a socket); a client
whose queue overflows is dropped (its socket shut down, close code 1008 when still
possible) rather than slowing the account threads or anyone else. Pings every
`ws_ping_interval` seconds keep idle proxies open; a client that does not answer a ping
before the next one is disconnected. Query: `accountId` (only that account's events),
`events` (comma-separated names, default all), `after` (a cursor: first replay the logged
events after it, then go on live, with no gap and no duplicate), `apiKey` (for browsers,
which cannot set headers on a WebSocket). The events come from the store's event log
(services/event_log.py), so a client on any process gets every account's events.
"""
import hmac
import logging
import queue
import socket
import threading
import time

from flask import Blueprint, current_app, g, request
from flask_sock import Sock

from wildcat.api import runtime
from wildcat.errors import Unauthorized, WebSocketUpgradeRequired, WsCapacity, WsTokenCapacity
from wildcat.schemas import load, query_args
from wildcat.schemas.webhooks import StreamQuerySchema
from wildcat.services.accounts import get_account
from wildcat.services.webhooks import event_body

log = logging.getLogger(__name__)

bp = Blueprint("ws", __name__)
sock = Sock()
stream_query = StreamQuerySchema()
POLL = 0.5          # seconds between checks for a closed client or a stopping server
REVALIDATE = 5.0    # seconds between re-checks of a stream's credential against the store


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
    """One WebSocket subscriber: its filter, its bounded frame queue, the credential it
    was opened with (revoking that credential closes it)."""

    def __init__(self, account_id, events, size, credential="open", token_hash=None,
                 session_id=None):
        self.account_id, self.events = account_id, set(events) if events else None
        self.frames = queue.Queue(maxsize=size)
        self.dropped = False
        self.revoked = None       # the reason, once its credential is revoked
        self.credential, self.token_hash = credential, token_hash
        self.session_id = session_id      # a dashboard session's stream ends when it does
        self.checked = time.monotonic()
        self.sock = None          # set once the handshake is done; shut down on overflow

    def shut(self):
        """Wake the stream's loop now (it closes with 1008)."""
        try:
            self.frames.put_nowait(None)
        except queue.Full:
            pass

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
    """The app's WebSocket clients: the capacity limits, and closing the streams of a
    revoked credential.

    Each account token may hold at most `per_credential` streams, so one account's token
    cannot take every stream slot from the admin (the admin key is not capped).
    """

    def __init__(self, limit, per_credential):
        self.limit, self.per_credential = limit, per_credential
        self.clients, self._lock = set(), threading.Lock()

    @property
    def count(self):
        return len(self.clients)

    def enter(self, client):
        with self._lock:
            if len(self.clients) >= self.limit:
                raise WsCapacity()
            same = sum(1 for c in self.clients if c.credential == client.credential)
            if client.token_hash is not None and same >= self.per_credential:
                raise WsTokenCapacity(f"This account token already has {same} WebSocket "
                                      f"streams open (the limit is {self.per_credential})")
            self.clients.add(client)

    def leave(self, client):
        with self._lock:
            self.clients.discard(client)

    def close_streams(self, matches, reason):
        """Close (1008) every stream for which `matches(client)` is true."""
        with self._lock:
            chosen = [c for c in self.clients if matches(c)]
        for client in chosen:
            client.revoked = reason
            client.shut()
        if chosen:
            log.info("%d WebSocket stream(s) closed: %s", len(chosen), reason)
        return len(chosen)


class _DaemonThread(threading.Thread):
    """simple-websocket's reader thread must never keep a stopping server process alive."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, daemon=True, **kwargs)


def init_app(app, config):
    """Register `/ws` with its ping interval and client limits."""
    app.config["SOCK_SERVER_OPTIONS"] = {"ping_interval": config.ws_ping_interval,
                                         "max_message_size": 64 * 1024,
                                         "thread_class": _DaemonThread}
    limit = config.ws_max_clients or max(1, config.threads // 2)
    per_credential = config.ws_max_clients_per_token or max(1, limit // 4)
    app.extensions["wildcat_ws"] = StreamHub(limit, min(limit, per_credential))
    app.register_blueprint(bp)


def close_streams(matches, reason):
    """Close the streams of a revoked credential (called by the views that revoke one)."""
    return current_app.extensions["wildcat_ws"].close_streams(matches, reason)


def close_account_streams(account_id, reason):
    """Close the streams opened with `account_id`'s token or following only its events."""
    return close_streams(lambda c: c.account_id == account_id, reason)


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
    client = StreamClient(args.get("accountId"), args.get("events"),
                          runtime().config.ws_queue_size, credential=g.get("credential", "open"),
                          token_hash=g.get("token_hash"), session_id=g.get("session_id"))
    _hub().enter(client)
    g.ws_client = client
    g.ws_unsubscribe = runtime().event_log.subscribe(client.offer, after=args.get("after"))


@bp.teardown_request
def _unsubscribe(exc=None):
    unsubscribe = g.pop("ws_unsubscribe", None)
    if unsubscribe is not None:
        unsubscribe()
    client = g.pop("ws_client", None)
    if client is not None:
        _hub().leave(client)


def _still_valid(client):
    """Re-check the stream's credential now and then: a token rotated or an account deleted
    on another instance, or a dashboard session that expired, ends the stream too."""
    now = time.monotonic()
    if client.revoked or now - client.checked < REVALIDATE:
        return not client.revoked
    client.checked = now
    if client.session_id is not None and \
            not current_app.extensions["wildcat_sessions"].valid(client.session_id):
        client.revoked = "session ended"
    elif client.token_hash is not None:
        account = runtime().store.get_account(client.account_id)
        if account is None:
            client.revoked = "account deleted"
        elif account.get("tokenHash") != client.token_hash:
            client.revoked = "token rotated"
    return not client.revoked


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
        while ws.connected and not client.dropped and _serving() and _still_valid(client):
            try:
                event = client.frames.get(timeout=POLL)
            except queue.Empty:
                continue
            if event is not None:
                ws.send(event_body(event).decode("utf-8"))
    except OSError:
        pass
    finally:
        _hang_up(ws, client)
        log.info("WebSocket client %s disconnected", _client_id(client))


def _hang_up(ws, client):
    """Close (1008 for a dropped client or a revoked credential), then shut the socket so
    the reader thread ends now instead of at its next ping."""
    if client.revoked:
        code, reason = 1008, client.revoked
    elif client.dropped:
        code, reason = 1008, "client too slow"
    else:
        code, reason = 1001, "server shutting down"
    try:
        if ws.connected:
            ws.close(code, reason)
    except Exception:
        pass
    try:
        ws.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
