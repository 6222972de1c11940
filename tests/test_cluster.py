"""Many processes, one store (DESIGN §10), with real processes over real HTTP on loopback:
three `python app.py` servers on one SQLite data directory, and `WEB_CONCURRENCY=3`.

Only WhatsApp is simulated (the sandbox driver); the servers, gunicorn workers, the store,
forwarding, the event log and the webhook receiver are the real ones.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import requests
import websocket

from tests.receiver import Receiver
from wildcat.services.webhooks import REGISTRY_TTL
from tests.util import ROOT, ServerProcess, free_port, wait_until

TTL = 3.0
CLUSTER_ENV = {"WILDCAT_LEASE_TTL": str(TTL), "WILDCAT_SUPERVISOR_INTERVAL": "0.3",
               "WILDCAT_CLUSTER_SECRET": "test-cluster-secret",
               "WILDCAT_WEBHOOK_POLL_INTERVAL": "0.2", "WILDCAT_SEND_RATE_PER_MINUTE": "0",
               "WILDCAT_THREADS": "16", "LOG_LEVEL": "WARNING"}


class ClusterServer(ServerProcess):
    """A server in its own process group, so that a crash kills its workers too."""

    def start(self, timeout=60):
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=self.env,
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        return self

    def ready(self, timeout=60):
        wait_until(self._up, timeout, 0.1, f"server on port {self.port}")
        return self

    def crash(self):
        """SIGKILL the master and its workers at once: no hook runs, no lease is released."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self._log.close()


def cluster(url):
    return requests.get(url + "/cluster", timeout=10).json()


def owners(url):
    """{instance id: sorted account ids} of the live instances."""
    return {i["id"]: i["accounts"] for i in cluster(url)["instances"] if i["alive"]}


def spread(url, accounts):
    """The per-instance counts once every account is owned, else None."""
    view = cluster(url)
    if view["accounts"]["owned"] != accounts:
        return None
    return sorted(i["accountsOwned"] for i in view["instances"] if i["alive"])


def create_and_scan(urls, names):
    for n, name in enumerate(names):
        url = urls[n % len(urls)]
        assert requests.post(url + "/accounts", json={"id": name}, timeout=30).status_code == 201
    for n, name in enumerate(names):
        url = urls[(n + 1) % len(urls)]          # through another server: forwarded to the owner
        wait_until(lambda: requests.get(f"{url}/accounts/{name}/status", timeout=10)
                   .json().get("hasQR"), timeout=20, message=f"{name} QR")
        answer = requests.post(f"{url}/sandbox/accounts/{name}/scan",
                               json={"phone": f"1555000{n:04d}"}, timeout=30)
        assert answer.ok, answer.text
    for name in names:
        wait_until(lambda: requests.get(f"{urls[0]}/accounts/{name}/status", timeout=10)
                   .json().get("status") == "connected", timeout=20, message=f"{name} up")


def send(url, account, text):
    return requests.post(f"{url}/accounts/{account}/message/send",
                         json={"to": "15559990000", "message": text}, timeout=30)


def ws_connect(url, query=""):
    ws = websocket.create_connection(url.replace("http://", "ws://") + "/ws" +
                                     (f"?{query}" if query else ""), timeout=10,
                                     skip_utf8_validation=True)
    return ws


def read_until(ws, done, timeout=20.0):
    seen, deadline = [], time.monotonic() + timeout
    while not done(seen):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; got {len(seen)} events")
        ws.settimeout(max(0.1, deadline - time.monotonic()))
        seen.append(json.loads(ws.recv()))
    return seen


