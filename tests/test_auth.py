"""API key and per-account tokens on every route of the URL map (real app, SQLite, sandbox)."""
import hashlib
import re
import threading

import pytest

from tests.util import make_store, test_config, wait_until
from wildcat.auth import ADMIN_ONLY_ENDPOINTS, PUBLIC_ENDPOINTS, SESSION_COOKIE, account_scope
from wildcat.factory import create_app

KEY = "admin-key-for-tests-0123456789"
CHAT = "15550009999@s.whatsapp.net"
UNAUTHORIZED = {"ok": False, "error": "A valid API key is required", "code": "unauthorized"}


@pytest.fixture
def keyed(tmp_path):
    app = create_app(test_config(tmp_path, api_key=KEY), store=make_store("sqlite", tmp_path))
    app.extensions["wildcat"].start()
    yield app
    app.extensions["wildcat"].stop(timeout=10)


def admin(**headers):
    return {"X-API-Key": KEY, **headers}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def create(client, account_id):
    response = client.post("/accounts", json={"id": account_id}, headers=admin())
    assert response.status_code == 201, response.json
    return response.json["token"]


def url_for_rule(rule, account_id):
    """A concrete URL for a URL-map rule: the account, a chat, a static file, else 'x'."""
    values = {"account_id": account_id, "chat_id": CHAT, "filename": "dashboard.css"}
    url = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values.get(m.group(1), "x"), rule.rule)
    return url


