"""The sandbox survives a move (issue 13 item 6), with real processes over real HTTP on
loopback: two `python app.py` servers on one SQLite data directory, each owning one account.
One is SIGKILLed; its account comes back on the survivor from the stored session and its
simulated WhatsApp goes on: what was sent to it meanwhile arrives, its group and directory
are intact, and its `sent` log still lists what it sent before the crash.

Only WhatsApp is simulated (the sandbox driver); servers, store and forwarding are real.
"""
import os
import signal

import requests

from tests.util import ServerProcess, live_status, wait_until

FAST = {"WILDCAT_LEASE_TTL": "2", "WILDCAT_SUPERVISOR_INTERVAL": "0.2",
        "WILDCAT_RECONNECT_BACKOFF_BASE": "0.1", "WILDCAT_RECONNECT_BACKOFF_CAP": "0.5",
        "WILDCAT_SEND_RATE_PER_MINUTE": "0", "LOG_LEVEL": "WARNING"}
ALICE, BOB = "15550001111@s.whatsapp.net", "15550002222@s.whatsapp.net"


def ok(response):
    assert response.ok, (response.status_code, response.text)
    return response.json()


def login(url, account_id, phone):
    ok(requests.post(url + "/accounts", json={"id": account_id}, timeout=30))
    wait_until(lambda: requests.get(f"{url}/accounts/{account_id}", timeout=10)
               .json()["account"]["hasQR"], timeout=20, message=f"{account_id} QR")
    ok(requests.post(f"{url}/sandbox/accounts/{account_id}/scan", json={"phone": phone},
                     timeout=30))
    wait_until(lambda: live_status(url, account_id) == "connected", timeout=20,
               message=f"{account_id} connected")


def owner(url, account_id):
    for instance in requests.get(url + "/cluster", timeout=10).json()["instances"]:
        if account_id in instance["accounts"]:
            return instance["id"]
    return None


def message(url, account_id, message_id):
    response = requests.get(f"{url}/accounts/{account_id}/messages/{message_id}", timeout=10)
    return response.json()["message"] if response.ok else None


def send(url, account_id, to, text):
    return ok(requests.post(f"{url}/accounts/{account_id}/message/send",
                            json={"to": to, "message": text}, timeout=30))["messageId"]


def test_an_account_moved_by_a_crash_keeps_its_simulated_world(tmp_path):
    data = str(tmp_path / "data")
    # each server leads its own process group: the crash kills its workers too
    first = ServerProcess(FAST, data, preexec_fn=os.setsid).start()
    second = None
    try:
        login(first.url, "alice", ALICE.split("@")[0])
        second = ServerProcess(FAST, data, preexec_fn=os.setsid).start()
        login(second.url, "bob", BOB.split("@")[0])     # created there: its share
        second_id = ok(requests.get(second.url + "/health", timeout=10))["instance"]
        wait_until(lambda: owner(first.url, "bob") == second_id
                   and owner(first.url, "alice") not in (None, second_id), timeout=20,
                   message="alice and bob owned by different servers")

        hi = send(first.url, "alice", BOB, "hi bob")
        wait_until(lambda: message(first.url, "bob", hi), message="bob receives alice's text")
        group = ok(requests.post(f"{second.url}/accounts/bob/groups",
                                 json={"subject": "Crew", "participants": [ALICE]},
                                 timeout=30))["group"]["id"]
        ok(requests.post(f"{second.url}/sandbox/accounts/bob/registered",
                         json={"phones": ["+" + ALICE.split("@")[0]]}, timeout=30))
        back = send(second.url, "bob", ALICE, "hi alice")
        wait_until(lambda: message(second.url, "alice", back), message="alice gets bob's")
        before = ok(requests.get(f"{second.url}/sandbox/accounts/bob/sent", timeout=10))["sent"]
        assert [r["type"] for r in before] == ["group.create", "text"]

        os.killpg(second.proc.pid, signal.SIGKILL)       # no hook runs, no lease released
        second.proc.wait(10)
        gap = send(first.url, "alice", BOB, "are you there?")   # bob's phone is offline
        wait_until(lambda: live_status(first.url, "bob") == "connected", timeout=15,
                   message="the survivor takes bob over")
        account = ok(requests.get(f"{first.url}/accounts/bob", timeout=10))["account"]
        assert account["hasQR"] is False                  # from the stored session

        got = wait_until(lambda: message(first.url, "bob", gap), timeout=10,
                         message="the message sent during the gap arrives")
        assert got["text"] == "are you there?" and got["chatId"] == ALICE
        groups = ok(requests.get(f"{first.url}/accounts/bob/groups", timeout=10))["groups"]
        assert [(g["id"], g["subject"]) for g in groups] == [(group, "Crew")]
        checked = ok(requests.post(f"{first.url}/accounts/bob/contacts/check",
                                   json={"phones": ["+" + ALICE.split("@")[0], "+15559990000"]},
                                   timeout=10))["results"]
        assert [r["exists"] for r in checked] == [True, False]     # its directory held
        after = ok(requests.get(f"{first.url}/sandbox/accounts/bob/sent", timeout=10))["sent"]
        assert after[:2] == before and after[-1]["type"] == "check"
        again = send(first.url, "bob", ALICE, "back again")      # and its chats go on
        wait_until(lambda: message(first.url, "alice", again), message="alice gets it")
    finally:
        first.stop()
        if second:
            second.stop()
