"""The operator's dashboard: a server-rendered page that polls the JSON API."""
import hmac

from flask import (Blueprint, g, make_response, redirect, render_template, request,
                   send_from_directory)

from wildcat.api import runtime
from wildcat.auth import (SESSION_COOKIE, account_session_value, find_token_account,
                          session_value)
from wildcat.schemas import load
from wildcat.schemas.dashboard import LoginSchema
from wildcat.domain import EVENT_NAMES

bp = Blueprint("dashboard", __name__, static_folder="../static",
               static_url_path="/dashboard/static")

login_schema = LoginSchema()
# Everything the pages load comes from this server; nothing inline, nothing external.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SESSION_MAX_AGE = 12 * 3600


def _page(html, status=200):
    response = make_response(html, status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _safe_next(target):
    """Only our own pages: never an open redirect."""
    if target.startswith(("/dashboard", "/docs")) and "//" not in target and "\\" not in target:
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
        return _signed_in(session_value(rt.config.api_key), "/dashboard")
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
        return _signed_in(session_value(api_key), target)
    account = find_token_account(rt.store, data["apiKey"])
    if account is not None:
        return _signed_in(account_session_value(api_key, account["_id"], account["tokenHash"]),
                          "/dashboard")
    return _page(render_template("dashboard_login.html", error="That key is not valid.",
                                 next=target), 401)


def _signed_in(cookie, target):
    """Redirect to `target` with the session cookie set (the key itself is never stored)."""
    response = redirect(target, 303)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_MAX_AGE,
                        httponly=True, samesite="Strict", secure=request.is_secure, path="/")
    return response


@bp.post("/dashboard/logout")
def logout():
    response = redirect("/dashboard/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
