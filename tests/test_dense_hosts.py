"""Dense session hosts: K accounts in one real spawned child process.

Fake: only WhatsApp (unreachable here). tests/fake_sessions.py stands in for the neonize
client inside real children; its test levers (message texts such as "abort" or "leak 40")
make a host do what neonize or WhatsApp would: abort, leak descriptors, stop answering
keepalives. The pool, the pipes, the processes and the restarts are the real ones.
"""
import os
import subprocess
import sys
import threading

import pytest

from tests.fake_sessions import OWN_JID
from tests.util import ROOT, EventLog, child_pids, process_gone, wait_until
from wildcat.drivers import base
from workers.neonize import child_proc
from workers.neonize.parent_driver import NeonizeDriver

FAKE = "tests.fake_sessions:FakeSession"


@pytest.fixture
def make_driver(make_driver):
    """conftest's make_driver with dense defaults: 3 accounts a host, quick restarts."""
    def make(factory=FAKE, accounts_per_host=3, **kwargs):
        kwargs.setdefault("restart_backoff_base", 0.1)
        kwargs.setdefault("heartbeat_interval", 0.2)
        return make_driver(factory, accounts_per_host=accounts_per_host, **kwargs)
    return make


def open_connected(driver, *account_ids):
    """Sessions for the accounts, started and connected, in account order."""
    opened = {}
    for account_id in account_ids:
        log = EventLog()
        opened[account_id] = (driver.open_session({"_id": account_id}, log), log)
        opened[account_id][0].start()
    for session, log in opened.values():
        log.wait_for(base.CONNECTED)
    return opened


def text(body):
    return base.SendRequest(kind="text", to="1@s.whatsapp.net", text=body)


def ps_args(pid):
    return subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True,
                          text=True).stdout.strip()


def assert_title(pid, accounts):
    """`ps` names the host's accounts (setproctitle, pinned in requirements.txt); without
    it, only the 15-byte comm can be set."""
    try:
        import setproctitle  # noqa: F401
    except ImportError:
        with open("/proc/%d/comm" % pid) as f:
            assert f.read().strip() == child_proc.FALLBACK_COMM
        return
    wait_until(lambda: ps_args(pid) == child_proc.title_for(accounts), timeout=5)


def test_accounts_share_a_host_and_do_not_wait_for_each_other(make_driver, tmp_path):
    driver = make_driver()
    opened = open_connected(driver, "a", "b", "c", "d")
    pids = {name: session.pid for name, (session, _) in opened.items()}
    assert pids["a"] == pids["b"] == pids["c"] != pids["d"]   # K = 3
    assert len(child_pids()) == 2
    for name, (session, log) in opened.items():   # each account got its own events
        log.wait_for(base.MESSAGE)
        assert log.kinds()[:4] == [base.QR, base.PAIRED, base.CONNECTED, base.MESSAGE], name

    release = tmp_path / "release"
    slow_result = []
    slow = threading.Thread(target=lambda: slow_result.append(
        opened["a"][0].send(text("slow %s" % release))))
    slow.start()
    try:   # a's send is stuck in the child; b's send, b's receipts and c's start still run
        wait_until(lambda: slow.is_alive(), timeout=2)
        assert opened["b"][0].send(text("hi")).messageId == "OUT-1"
        opened["b"][0].mark_read("peer@s.whatsapp.net", ["IN-1"], None)
        opened["b"][1].wait_for(base.RECEIPT, timeout=5)
        opened["c"][0].start()
        opened["c"][1].wait_for(base.CONNECTED, count=2, timeout=5)
        assert slow.is_alive() and not slow_result
    finally:
        release.touch()
        slow.join(10)
    assert slow_result[0].messageId == "SLOW"

    opened["b"][0].stop()   # one account leaves; its neighbours stay in the same process
    assert opened["a"][0].pid == pids["a"] and opened["a"][0].send(text("x")).messageId
    assert_title(pids["a"], ["a", "c"])
    with pytest.raises(base.NotConnected):
        opened["b"][0].send(text("late"))


def test_a_crash_takes_down_only_its_host_and_all_its_accounts_come_back(make_driver):
    driver = make_driver()
    opened = open_connected(driver, "a", "b", "c", "d")
    shared, other = opened["a"][0].pid, opened["d"][0].pid
    with pytest.raises(base.DriverError):
        opened["a"][0].send(text("abort"))   # SIGABRT, like a Go fatal error
    for name in ("a", "b", "c"):
        session, log = opened[name]
        lost = log.wait_for(base.DISCONNECTED)
        assert lost.data == {"reason": "session_host_died", "willReconnect": True}
        assert log.wait_for(base.CONNECTED, count=2, timeout=10).data["jid"] == OWN_JID
        assert session.is_alive()
    assert process_gone(shared)
    fresh = {opened[name][0].pid for name in ("a", "b", "c")}
    assert len(fresh) == 1 and fresh.isdisjoint({shared, other})   # together, in a new host
    for name in ("a", "b", "c"):   # resumed from their session files: no new QR scan
        assert opened[name][1].kinds().count(base.QR) == 1
    # the other host and its account never noticed
    assert opened["d"][0].pid == other and base.DISCONNECTED not in opened["d"][1].kinds()
    assert opened["d"][0].send(text("still here")).messageId == "OUT-1"
    assert opened["b"][0].send(text("back")).messageId == "OUT-1"


