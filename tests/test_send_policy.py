"""Issue 18: human-paced sending (sendPolicy) with the sandbox: typing, spacing in order
without holding the account's thread, the queue limit and the daily limit."""
import threading
import time

import pytest

from tests.util import make_store, wait_until
from wildcat import domain
from wildcat.drivers.base import DriverError
from wildcat.errors import AccountTimeout, DailyLimitReached
from wildcat.services.send_pacing import (SendPacer, seconds_to_next_day, typing_ms, utc_day)

PEER = "15550009999@s.whatsapp.net"


def connect(client, account_id="mybot"):
    assert client.post("/accounts", json={"id": account_id}).status_code == 201
    wait_until(lambda: client.get(f"/accounts/{account_id}").json["account"]["hasQR"])
    client.post(f"/sandbox/accounts/{account_id}/scan", json={})
    wait_until(lambda: client.get(f"/accounts/{account_id}").json["account"]["currentStatus"]
               == "connected")


def policy(client, **fields):
    body = {"typing": False, "minDelayMs": 0, "maxDelayMs": 0, **fields}
    response = client.patch("/accounts/mybot", json={"sendPolicy": body})
    assert response.status_code == 200, response.json
    return response.json["account"]["sendPolicy"]


def send(client, text):
    return client.post("/accounts/mybot/message/send", json={"to": PEER, "message": text})


def sent(client):
    return client.get("/sandbox/accounts/mybot/sent").json["sent"]


def in_thread(fn, *args):
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("result", fn(*args)))
    thread.start()
    return thread, box


def test_send_policy_is_validated_stored_and_cleared(client, runtime):
    connect(client)
    for bad in ({"minDelayMs": -1}, {"minDelayMs": 500, "maxDelayMs": 100},
                {"maxDelayMs": 10**9}, {"dailyLimit": 0}, {"typing": "yes"},
                {"minDelayMs": "100"}, {"surprise": 1}, [1]):
        response = client.patch("/accounts/mybot", json={"sendPolicy": bad})
        assert response.status_code == 400, bad
        assert response.json["code"] == "validation_error"
    assert "sendPolicy" not in runtime.store.get_account("mybot")
    response = client.patch("/accounts/mybot", json={"sendPolicy": {"minDelayMs": 100}})
    assert response.json["account"]["sendPolicy"] == {
        "typing": False, "minDelayMs": 100, "maxDelayMs": 100, "dailyLimit": None}
    assert client.patch("/accounts/mybot", json={"sendPolicy": None}).status_code == 200
    assert "sendPolicy" not in client.get("/accounts/mybot").json["account"]


def test_typing_precedes_a_text_for_a_time_proportional_to_its_length(client):
    connect(client)
    policy(client, typing=True)
    text = "Hello, this is a human-paced message"
    response = send(client, text)
    assert response.status_code == 200, response.json
    presence, message = sent(client)[-2:]
    assert presence["type"] == "presence" and presence["state"] == "composing"
    assert presence["to"] == PEER and message["text"] == text
    assert message["at"] - presence["at"] >= typing_ms(text) - 20
    assert typing_ms(text) == 50 * len(text)
    assert typing_ms("x" * 10_000) == 5000 and typing_ms("") == 400   # capped, floored

    # reactions are not typed
    reacted = client.post("/accounts/mybot/message/react", json={
        "to": PEER, "messageId": response.json["messageId"], "emoji": "👍"})
    assert reacted.status_code == 200, reacted.json
    assert sent(client)[-1]["type"] == "reaction" and sent(client)[-2]["type"] == "text"


def test_sends_are_spaced_in_order_without_holding_the_account_thread(client, events):
    connect(client)
    policy(client, minDelayMs=1500, maxDelayMs=1600)
    assert send(client, "one").status_code == 200
    second, box = in_thread(send, client, "two")
    wait_until(lambda: client.application.extensions["wildcat"].send_pacer.depth("mybot") == 1,
               message="the second send waiting its turn")
    # While "two" waits, the account's thread still handles inbound messages.
    assert client.post("/sandbox/accounts/mybot/inbound",
                       json={"from": PEER, "text": "meanwhile"}).status_code == 200
    wait_until(lambda: any(e["event"] == domain.MESSAGE for e in events),
               message="the inbound message published")
    assert [r["text"] for r in sent(client) if r["type"] == "text"] == ["one"]
    third, box3 = in_thread(send, client, "three")
    second.join(30)
    third.join(30)
    assert box["result"].status_code == 200 and box3["result"].status_code == 200
    texts = [r for r in sent(client) if r["type"] == "text"]
    assert [r["text"] for r in texts] == ["one", "two", "three"]
    gaps = [b["at"] - a["at"] for a, b in zip(texts, texts[1:])]
    assert all(gap >= 1500 - 20 for gap in gaps), gaps


