"""The dashboard in a real headless Chromium (Debian's chromium + chromium-driver) against a
real server process with an API key and the sandbox driver."""
import os
import shutil
import tempfile

import pytest
import requests

from tests.util import ServerProcess, free_port, wait_until

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
KEY = "dashboard-test-key-0123456789"
ADMIN = {"X-API-Key": KEY}

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("dashboard")
    proc = ServerProcess({"WILDCAT_API_KEY": KEY, "WILDCAT_WEBHOOK_MAX_ATTEMPTS": "1",
                          "WILDCAT_RECONNECT_BACKOFF_BASE": "0.05",
                          "WILDCAT_RECONNECT_BACKOFF_CAP": "0.3"}, str(data)).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="wildcat-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def find(browser, css):
    from selenium.webdriver.common.by import By
    return browser.find_elements(By.CSS_SELECTOR, css)


def text_of(browser, css):
    found = find(browser, css)
    return found[0].text if found else None


def sign_in(browser, server):
    browser.get(server.url + "/dashboard/login")
    browser.delete_all_cookies()
    browser.get(server.url + "/dashboard")
    wait_until(lambda: "/dashboard/login" in browser.current_url, message="login page")
    find(browser, "#api-key")[0].send_keys(KEY)
    find(browser, "#login-submit")[0].click()
    wait_until(lambda: browser.current_url.endswith("/dashboard") and find(browser, "#accounts"),
               message="the dashboard after sign-in")


def row(account_id):
    return f'tr[data-account-id="{account_id}"]'


def test_login_create_qr_and_scan_turns_connected_without_reload(server, browser, tmp_path):
    browser.get(server.url + "/dashboard/login")
    find(browser, "#api-key")[0].send_keys("wrong key")
    find(browser, "#login-submit")[0].click()
    wait_until(lambda: text_of(browser, "#login-error"), message="login error")
    sign_in(browser, server)

    find(browser, "#new-id")[0].send_keys("webui")
    find(browser, "#new-name")[0].send_keys("Web <b>UI</b>")
    find(browser, "#create-submit")[0].click()
    qr = wait_until(lambda: browser.execute_script(
        "const img = document.querySelector(arguments[0]);"
        "return img && img.complete && img.naturalWidth > 0 ? img.naturalWidth : 0;",
        row("webui") + " img.qr-image"), timeout=15, message="the QR image")
    assert qr > 50
    assert text_of(browser, row("webui") + " .name") == "Web <b>UI</b>"  # text, not markup
    assert text_of(browser, "#token-value").startswith("wct_")
    assert text_of(browser, row("webui") + " .status") == "connecting"
    browser.save_screenshot(str(tmp_path / "dashboard-qr.png"))
    loaded_at = browser.execute_script("return window.wildcatDashboardLoadedAt")

    scanned = requests.post(server.url + "/sandbox/accounts/webui/scan",
                            json={"phone": "15557770001"}, headers=ADMIN, timeout=10)
    assert scanned.status_code == 200
    wait_until(lambda: text_of(browser, row("webui") + " .status") == "connected",
               timeout=15, message="connected on the page")
    assert browser.execute_script("return window.wildcatDashboardLoadedAt") == loaded_at
    wait_until(lambda: not find(browser, row("webui") + " img.qr-image"), message="QR gone")
    assert text_of(browser, row("webui") + " .jid") == "15557770001@s.whatsapp.net"


def test_buttons_disconnect_connect_and_delete_with_confirmation(server, browser):
    requests.post(server.url + "/accounts", json={"id": "btn"}, headers=ADMIN, timeout=10)
    wait_until(lambda: requests.get(server.url + "/accounts/btn", headers=ADMIN, timeout=10)
               .json()["account"]["hasQR"], message="btn QR")
    requests.post(server.url + "/sandbox/accounts/btn/scan", json={}, headers=ADMIN, timeout=10)
    sign_in(browser, server)
    wait_until(lambda: text_of(browser, row("btn") + " .status") == "connected",
               timeout=15, message="btn connected")

    find(browser, row("btn") + ' [data-action="disconnect"]')[0].click()
    wait_until(lambda: text_of(browser, row("btn") + " .status") == "disconnected",
               timeout=15, message="disconnected")
    wait_until(lambda: find(browser, row("btn") + ' [data-action="connect"]')[0].is_enabled())
    find(browser, row("btn") + ' [data-action="connect"]')[0].click()
    wait_until(lambda: text_of(browser, row("btn") + " .status") == "connected",
               timeout=15, message="reconnected without a QR")

    find(browser, row("btn") + ' [data-action="delete"]')[0].click()
    alert = wait_until(lambda: _alert(browser), message="confirmation dialog")
    assert "Delete account btn" in alert.text
    alert.dismiss()
    assert requests.get(server.url + "/accounts/btn", headers=ADMIN, timeout=10).ok
    find(browser, row("btn") + ' [data-action="delete"]')[0].click()
    wait_until(lambda: _alert(browser), message="confirmation dialog").accept()
    wait_until(lambda: not find(browser, row("btn")), timeout=15, message="row removed")
    assert requests.get(server.url + "/accounts/btn", headers=ADMIN,
                        timeout=10).status_code == 404


def test_webhooks_with_their_recent_failures(server, browser):
    dead = f"http://127.0.0.1:{free_port()}/hook"
    created = requests.post(server.url + "/webhooks", json={"url": dead}, headers=ADMIN,
                            timeout=10)
    assert created.status_code == 201, created.text
    requests.post(server.url + "/accounts", json={"id": "hooked"}, headers=ADMIN, timeout=10)
    wait_until(lambda: requests.get(server.url + "/accounts/hooked", headers=ADMIN, timeout=10)
               .json()["account"]["hasQR"], message="hooked QR")
    requests.post(server.url + "/sandbox/accounts/hooked/scan", json={}, headers=ADMIN,
                  timeout=10).raise_for_status()
    inbound = requests.post(server.url + "/sandbox/accounts/hooked/inbound", headers=ADMIN,
                            json={"from": "15550004444", "text": "for the webhook"}, timeout=10)
    assert inbound.status_code == 200, inbound.text
    hook_id = created.json()["id"]
    wait_until(lambda: requests.get(f"{server.url}/webhooks/{hook_id}/deliveries?status=failed",
                                    headers=ADMIN, timeout=10).json()["deliveries"],
               timeout=20, message="a failed delivery")
    sign_in(browser, server)
    item = f'li[data-webhook-id="{hook_id}"]'
    wait_until(lambda: find(browser, item + " .failure"), timeout=15, message="failure listed")
    assert dead in text_of(browser, item)


def _alert(browser):
    from selenium.common.exceptions import NoAlertPresentException
    try:
        return browser.switch_to.alert
    except NoAlertPresentException:
        return None


def test_the_pages_load_nothing_external(server):
    session = requests.Session()
    session.post(server.url + "/dashboard/login", data={"apiKey": KEY}, timeout=10)
    page = session.get(server.url + "/dashboard", timeout=10)
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    for asset in ("dashboard.js", "dashboard.css"):
        assert session.get(f"{server.url}/dashboard/static/{asset}", timeout=10).ok
    assert os.path.exists(CHROMIUM)