def test_a_host_that_crashes_again_is_split_into_hosts_of_one(make_driver):
    driver = make_driver(split_after=2)
    opened = open_connected(driver, "a", "b", "c")
    first = opened["a"][0].pid
    for crash in (1, 2):
        with pytest.raises(base.DriverError):
            opened["a"][0].send(text("abort"))
        for session, log in opened.values():
            log.wait_for(base.CONNECTED, count=crash + 1, timeout=10)
    pids = [opened[name][0].pid for name in ("a", "b", "c")]
    assert len(set(pids)) == 3 and first not in pids   # one host each now
    assert all(host.solo and len(host.accounts) == 1 for host in driver.pool.hosts())
    for pid, name in zip(pids, ("a", "b", "c")):
        assert_title(pid, [name])
    with pytest.raises(base.DriverError):   # the poisoned account now only hurts itself
        opened["a"][0].send(text("abort"))
    opened["a"][1].wait_for(base.CONNECTED, count=4, timeout=10)
    assert [opened[n][0].pid for n in ("b", "c")] == pids[1:]
    # a new account is never put next to one that keeps crashing
    late = open_connected(driver, "e")["e"][0]
    assert late.pid not in [opened[n][0].pid for n in ("a", "b", "c")]


@pytest.mark.parametrize("lever,limit", [("leak 40", "max_fds"), ("balloon 120", "max_rss_mb")])
def test_a_leaking_host_is_replaced_and_its_accounts_move_without_a_scan(make_driver, lever,
                                                                         limit):
    driver = make_driver()
    opened = open_connected(driver, "a", "b")
    old = opened["a"][0].pid
    host = driver.pool.hosts()[0]
    wait_until(lambda: host.figures.get("fds"), timeout=5)
    setattr(driver.pool, limit, {"max_fds": host.figures["fds"] + 20,
                                 "max_rss_mb": host.figures["rssMb"] + 60}[limit])
    assert opened["a"][0].send(text(lever)).messageId in ("LEAK", "BALLOON")   # finishes first
    for name in ("a", "b"):
        session, log = opened[name]
        moved = log.wait_for(base.DISCONNECTED, timeout=10)
        assert moved.data == {"reason": "session_host_replaced", "willReconnect": True}
        log.wait_for(base.CONNECTED, count=2, timeout=10)
        assert log.kinds().count(base.QR) == 1   # the session file moved with it
    assert opened["a"][0].pid == opened["b"][0].pid != old
    assert process_gone(old) and driver.pool.replacements == 1
    assert opened["b"][0].send(text("moved")).messageId == "OUT-1"


def test_neonize_zombie_shells_are_reaped(make_driver):
    driver = make_driver("tests.fake_sessions:ZombieSession")
    session = open_connected(driver, "z")["z"][0]
    host = driver.pool.hosts()[0]
    wait_until(lambda: host.figures.get("zombiesReaped"), timeout=10)
    assert not _zombie_children(session.pid)
    assert_title(session.pid, ["z"])


def _zombie_children(pid):
    zombies = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] == "Z":
                zombies.append(int(entry))
    return zombies


def test_real_neonize_host_reaps_its_uname_shell_and_names_its_accounts(make_driver):
    driver = make_driver("workers.neonize.child_client:NeonizeClientSession")
    logs = {}
    for name in ("n1", "n2"):
        logs[name] = EventLog()
        driver.open_session({"_id": name}, logs[name]).start()
    for log in logs.values():
        log.wait_for(base.CONNECT_FAILED, timeout=20)   # offline: the dial fails
    host = driver.pool.hosts()[0]
    assert len(driver.pool.hosts()) == 1 and sorted(host.accounts) == ["n1", "n2"]
    wait_until(lambda: host.figures.get("zombiesReaped"), timeout=10)
    assert not _zombie_children(host.pid)
    assert_title(host.pid, ["n1", "n2"])


KEEPALIVE_SCRIPT = """
from neonize.events import KeepAliveRestoredEv, KeepAliveTimeoutEv
from wildcat.drivers import base
from workers.neonize import codec
from workers.neonize.child_client import NeonizeClientSession

out = []
s = NeonizeClientSession("acct", "unused.db", lambda k, d=None, final=False: out.append((k, d)))
client = s._build_client()   # registers the handlers; no connect (WhatsApp is unreachable)
s._on_keepalive(KeepAliveTimeoutEv(ErrorCount=2, LastSuccess=1700000000))
s._on_keepalive(KeepAliveRestoredEv())
assert out == [("keepalive", {"timedOut": True, "errorCount": 2, "lastSuccess": 1700000000000}),
               ("keepalive", {"timedOut": False, "errorCount": 0, "lastSuccess": None})], out
assert codec.normalise_keepalive(KeepAliveTimeoutEv(ErrorCount=1))["lastSuccess"] is None
print("ok")
"""