def test_a_deep_queue_answers_429_with_retry_after(make_app):
    app = make_app(send_queue_limit=2)
    client = app.test_client()
    connect(client)
    policy(client, minDelayMs=1000, maxDelayMs=1000)
    assert send(client, "first").status_code == 200
    pacer = app.extensions["wildcat"].send_pacer
    waiting = [in_thread(send, client, "q1")]
    wait_until(lambda: pacer.depth("mybot") == 1)
    waiting.append(in_thread(send, client, "q2"))
    wait_until(lambda: pacer.depth("mybot") == 2)
    refused = send(client, "too many")
    assert refused.status_code == 429 and refused.json["code"] == "send_queue_full"
    assert int(refused.headers["Retry-After"]) >= 2
    for thread, box in waiting:
        thread.join(30)
        assert box["result"].status_code == 200
    assert "too many" not in [r.get("text") for r in sent(client)]


def test_daily_limit_answers_429_beyond_it(client, runtime):
    connect(client)
    policy(client, dailyLimit=2)
    assert send(client, "a").status_code == 200
    assert send(client, "b").status_code == 200
    refused = send(client, "c")
    assert refused.status_code == 429 and refused.json["code"] == "daily_limit"
    assert 1 <= int(refused.headers["Retry-After"]) <= 86400
    assert refused.json["details"]["dailyLimit"] == 2
    assert runtime.store.add_send_count("mybot", utc_day(), 0) == 2   # refusals not counted
    assert [r["text"] for r in sent(client)] == ["a", "b"]
    policy(client, dailyLimit=3)
    assert send(client, "c").status_code == 200


def test_without_a_policy_nothing_waits_or_counts(client, runtime):
    connect(client)
    for i in range(3):
        assert send(client, f"m{i}").status_code == 200
    assert not [r for r in sent(client) if r["type"] == "presence"]
    assert runtime.store.add_send_count("mybot", utc_day(), 0) == 0


# -- the pacer itself, on a real store ------------------------------------------------------
@pytest.fixture
def store(tmp_path):
    return make_store("sqlite", tmp_path)


POLICY = {"typing": False, "minDelayMs": 0, "maxDelayMs": 0, "dailyLimit": 5}


def test_a_send_that_fails_gives_its_daily_slot_back(store):
    pacer = SendPacer(queue_limit=3)

    def fail():
        raise DriverError("refused")
    with pytest.raises(DriverError):
        pacer.send(store, "acct", POLICY, fail, timeout=5)
    assert store.add_send_count("acct", utc_day(), 0) == 0
    assert pacer.send(store, "acct", POLICY, lambda: "ok", timeout=5) == "ok"
    assert store.add_send_count("acct", utc_day(), 0) == 1
    assert pacer.depth("acct") == 0


def test_a_send_waiting_past_its_deadline_is_cancelled_and_never_runs(store):
    pacer = SendPacer(queue_limit=3)
    slow = dict(POLICY, minDelayMs=5000, maxDelayMs=5000)
    assert pacer.send(store, "acct", slow, lambda: "first", timeout=5) == "first"
    ran = []
    with pytest.raises(AccountTimeout):
        pacer.send(store, "acct", dict(slow, maxDelayMs=5000), lambda: ran.append(1),
                   timeout=0.1)   # the turn is ~5 s away; its wait allows 0.1 s
    assert ran == [] and pacer.depth("acct") == 0
    assert store.add_send_count("acct", utc_day(), 0) == 1


def test_daily_limit_counts_per_utc_day(store):
    pacer = SendPacer(queue_limit=3)
    one = dict(POLICY, dailyLimit=1)
    pacer.send(store, "acct", one, lambda: None, timeout=5)
    with pytest.raises(DailyLimitReached):
        pacer.send(store, "acct", one, lambda: None, timeout=5)
    assert utc_day(0) == "1970-01-01" and seconds_to_next_day(86400 - 10) == 10
    assert seconds_to_next_day(86400) == 86400


def test_close_ends_waits(store):
    pacer = SendPacer(queue_limit=3)
    slow = dict(POLICY, minDelayMs=60_000, maxDelayMs=60_000, dailyLimit=None)
    pacer.send(store, "acct", slow, lambda: None, timeout=5)
    thread, box = in_thread(lambda: _expect_timeout(pacer, store, slow))
    wait_until(lambda: pacer.depth("acct") == 1)
    started = time.monotonic()
    pacer.close()
    thread.join(10)
    assert box["result"] is True and time.monotonic() - started < 10


def _expect_timeout(pacer, store, slow):
    try:
        pacer.send(store, "acct", slow, lambda: None, timeout=120)
    except AccountTimeout:
        return True
    return False
