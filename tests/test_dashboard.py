"""The dashboard in a real headless Chromium (Debian's chromium + chromium-driver) against a
real server process (`python app.py`) with an API key, the sandbox driver (WhatsApp's network
is simulated: it cannot be reached from here) and a real local webhook receiver.

Every flow is driven through the page. Screenshots at 390 px and 1280 px go to one temp dir;
a failing test lists the ones it took (and one of the moment it failed)."""
import io
import os
import re
import tempfile
import time

import pytest
import requests

from tests.receiver import Receiver
from tests.util import CHROMEDRIVER, CHROMIUM, ServerProcess, free_port, wait_until

KEY = "dashboard-test-key-0123456789"
ADMIN = {"X-API-Key": KEY}
WIDTHS = (390, 1280)
SHOTS_DIR = tempfile.mkdtemp(prefix="wildcat-dashboard-shots-")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("dashboard")
    proc = ServerProcess({"WILDCAT_API_KEY": KEY, "WILDCAT_WEBHOOK_MAX_ATTEMPTS": "2",
                          "WILDCAT_WEBHOOK_BACKOFF_BASE": "0.05",
                          "WILDCAT_WEBHOOK_BACKOFF_CAP": "0.1",
                          "WILDCAT_RECONNECT_BACKOFF_BASE": "0.05",
                          "WILDCAT_RECONNECT_BACKOFF_CAP": "0.3"}, str(data)).start()
    yield proc
    proc.stop()


@pytest.fixture
def shots(request, browser):
    """`shots(name)` saves the page at 390 and 1280 px; paths are reported on failure."""
    taken = request.node.wildcat_screenshots = []

    def shoot(name):
        for width in WIDTHS:
            browser.set_window_size(width, 1000)
            wait_until(lambda: browser.execute_script("return window.innerWidth") <= width,
                       message=f"window at {width}px")
            path = os.path.join(SHOTS_DIR, f"{request.node.name}-{name}-{width}.png")
            browser.save_screenshot(path)
            taken.append(path)
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name}: {overflow}px wider than a {width}px screen"
        browser.set_window_size(1280, 1000)
    yield shoot
    errors = [e["message"] for e in browser.get_log("browser")
              if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]
    assert not errors, errors          # no JavaScript exception on any page of the test
    try:
        path = os.path.join(SHOTS_DIR, f"{request.node.name}-end.png")
        browser.save_screenshot(path)
        taken.append(path)
    except Exception:
        pass


# -- helpers ---------------------------------------------------------------------------------
def find(browser, css):
    from selenium.webdriver.common.by import By
    return browser.find_elements(By.CSS_SELECTOR, css)


def one(browser, css):
    return wait_until(lambda: (find(browser, css) or [None])[0], timeout=15,
                      message=f"element {css}")


def text_of(browser, css):
    """The element's text, read in the page in one step (lists re-render while we read)."""
    return browser.execute_script(
        "const node = document.querySelector(arguments[0]);"
        "return node ? node.innerText.trim() : null;", css)


def wait_text(browser, css, predicate, message, timeout=15):
    """Wait until the element's text satisfies `predicate`; return that text."""
    def check():
        text = text_of(browser, css) or ""
        return text if predicate(text) else None
    try:
        return wait_until(check, timeout=timeout, message=message)
    except AssertionError as exc:
        raise AssertionError(f"{exc} ({css} reads {text_of(browser, css)!r})") from None


def click(browser, css):
    """Click the element, finding it again if the page re-rendered it meanwhile."""
    from selenium.common.exceptions import StaleElementReferenceException

    def attempt():
        try:
            one(browser, css).click()
            return True
        except StaleElementReferenceException:
            return False
    wait_until(attempt, message=f"a click on {css}")


def type_into(browser, css, text, clear=True):
    field = one(browser, css)
    if clear:
        field.clear()
    field.send_keys(text)


def sign_in(browser, server, credential=KEY):
    browser.get(server.url + "/dashboard/login")
    browser.delete_all_cookies()
    browser.get(server.url + "/dashboard")
    wait_until(lambda: "/dashboard/login" in browser.current_url, message="login page")
    type_into(browser, "#api-key", credential)
    click(browser, "#login-submit")
    wait_until(lambda: browser.current_url.endswith("/dashboard") and find(browser, "#app"),
               message="the dashboard after sign-in")
    wait_until(lambda: text_of(browser, "#stream-state") == "live", message="event stream")