def routes(app):
    """(method, rule) for every route, HEAD/OPTIONS aside; /ws is a WebSocket route."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def call(client, method, url, headers):
    kwargs = {"headers": headers}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    return client.open(url, method=method, **kwargs)


def test_every_route_needs_the_key(keyed):
    client = keyed.test_client()
    create(client, "acc1")
    checked = 0
    for method, rule in routes(keyed):
        url = url_for_rule(rule, "acc1")
        response = call(client, method, url, {})
        if rule.endpoint in PUBLIC_ENDPOINTS:
            assert response.status_code != 401, (method, url)
            continue
        assert response.status_code == 401, (method, url, response.status_code)
        assert response.json == UNAUTHORIZED, (method, url)
        wrong = call(client, method, url, {"X-API-Key": KEY + "x"})
        assert wrong.status_code == 401, (method, url)
        checked += 1
    assert checked >= 20


def test_every_route_accepts_the_key_in_either_header(keyed):
    client = keyed.test_client()
    create(client, "acc1")
    for i, (method, rule) in enumerate(routes(keyed)):
        if rule.endpoint == "accounts.delete_account":
            continue  # deleting acc1 here would turn later calls into 404s: tested below
        headers = admin() if i % 2 else bearer(KEY)
        response = call(client, method, url_for_rule(rule, "acc1"), headers)
        assert response.status_code != 401, (method, rule.rule, response.status_code)
    assert client.delete("/accounts/acc1", headers=bearer(KEY)).status_code == 200


def test_without_a_key_the_api_is_open(client):
    assert client.post("/accounts", json={"id": "open1"}).status_code == 201
    assert client.get("/accounts").status_code == 200
    assert client.get("/health").status_code == 200
    assert client.get("/dashboard").status_code == 200


def test_account_token_is_returned_once_and_stored_hashed(keyed):
    client = keyed.test_client()
    token = create(client, "acc1")
    assert token.startswith("wct_") and len(token) > 40
    stored = keyed.extensions["wildcat"].store.get_account("acc1")
    assert stored["tokenHash"] == hashlib.sha256(token.encode()).hexdigest()
    for path in ("/accounts/acc1", "/accounts"):
        assert "tokenHash" not in str(client.get(path, headers=admin()).json)
        assert token not in str(client.get(path, headers=admin()).json)


def test_account_token_on_its_own_and_other_accounts_routes(keyed):
    client = keyed.test_client()
    token_a, token_b = create(client, "acca"), create(client, "accb")
    own = other = 0
    for method, rule in routes(keyed):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        scoped = account_scope(rule, {"account_id": "x"}) is not None
        if method == "DELETE" and scoped and rule.endpoint not in ADMIN_ONLY_ENDPOINTS:
            continue  # no scoped deletes but the admin-only account deletion exist today
        response = call(client, method, url_for_rule(rule, "acca"), bearer(token_a))
        if scoped and rule.endpoint not in ADMIN_ONLY_ENDPOINTS:
            assert response.status_code not in (401, 403), (method, rule.rule, response.json)
            own += 1
        else:   # a valid token out of its scope: 403, not 401
            assert response.status_code == 403, (method, rule.rule, response.status_code)
            assert response.json["code"] == "forbidden"
        if scoped:
            response = call(client, method, url_for_rule(rule, "acca"), bearer(token_b))
            assert response.status_code == 403, ("other account's token", method, rule.rule)
            other += 1
    assert own >= 8 and other >= 8
    # The admin-only account routes, spelled out.
    assert client.delete("/accounts/acca", headers=bearer(token_a)).status_code == 403
    assert client.post("/accounts/acca/token", headers=bearer(token_a)).status_code == 403
    assert client.get("/accounts", headers=bearer(token_a)).status_code == 403
    assert client.post("/accounts", json={"id": "z"}, headers=bearer(token_a)).status_code == 403
    assert client.get("/webhooks", headers=bearer(token_a)).status_code == 403
    # Only a missing or wrong credential is 401.
    assert client.get("/accounts/acca/status").status_code == 401
    assert client.get("/accounts/acca/status",
                      headers=bearer(token_a[:-4] + "abcd")).status_code == 401
    # The account's own routes, spelled out.
    assert client.get("/accounts/acca", headers=bearer(token_a)).status_code == 200
    assert client.get("/accounts/acca/status", headers=bearer(token_a)).status_code == 200
    assert client.get("/accounts/accb/status", headers=bearer(token_a)).status_code == 403
    assert client.get("/accounts/acca/status", headers=admin()).status_code == 200


def test_sandbox_conversation_with_an_account_token(keyed):
    client = keyed.test_client()
    token = create(client, "acca")
    wait_until(lambda: client.get("/accounts/acca", headers=bearer(token)).json
               ["account"]["hasQR"])
    response = client.post("/sandbox/accounts/acca/scan", json={}, headers=bearer(token))
    assert response.status_code == 200, response.json
    wait_until(lambda: client.get("/accounts/acca/status", headers=bearer(token))
               .json["status"] == "connected")


def test_token_rotation_needs_the_admin_key_and_revokes_the_old_token(keyed):
    client = keyed.test_client()
    old = create(client, "acca")
    assert client.post("/accounts/acca/token").status_code == 401
    response = client.post("/accounts/acca/token", headers=admin())
    assert response.status_code == 200
    new = response.json["token"]
    assert response.json["accountId"] == "acca" and new != old
    assert client.get("/accounts/acca/status", headers=bearer(old)).status_code == 401
    assert client.get("/accounts/acca/status", headers=bearer(new)).status_code == 200
    assert client.post("/accounts/nope/token", headers=admin()).status_code == 404


def test_credentials_that_do_not_count(keyed):
    client = keyed.test_client()
    create(client, "acca")
    assert client.get(f"/accounts?apiKey={KEY}").status_code == 401  # query only on /ws
    assert client.get("/accounts", headers={"Authorization": f"Basic {KEY}"}).status_code == 401
    assert client.get("/accounts", headers={"X-API-Key": "é" + KEY}).status_code == 401
    assert client.get("/accounts", headers=bearer("wct_" + "a" * 43)).status_code == 401
    assert client.get("/no-such-route").status_code == 401  # nothing about routes leaks


def test_dashboard_session_cookie(keyed):
    client = keyed.test_client()
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    response = client.get("/dashboard", headers=html)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/dashboard/login")
    assert client.get("/dashboard").status_code == 401  # API clients get JSON
    assert client.get("/dashboard/login").status_code == 200
    bad = client.post("/dashboard/login", data={"apiKey": "wrong"})
    assert bad.status_code == 401 and client.get_cookie(SESSION_COOKIE) is None
    good = client.post("/dashboard/login", data={"apiKey": KEY, "next": "//evil.example"})
    assert good.status_code == 303 and good.headers["Location"] == "/dashboard"
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None and KEY not in cookie.value and cookie.http_only
    assert client.get("/dashboard").status_code == 200
    assert client.get("/openapi.json").status_code != 401
    # The cookie alone does not open the API (CSRF): the dashboard's header is needed.
    assert client.get("/accounts").status_code == 401
    assert client.get("/accounts", headers={"X-Wildcat-Dashboard": "1"}).status_code == 200
    out = client.post("/dashboard/logout", headers={"X-Wildcat-Dashboard": "1"})
    assert out.status_code == 303 and client.get_cookie(SESSION_COOKIE) is None
    assert client.get("/dashboard").status_code == 401
    assert client.get("/dashboard?apiKey=wrong").status_code == 401
    linked = client.get(f"/dashboard?apiKey={KEY}")
    assert linked.status_code == 303 and linked.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200


def test_websocket_handshake_with_key_query_and_account_token(tmp_path):
    """A real server and real WebSocket handshakes: browsers pass ?apiKey=; an account
    token opens the stream of its own account only."""
    import json

    import requests
    import simple_websocket

    from tests.util import ServerProcess

    server = ServerProcess({"WILDCAT_API_KEY": KEY}, str(tmp_path / "data")).start()
    ws_url = server.url.replace("http://", "ws://") + "/ws"
    try:
        created = requests.post(server.url + "/accounts", json={"id": "wsa"}, headers=admin(),
                                timeout=10)
        token = created.json()["token"]
        requests.post(server.url + "/accounts", json={"id": "wsb"}, headers=admin(), timeout=10)
        for url, headers in [(ws_url, None), (ws_url + "?apiKey=wrong", None),
                             (f"{ws_url}?accountId=wsb", bearer(token)),
                             (ws_url, bearer(token))]:
            with pytest.raises(simple_websocket.ConnectionError):
                simple_websocket.Client.connect(url, headers=headers).close()
        for url, headers in [(f"{ws_url}?apiKey={KEY}", None),
                             (f"{ws_url}?accountId=wsa", bearer(token)),
                             (ws_url, admin())]:
            client = simple_websocket.Client.connect(url, headers=headers)
            if "accountId=wsa" in url:
                requests.post(server.url + "/accounts/wsa/disconnect", headers=admin(),
                              timeout=10)
                event = json.loads(client.receive(timeout=10))
                assert event["accountId"] == "wsa"
            client.close()
    finally:
        server.stop()


def test_refused_made_up_tokens_do_not_each_read_every_account(make_app):
    """Telling 403 from 401 needs the token's owner: found in an index read at most every
    couple of seconds, not by a scan of the accounts per refused request."""
    app = make_app(api_key="admin-key")
    client = app.test_client()
    admin = {"Authorization": "Bearer admin-key"}
    token = client.post("/accounts", json={"id": "mine"}, headers=admin).json["token"]
    client.post("/accounts", json={"id": "other"}, headers=admin)
    store = app.extensions["wildcat"].store
    reads, real, here = [], store.list_accounts, threading.current_thread()

    def counted():             # the requests' reads (the test client runs them here), not
        if threading.current_thread() is here:     # the supervisor's
            reads.append(1)
        return real()
    store.list_accounts = counted
    try:
        for n in range(50):
            made_up = client.get("/accounts/mine", headers={"Authorization": f"Bearer wct_{n}"})
            assert made_up.status_code == 401
        # a real token, issued just now, on another account's route: 403 at once
        assert client.get("/accounts/other", headers={"Authorization": f"Bearer {token}"}
                          ).status_code == 403
        rotated = client.post("/accounts/other/token", headers=admin).json["token"]
        assert client.get("/accounts/mine", headers={"Authorization": f"Bearer {rotated}"}
                          ).status_code == 403
    finally:
        store.list_accounts = real
    assert len(reads) <= 3
