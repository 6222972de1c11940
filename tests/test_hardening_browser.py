"""Issue 16's two browser attacks, replayed in a real headless Chromium against a real
keyless server (sandbox driver): an inbound "image" whose bytes are an SVG with a script,
opened from its media URL; and a page on another origin posting a multipart send."""
import http.server
import threading

import pytest
import requests

from tests.util import CHROMEDRIVER, CHROMIUM, ServerProcess, live_status, wait_until

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)")

PEER = "919876543210@s.whatsapp.net"
# A synchronous XHR: if the script runs at all, the account exists before the page loads.
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
       b'height="10"><script>var x = new XMLHttpRequest(); x.open("POST", "/accounts", false);'
       b'x.setRequestHeader("Content-Type", "application/json");'
       b'x.send(\'{"id": "pwned"}\');</script></svg>\n')
ATTACK_PAGE = """<!doctype html><title>cats</title><script>
const form = new FormData();
form.append("to", "%s");
form.append("document", new Blob(["stolen"], {type: "text/plain"}), "a.txt");
fetch("%s/accounts/victim/message/send/document", {method: "POST", mode: "no-cors",
      body: form}).finally(() => { document.title = "sent"; });
</script>"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc = ServerProcess({}, str(tmp_path_factory.mktemp("browser") / "data")).start()
    assert requests.post(proc.url + "/accounts", json={"id": "victim"}).status_code == 201
    wait_until(lambda: requests.get(proc.url + "/accounts/victim").json()["account"]["hasQR"],
               message="QR")
    assert requests.post(proc.url + "/sandbox/accounts/victim/scan", json={}).ok
    wait_until(lambda: live_status(proc.url, "victim")
               == "connected", message="connected")
    yield proc
    proc.stop()


def account_ids(server):
    return [a["_id"] for a in requests.get(server.url + "/accounts").json()["accounts"]]


def test_an_svg_sent_as_an_image_runs_no_script_when_opened(server, browser):  # noqa: F811
    sent = requests.post(server.url + "/sandbox/accounts/victim/inbound",
                         data={"from": PEER, "type": "image"},
                         files={"media": ("cat.svg", SVG, "image/svg+xml")})
    url = f"{server.url}/accounts/victim/messages/{sent.json()['messageId']}"
    wait_until(lambda: requests.get(url).json().get("message", {}).get("mediaId"),
               message="media stored")
    browser.get(url + "/media")
    browser.get(server.url + "/ping")            # whatever the first page did is over
    assert account_ids(server) == ["victim"]


def test_a_page_on_another_origin_cannot_send(server, browser):  # noqa: F811
    page = (ATTACK_PAGE % (PEER, server.url)).encode()

    class Attacker(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    attacker = http.server.HTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        browser.get(f"http://127.0.0.1:{attacker.server_port}/")
        wait_until(lambda: browser.title == "sent", timeout=15, message="the attack's fetch")
    finally:
        attacker.shutdown()
        attacker.server_close()
    assert requests.get(server.url + "/sandbox/accounts/victim/sent").json()["sent"] == []