def tab(browser, name):
    click(browser, f'[data-tab="{name}"]')
    wait_until(lambda: find(browser, f"#tab-{name}")[0].is_displayed(), message=f"{name} tab")


def card(account_id):
    return f'article[data-account-id="{account_id}"]'


def alert(browser):
    from selenium.common.exceptions import NoAlertPresentException

    def present():
        try:
            return browser.switch_to.alert
        except NoAlertPresentException:
            return None
    return wait_until(present, message="a confirmation dialog")


def api(server, method, path, **kwargs):
    return requests.request(method, server.url + path, headers=ADMIN, timeout=10, **kwargs)


def connected(server, account_id, phone):
    assert api(server, "POST", "/accounts", json={"id": account_id}).status_code == 201
    wait_until(lambda: api(server, "GET", f"/accounts/{account_id}").json()["account"]["hasQR"],
               message=f"{account_id} QR")
    assert api(server, "POST", f"/sandbox/accounts/{account_id}/scan",
               json={"phone": phone}).status_code == 200
    wait_until(lambda: api(server, "GET", f"/accounts/{account_id}/status")
               .json()["status"] == "connected", message=f"{account_id} connected")


def png_bytes(color=(220, 40, 40)):
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return out.getvalue()


# -- accounts --------------------------------------------------------------------------------
def test_login_create_qr_pairing_code_and_scan_turn_connected_live(server, browser, shots):
    browser.get(server.url + "/")                       # the front door
    wait_until(lambda: "/dashboard/login" in browser.current_url, message="login via /")
    type_into(browser, "#api-key", "wrong key")
    click(browser, "#login-submit")
    wait_until(lambda: text_of(browser, "#login-error"), message="login error")
    sign_in(browser, server)

    type_into(browser, "#new-id", "webui")
    type_into(browser, "#new-name", "Web <b>UI</b>")
    click(browser, "#create-submit")
    qr = wait_until(lambda: browser.execute_script(
        "const img = document.querySelector(arguments[0]);"
        "return img && img.complete && img.naturalWidth > 0 ? img.naturalWidth : 0;",
        card("webui") + " img.qr-image"), timeout=15, message="the QR image")
    assert qr > 50
    assert text_of(browser, card("webui") + " .name") == "Web <b>UI</b>"  # text, not markup
    assert text_of(browser, "#token-value").startswith("wct_")
    assert text_of(browser, card("webui") + " .status") == "connecting"
    assert text_of(browser, card("webui") + " .explanation").startswith(
        "Waiting for the QR code to be scanned")

    type_into(browser, card("webui") + " .pair-phone", "15557770001")
    click(browser, card("webui") + " .pair-submit")
    code = wait_text(browser, card("webui") + " .pair-code",
                     lambda t: len(t) == 9 and t[4] == "-", "a pairing code")
    assert code
    shots("login")
    loaded_at = browser.execute_script("return window.wildcatDashboardLoadedAt")

    assert api(server, "POST", "/sandbox/accounts/webui/scan",
               json={"phone": "15557770001"}).status_code == 200
    wait_text(browser, card("webui") + " .status", lambda t: t == "connected", "connected")
    assert browser.execute_script("return window.wildcatDashboardLoadedAt") == loaded_at
    wait_until(lambda: not find(browser, card("webui") + " img.qr-image"), message="QR gone")
    assert text_of(browser, card("webui") + " .explanation") == "Connected"
    assert "15557770001" in text_of(browser, card("webui") + " .facts")
    assert find(browser, card("webui") + " .send-form")[0].is_displayed()
    shots("connected")