def test_three_servers_share_nine_accounts(tmp_path):
    data = str(tmp_path / "data")
    servers = [ClusterServer(CLUSTER_ENV, data).start() for _ in range(3)]
    receiver = Receiver().start()
    extra = None
    try:
        for server in servers:
            server.ready()
        urls = [s.url for s in servers]
        hook = requests.post(urls[0] + "/webhooks", json={"url": receiver.url,
                                                          "events": ["message.sent"]}).json()
        assert hook["ok"], hook
        created = time.monotonic()     # the others see a new webhook within REGISTRY_TTL
        names = [f"acct{n}" for n in range(9)]
        create_and_scan(urls, names)

        # -- spread: 3/3/3 ---------------------------------------------------------------
        wait_until(lambda: spread(urls[0], 9) == [3, 3, 3], timeout=30, message="3/3/3")
        view = cluster(urls[1])
        assert {i["id"] for i in view["instances"]} == \
            {requests.get(u + "/health").json()["instance"] for u in urls}
        owner_of = {a: i for i, accounts in owners(urls[0]).items() for a in accounts}
        account = requests.get(urls[2] + "/accounts/acct4").json()["account"]
        assert account["owner"] == owner_of["acct4"]
        for url in urls:        # the owner's live status, wherever it is read
            assert requests.get(url + "/accounts/acct4").json()["account"][
                "currentStatus"] == "connected"

        # -- every route through every server; /ws on one sees all -------------------------
        wait_until(lambda: time.monotonic() > created + REGISTRY_TTL, timeout=REGISTRY_TTL + 1,
                   message="every instance sees the webhook")
        watcher = ws_connect(urls[0], "events=message.sent")
        sent = {}
        for url in urls:
            for name in names:
                answer = send(url, name, f"via {url} to {name}")
                assert answer.ok, answer.text
                sent[answer.json()["messageId"]] = name
        events = read_until(watcher, lambda seen: len(seen) >= len(sent))
        assert {e["messageId"] for e in events} == set(sent)
        cursors = [e["cursor"] for e in events]
        assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
        for url in urls:
            assert requests.get(f"{url}/accounts/acct1/chats").json()["chats"]
            assert requests.get(f"{url}/accounts/acct1/qr?format=json").status_code == 404
            assert requests.post(f"{url}/accounts/acct2/chats/15559990000/read").ok
            answer = requests.post(f"{url}/sandbox/accounts/acct3/inbound",
                                   json={"from": "15551234567", "text": f"hello {url}"})
            assert answer.ok, answer.text
        page = requests.get(urls[2] + "/events", params={"after": cursors[0] - 1,
                                                        "events": "message.sent",
                                                        "limit": 1000}).json()
        assert [e["messageId"] for e in page["events"]][:len(events)] == \
            [e["messageId"] for e in events]
        resume_after = cursors[-1]

        # -- SIGKILL one server during traffic ---------------------------------------------
        victim = servers[1]
        victim_id = requests.get(victim.url + "/health").json()["instance"]
        lost = set(owners(urls[0])[victim_id])
        stop, reported = threading.Event(), []

        def traffic(url):
            n = 0
            while not stop.is_set():
                for name in names:
                    try:
                        answer = send(url, name, f"traffic {n}")
                    except requests.RequestException:
                        continue
                    if answer.ok:
                        reported.append((name, answer.json()["messageId"]))
                    else:
                        assert answer.json()["code"] in (
                            "account_moving", "account_not_connected", "owner_unreachable"), \
                            answer.text
                    n += 1
        threads = [threading.Thread(target=traffic, args=(u,), daemon=True)
                   for u in (urls[0], urls[2])]
        for t in threads:
            t.start()
        wait_until(lambda: len(reported) > 20, timeout=30, message="traffic flowing")
        killed = time.monotonic()
        victim.crash()
        wait_until(lambda: spread(urls[0], 9) in ([4, 5],), timeout=TTL * 4,
                   interval=0.1, message="the victim's accounts taken over")
        took = time.monotonic() - killed
        assert took < TTL * 3, took     # TTL (+ renew and sync periods on a busy machine)
        survivors = owners(urls[0])
        assert victim_id not in survivors
        assert lost <= {a for accounts in survivors.values() for a in accounts}
        wait_until(lambda: len(reported) > 60, timeout=30, message="traffic after failover")
        stop.set()
        for t in threads:
            t.join(40)
        for name, message_id in reported:       # every reported send was stored as sent
            stored = requests.get(f"{urls[0]}/accounts/{name}/messages/{message_id}")
            assert stored.ok, (name, message_id, stored.text)

        # -- /ws?after= resumes with no gap and no duplicate --------------------------------
        resumed = ws_connect(urls[2], f"events=message.sent&after={resume_after}")
        expected = []
        after = resume_after
        while True:
            page = requests.get(urls[0] + "/events", params={
                "after": after, "events": "message.sent", "limit": 1000}).json()
            expected += [e["cursor"] for e in page["events"]]
            after = page["next"]
            if not page["hasMore"]:
                break
        replay = read_until(resumed, lambda seen: len(seen) >= len(expected))
        assert [e["cursor"] for e in replay] == expected
        assert len(expected) >= len(reported)
        late = send(urls[0], "acct0", "after the replay")
        assert late.ok, late.text
        live = read_until(resumed, lambda seen: seen and seen[-1]["messageId"] ==
                          late.json()["messageId"])
        assert live[-1]["cursor"] > expected[-1] and len(live) == 1
        resumed.close()

        # -- webhooks: one delivery per event, none lost ------------------------------------
        total = len(sent) + len(expected) + 1
        receiver.wait_for(total, timeout=60)
        ids = [r.delivery_id for r in receiver.requests]
        assert len(ids) == len(set(ids)), "a webhook delivery was doubled"
        delivered = {r.json["messageId"] for r in receiver.requests}
        assert set(sent) <= delivered
        assert {mid for _, mid in reported} <= delivered

        # -- SIGTERM another: its accounts move in seconds ----------------------------------
        leaving = servers[2]
        began = time.monotonic()
        leaving.stop(signal.SIGTERM)
        wait_until(lambda: spread(urls[0], 9) == [9], timeout=20, interval=0.1,
                   message="all accounts on the last server")
        moved_in = time.monotonic() - began
        assert moved_in < TTL * 3, moved_in

        # -- a new server receives its share -------------------------------------------------
        extra = ClusterServer(CLUSTER_ENV, data).start().ready()
        wait_until(lambda: spread(urls[0], 9) in ([4, 5],), timeout=30, interval=0.2,
                   message="the newcomer's share")
        assert send(extra.url, "acct8", "from the newcomer").ok
        print(f"failover after SIGKILL: {took:.2f}s (TTL {TTL}s); SIGTERM move: "
              f"{moved_in:.2f}s")
    finally:
        receiver.stop()
        for server in servers + ([extra] if extra else []):
            if server.proc.poll() is None:
                server.stop(signal.SIGTERM)


