"""`GET /ws`: the event stream under the real gunicorn server (tests/util.ServerProcess) and,
for the slow-client test that needs events published in-process, under werkzeug's server."""
import json
import socket
import threading
import time
import types

import pytest
import requests
import websocket
from werkzeug.serving import make_server

from tests.util import ServerProcess, free_port, make_store, test_config, live_status, wait_until
from wildcat.api.ws import check_api_key
from wildcat.config import ConfigError, load_config
from wildcat.errors import Unauthorized
from wildcat.domain import make_event
from wildcat.factory import create_app

REFERENCE_KEYS = {"from", "message", "messageId", "timestamp", "accountId", "chatId",
                  "fromMe", "type"}


def ws_url(base, query=""):
    return base.replace("http://", "ws://") + "/ws" + (f"?{query}" if query else "")


def connect(url, **kwargs):
    # websocket-client's pure-Python UTF-8 check would be the bottleneck of a fast stream.
    return websocket.create_connection(url, timeout=10, skip_utf8_validation=True, **kwargs)


def next_event(ws, wanted, timeout=10.0):
    """Read frames until one satisfies `wanted(event)`; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ws.settimeout(max(0.05, deadline - time.monotonic()))
        event = json.loads(ws.recv())
        if wanted(event):
            return event
    raise AssertionError("event not received")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = str(tmp_path_factory.mktemp("ws") / "data")
    proc = ServerProcess({"WILDCAT_WS_PING_INTERVAL": "0.3", "WILDCAT_THREADS": "8"},
                         data_dir).start()
    yield proc
    proc.stop()


def test_stream_of_a_sandbox_conversation_under_gunicorn(server):
    http = requests.Session()
    everything = connect(ws_url(server.url))
    only_qr = connect(ws_url(server.url, "events=qr,message"))
    try:
        assert http.post(f"{server.url}/accounts", json={"id": "talk"}).status_code == 201
        update = next_event(everything, lambda e: e["event"] == "connection.update")
        assert update["accountId"] == "talk" and update["status"] == "connecting"
        assert isinstance(update["timestamp"], int)
        qr = next_event(everything, lambda e: e["event"] == "qr")
        assert qr["qr"].startswith("2@") and qr["accountId"] == "talk"
        assert next_event(only_qr, lambda e: True)["event"] == "qr"
        scanned = http.post(f"{server.url}/sandbox/accounts/talk/scan", json={})
        assert scanned.status_code == 200
        connected = next_event(everything, lambda e: e.get("status") == "connected")
        assert connected["event"] == "connection.update" and connected["accountId"] == "talk"
        sent = http.post(f"{server.url}/sandbox/accounts/talk/inbound",
                         json={"from": "919876543210", "text": "Hello!"}).json()
        message = next_event(everything, lambda e: e["event"] == "message")
        assert REFERENCE_KEYS <= message.keys()
        assert message["messageId"] == sent["messageId"] and message["message"] == "Hello!"
        assert next_event(only_qr, lambda e: True) == message   # the same JSON
    finally:
        everything.close()
        only_qr.close()


def test_filters_and_keepalive_pings(server):
    http = requests.Session()
    assert http.post(f"{server.url}/accounts", json={"id": "quiet"}).status_code == 201
    assert http.post(f"{server.url}/accounts", json={"id": "loud"}).status_code == 201
    ws = connect(ws_url(server.url, "accountId=loud"))
    try:
        pings = 0
        deadline = time.monotonic() + 5
        while pings < 3 and time.monotonic() < deadline:     # recv answers each ping
            opcode, frame = ws.recv_data_frame(control_frame=True)
            pings += opcode == websocket.ABNF.OPCODE_PING
        assert pings == 3
        http.post(f"{server.url}/accounts/quiet/logout")
        http.post(f"{server.url}/accounts/loud/logout")
        event = next_event(ws, lambda e: e["event"] == "connection.update"
                           and e["status"] == "logged_out")
        assert event["accountId"] == "loud"
    finally:
        ws.close()
    for query, status in (("accountId=nope", 404), ("events=bogus", 400), ("x=1", 400)):
        with pytest.raises(websocket.WebSocketBadStatusException) as err:
            connect(ws_url(server.url, query))
        assert err.value.status_code == status, query


def test_api_key_under_gunicorn(tmp_path):
    server = ServerProcess({"WILDCAT_API_KEY": "k3y-for-tests"}, str(tmp_path / "data")).start()
    try:
        with pytest.raises(websocket.WebSocketBadStatusException) as err:
            connect(ws_url(server.url))
        assert err.value.status_code == 401
        with pytest.raises(websocket.WebSocketBadStatusException):
            connect(ws_url(server.url, "apiKey=wrong"))
        for url, header in ((ws_url(server.url, "apiKey=k3y-for-tests"), None),
                            (ws_url(server.url), ["X-API-Key: k3y-for-tests"]),
                            (ws_url(server.url), ["Authorization: Bearer k3y-for-tests"])):
            ws = connect(url, header=header)
            assert ws.connected
            ws.close()
        # SIGTERM with a stream open: the stream ends, shutdown does not wait for it.
        ws = connect(ws_url(server.url, "apiKey=k3y-for-tests"))
        started = time.monotonic()
        assert server.stop() == 0
        assert time.monotonic() - started < 20   # gunicorn's graceful_timeout is 30 s
        ws.close()
    finally:
        server.stop()


def test_check_api_key():
    def request(headers=None, args=None):
        return types.SimpleNamespace(headers=headers or {}, args=args or {})
    open_config = types.SimpleNamespace(api_key="")
    check_api_key(open_config, request())
    config = types.SimpleNamespace(api_key="secret")
    for ok in (request({"X-API-Key": "secret"}), request({"Authorization": "Bearer secret"}),
               request(args={"apiKey": "secret"})):
        check_api_key(config, ok)
    for bad in (request(), request({"X-API-Key": "nope"}), request({"Authorization": "secret"}),
                request(args={"apiKey": ""})):
        with pytest.raises(Unauthorized):
            check_api_key(config, bad)


@pytest.fixture
def local_server(tmp_path):
    """The app under werkzeug's threaded server, so the test can publish on its bus."""
    app = create_app(test_config(tmp_path, ws_queue_size=300, ws_max_clients=2),
                     store=make_store("sqlite", tmp_path))
    runtime = app.extensions["wildcat"]
    runtime.start()
    port = free_port()
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{port}"
    httpd.shutdown()
    runtime.stop(timeout=10)