def test_buttons_explain_each_state_rotate_the_token_and_delete(server, browser, shots):
    connected(server, "btn", "15557770002")
    sign_in(browser, server)
    wait_text(browser, card("btn") + " .status", lambda t: t == "connected", "btn connected")

    click(browser, card("btn") + ' [data-action="disconnect"]')
    wait_text(browser, card("btn") + " .explanation",
              lambda t: t.startswith("Disconnected from here; the session is kept"),
              "disconnected, in words")
    wait_until(lambda: find(browser, card("btn") + ' [data-action="connect"]')[0].is_enabled())
    click(browser, card("btn") + ' [data-action="connect"]')
    wait_text(browser, card("btn") + " .status", lambda t: t == "connected",
              "reconnected without a QR")

    # The phone unlinks the device: the reason is said in words.
    api(server, "POST", "/sandbox/accounts/btn/unlink")
    wait_text(browser, card("btn") + " .explanation",
              lambda t: t.startswith("Logged out from the phone"), "logged out, in words")
    shots("logged-out")

    click(browser, card("btn") + ' [data-action="token"]')
    dialog = alert(browser)
    assert "new token" in dialog.text
    dialog.accept()
    token = wait_text(browser, "#token-value", lambda t: t.startswith("wct_"), "new token")
    assert text_of(browser, "#token-account") == "btn"
    as_account = requests.get(server.url + "/accounts/btn", timeout=10,
                              headers={"Authorization": "Bearer " + token})
    assert as_account.status_code == 200

    click(browser, card("btn") + ' [data-action="delete"]')
    dialog = alert(browser)
    assert "Delete account btn" in dialog.text
    dialog.dismiss()
    assert api(server, "GET", "/accounts/btn").ok
    click(browser, card("btn") + ' [data-action="delete"]')
    alert(browser).accept()
    wait_until(lambda: not find(browser, card("btn")), timeout=15, message="card removed")
    assert api(server, "GET", "/accounts/btn").status_code == 404


def test_an_unreachable_whatsapp_is_said_in_words(server, browser, shots):
    """The sandbox plays a network where DNS cannot resolve WhatsApp's servers: the card
    says so in words, shows the raw error, and recovers when the network comes back."""
    connected(server, "offline", "15557770003")
    sign_in(browser, server)
    wait_text(browser, card("offline") + " .status", lambda t: t == "connected", "connected")
    assert api(server, "POST", "/sandbox/accounts/offline/network",
               json={"reachable": False}).json() == {"ok": True, "reachable": False}
    wait_text(browser, card("offline") + " .explanation", lambda t: t.startswith(
        "WhatsApp's servers cannot be reached from this machine"), "unreachable, in words")
    assert "no such host" in text_of(browser, card("offline") + " .last-error")
    assert text_of(browser, card("offline") + " .status") == "reconnecting"
    shots("unreachable")
    api(server, "POST", "/sandbox/accounts/offline/network", json={"reachable": True})
    wait_text(browser, card("offline") + " .status", lambda t: t == "connected",
              "connected again", timeout=20)
    assert not find(browser, card("offline") + " .last-error")[0].is_displayed()


def test_the_instance_holding_an_account_is_shown_where_there_are_several(server, browser,
                                                                         shots):
    """A second instance is played by a lease in the shared store: its account is shown with
    that instance, ours with "(this one)"."""
    from wildcat.store.sqlite import SQLiteStore
    connected(server, "mine", "15557770009")
    store = SQLiteStore(os.path.join(server.env["WILDCAT_DATA_DIR"], "wildcat.db"))
    try:
        store.create_account({"_id": "elsewhere", "name": "On instance B",
                              "status": "connected", "createdAt": "2026-01-01T00:00:00.000Z"})
        assert store.acquire_lease("elsewhere", "instance-b", 600_000, int(time.time() * 1000))
    finally:
        store.close()
    sign_in(browser, server)
    wait_text(browser, card("elsewhere") + ' [data-fact="owner"]',
              lambda t: "instance-b" in t, "the other instance")
    wait_text(browser, card("mine") + ' [data-fact="owner"]', lambda t: "(this one)" in t,
              "this instance")
    assert text_of(browser, card("elsewhere") + " .explanation") == \
        "Runs on instance instance-b (stored status: connected)"
    shots("instances")