def test_web_concurrency_three_workers_share_the_accounts(tmp_path):
    server = ClusterServer({**CLUSTER_ENV, "WEB_CONCURRENCY": "3"},
                           str(tmp_path / "data")).start().ready()
    try:
        url = server.url
        wait_until(lambda: len([i for i in cluster(url)["instances"] if i["alive"]]) == 3,
                   timeout=30, message="three workers registered")
        names = [f"w{n}" for n in range(6)]
        create_and_scan([url], names)
        wait_until(lambda: spread(url, 6) == [2, 2, 2], timeout=30, message="2/2/2")
        addresses = [i["address"] for i in cluster(url)["instances"]]
        assert all(a.startswith("http://127.0.0.1:") for a in addresses)
        assert len(set(addresses)) == 3        # each worker's own loopback port
        # New connections to the public port are spread over the workers (each has its own
        # socket in the port's SO_REUSEPORT group), not all taken by the first one awake.
        pool = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(32)]
        answered = set()
        for conn in pool:
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
            conn.close()
            answered.add(json.loads(answer.split(b"\r\n\r\n", 1)[1])["instance"])
        assert answered == {i["id"] for i in cluster(url)["instances"]}
        # ...which must not let a second server start on the same port and take a share.
        again = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=server.env,
                               capture_output=True, text=True, timeout=60)
        assert again.returncode == 1
        assert [line for line in again.stderr.splitlines() if line.startswith("wildcat:")] \
            == [f"wildcat: cannot listen on 127.0.0.1:{server.port}: Address already in use "
                "(another server on that port?)"]
        watcher = ws_connect(url, "events=message.sent")
        ids = set()
        for _ in range(3):                     # the public port picks any worker
            for name in names:
                answer = send(url, name, "hi")
                assert answer.ok, answer.text
                ids.add(answer.json()["messageId"])
        events = read_until(watcher, lambda seen: len(seen) >= len(ids))
        assert {e["messageId"] for e in events} == ids
        metrics = requests.get(url + "/metrics").text
        assert "wildcat_instance{" in metrics
    finally:
        assert server.stop(signal.SIGTERM) == 0, server.log()


