"""Owner forwarding inside one app (the multi-process paths are in tests/test_cluster.py):
the signed hop, the not-owner answer, account_moving, and the retry that lands at home."""
import pytest

from tests.util import test_config
from tests.util import connected_account, free_port
from wildcat.domain import now_ms
from wildcat.forwarding import FORWARD_HEADER, NOT_OWNER_HEADER, Forwarder, sign, verify


def test_the_hop_signature_binds_sender_method_path_and_time():
    value = sign("s3", "inst1", "POST", "/accounts/a/message/send")
    assert verify("s3", value, "POST", "/accounts/a/message/send")
    assert not verify("other", value, "POST", "/accounts/a/message/send")
    assert not verify("s3", value, "GET", "/accounts/a/message/send")
    assert not verify("s3", value, "POST", "/accounts/b/message/send")
    assert not verify("s3", sign("s3", "inst1", "POST", "/x", ts=now_ms() - 3_600_000),
                      "POST", "/x")
    assert not verify("", sign("", "i", "GET", "/x"), "GET", "/x")      # no secret: no hop
    assert not verify("s3", "garbage", "GET", "/x")


@pytest.fixture
def config(tmp_path):
    return test_config(tmp_path, cluster_secret="s3cret")


def test_a_forwarded_request_for_an_account_owned_elsewhere_says_not_owner(app, client):
    runtime = app.extensions["wildcat"]
    connected_account(client, "acc")
    runtime.store.release_lease("acc", runtime.config.instance_id)
    assert runtime.store.acquire_lease("acc", "elsewhere", 60_000, now_ms())
    path = "/accounts/acc/status"
    hop = sign(runtime.config.cluster_secret, "peer", "GET", path)
    answer = client.get(path, headers={FORWARD_HEADER: hop})
    assert answer.status_code == 503 and answer.headers[NOT_OWNER_HEADER] == "1"
    forged = sign("not-the-secret", "peer", "GET", path)   # no valid hop: a client request
    assert NOT_OWNER_HEADER not in client.get(path, headers={FORWARD_HEADER: forged}).headers
    # an owner without a registered address: the account is moving, never a wrong answer
    answer = client.get(path)
    assert answer.status_code == 503
    assert answer.json["code"] == "account_moving" and int(answer.headers["Retry-After"]) >= 1
    assert client.get("/accounts/acc").json["account"]["owner"] == "elsewhere"  # a stored read


def test_a_retry_that_finds_the_account_at_home_keeps_the_body(app, client, monkeypatch):
    connected_account(client, "acc")
    dead = f"http://127.0.0.1:{free_port()}"       # nothing listens: the owner "died"
    owners = iter([("gone", dead)])
    monkeypatch.setattr(Forwarder, "owner", lambda self, account_id: next(owners, None))
    tried = []
    real_send = Forwarder._send
    monkeypatch.setattr(Forwarder, "_send", lambda self, *a: tried.append(a[0]) or
                        real_send(self, *a))
    answer = client.post("/accounts/acc/message/send",
                         json={"to": "15559990000", "message": "kept"})
    assert tried == [dead]                                  # the dead owner was tried
    assert answer.status_code == 200, answer.json          # then answered here, body intact
    stored = client.get(f"/accounts/acc/messages/{answer.json['messageId']}").json
    assert stored["message"]["text"] == "kept"