def test_send_a_test_text_and_a_file(server, browser, shots, tmp_path):
    connected(server, "sender", "15557770004")
    sign_in(browser, server)
    form = card("sender") + " .send-form"
    wait_until(lambda: find(browser, form)[0].is_displayed(), message="the send form")
    type_into(browser, form + " .send-to", "15550009999")
    type_into(browser, form + " .send-text", "hello from the dashboard")
    click(browser, form + " .send-submit")
    wait_text(browser, form + " .send-result", lambda t: t.startswith("sent: "), "text sent")
    image = tmp_path / "red.png"
    image.write_bytes(png_bytes())
    type_into(browser, form + " .send-text", "a red square")
    find(browser, form + " .send-file")[0].send_keys(str(image))
    click(browser, form + " .send-submit")
    wait_text(browser, form + " .send-result", lambda t: t.startswith("sent: ") and
              find(browser, form + " .send-file")[0].get_attribute("value") == "", "file sent")
    sent = api(server, "GET", "/sandbox/accounts/sender/sent").json()["sent"]
    assert sent[-2]["type"] == "text" and sent[-2]["text"] == "hello from the dashboard"
    assert sent[-2]["to"] == "15550009999@s.whatsapp.net"
    assert sent[-1]["type"] == "image" and sent[-1]["mimetype"] == "image/png"
    assert sent[-1].get("caption") == "a red square"
    # Bad input is answered in the form, not with a broken page.
    type_into(browser, form + " .send-to", "not a number")
    type_into(browser, form + " .send-text", "x")
    click(browser, form + " .send-submit")
    wait_text(browser, form + " .send-result.error", lambda t: t, "an error shown")
    shots("sent")


# -- chats -----------------------------------------------------------------------------------
def test_chats_messages_media_preview_and_live_read_ticks(server, browser, shots):
    connected(server, "chatty", "15557770005")
    peer = "15550004444"
    assert api(server, "POST", "/sandbox/accounts/chatty/inbound",
               json={"from": peer, "text": "hi there", "pushName": "Ana"}).ok
    assert api(server, "POST", "/sandbox/accounts/chatty/inbound",
               data={"from": peer, "type": "image", "caption": "look"},
               files={"media": ("pic.png", png_bytes(), "image/png")}).ok
    sign_in(browser, server)
    tab(browser, "chats")
    select = one(browser, "#chat-account")
    from selenium.webdriver.support.ui import Select
    wait_until(lambda: "chatty" in [o.get_attribute("value") for o in Select(select).options],
               message="chatty in the account list")
    Select(select).select_by_value("chatty")
    chat = f'#chat-list .chat[data-chat-id="{peer}@s.whatsapp.net"]'
    click(browser, chat)
    wait_until(lambda: len(find(browser, "#messages .message")) == 2, message="two messages")
    assert "hi there" in text_of(browser, "#messages")
    wait_until(lambda: browser.execute_script(
        "const img = document.querySelector('#messages .media img.preview');"
        "return img && img.complete && img.naturalWidth === 64;"), message="image preview")

    # A reply sent through the API appears live, and its ticks turn read live.
    sent = api(server, "POST", "/accounts/chatty/message/send",
               json={"to": peer, "message": "answer"}).json()["messageId"]
    item = f'#messages .message.out[data-message-id="{sent}"]'
    one(browser, item)
    assert api(server, "POST", "/sandbox/accounts/chatty/receipt",
               json={"messageId": sent, "type": "read"}).ok
    wait_until(lambda: find(browser, item + ' .ticks[data-status="read"]'),
               message="read ticks")
    assert text_of(browser, item + " .ticks") == "✓✓"
    # A new inbound message shows up without a click.
    api(server, "POST", "/sandbox/accounts/chatty/inbound", json={"from": peer, "text": "live!"})
    wait_text(browser, "#messages", lambda t: "live!" in t, "live message")
    shots("chat")


