"""Messaging over real HTTP against `python app.py` (gunicorn, sandbox): the core flows, and
oversized uploads refused without the server holding them in memory."""
import http.client
import os

import pytest
import requests

from tests.util import PDF, PEER, ServerProcess, ffprobe, image_bytes, live_status, wait_until

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = str(tmp_path_factory.mktemp("server"))
    proc = ServerProcess({"WILDCAT_SEND_RATE_PER_MINUTE": "0", "WILDCAT_MAX_UPLOAD_MB": "50"},
                         data_dir).start()
    yield proc
    proc.stop()


def connect(web, url, account_id, phone):
    assert web.post(f"{url}/accounts", json={"id": account_id}).status_code == 201
    wait_until(lambda: web.get(f"{url}/accounts/{account_id}").json()["account"]["hasQR"])
    assert web.post(f"{url}/sandbox/accounts/{account_id}/scan",
                     json={"phone": phone}).status_code == 200
    wait_until(lambda: live_status(url, account_id, web)
               == "connected")
    return f"{phone}@s.whatsapp.net"


def worker_pid(server):
    """The gunicorn worker (the arbiter's only child) holds the app and the uploads."""
    pid = server.proc.pid
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        children = f.read().split()
    assert len(children) == 1, children
    return int(children[0])


def memory_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


def test_core_flows_over_http(server, mp3):  # noqa: F811
    url, web = server.url, requests.Session()
    me = connect(web, url, "alice", "15550001111")
    base = f"{url}/accounts/alice"

    sent = web.post(f"{base}/message/send", json={"to": PEER, "message": "Hello"})
    assert sent.status_code == 200 and set(sent.json()) == {"ok", "messageId"}
    first = sent.json()["messageId"]
    got = web.get(f"{base}/messages/{first}").json()["message"]
    assert got["fromMe"] is True and got["status"] == "sent" and got["from"] == me
    reply = web.post(f"{base}/message/reply",
                     json={"to": PEER, "message": "again", "quotedMessageId": first})
    assert reply.status_code == 200
    react = web.post(f"{base}/message/react", json={"to": PEER, "messageId": first, "emoji": "👍"})
    assert react.json() == {"ok": True, "message": "Reaction sent"}
    delete = web.post(f"{base}/message/delete", json={"to": PEER, "messageId": first})
    assert delete.json() == {"ok": True, "message": "Message deleted"}
    assert web.get(f"{base}/messages/{first}").json()["message"]["deleted"] is True
    out = web.get(f"{url}/sandbox/accounts/alice/sent").json()["sent"]
    assert [o["type"] for o in out] == ["text", "reply", "reaction", "revoke"]
    assert out[1]["quotedMessageId"] == first and out[2]["reactionTo"] == first

    png = image_bytes("PNG", (300, 200))
    sent = web.post(f"{base}/message/send/image", files={"image": ("pic.png", png)},
                    data={"to": PEER, "caption": "Check out this photo!"})
    assert sent.status_code == 200, sent.text
    media_url = f"{base}/messages/{sent.json()['messageId']}/media"
    got = web.get(media_url)
    assert got.content == png and got.headers["Content-Type"] == "image/png"
    assert got.headers["Content-Length"] == str(len(png))
    assert got.headers["Content-Disposition"] == 'inline; filename="pic.png"'
    part = web.get(media_url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == png[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(png)}"

    voice = web.post(f"{base}/message/send/audio", files={"audio": ("memo.mp3", mp3)},
                     data={"to": PEER, "ptt": "true"})
    assert voice.status_code == 200, voice.text
    ogg = web.get(f"{base}/messages/{voice.json()['messageId']}/media").content
    assert ffprobe(ogg)["streams"][0]["codec_name"] == "opus"

    wrong = web.post(f"{base}/message/send/image", files={"image": ("x.png", PDF)},
                     data={"to": PEER})
    assert wrong.status_code == 415
    missing = web.post(f"{base}/message/send", json={"to": PEER})
    assert missing.json()["error"] == "to and message are required"


def test_send_between_accounts_over_http(server):
    url, web = server.url, requests.Session()
    if web.get(f"{url}/accounts/alice").status_code == 404:
        connect(web, url, "alice", "15550001111")
    me = "15550001111@s.whatsapp.net"
    bob = connect(web, url, "bob", "15550002222")
    first = web.post(f"{url}/accounts/alice/message/send",
                     json={"to": bob, "message": "Hello Bob"}).json()["messageId"]
    wait_until(lambda: web.get(f"{url}/accounts/bob/messages/{first}").ok, message="arrival")
    got = web.get(f"{url}/accounts/bob/messages/{first}").json()["message"]
    assert got["text"] == "Hello Bob" and got["from"] == me and got["fromMe"] is False
    reply = web.post(f"{url}/accounts/bob/message/reply",
                     json={"to": me, "message": "Hi!", "quotedMessageId": first})
    assert reply.status_code == 200
    wait_until(lambda: web.get(f"{url}/accounts/alice/messages/{reply.json()['messageId']}").ok)


def _multipart_head(boundary, filename):
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\n{PEER}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; "
            f"filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n").encode()


def _stream_upload(server, file_size, *, chunked):
    """POST a multipart image of `file_size` bytes, generated chunk by chunk (the client never
    holds it either); returns (status, json body)."""
    boundary = "wildcatboundary"
    head, tail = _multipart_head(boundary, "big.png"), f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.putrequest("POST", "/accounts/alice/message/send/image")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    if chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    else:
        conn.putheader("Content-Length", str(len(head) + file_size + len(tail)))
    conn.endheaders()
    png = image_bytes()
    chunk = png + b"\0" * (MB - len(png))

    def parts():
        yield head
        left = file_size
        while left > 0:
            piece = chunk[:min(left, MB)]
            left -= len(piece)
            yield piece
        yield tail

    try:
        for data in parts():
            conn.send(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
        if chunked:
            conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass      # the server may stop reading once it has answered; its answer is waiting
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_oversized_upload_is_413_without_buffering(server, chunked):
    web = requests.Session()
    if web.get(f"{server.url}/accounts/alice").status_code == 404:
        connect(web, server.url, "alice", "15550001111")
    pid = worker_pid(server)
    baseline = memory_kb(pid, "VmRSS")
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")                      # reset the peak (VmHWM) to the current RSS
    status, body = _stream_upload(server, 50 * MB + 1, chunked=chunked)
    assert status == 413, body
    assert b'"code":"payload_too_large"' in body.replace(b" ", b"")
    growth_kb = memory_kb(pid, "VmHWM") - baseline
    assert growth_kb < 16 * 1024, f"server RSS grew by {growth_kb} kB for a 50 MB upload"
    sent = web.get(f"{server.url}/sandbox/accounts/alice/sent").json()["sent"]
    assert not [o for o in sent if o.get("mediaSize", 0) > 50 * MB]
    leftovers = [n for n in os.listdir("/tmp") if n.startswith("wildcat-upload-")]
    assert leftovers == []


def test_declared_oversize_is_refused_before_the_body(server):
    web = requests.Session()
    if web.get(f"{server.url}/accounts/alice").status_code == 404:
        connect(web, server.url, "alice", "15550001111")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.putrequest("POST", "/accounts/alice/message/send/image")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(200 * MB))
    conn.endheaders()
    conn.send(b"--x\r\n")           # and nothing more: the answer must not wait for the body
    response = conn.getresponse()
    assert response.status == 413
    assert b"payload_too_large" in response.read()
    conn.close()