def test_slow_client_is_dropped_without_slowing_anyone(local_server):
    app, base = local_server
    runtime, hub = app.extensions["wildcat"], app.extensions["wildcat_ws"]
    slow = connect(ws_url(base),
                                       sockopt=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)])
    fast = connect(ws_url(base))
    with pytest.raises(websocket.WebSocketBadStatusException) as err:   # ws_max_clients=2
        connect(ws_url(base))
    assert err.value.status_code == 503
    received = []

    def read():
        while len(received) < 6000:
            received.append(json.loads(fast.recv()))
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    publishing = 0.0
    for burst in range(60):        # 6000 frames of 2 KB: far more than the socket buffers
        started = time.monotonic()
        for i in range(100):
            runtime.event_log.bus.publish(make_event("qr", "acc1", qr="x" * 2000,
                                                     n=burst * 100 + i))
        publishing += time.monotonic() - started
        wait_until(lambda: len(received) == (burst + 1) * 100, message="fast client keeps up")
    reader.join(20)
    assert [e["n"] for e in received] == list(range(6000))
    # The bus never waited on the stuck socket (which would block it for good): 6000
    # publishes take well under a second; the bound leaves a busy CI plenty of room.
    assert publishing < 10
    wait_until(lambda: hub.count == 1, message="the slow client dropped")
    with pytest.raises((websocket.WebSocketException, OSError)):
        slow.settimeout(5)
        while True:
            slow.recv()
    fast.close()
    wait_until(lambda: hub.count == 0, message="the fast client gone")


