"""The owner relay's parts (wildcat/owner_relay.py): which requests it takes, and how it
frames the owner's answers. The relay end to end, between real servers, is in
tests/test_cluster.py."""
import socket
import threading

import pytest

from wildcat.owner_relay import Request, _Head, _Wire


def test_only_plain_complete_http11_requests_are_taken():
    body = b'{"to": "1555"}'
    plain = (b"POST /accounts/a1/message/send HTTP/1.1\r\nHost: x\r\n"
             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    request = Request.parse(plain)
    assert (request.method, request.path, request.body) == ("POST",
                                                            "/accounts/a1/message/send", body)
    assert ("host", "x") in request.headers and request.close is False
    assert Request.parse(plain.replace(b"Host: x", b"Connection: close")).close is True
    for refused in (
            plain[:-1],                                            # the body still coming
            plain + b"GET /ping HTTP/1.1\r\n\r\n",                 # a pipelined next one
            plain.replace(b"HTTP/1.1", b"HTTP/1.0"),
            plain.replace(b"/accounts/a1", b"/accounts/a%31"),     # a path to decode
            plain.replace(b"/accounts/", b"/webhooks/"),           # never a live route
            plain.replace(b"Host: x", b"Transfer-Encoding: chunked"),
            plain.replace(b"Host: x", b"Expect: 100-continue"),
            plain.replace(b"Host: x", b"X-Wildcat-Forward: i.1.mac"),
            plain.replace(b"Host: x", b"Host x"),
            plain.replace(b"Content-Length: ", b"Content-Length: +")):
        assert Request.parse(refused) is None, refused


def relayed(answer: bytes, method="POST"):
    """What the relay passes on of `answer` (the owner's bytes), and what it leaves."""
    owner, ours = socket.socketpair()
    client, received = socket.socketpair()
    threading.Thread(target=lambda: (owner.sendall(answer), owner.close())).start()
    wire = _Wire(ours)
    head = wire.read_head()
    wire.relay_body(head, client, method)
    client.close()
    out = b""
    while chunk := received.recv(65536):
        out += chunk
    return head, out, wire.buf


def test_answers_are_relayed_as_framed_and_the_rest_is_kept():
    head, body, rest = relayed(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloNEXT")
    assert (head.status, body, rest, head.framed("POST")) == (200, b"hello", b"NEXT", True)
    chunked = b"4\r\nwiki\r\n6;x=y\r\npedia \r\n0\r\nTrailer: t\r\n\r\n"
    head, body, rest = relayed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
                               chunked + b"NEXT")
    assert (head.chunked, body, rest) == (True, chunked, b"NEXT")
    head, body, _ = relayed(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nto the end")
    assert (head.closes, head.framed("POST"), body) == (True, False, b"to the end")
    head, body, rest = relayed(b"HTTP/1.1 100 Continue\r\n\r\n"
                               b"HTTP/1.1 204 No Content\r\n\r\nNEXT")
    assert (head.status, body, rest) == (204, b"", b"NEXT")
    head, body, _ = relayed(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", method="HEAD")
    assert body == b""


def test_a_malformed_answer_is_an_error_not_a_guess():
    with pytest.raises(ValueError):
        _Head(b"SPDY/3 200 OK")
    with pytest.raises(ValueError):
        _Head(b"HTTP/1.1 200 OK\r\nno colon here")


def test_a_written_request_is_never_sent_twice_and_a_closed_connection_is_not_reused():
    """An owner that reads the request and dies: the relay reports the failure (the
    caller's 502), it does not send the request again. A kept-alive connection the owner
    has closed meanwhile is dropped before it carries anything."""
    import types

    from wildcat.forwarding import OwnerConnections
    from wildcat.owner_relay import OwnerRelay

    listener = socket.create_server(("127.0.0.1", 0))
    seen = []

    def owner():               # reads one request per connection, answers none of them
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            seen.append(data)
            conn.close()
    threading.Thread(target=owner, daemon=True).start()
    address = "http://127.0.0.1:%d" % listener.getsockname()[1]
    relay = OwnerRelay.__new__(OwnerRelay)
    relay.config = types.SimpleNamespace(cluster_secret="s", instance_id="me")
    relay.wires = OwnerConnections(5, opener=_Wire.open)
    closed_peer, kept = socket.socketpair()
    closed_peer.close()
    relay.wires.give_back(address, _Wire(kept))      # closed by its owner while idle
    request = Request.parse(b"POST /accounts/a1/message/send HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Length: 2\r\n\r\n{}")
    with pytest.raises(OSError):
        relay._send(address, request)
    assert len(seen) == 1 and seen[0].startswith(b"POST /accounts/a1/message/send ")
    assert kept.fileno() == -1                        # dropped, never written to
    listener.close()
