"""The operator's dashboard: a server-rendered page that polls the JSON API."""
import hmac
import re

from flask import (Blueprint, current_app, g, make_response, redirect, render_template,
                   request, send_from_directory)

from wildcat.api import runtime, ws
from wildcat.auth import SESSION_COOKIE, find_token_account
from wildcat.domain import EVENT_NAMES
from wildcat.schemas import load
from wildcat.schemas.dashboard import LoginSchema
from wildcat.sessions import SESSION_MAX_AGE

bp = Blueprint("dashboard", __name__, static_folder="../static",
               static_url_path="/dashboard/static")

login_schema = LoginSchema()
# Everything the pages load comes from this server; nothing inline, nothing external.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]*")


def _page(html, status=200):
    response = make_response(html, status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _safe_next(target):
    """Only our own pages: never an open redirect."""
    if target.startswith(("/dashboard", "/docs")) and "//" not in target and \
            "\\" not in target and _PRINTABLE_ASCII.fullmatch(target):   # no CR/LF into Location
        return target
    return "/dashboard"


@bp.get("/")
def front_door():
    """A browser pointed at the server lands on the dashboard (unknown paths stay JSON 404)."""
    return redirect("/dashboard", 302)


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(bp.static_folder, "favicon.ico", mimetype="image/x-icon",
                               max_age=86400)


@bp.get("/dashboard")
def index():
    rt = runtime()
    if rt.config.api_key and request.args.get("apiKey"):   # a bookmarked ?apiKey= link
        return _signed_in("admin", "/dashboard")
    who = g.get("auth", "open")
    scope = who.partition(":")[2] if who.startswith("account:") else ""
    return _page(render_template("dashboard.html", scope=scope,
                                 protected=bool(rt.config.api_key),
                                 driver=rt.config.driver, instance=rt.config.instance_id,
                                 event_names=EVENT_NAMES))


@bp.get("/dashboard/login")
def login():
    if not runtime().config.api_key:
        return redirect("/dashboard", 303)
    return _page(render_template("dashboard_login.html", error=None,
                                 next=_safe_next(request.args.get("next", "/dashboard"))))


@bp.post("/dashboard/login")
def login_submit():
    data = load(login_schema, request.form.to_dict())
    rt = runtime()
    api_key = rt.config.api_key
    target = _safe_next(data["next"])
    if not api_key:
        return redirect(target, 303)
    if hmac.compare_digest(data["apiKey"].encode(), api_key.encode()):
        return _signed_in("admin", target)
    account = find_token_account(rt.store, data["apiKey"])
    if account is not None:
        return _signed_in(f"account:{account['_id']}", "/dashboard", account["tokenHash"])
    return _page(render_template("dashboard_login.html", error="That key is not valid.",
                                 next=target), 401)


def _signed_in(principal, target, token_hash=None):
    """Redirect to `target` with a new session's cookie (a random id: neither the key nor
    the token is ever in it)."""
    session_id = current_app.extensions["wildcat_sessions"].create(principal, token_hash)
    response = redirect(target, 303)
    response.set_cookie(SESSION_COOKIE, session_id, max_age=SESSION_MAX_AGE,
                        httponly=True, samesite="Strict", secure=request.is_secure, path="/")
    return response


@bp.post("/dashboard/logout")
def logout():
    """End the session (its cookie no longer signs anyone in) and its /ws streams."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        current_app.extensions["wildcat_sessions"].revoke(session_id)
        ws.close_streams(lambda client: client.session_id == session_id, "signed out")
    response = redirect("/dashboard/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