# -- webhooks --------------------------------------------------------------------------------
def test_webhooks_create_edit_disable_log_redeliver_delete(server, browser, shots):
    from selenium.webdriver.support.ui import Select
    answers = {"status": 503}
    receiver = Receiver(lambda r, n: (answers["status"], {}, b"down for maintenance")).start()
    try:
        connected(server, "hooked", "15557770006")
        sign_in(browser, server)
        tab(browser, "webhooks")
        type_into(browser, "#webhook-url", receiver.url)
        Select(one(browser, "#webhook-account")).select_by_value("hooked")
        type_into(browser, "#webhook-secret", "a-long-secret")
        click(browser, '#webhook-form input[value="connection.update"]')
        click(browser, "#webhook-submit")
        item = wait_until(lambda: find(browser, "#webhook-list li[data-webhook-id]"),
                          message="the webhook listed")[0]
        hook_id = item.get_attribute("data-webhook-id")
        row = f'#webhook-list li[data-webhook-id="{hook_id}"]'
        hook = api(server, "GET", "/webhooks").json()["webhooks"][0]
        assert hook["events"] == ["message", "connection.update"] and hook["hasSecret"]
        assert hook["accountId"] == "hooked"

        # Same URL and account with other settings: 409, said in the page.
        type_into(browser, "#webhook-url", receiver.url)
        Select(one(browser, "#webhook-account")).select_by_value("hooked")
        click(browser, "#webhook-submit")
        wait_text(browser, "#notice", lambda t: "exists" in t, "webhook_exists notice")

        # Events fail with 503: counts and the last error show up.
        api(server, "POST", "/sandbox/accounts/hooked/inbound",
            json={"from": "15550001234", "text": "for the webhook"})
        wait_text(browser, row + " .failure", lambda t: "HTTP 503" in t, "last error",
                  timeout=20)
        wait_text(browser, row + " .count.failed", lambda t: t.startswith("1 "), "1 failed",
                  timeout=20)

        # Edit: only connection.update from now on.
        click(browser, row + ' [data-hook-action="edit"]')
        wait_text(browser, "#webhook-form-title", lambda t: t == "Edit webhook", "edit form")
        click(browser, '#webhook-form input[value="message"]')        # untick it
        click(browser, "#webhook-submit")
        wait_until(lambda: api(server, "GET", "/webhooks").json()["webhooks"][0]["events"] ==
                   ["connection.update"], message="events saved")
        assert api(server, "GET", "/webhooks").json()["webhooks"][0]["hasSecret"]

        # Disable: deliveries stay pending, nothing goes out.
        click(browser, row + ' [data-hook-action="toggle"]')
        wait_text(browser, row + " .pill", lambda t: t == "disabled", "disabled")
        before = len(receiver.requests)
        api(server, "POST", "/accounts/hooked/disconnect")
        wait_text(browser, row + " .count.pending", lambda t: t.startswith("1 "), "1 pending",
                  timeout=20)
        assert len(receiver.requests) == before
        shots("webhooks")

        # The delivery log; redeliver the failed one once the endpoint is back.
        answers["status"] = 200
        click(browser, row + ' [data-hook-action="toggle"]')
        wait_text(browser, row + " .pill", lambda t: t == "enabled", "enabled again")
        wait_text(browser, row + " .count.pending", lambda t: t.startswith("0 "), "sent",
                  timeout=20)
        click(browser, row + ' [data-hook-action="log"]')
        failed = one(browser, '#delivery-rows .delivery[data-status="failed"] .redeliver')
        failed_id = failed.get_attribute("data-delivery-id")
        failed.click()
        wait_until(lambda: api(server, "GET", f"/webhooks/{hook_id}/deliveries?status=delivered")
                   .json()["deliveries"] and any(d["id"] == failed_id for d in api(
                       server, "GET", f"/webhooks/{hook_id}/deliveries?status=delivered")
                       .json()["deliveries"]), timeout=20, message="redelivered")
        shots("delivery-log")

        click(browser, row + ' [data-hook-action="delete"]')
        alert(browser).accept()
        wait_until(lambda: not find(browser, row), message="webhook removed")
        assert api(server, "GET", "/webhooks").json()["webhooks"] == []
    finally:
        receiver.stop()


