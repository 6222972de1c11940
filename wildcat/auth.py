"""API keys: the admin key (WILDCAT_API_KEY) and per-account tokens.

With an admin key configured, every request needs a credential except the public endpoints
(`/ping`, the dashboard's login page and its static files). A credential is the admin key or
an account token, sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`; browsers may
pass `?apiKey=` on `/ws` and `/dashboard` (which trades it for a session cookie and
redirects to drop it from the address bar).

The dashboard signs a browser in with either credential and keeps a session cookie holding
a random session id (wildcat/sessions.py) that expires after 12 hours and ends when the
browser signs out; a session opened with an account token opens only that account's routes
and also ends when the token is rotated. On /ws the cookie counts only from a page of this
same origin (checked with Origin).

An account token (returned once when the account is created, rotated with
`POST /accounts/<id>/token`) authorises only that account's own routes:
`/accounts/<id>/...` and `/sandbox/accounts/<id>/...`, plus `GET /accounts/<id>`; never
account creation, listing, deletion or token rotation, and never the `/webhooks` admin routes
(webhooks, even those scoped with an accountId, are managed with the admin key). Only the
token's SHA-256 is stored (`tokenHash` in the account record).
"""
import hashlib
import hmac
import logging
import secrets
import threading
import time

from flask import current_app, g, redirect, request, url_for

from wildcat.errors import Forbidden, Unauthorized

log = logging.getLogger(__name__)

TOKEN_PREFIX = "wct_"
SESSION_COOKIE = "wildcat_session"
DASHBOARD_HEADER = "X-Wildcat-Dashboard"
PUBLIC_ENDPOINTS = {"system.ping", "dashboard.login", "dashboard.login_submit",
                    "dashboard.static", "dashboard.front_door", "dashboard.favicon",
                    "dashboard.logout"}
# GET pages a browser navigates to: the session cookie alone is enough there.
PAGE_ENDPOINTS = {"dashboard.index", "openapi.docs", "openapi.docs_asset", "openapi.spec"}
# Account routes an account token may NOT use (account management stays with the admin).
ADMIN_ONLY_ENDPOINTS = {"tokens.rotate_token", "accounts.delete_account"}
# Browsers cannot set headers on a WebSocket or a link: these two read ?apiKey= too.
QUERY_KEY_PATHS = {"/ws", "/dashboard"}
# Pages that send a browser without a session to the login page instead of a 401.
HTML_PAGES = {"dashboard.index", "openapi.docs"}
_JSON_OR_HTML = ["application/json", "text/html"]
_ACCOUNT_PREFIXES = ("/accounts/<account_id>", "/sandbox/accounts/<account_id>")


def _equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_account_token() -> tuple[str, str]:
    """A fresh (token, sha256 hex) pair; only the hash is ever stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def issue_account_token(store, account_id: str) -> str:
    """Give the account a new token (replacing any old one) and return it, once."""
    token, digest = new_account_token()
    store.update_account(account_id, {"tokenHash": digest})
    _TOKEN_INDEX.forget()
    log.info("account %s: new account token issued", account_id)
    return token


def find_token_account(store, credential: str):
    """The account whose current token this is (None when no account has it)."""
    owner = _token_owner(store, credential)
    return store.get_account(owner) if owner else None


def presented_credential():
    """The key or token the request carries (header, Bearer, or ?apiKey= on /ws, /dashboard)."""
    value = request.headers.get("X-API-Key")
    if value:
        return value.strip()
    scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if request.path in QUERY_KEY_PATHS and request.args.get("apiKey"):
        return request.args["apiKey"]
    return None


def account_scope(rule, view_args):
    """The account id a route belongs to (None for routes of no single account)."""
    if rule is None or not rule.rule.startswith(_ACCOUNT_PREFIXES):
        return None
    return (view_args or {}).get("account_id")


def _account_token_ok(store, account_id, credential):
    if not account_id or not credential.startswith(TOKEN_PREFIX):
        return False
    account = store.get_account(account_id)
    stored = (account or {}).get("tokenHash")
    return bool(stored) and _equal(hash_token(credential), stored)


def _same_origin():
    origin = request.headers.get("Origin") or ""
    return bool(origin) and origin.split("://", 1)[-1] == request.host


def _session(config, store):
    """"admin", "account:<id>" or None: whom the dashboard's session cookie signs in."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    # Cross-site requests cannot add a custom header, so API calls need it (CSRF guard);
    # a browser's WebSocket cannot either, but it sends its page's Origin.
    if not (request.endpoint in PAGE_ENDPOINTS or request.headers.get(DASHBOARD_HEADER)
            or (request.path == "/ws" and _same_origin())):
        return None
    sessions = current_app.extensions["wildcat_sessions"]
    session = sessions.lookup(cookie)
    if session is None:
        return None
    g.credential, g.session_id = sessions.key(cookie), cookie
    if session.principal == "admin":
        return "admin"
    account_id = session.principal.partition(":")[2]
    stored = (store.get_account(account_id) or {}).get("tokenHash")
    if stored and _equal(stored, session.token_hash or ""):   # ends when the token rotates
        g.token_hash = stored
        return session.principal
    return None