def test_ws_config_variables():
    cfg = load_config({"WILDCAT_WS_PING_INTERVAL": "10", "WILDCAT_WS_QUEUE_SIZE": "20",
                       "WILDCAT_WS_MAX_CLIENTS": "4"})
    assert (cfg.ws_ping_interval, cfg.ws_queue_size, cfg.ws_max_clients) == (10.0, 20, 4)
    defaults = load_config({})
    assert (defaults.ws_ping_interval, defaults.ws_queue_size, defaults.ws_max_clients) == (
        25.0, 1000, 0)
    for name, bad in (("WILDCAT_WS_PING_INTERVAL", "0"), ("WILDCAT_WS_QUEUE_SIZE", "0"),
                      ("WILDCAT_WS_MAX_CLIENTS", "-1"), ("WILDCAT_WS_QUEUE_SIZE", "many")):
        with pytest.raises(ConfigError, match=name):
            load_config({name: bad})


def test_plain_get_is_told_to_upgrade(tmp_path):
    app = create_app(test_config(tmp_path), store=make_store("sqlite", tmp_path))
    response = app.test_client().get("/ws")
    assert response.status_code == 400 and response.headers["Upgrade"] == "websocket"
    assert response.json["code"] == "websocket_upgrade_required"
    assert app.extensions["wildcat_ws"].count == 0


def test_chat_extras_fields_reach_the_stream(server):
    """Issue 11: the new events and fields are in the WebSocket frames (real gunicorn)."""
    http, base = requests.Session(), f"{server.url}/sandbox/accounts/extras"
    assert http.post(f"{server.url}/accounts", json={"id": "extras"}).status_code == 201
    wait_until(lambda: http.get(f"{server.url}/accounts/extras").json()["account"]["hasQR"])
    ws = connect(ws_url(server.url, "accountId=extras&events=message,message.sent,poll.vote,"
                                    "presence,call"))
    try:
        assert http.post(f"{base}/scan", json={"phone": "15550001111"}).status_code == 200
        wait_until(lambda: live_status(server.url, "extras", http)
                   == "connected")
        poll = http.post(f"{server.url}/accounts/extras/message/send/poll", json={
            "to": "+919876543210", "question": "Q?", "options": ["a", "b"]}).json()["messageId"]
        sent = next_event(ws, lambda e: e["event"] == "message.sent")
        assert sent["poll"]["question"] == "Q?" and sent["fromPhone"] == "+15550001111"
        lid = "123456789012345@lid"
        http.post(f"{base}/inbound", json={"from": "919876543210", "fromLid": lid,
                                           "type": "poll_vote", "messageId": poll,
                                           "options": ["b"]})
        vote = next_event(ws, lambda e: e["event"] == "poll.vote")
        assert vote["options"] == ["b"] and vote["fromLid"] == lid
        assert vote["poll"]["options"][1]["voters"] == ["919876543210@s.whatsapp.net"]
        http.post(f"{base}/inbound", json={"fromLid": lid, "type": "presence",
                                           "state": "recording"})
        presence = next_event(ws, lambda e: e["event"] == "presence")
        assert presence["state"] == "recording" and presence["fromPhone"] == "+919876543210"
        http.post(f"{base}/inbound", json={"fromLid": lid, "type": "call", "isVideo": True})
        call = next_event(ws, lambda e: e["event"] == "call")
        assert call["isVideo"] is True and call["rejected"] is False and call["fromLid"] == lid
        http.post(f"{base}/inbound", json={"fromLid": lid, "type": "location",
                                           "latitude": 1.5, "longitude": 2.5})
        location = next_event(ws, lambda e: e["event"] == "message")
        assert location["location"]["longitude"] == 2.5
        assert location["chatId"] == "919876543210@s.whatsapp.net"   # the LID's phone chat
    finally:
        ws.close()