def test_a_live_request_at_another_instance_is_relayed_to_its_owner(tmp_path):
    """The receiving worker relays a plain live request (its bytes all read) to the owner
    before Flask; a streamed body takes the Flask path. Both answer as the owner does,
    keep the client's connection as asked, and keep a same-origin browser request
    same-origin (the owner checks the original host)."""
    data = str(tmp_path / "data")
    env = {**CLUSTER_ENV, "LOG_LEVEL": "INFO"}
    servers = [ClusterServer(env, data).start() for _ in range(2)]
    try:
        for server in servers:
            server.ready()
        urls = [s.url for s in servers]
        create_and_scan(urls, ["r0", "r1"])
        wait_until(lambda: spread(urls[0], 2) == [1, 1], timeout=30, message="1/1")
        ids = [requests.get(u + "/health").json()["instance"] for u in urls]
        owned = owners(urls[0])
        account = owned[ids[1]][0]              # owned by the second, asked at the first
        path = f"{urls[0]}/accounts/{account}/message/send"
        body = {"to": "15559990000", "message": "relayed"}

        with requests.Session() as http:
            for _ in range(3):                  # one kept-alive client connection
                answer = http.post(path, json=body)
                assert answer.status_code == 200, answer.text
                assert answer.headers["X-Wildcat-Instance"] == ids[1]
            assert "relayed to " + ids[1] in servers[0].log()
            bad = http.post(path, data=b'{"to": ', headers={"Content-Type": "application/json"})
            assert bad.status_code == 400 and bad.json()["code"] == "invalid_json"
            same_origin = http.post(path, json=body, headers={"Origin": urls[0]})
            assert same_origin.status_code == 200, same_origin.text
            foreign = http.post(path, json=body, headers={"Origin": "http://evil.example"})
            assert foreign.status_code == 403 and foreign.json()["code"] == "cross_origin"
            closing = http.post(path, json=body, headers={"Connection": "close"})
            assert closing.status_code == 200 and closing.headers["Connection"] == "close"

        # A chunked body is streamed by the Flask path, to the same owner.
        chunks = iter([json.dumps(body).encode()])
        streamed = requests.post(path, data=chunks, headers={
            "Content-Type": "application/json", "Origin": urls[0]})
        assert streamed.status_code == 200, streamed.text
        assert streamed.headers["X-Wildcat-Instance"] == ids[1]
        sent = requests.get(f"{urls[1]}/sandbox/accounts/{account}/sent").json()["sent"]
        assert len([m for m in sent if m.get("text") == "relayed"]) == 6
    finally:
        for server in servers:
            server.stop(signal.SIGTERM)


def test_every_account_route_is_classified_live_or_stored(app):
    """A new account route must say whether it needs the owner (forwarded) or not."""
    from wildcat.forwarding import STORED_ENDPOINTS, is_live
    account_routes = [r for r in app.url_map.iter_rules() if "account_id" in r.arguments]
    assert account_routes
    unclassified = [r.endpoint for r in account_routes
                    if not is_live(r.endpoint) and r.endpoint not in STORED_ENDPOINTS]
    assert unclassified == []
    assert is_live("groups.create_group") and is_live("sandbox_groups.group_event")
    assert not is_live("accounts.get_account") and not is_live(None)


def test_gunicorn_without_the_config_refuses_with_one_line(tmp_path):
    env = {**os.environ, "WILDCAT_DATA_DIR": str(tmp_path), "WILDCAT_DRIVER": "sandbox"}
    env.pop("WILDCAT_GUNICORN_HOOKS", None)
    done = subprocess.run([sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{free_port()}",
                           "app:app"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.startswith("wildcat:")]
    assert lines == ["wildcat: gunicorn needs WILDCAT's settings: run `gunicorn -c "
                     "python:wildcat.gunicorn_conf app:app` (or `python app.py`)"]
