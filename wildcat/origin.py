"""Cross-site request refusal (CSRF), with or without an API key.

A browser says where a request comes from: `Origin` on every POST/PUT/PATCH/DELETE and on
WebSocket handshakes, `Sec-Fetch-Site` on everything in current browsers. A state-changing
request (or a `/ws` handshake) whose Origin names another host, an opaque origin (`null`,
unless Sec-Fetch-Site vouches for it), or whose Sec-Fetch-Site is `cross-site`, is refused
with 403 `cross_origin` before its view runs. Requests without those headers (curl, SDKs, webhooks senders) are not affected;
the dashboard, served from this origin, keeps working. Behind a reverse proxy the proxy
must pass the original `Host` (or `X-Forwarded-Host`).
"""
from urllib.parse import urlsplit

from flask import request

from wildcat.errors import CrossOrigin

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
STREAM_PATHS = {"/ws"}      # a WebSocket handshake is a GET that opens a live stream


def _hosts():
    hosts = {request.host.lower()}
    forwarded = request.headers.get("X-Forwarded-Host")
    if forwarded:
        hosts.add(forwarded.split(",")[0].strip().lower())
    return hosts


def _default_port(scheme):
    return {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(scheme)


def _same_host(origin, hosts):
    try:
        parts = urlsplit(origin)
        port = parts.port or _default_port(parts.scheme)
    except ValueError:
        return False
    if not parts.hostname:
        return False
    name = parts.hostname.lower()
    candidates = {f"{name}:{port}"}
    if port == _default_port(parts.scheme):
        candidates.add(name)
    if ":" in name:                                    # an IPv6 literal keeps its brackets
        candidates |= {f"[{name}]:{port}", f"[{name}]"}
    return bool(candidates & hosts)


def check_origin():
    """Raise CrossOrigin for a cross-site state-changing request or stream handshake."""
    if request.method in SAFE_METHODS and request.path not in STREAM_PATHS:
        return
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site == "cross-site":
        raise CrossOrigin()
    origin = request.headers.get("Origin")
    if origin is not None and origin.strip() == "null" and fetch_site in ("same-origin", "none"):
        return      # Chromium hides a same-origin form's Origin under `no-referrer`
    if origin is not None and not _same_host(origin.strip(), _hosts()):
        raise CrossOrigin(f"Requests from {origin[:100]!r} may not change state here "
                          "(a page on another site sent it)")


def register_origin_check(app):
    app.before_request(check_origin)