def authenticate(config, store):
    """Who the request is ("admin", "account:<id>", "open"); raise Unauthorized otherwise."""
    if not config.api_key:
        g.credential = "open"
        return "open"
    if request.endpoint in PUBLIC_ENDPOINTS:
        return "public"
    credential = presented_credential()
    if credential and _equal(credential, config.api_key):
        g.credential = "admin-key"
        return "admin"
    session = _session(config, store)
    if session == "admin":
        return "admin"
    account_id = account_scope(request.url_rule, request.view_args)
    if request.path == "/ws":
        account_id = request.args.get("accountId")
    if session and request.endpoint in PAGE_ENDPOINTS:
        return session
    if request.endpoint not in ADMIN_ONLY_ENDPOINTS:
        if session and account_id and session == f"account:{account_id}":
            return session
        if credential and _account_token_ok(store, account_id, credential):
            g.credential = f"token:{account_id}:{hash_token(credential)[:16]}"
            g.token_hash = hash_token(credential)
            return f"account:{account_id}"
    if session or (credential and _token_owner(store, credential, _TOKEN_INDEX) is not None):
        raise Forbidden("This account token may only use its own account's routes")
    raise Unauthorized(headers={"WWW-Authenticate": 'Bearer realm="wildcat"'})


class TokenIndex:
    """{token hash: account id} of every account, read from the store at most every `ttl`
    seconds. What tells a refused request's 403 (a valid token, another account's route)
    from its 401: a scan of every account per refused request let any client with a made-up
    token cost the server a full read of the accounts. Up to `ttl` stale, which only moves
    a token rotated by another instance between 401 and 403 (this process's own issues
    clear it); logging in (find_token_account) reads the store itself."""

    def __init__(self, ttl=2.0):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._store = None           # the store the index was read from, and when
        self._built_at = 0.0
        self._index = {}

    def owner(self, store, digest):
        with self._lock:
            if store is not self._store or time.monotonic() - self._built_at > self.ttl:
                self._index = {a["tokenHash"]: a["_id"] for a in store.list_accounts()
                               if a.get("tokenHash")}
                self._store, self._built_at = store, time.monotonic()
            return self._index.get(digest)

    def forget(self):
        with self._lock:
            self._store = None


_TOKEN_INDEX = TokenIndex()


def _token_owner(store, credential, index=None):
    """The account whose current token `credential` is (None when it is nobody's): from
    `index` (a TokenIndex) when given, else from the store."""
    if not credential.startswith(TOKEN_PREFIX):
        return None
    digest = hash_token(credential)
    if index is not None:
        return index.owner(store, digest)
    for account in store.list_accounts():
        stored = account.get("tokenHash")
        if stored and _equal(stored, digest):
            return account["_id"]
    return None


def register_auth(app):
    """Check every request's credential before its view runs."""
    from wildcat.api import runtime

    @app.before_request
    def _check_credential():
        try:
            g.auth = authenticate(runtime().config, runtime().store)
        except Unauthorized:
            if request.method == "GET" and request.endpoint in HTML_PAGES and \
                    request.accept_mimetypes.best_match(_JSON_OR_HTML) == "text/html":
                return redirect(url_for("dashboard.login", next=request.path), 303)
            raise