# -- events and health -----------------------------------------------------------------------
def test_live_event_monitor_with_filters(server, browser, shots):
    from selenium.webdriver.support.ui import Select
    connected(server, "watched", "15557770007")
    sign_in(browser, server)
    tab(browser, "events")
    api(server, "POST", "/sandbox/accounts/watched/inbound",
        json={"from": "15550005555", "text": "watch this"})
    api(server, "POST", "/accounts/watched/disconnect")
    wait_until(lambda: find(browser, '#event-log [data-event="message"]'), message="message")
    wait_until(lambda: find(browser, '#event-log [data-event="connection.update"]'),
               message="connection.update")
    assert "watch this" in text_of(browser, "#event-log")
    Select(one(browser, "#event-name")).select_by_value("message")
    wait_until(lambda: not find(browser, '#event-log [data-event="connection.update"]'),
               message="filtered by name")
    assert find(browser, '#event-log [data-event="message"]')
    type_into(browser, "#event-account", "someone-else")
    wait_until(lambda: not find(browser, "#event-log li"), message="filtered by account")
    type_into(browser, "#event-account", "watched")
    wait_until(lambda: find(browser, "#event-log li"), message="the account's events")
    shots("events")


def test_health_checks_and_key_figures(server, browser, shots):
    sign_in(browser, server)
    tab(browser, "health")
    wait_text(browser, "#health-overall", lambda t: t == "healthy", "healthy")
    wait_text(browser, '#health-checks [data-check="store"]', lambda t: "ok" in t, "store ok")
    wait_text(browser, '#health-checks [data-check="dispatcher"]', lambda t: "alive" in t,
              "dispatcher alive")
    wait_text(browser, '#key-metrics [data-metric="outbox"]', lambda t: t.split()[-1].isdigit(),
              "outbox depth")
    wait_text(browser, '#key-metrics [data-metric="rate"]',
              lambda t: t.split()[-1].replace(".", "").isdigit(), "sends per minute",
              timeout=20)
    shots("health")


# -- an account token sees only its account --------------------------------------------------
def test_account_token_sees_only_its_account(server, browser, shots):
    created = api(server, "POST", "/accounts", json={"id": "tenant"}).json()
    api(server, "POST", "/accounts", json={"id": "neighbour"})
    sign_in(browser, server, credential=created["token"])
    one(browser, card("tenant"))
    assert not find(browser, card("neighbour"))
    assert not find(browser, '[data-tab="webhooks"]') and not find(browser, '[data-tab="health"]')
    assert not find(browser, "#create-form") and not find(browser, '[data-action="delete"]')
    assert not find(browser, '[data-action="token"]')
    # The session cookie opens this account's routes only, also for a script in the page.
    status = browser.execute_script(
        "const r = await fetch('/accounts', {headers: {'X-Wildcat-Dashboard': '1'}});"
        "const other = await fetch('/accounts/neighbour', {headers: {'X-Wildcat-Dashboard': '1'}});"
        "const own = await fetch('/accounts/tenant', {headers: {'X-Wildcat-Dashboard': '1'}});"
        "return [r.status, other.status, own.status];")
    assert status == [403, 403, 200]
    # Its live events only.
    tab(browser, "events")
    api(server, "POST", "/sandbox/accounts/tenant/scan", json={"phone": "15557770008"})
    api(server, "POST", "/accounts/neighbour/disconnect")
    wait_until(lambda: find(browser, '#event-log [data-account-id="tenant"]'),
               message="tenant's events")
    assert not find(browser, '#event-log [data-account-id="neighbour"]')
    shots("account-token")
    # Rotating the token (admin) ends that browser session.
    api(server, "POST", "/accounts/tenant/token")
    browser.get(server.url + "/dashboard")
    wait_until(lambda: "/dashboard/login" in browser.current_url, message="signed out")


def test_the_pages_load_nothing_external(server):
    session = requests.Session()
    session.post(server.url + "/dashboard/login", data={"apiKey": KEY}, timeout=10)
    page = session.get(server.url + "/dashboard", timeout=10)
    assert page.status_code == 200
    assert not re.search(r'(src|href|action)="(https?:)?//', page.text)
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    for asset in ("dashboard.js", "dashboard.css", "dash/core.js", "dash/accounts.js",
                  "dash/send.js",
                  "dash/chats.js", "dash/webhooks.js", "dash/monitor.js"):
        response = session.get(f"{server.url}/dashboard/static/{asset}", timeout=10)
        assert response.ok, asset
        assert "http://" not in response.text and "https://" not in response.text, asset
    assert session.get(server.url + "/favicon.ico", timeout=10).ok


def test_screenshots_dir_is_printed():
    print(f"dashboard screenshots: {SHOTS_DIR}")
    assert os.path.isdir(SHOTS_DIR) and free_port()
