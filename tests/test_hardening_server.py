"""Issue 16 against the real server (`python app.py`: gunicorn with WILDCAT's worker, the
sandbox driver, SQLite): body limits with the worker's RSS, idle and slow clients, stream
revocation, media headers, cross-site refusal, gunicorn's JSON errors, log forging, the
account cap under a lowered `ulimit -n`."""
import io
import json
import os
import resource
import socket
import threading
import time

import pytest
import requests
import websocket

from tests.util import ServerProcess, wait_until

KEY = "hardening-admin-key-0123456789"
ADMIN = {"X-API-Key": KEY}
PEER = "919876543210@s.whatsapp.net"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00" \
      b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7" \
      b"5\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>fetch("/accounts",{method:"POST",body:"{}"})</script></svg>\n')


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def raw_request(port, head: bytes, body: bytes = b"", timeout=10.0):
    """Send `head` (and `body`), return the whole response (the server closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head + body)
        return read_response(s)


def read_response(s):
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        if b"\r\n\r\n" in data:
            head, _, rest = data.partition(b"\r\n\r\n")
            length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")]
            if length and len(rest) >= length[0]:
                break
    return data


def status_and_json(response: bytes):
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body) if body else None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = str(tmp_path_factory.mktemp("hardening") / "data")
    proc = ServerProcess({"WILDCAT_API_KEY": KEY, "WILDCAT_THREADS": "8",
                          "WILDCAT_HEADER_TIMEOUT": "2", "WILDCAT_BODY_IDLE_TIMEOUT": "1.5",
                          "WILDCAT_WS_PING_INTERVAL": "0.5", "WILDCAT_WS_MAX_CLIENTS": "8"},
                         data_dir).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def account(server):
    """A connected sandbox account and its token."""
    created = requests.post(server.url + "/accounts", json={"id": "hard"}, headers=ADMIN)
    assert created.status_code == 201, created.text
    wait_until(lambda: requests.get(server.url + "/accounts/hard", headers=ADMIN)
               .json()["account"]["hasQR"], message="QR")
    assert requests.post(server.url + "/sandbox/accounts/hard/scan", json={},
                         headers=ADMIN).status_code == 200
    wait_until(lambda: requests.get(server.url + "/accounts/hard/status", headers=ADMIN)
               .json()["status"] == "connected", message="connected")
    return created.json()["token"]


# -- 1. body limits before the body is read, RSS stays near idle ---------------------------
def test_oversized_bodies_refused_before_reading_and_rss_stays_flat(server, account):
    pid = server.worker_pid()
    for _ in range(3):
        assert requests.get(server.url + "/ping").ok
    before = rss_kb(pid)
    form_head = (b"POST /dashboard/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                 b"application/x-www-form-urlencoded\r\nContent-Length: 4000000\r\n\r\n")
    # Sixteen parallel 48 MB declarations: each is answered without a byte of body sent.
    results = []

    def big(path, ctype):
        head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nX-API-Key: {account}\r\n"
                f"Content-Type: {ctype}\r\nContent-Length: {48 * 1024 * 1024}\r\n\r\n")
        results.append(status_and_json(raw_request(server.port, head.encode())))
    threads = [threading.Thread(target=big, args=(path, ctype)) for path, ctype in
               [("/dashboard/login", "application/x-www-form-urlencoded"),
                ("/accounts/hard/message/send", "application/json")] * 8]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 16
    for status, body in results:
        assert status == 413 and body["code"] == "payload_too_large"
    status, body = status_and_json(raw_request(server.port, form_head, b"%41" * 1000))
    assert status == 413 and "16 KB" in body["error"]
    # A chunked JSON body of nested empty arrays is cut off at 1 MB while it streams.
    chunk = b"[]," * 20000
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(40)) + b"0\r\n\r\n"
    head = (f"POST /accounts/hard/message/send HTTP/1.1\r\nHost: x\r\nX-API-Key: {account}\r\n"
            f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    status, body = status_and_json(raw_request(server.port, head, chunked))
    assert status == 413 and body["code"] == "payload_too_large"
    # Under the limit, a body of many empty arrays is refused before it is decoded.
    many = requests.post(server.url + "/accounts/hard/message/send",
                         data=b"[" + b"[]," * 300_000 + b"[]]", headers={
                             "X-API-Key": account, "Content-Type": "application/json"})
    assert many.status_code == 400 and many.json()["code"] == "invalid_json"
    after = rss_kb(pid)
    assert after - before < 30 * 1024, (before, after)   # kB; the unfixed server grew by 1 GB
    assert requests.get(server.url + "/accounts/hard", headers=ADMIN).ok


def test_upload_route_keeps_the_upload_limit(server, account):
    head = (f"POST /accounts/hard/message/send/image HTTP/1.1\r\nHost: x\r\n"
            f"X-API-Key: {account}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {60 * 1024 * 1024}\r\n\r\n").encode()
    status, body = status_and_json(raw_request(server.port, head))
    assert status == 413 and body["details"]["maxBytes"] == 51 * 1024 * 1024
    sent = requests.post(server.url + "/accounts/hard/message/send/image",
                         files={"image": ("p.png", PNG * 30000, "image/png")},
                         data={"to": PEER}, headers={"X-API-Key": account})
    assert sent.status_code == 200, sent.text                  # 1.7 MB: over the JSON limit


# -- 2. idle and slow clients do not hold request threads ---------------------------------
def test_hundred_idle_sockets_do_not_freeze_the_api(server):
    idle = []
    try:
        for i in range(100):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            s.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n" if i % 2 else
                      b"POST /accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                      b"\r\nContent-Length: 500\r\n\r\n{\"id\":")       # a slow small body
            idle.append(s)
        for _ in range(20):       # 8 threads: each of these would have waited for a thread
            assert requests.get(server.url + "/ping", timeout=5).ok
        assert requests.get(server.url + "/accounts", headers=ADMIN, timeout=5).ok
        # After the header deadline (2 s here) each is answered 408 in JSON and closed.
        status, body = status_and_json(read_response(idle[1]))
        assert status == 408 and body["code"] == "request_timeout"
        status, body = status_and_json(read_response(idle[0]))
        assert status == 408
    finally:
        for s in idle:
            s.close()


def test_stalled_large_bodies_are_given_up_and_never_take_every_thread(server, account):
    head = (f"POST /accounts/hard/message/send HTTP/1.1\r\nHost: x\r\nX-API-Key: {account}\r\n"
            f"Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n").encode()
    stalled = []
    try:
        for _ in range(12):         # 8 threads: at most 2 read such bodies, the rest wait
            s = socket.create_connection(("127.0.0.1", server.port), timeout=15)
            s.sendall(head + b'{"to": "')          # then silence
            stalled.append(s)
        for _ in range(10):
            assert requests.get(server.url + "/ping", timeout=5).ok
        assert requests.get(server.url + "/accounts/hard", headers=ADMIN, timeout=5).ok
        answers = [status_and_json(read_response(s)) for s in stalled]
    finally:
        for s in stalled:
            s.close()
    codes = {body["code"] for _status, body in answers}
    assert {status for status, _body in answers} <= {408, 503}, answers
    assert "request_timeout" in codes and codes <= {"request_timeout", "busy"}


# -- 12. gunicorn's own errors in the JSON shape --------------------------------------------
def test_uri_and_header_limits_answer_json(server):
    status, body = status_and_json(raw_request(
        server.port, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"))
    assert status == 414 and body["ok"] is False and body["code"] == "uri_too_long"
    status, body = status_and_json(raw_request(
        server.port, b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n"))
    assert status == 431 and body["code"] == "header_fields_too_large"
    status, body = status_and_json(raw_request(server.port, b"NOT HTTP\r\n\r\n"))
    assert status == 400 and body["code"] == "bad_request"


# -- 3 + 12. revoked credentials end their streams; per-token stream cap ---------------------
def ws_url(server, query):
    return server.url.replace("http://", "ws://") + "/ws?" + query


def closed_with(ws, timeout=15):
    """Read until the server closes; return the close code."""
    deadline = time.monotonic() + timeout
    ws.settimeout(timeout)
    while time.monotonic() < deadline:
        opcode, data = ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return int.from_bytes(data[:2], "big")
    raise AssertionError("not closed")


def test_rotating_a_token_or_deleting_the_account_closes_its_streams(server):
    created = requests.post(server.url + "/accounts", json={"id": "rot"}, headers=ADMIN).json()
    old = websocket.create_connection(ws_url(server, f"accountId=rot&apiKey={created['token']}"))
    admin = websocket.create_connection(ws_url(server, f"apiKey={KEY}"))
    rotated = requests.post(server.url + "/accounts/rot/token", headers=ADMIN).json()["token"]
    assert closed_with(old) == 1008
    new = websocket.create_connection(ws_url(server, f"accountId=rot&apiKey={rotated}"))
    assert requests.delete(server.url + "/accounts/rot", headers=ADMIN).ok
    assert closed_with(new) == 1008
    admin.ping()                                        # the admin's stream is untouched
    assert admin.connected
    admin.close()
    # Re-created under the same id: the old token opens nothing.
    assert requests.post(server.url + "/accounts", json={"id": "rot"}, headers=ADMIN).ok
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(ws_url(server, f"accountId=rot&apiKey={rotated}"))
    assert refused.value.status_code == 401
    requests.delete(server.url + "/accounts/rot", headers=ADMIN)


def test_one_token_cannot_take_every_stream(server, account):
    mine = []
    try:
        for _ in range(2):          # WILDCAT_WS_MAX_CLIENTS=8: a token gets a quarter
            mine.append(websocket.create_connection(
                ws_url(server, f"accountId=hard&apiKey={account}")))
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(ws_url(server, f"accountId=hard&apiKey={account}"))
        assert refused.value.status_code == 503
        assert b"ws_credential_capacity" in refused.value.resp_body
        admin = websocket.create_connection(ws_url(server, f"apiKey={KEY}"))
        admin.close()
    finally:
        for ws in mine:
            ws.close()


def test_logout_revokes_the_session_and_its_stream(server):
    http = requests.Session()
    signed = http.post(server.url + "/dashboard/login", data={"apiKey": KEY},
                       allow_redirects=False)
    assert signed.status_code == 303
    cookie = http.cookies["wildcat_session"]
    again = requests.post(server.url + "/dashboard/login", data={"apiKey": KEY},
                          allow_redirects=False).cookies["wildcat_session"]
    assert cookie != again and KEY not in cookie        # random per login, not HMAC(key)
    api = {"X-Wildcat-Dashboard": "1"}
    assert http.get(server.url + "/accounts", headers=api).status_code == 200
    stream = websocket.create_connection(ws_url(server, ""), origin=server.url,
                                         cookie=f"wildcat_session={cookie}")
    assert http.post(server.url + "/dashboard/logout", headers=api,
                     allow_redirects=False).status_code == 303
    assert closed_with(stream) == 1008                   # its stream ends with it
    replay = requests.get(server.url + "/accounts", headers=api,
                          cookies={"wildcat_session": cookie})
    assert replay.status_code == 401                    # the cookie died with the session
    assert requests.get(server.url + "/accounts", headers=api,
                        cookies={"wildcat_session": again}).status_code == 200


# -- 4. media served so that it cannot run script -------------------------------------------
def inbound_media(server, data, mimetype, file_name="f"):
    response = requests.post(server.url + "/sandbox/accounts/hard/inbound", headers=ADMIN,
                             data={"from": PEER, "type": "image", "fileName": file_name},
                             files={"media": (file_name, data, mimetype)})
    assert response.status_code == 200, response.text
    message_id = response.json()["messageId"]
    url = f"{server.url}/accounts/hard/messages/{message_id}"
    wait_until(lambda: requests.get(url, headers=ADMIN).json().get("message", {}).get("mediaId"),
               message="media stored")          # the inbound pipeline stores it shortly
    return requests.get(url + "/media", headers=ADMIN), requests.get(url, headers=ADMIN)


def test_svg_claiming_to_be_an_image_is_an_attachment_in_a_sandbox(server, account):
    served, message = inbound_media(server, SVG, "image/jpeg", "cat.jpg")
    assert served.status_code == 200 and served.content == SVG
    assert served.headers["Content-Type"] == "image/svg+xml"        # sniffed, not claimed
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert message.json()["message"]["mimetype"] == "image/svg+xml"
    png, _ = inbound_media(server, PNG, "image/png", "dot.png")
    assert png.headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in png.headers["Content-Security-Policy"]


# -- 8. inbound file names are cleaned ------------------------------------------------------
def test_inbound_file_names_cannot_break_headers_or_paths(server, account):
    served, message = inbound_media(server, PNG, "image/png", "a\r\nSet-Cookie: pwn=1.png")
    assert served.status_code == 200 and "pwn" not in served.cookies
    assert "\r" not in served.headers["Content-Disposition"]
    assert message.json()["message"]["fileName"] == "aSet-Cookie_ pwn=1.png"
    served, message = inbound_media(server, PNG, "image/png", "../../../etc/passwd")
    assert message.json()["message"]["fileName"] == "passwd.png"      # like an upload
    assert served.headers["Content-Disposition"] == 'inline; filename="passwd.png"'


# -- 5. cross-site requests that change state ----------------------------------------------
def test_cross_site_requests_are_refused_with_or_without_a_key(server, account, tmp_path):
    evil = {"Origin": "http://evil.example"}
    out = requests.post(server.url + "/dashboard/logout", headers=evil, allow_redirects=False)
    assert out.status_code == 403 and out.json()["code"] == "cross_origin"
    send = requests.post(server.url + "/accounts/hard/message/send/document",
                         headers={"X-API-Key": account, "Sec-Fetch-Site": "cross-site"},
                         files={"document": ("a.txt", b"hi", "text/plain")}, data={"to": PEER})
    assert send.status_code == 403 and send.json()["code"] == "cross_origin"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(ws_url(server, f"apiKey={KEY}"), origin="http://evil.example")
    assert refused.value.status_code == 403
    same = requests.post(server.url + "/accounts/hard/message/send", headers={
        "X-API-Key": account, "Origin": server.url, "Sec-Fetch-Site": "same-origin"},
        json={"to": PEER, "message": "same origin"})
    assert same.status_code == 200, same.text
    # A keyless server: the same refusal.
    keyless = ServerProcess({}, str(tmp_path / "keyless")).start()
    try:
        forged = requests.post(keyless.url + "/accounts", json={"id": "csrf"}, headers=evil)
        assert forged.status_code == 403 and forged.json()["code"] == "cross_origin"
        assert requests.get(keyless.url + "/accounts").json()["accounts"] == []
        assert requests.post(keyless.url + "/accounts", json={"id": "ok"}).status_code == 201
    finally:
        keyless.stop()


# -- 10. log forging ----------------------------------------------------------------------
def test_control_characters_in_logged_values_are_escaped(server):
    fake = "2026-01-01 00:00:00,000 CRITICAL [MainThread] rid=- wildcat: forged"
    requests.get(server.url + "/nothing%0a" + fake.replace(" ", "%20"), headers=ADMIN)
    log = wait_until(lambda: (lambda text: text if "forged" in text else None)(server.log()),
                     message="the access line")
    assert "\\n2026-01-01" in log
    assert not any(line.startswith("2026-01-01 00:00:00,000 CRITICAL") for line in
                   log.splitlines())


# -- 6. file descriptors: bounded store, an account cap, no crash at the limit ------------
def test_accounts_are_capped_under_a_lowered_open_files_limit(tmp_path):
    """At `ulimit -n 512` (8 threads): 128 client connections, 128 reserved, 64 accounts.
    Each account thread used to hold its own SQLite connection (2 descriptors); now the
    whole process stays far below one descriptor per account."""
    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512))
    proc = ServerProcess({"WILDCAT_THREADS": "8", "AUTO_CONNECT_ON_START": "false"},
                         str(tmp_path / "data"), preexec_fn=low_limit).start()
    try:
        http = requests.Session()
        created, refused = 0, None
        for i in range(100):
            response = http.post(proc.url + "/accounts", json={"id": f"a{i}"})
            if response.status_code != 201:
                refused = response
                break
            created += 1
        assert refused is not None and refused.status_code == 503, created
        assert refused.json()["code"] == "account_capacity"
        assert "WILDCAT_MAX_ACCOUNTS" in refused.json()["error"]
        assert created == refused.json()["details"]["limit"] == 64
        pid = proc.worker_pid()
        for _ in range(3):           # every account thread has touched the store by now
            assert all(a["currentStatus"] for a in http.get(proc.url + "/accounts").json()
                       ["accounts"])
        clients = [requests.Session() for _ in range(40)]
        for session in clients:
            assert session.get(proc.url + "/accounts", timeout=10).ok
        descriptors = len(os.listdir(f"/proc/{pid}/fd"))
        assert descriptors < created, descriptors          # was 2 per account
        assert requests.get(proc.url + "/ping", timeout=5).ok
        for session in clients:
            session.close()
    finally:
        proc.stop()
    assert "Traceback" not in proc.log()