def test_real_neonize_keepalive_events_are_normalised():
    # in a subprocess: it loads neonize; the events are real neonize protobuf objects
    out = subprocess.run([sys.executable, "-c", KEEPALIVE_SCRIPT], cwd=ROOT,
                         capture_output=True, env=dict(os.environ, PYTHONPATH=ROOT),
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_a_deaf_connected_session_shows_reconnecting_and_is_counted(tmp_path):
    """Through the app: the account worker, a real SQLite store, the neonize driver with the
    fake client in a real child that stops hearing keepalive answers."""
    from tests.util import make_store, test_config
    from wildcat.factory import create_app

    config = test_config(tmp_path, driver="neonize")
    driver = NeonizeDriver(config, session_factory=FAKE)
    app = create_app(config, store=make_store("sqlite", tmp_path), driver=driver)
    runtime = app.extensions["wildcat"]
    runtime.start()
    client = app.test_client()
    try:
        assert client.post("/accounts", json={"id": "deaf"}).status_code == 201
        wait_until(lambda: client.get("/accounts/deaf").json["account"]["currentStatus"]
                   == "connected", timeout=15)
        account = client.get("/accounts/deaf").json["account"]
        seen = account["lastSeenAt"]
        assert seen.endswith("Z") and client.get("/health").json["accounts"][
            "keepaliveTimeout"] == 0

        sent = client.post("/accounts/deaf/message/send",
                           json={"to": "15550002222@s.whatsapp.net", "message": "keepalive-lost"})
        assert sent.status_code == 200, sent.json

        def deaf():
            view = client.get("/accounts/deaf").json["account"]
            return view["currentStatus"] == "reconnecting" and view["reason"] == "keepalive_timeout"
        wait_until(deaf, timeout=10)
        assert client.get("/health").json["accounts"]["keepaliveTimeout"] == 1
        assert client.get("/accounts/deaf").json["account"]["lastSeenAt"] == seen

        (tmp_path / "data" / "sessions" / "deaf.db.restore").touch()   # WhatsApp answers again
        wait_until(lambda: client.get("/accounts/deaf").json["account"]["currentStatus"]
                   == "connected", timeout=10)
        view = client.get("/accounts/deaf").json["account"]
        assert view["reason"] == "keepalive_restored" and view["lastSeenAt"] >= seen
        assert client.get("/health").json["accounts"]["keepaliveTimeout"] == 0
    finally:
        runtime.stop(timeout=15)


def test_host_settings_are_read_and_refused_when_wrong():
    from wildcat.config import ConfigError, load_config

    config = load_config({})
    assert (config.accounts_per_host, config.host_max_fds, config.host_max_rss_mb) == (10, 0, 0.0)
    config = load_config({"WILDCAT_ACCOUNTS_PER_HOST": "1", "WILDCAT_HOST_MAX_FDS": "300",
                          "WILDCAT_HOST_MAX_RSS_MB": "900"})
    assert (config.accounts_per_host, config.host_max_fds, config.host_max_rss_mb) == (1, 300,
                                                                                        900.0)
    for name, bad in (("WILDCAT_ACCOUNTS_PER_HOST", "0"), ("WILDCAT_ACCOUNTS_PER_HOST", "many"),
                      ("WILDCAT_HOST_MAX_FDS", "-1"), ("WILDCAT_HOST_MAX_RSS_MB", "lots")):
        with pytest.raises(ConfigError, match=name):
            load_config({name: bad})
    driver = NeonizeDriver(config)   # the limits follow K unless set
    assert (driver.pool.accounts_per_host, driver.pool.max_fds) == (1, 300)
    auto = NeonizeDriver(load_config({"WILDCAT_ACCOUNTS_PER_HOST": "20"})).pool
    assert (auto.max_fds, auto.max_rss_mb) == (64 + 16 * 20, 256 + 64 * 20)


def test_a_worker_slow_to_take_events_holds_up_only_its_own_account(make_driver):
    """The worker's on_event blocks while its queue is full; that must not stall the host's
    reader, which carries the events and replies of every account in the host."""
    driver = make_driver()
    release, blocked = threading.Event(), threading.Event()
    slow_log = EventLog()

    def slow_worker(event):
        slow_log(event)
        if event.kind == base.CONNECTED:
            blocked.set()
            release.wait(30)

    slow = driver.open_session({"_id": "slow"}, slow_worker)
    slow.start()
    try:
        assert blocked.wait(10)
        other = open_connected(driver, "quick")["quick"]
        assert other[0].pid == slow.pid   # the same host
        other[1].wait_for(base.MESSAGE)
        assert other[0].send(text("hi")).messageId == "OUT-1"
        assert base.MESSAGE not in slow_log.kinds()   # still held back, in order
    finally:
        release.set()
    assert slow_log.wait_for(base.MESSAGE).data["messageId"] == "IN-1"
