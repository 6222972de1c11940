"""Account states in words (wildcat/explain.py), as the dashboard and GET /accounts show them."""
import pytest

from tests.util import connected_account, wait_until
from wildcat.explain import explain, explain_error

DNS = ('connect failed: dial tcp: lookup web.whatsapp.com on 127.0.0.53:53: no such host')


@pytest.mark.parametrize("account, words", [
    ({"currentStatus": "reconnecting", "reason": "connect_failed", "lastError": DNS},
     "WhatsApp's servers cannot be reached from this machine (the DNS lookup failed) — "
     "retrying by itself"),
    ({"currentStatus": "reconnecting", "reason": "connect_failed",
      "lastError": "dial tcp 157.240.1.1:443: i/o timeout"},
     "WhatsApp's servers cannot be reached from this machine — retrying by itself"),
    ({"currentStatus": "reconnecting", "reason": "connect_failed", "lastError": "weird"},
     "Could not connect: weird — retrying by itself"),
    ({"currentStatus": "disconnected", "reason": "qr_timeout"}, "QR expired — press Connect"),
    ({"currentStatus": "logged_out", "reason": "unlinked_from_phone"},
     "Logged out from the phone — press Connect and scan a new QR code"),
    ({"currentStatus": "logged_out", "reason": "LOGGED_OUT"},        # whatsmeow's own code
     "Logged out — press Connect and scan a new QR code"),
    ({"currentStatus": "disconnected", "reason": "user_disconnect"},
     "Disconnected from here; the session is kept — press Connect (no QR needed)"),
    ({"currentStatus": "connected", "reason": "connected", "lastError": DNS}, "Connected"),
    ({"currentStatus": "not_started"}, "Not started — press Connect"),
    ({"currentStatus": "connecting", "reason": "dialing"}, "Connecting to WhatsApp's servers"),
    ({"currentStatus": "reconnecting", "reason": "dialing"}, "Connecting to WhatsApp's servers"),
    ({"currentStatus": "disconnected", "reason": "temporary_ban",
      "until": "2030-01-01T00:00:00.000Z"},
     "WhatsApp temporarily banned this number until 2030-01-01T00:00:00.000Z — wait before "
     "reconnecting, then send less"),
])
def test_states_in_words(account, words):
    assert explain(account) == words


def test_no_error_no_words():
    assert explain_error(None) is None and explain_error("") is None


def test_the_api_carries_the_explanation(make_app):
    client = make_app().test_client()
    client.post("/accounts", json={"id": "words"})
    wait_until(lambda: client.get("/accounts/words").json["account"]["explanation"].startswith(
        "Waiting for the QR code to be scanned"), message="the QR explained")
    connected_account(client, "live", "15550002222")
    live = client.get("/accounts/live").json["account"]
    assert live["explanation"] == "Connected" and live["connectedAt"].endswith("Z")
    # The instance holding each account's lease (this one), in both views.
    me = client.application.extensions["wildcat"].config.instance_id
    assert live["owner"] == me
    assert {a["_id"]: a["owner"] for a in client.get("/accounts").json["accounts"]}["live"] == me
    client.post("/sandbox/accounts/live/unlink")
    wait_until(lambda: {a["_id"]: a["explanation"] for a in client.get("/accounts").json[
        "accounts"]}.get("live", "").startswith("Logged out from the phone"),
        message="the unlinked account explained in the list")


def test_sandbox_network_outage_is_explained_and_recovers(make_app):
    """The sandbox's unreachable network fails connects the way whatsmeow does (a DNS error);
    the account says why, keeps retrying, and connects once the network is back."""
    client = make_app().test_client()
    connected_account(client, "net", "15550003333")
    for bad in ({}, {"reachable": "no"}, {"reachable": 0}, {"reachable": True, "x": 1}):
        response = client.post("/sandbox/accounts/net/network", json=bad)
        assert response.status_code == 400 and response.json["code"] == "validation_error"
    assert client.post("/sandbox/accounts/ghost/network",
                       json={"reachable": False}).status_code == 404
    assert client.post("/sandbox/accounts/net/network", json={"reachable": False}).json == {
        "ok": True, "reachable": False}

    def account():
        return client.get("/accounts/net").json["account"]
    down = wait_until(lambda: (shown := account()).get("lastError")   # not a retry's dialing
                      and shown["reason"] == "connect_failed" and shown, message="lastError")
    assert down["currentStatus"] == "reconnecting" and down["reason"] == "connect_failed"
    assert "no such host" in down["lastError"]
    assert down["explanation"].startswith("WhatsApp's servers cannot be reached from this "
                                          "machine (the DNS lookup failed)")
    client.post("/sandbox/accounts/net/network", json={"reachable": True})
    up = wait_until(lambda: account()["currentStatus"] == "connected" and account(),
                    message="connected again")
    assert "lastError" not in up and up["explanation"] == "Connected"
