"""The neonize driver's session host: real spawned child processes, the real pipe protocol.

Fake: only WhatsApp's servers (unreachable here). tests/fake_sessions.py stands in for the
neonize client inside a real child; the "real neonize" tests run the real client, whose
connect fails within milliseconds offline ("failed to dial whatsapp web websocket").
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.fake_sessions import OWN_JID, PEER_JID, write_device_db
from tests.util import child_pids, open_session, process_gone, wait_until
from wildcat.drivers import base

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAKE = "tests.fake_sessions:FakeSession"
DIAL_ERROR = "failed to dial whatsapp web websocket"


# -- (a) the pipe protocol end to end, with a fake client in a real child -----------------
def mode(path):
    return os.stat(path).st_mode & 0o777


def assert_private(driver, account_id="acct1"):
    """The data dir and sessions dir 0700, the session file and its side files 0600."""
    assert mode(driver.config.data_dir) == 0o700 and mode(driver.sessions_dir) == 0o700
    path = driver.session_path(account_id)
    files = [p for p in (path, path + "-wal", path + "-shm", path + "-journal")
             if os.path.exists(p)]
    assert path in files
    assert {p: mode(p) for p in files} == {p: 0o600 for p in files}


def test_fake_session_qr_connect_message_send_logout(make_driver, permissive_umask):
    driver = make_driver()
    session, log = open_session(driver)
    session.start()
    assert log.wait_for(base.QR).data == {"code": "2@fake-qr-acct1"}
    assert log.wait_for(base.CONNECTED).data == {"jid": OWN_JID, "pushName": "Fake"}
    assert_private(driver)   # written by the child, under the server's umask 000
    inbound = log.wait_for(base.MESSAGE).data
    assert inbound["messageId"] == "IN-1" and inbound["raw"] == b"\x0a\x05hello"
    assert log.kinds()[:4] == [base.QR, base.PAIRED, base.CONNECTED, base.MESSAGE]
    assert driver.has_session({"_id": "acct1"})

    result = session.send(base.SendRequest(kind="text", to="1@s.whatsapp.net", text="hi"))
    assert result == base.SendResult(messageId="OUT-1", timestamp=1700000000000, raw=b"hi")
    assert session.download_media({"messageId": "IN-1", "raw": b"x"}) == b"media-of-IN-1"
    session.mark_read(PEER_JID, ["IN-1"], None)
    assert log.wait_for(base.RECEIPT).data["messageIds"] == ["IN-1"]
    with pytest.raises(base.DriverError):
        session.mark_read("refuse@s.whatsapp.net", ["IN-1"], None)

    pid = session.pid
    session.logout()
    assert log.wait_for(base.LOGGED_OUT).data == {"reason": "logout"}
    assert process_gone(pid) and pid not in child_pids()
    assert not os.path.exists(driver.session_path("acct1"))
    assert not driver.has_session({"_id": "acct1"}) and not session.is_alive()
    with pytest.raises(base.NotConnected):
        session.send(base.SendRequest(kind="text", to="1@s.whatsapp.net", text="late"))


def test_pair_phone_round_trip(make_driver):
    session, log = open_session(make_driver())
    with pytest.raises(base.NotConnected):
        session.pair_phone("15550003333")   # no child yet
    session.start()
    log.wait_for(base.QR)
    assert session.pair_phone("15550003333") == "FAKE-3333"


def test_driver_errors_in_the_child_surface_in_the_parent(make_driver):
    session, log = open_session(make_driver())
    session.start()
    log.wait_for(base.CONNECTED)
    with pytest.raises(base.DriverError) as failed:
        session.send(base.SendRequest(kind="text", to="1@s.whatsapp.net", text="please fail"))
    assert str(failed.value) == "fake send failure" and type(failed.value) is base.DriverError
    with pytest.raises(base.DriverError, match="RuntimeError: unexpected bug"):
        session.send(base.SendRequest(kind="text", to="1@s.whatsapp.net", text="please crash"))
    # the child keeps serving after both
    assert session.send(base.SendRequest(kind="text", to="x", text="ok")).messageId == "OUT-1"


def test_remote_calls_reach_only_the_listed_session_methods(make_driver):
    session, log = open_session(make_driver())
    session.start()
    log.wait_for(base.CONNECTED)
    assert session.remote("echo", 1, "two") == {"args": [1, "two"], "connected": True}
    for name in ("secret", "stop", "__init__"):
        with pytest.raises(base.DriverError, match="unknown command"):
            session.remote(name)
    assert session.remote("echo") == {"args": [], "connected": True}   # still serving


def test_start_twice_keeps_one_child(make_driver):
    session, log = open_session(make_driver())
    session.start()
    log.wait_for(base.CONNECTED)
    pid = session.pid
    session.start()
    log.wait_for(base.CONNECTED, count=2)
    assert session.pid == pid and len(child_pids()) == 1


def test_qr_timeout_is_forwarded_and_not_reported_as_death(make_driver):
    session, log = open_session(make_driver("tests.fake_sessions:QrTimeoutSession"))
    session.start()
    pid = session.pid
    log.wait_for(base.QR_TIMEOUT)
    wait_until(lambda: process_gone(pid))   # its host held only this account: it ends
    assert not session.is_alive() and session.pid is None
    assert base.DISCONNECTED not in log.kinds()
    session.start()   # a new child for a new QR login
    log.wait_for(base.QR, count=2)
    assert session.pid != pid


def test_silent_child_is_killed_by_the_heartbeat(make_driver):
    driver = make_driver("tests.fake_sessions:SilentSession", heartbeat_interval=0.2,
                         heartbeat_timeout=1.0)
    session, log = open_session(driver)
    session.start()
    log.wait_for(base.QR)
    frozen = session.pid
    os.kill(frozen, signal.SIGSTOP)   # alive but answering nothing
    started = time.monotonic()
    with pytest.raises(base.DriverError):   # the pending send fails with the child
        session.send(base.SendRequest(kind="text", to="1@s.whatsapp.net", text="stuck"))
    # The heartbeat (1 s) ended it, not the send's own 180 s timeout.
    assert time.monotonic() - started < 30
    event = log.wait_for(base.DISCONNECTED, timeout=5)
    assert event.data == {"reason": "session_host_died", "willReconnect": True}
    assert process_gone(frozen) and session.is_alive()
    log.wait_for(base.QR, count=2, timeout=10)   # the pool restarted it in a fresh host
    assert session.pid not in (None, frozen)


def test_stop_kills_a_child_that_does_not_stop(make_driver):
    session, log = open_session(make_driver("tests.fake_sessions:SilentSession",
                                            stop_grace=0.5, heartbeat_timeout=60))
    session.start()
    log.wait_for(base.QR)
    pid = session.pid
    os.kill(pid, signal.SIGSTOP)
    started = time.monotonic()
    session.stop()
    assert time.monotonic() - started < 15   # stop_grace 0.5 s, then a kill: never a hang
    assert process_gone(pid) and pid not in child_pids()
    assert base.DISCONNECTED not in log.kinds()


def test_close_stops_every_session_in_parallel(make_driver):
    # 3 children that ignore stop, 2.5 s grace each: one after another would take 7.5 s or
    # more; in parallel it is 2.5 s plus the kills, which leaves a busy CI 4.5 s of room.
    driver = make_driver("tests.fake_sessions:SilentSession", stop_grace=2.5,
                         heartbeat_timeout=60)
    opened = [open_session(driver, "acct%d" % i) for i in range(3)]
    for session, log in opened:
        session.start()
    pids = []
    for session, log in opened:
        log.wait_for(base.QR)
        pids.append(session.pid)
        os.kill(session.pid, signal.SIGSTOP)   # none of them will stop by itself
    started = time.monotonic()
    driver.close()
    assert time.monotonic() - started < 7
    assert all(process_gone(pid) for pid in pids) and not child_pids()


# -- (b) the real neonize client, offline --------------------------------------------------
def test_real_neonize_offline_retry_leak_replacement_kill_and_stop(make_driver,
                                                                  permissive_umask):
    driver = make_driver("workers.neonize.child_client:NeonizeClientSession",
                         heartbeat_interval=0.2, restart_backoff_base=0.1)
    session, log = open_session(driver)
    session.start()
    assert DIAL_ERROR in log.wait_for(base.CONNECT_FAILED, timeout=15).data["error"]
    assert_private(driver)   # whatsmeow's own SQLite file, created before it dials
    first = session.pid
    host = driver.pool.hosts()[0]
    wait_until(lambda: host.figures.get("fds"), timeout=5)
    # each failed neonize connect leaks one descriptor: three more and the host is replaced
    driver.pool.max_fds = host.figures["fds"] + 2
    attempt = 1
    while base.DISCONNECTED not in log.kinds():
        assert attempt < 30, "the leaking host was never replaced"
        attempt += 1
        fds = host.figures["fds"]
        session.start()
        log.wait_for(base.CONNECT_FAILED, count=attempt, timeout=15)
        # the next heartbeat reports the leaked descriptor (or the host is already gone)
        wait_until(lambda: host.figures["fds"] > fds or base.DISCONNECTED in log.kinds())
    moved = log.wait_for(base.DISCONNECTED)
    assert moved.data == {"reason": "session_host_replaced", "willReconnect": True}
    wait_until(lambda: base.CONNECT_FAILED in after(log, 1), timeout=15)   # started at once
    second = session.pid
    assert second != first and process_gone(first) and driver.pool.replacements == 1
    driver.pool.max_fds = 10_000

    os.kill(second, signal.SIGKILL)
    died = log.wait_for(base.DISCONNECTED, count=2)
    assert died.data == {"reason": "session_host_died", "willReconnect": True}
    assert session.is_alive()   # the pool restarts it by itself, after a backoff
    wait_until(lambda: base.CONNECT_FAILED in after(log, 2), timeout=15)
    assert DIAL_ERROR in log.events[-1].data["error"]
    third = session.pid
    assert third not in (first, second) and session.is_alive()

    session.stop()
    assert process_gone(third) and not child_pids() and not session.is_alive()
    assert log.kinds().count(base.DISCONNECTED) == 2


def after(log, count):
    """The event kinds that came after the `count`-th DISCONNECTED."""
    kinds = log.kinds()
    cuts = [i for i, kind in enumerate(kinds) if kind == base.DISCONNECTED]
    return kinds[cuts[count - 1] + 1:] if len(cuts) >= count else []


# -- (c) the child never outlives its parent ----------------------------------------------
PARENT_SCRIPT = """
import sys, threading, types
from workers.neonize.parent_driver import NeonizeDriver
driver = NeonizeDriver(types.SimpleNamespace(data_dir=sys.argv[1], log_level="WARNING"),
                       session_factory=sys.argv[2])
seen = threading.Event()
session = driver.open_session({"_id": "orphan"}, lambda ev: seen.set())
session.start()
seen.wait(30)
print(session.pid, flush=True)
threading.Event().wait()
"""


@pytest.mark.parametrize("factory", [FAKE, "workers.neonize.child_client:NeonizeClientSession"])
def test_child_exits_when_parent_is_killed(tmp_path, factory):
    parent = subprocess.Popen([sys.executable, "-c", PARENT_SCRIPT, str(tmp_path), factory],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=ROOT))
    try:
        child = int(parent.stdout.readline())
        assert not process_gone(child)
    finally:
        parent.kill()
        parent.wait(5)
    wait_until(lambda: process_gone(child), timeout=5)


# -- (d) session files ---------------------------------------------------------------------
def test_export_import_round_trip_and_has_session(make_driver, tmp_path, permissive_umask):
    driver = make_driver()
    account = {"_id": "acct1"}
    assert not driver.has_session(account) and driver.export_session(account) is None
    path = driver.session_path(account)
    os.makedirs(os.path.dirname(path))
    sqlite3.connect(path).close()   # an empty database: no whatsmeow tables yet
    assert not driver.has_session(account)
    write_device_db(path, OWN_JID)
    assert driver.has_session(account)

    data = driver.export_session(account)
    assert data.startswith(b"SQLite format 3\x00")
    driver.delete_session(account)
    assert not os.path.exists(path) and not driver.has_session(account)
    driver.import_session(account, data)
    assert driver.has_session(account)
    assert_private(driver)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT jid FROM whatsmeow_device").fetchall() == [(OWN_JID,)]
    conn.close()
    assert [n for n in os.listdir(os.path.dirname(path)) if n.startswith(".import-")] == []

    with pytest.raises(base.DriverError):
        driver.import_session(account, b"not a database")
    assert driver.has_session(account)   # the good file is untouched
    with open(path, "wb") as f:
        f.write(b"garbage" * 100)
    assert not driver.has_session(account)
    with pytest.raises(base.DriverError):
        driver.session_path("../escape")


def test_spawn_tightens_a_session_file_left_open(make_driver, permissive_umask):
    driver = make_driver()
    path = driver.session_path("acct1")
    os.makedirs(os.path.dirname(path), mode=0o755)
    os.chmod(driver.config.data_dir, 0o755)
    write_device_db(path, OWN_JID)
    os.chmod(path, 0o644)
    session, log = open_session(driver)
    session.start()
    log.wait_for(base.CONNECTED)
    assert_private(driver)


# -- (e) the web process never loads neonize ----------------------------------------------
NO_NEONIZE_SCRIPT = """
import sys, threading, types
from wildcat.drivers import base
from workers.neonize.parent_driver import NeonizeDriver
assert "neonize" not in sys.modules
driver = NeonizeDriver(types.SimpleNamespace(data_dir=sys.argv[1], log_level="WARNING"))
failed = threading.Event()
session = driver.open_session({"_id": "web"}, lambda ev: ev.kind == base.CONNECT_FAILED and failed.set())
assert "neonize" not in sys.modules
session.start()
assert failed.wait(20), "no CONNECT_FAILED from the real session host"
driver.close()
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "neonize"
                or m in ("workers.neonize.child_client", "workers.neonize.codec"))
assert not loaded, loaded
print("clean")
"""


def test_web_process_never_imports_neonize(tmp_path):
    out = subprocess.run([sys.executable, "-c", NO_NEONIZE_SCRIPT, str(tmp_path)], cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "clean", out.stderr[-2000:]


OPUS_SCRIPT = """
import subprocess, sys
from workers.neonize.child_client import to_opus
wav = subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                      "sine=frequency=440:duration=1", "-f", "wav", "-"],
                     capture_output=True, check=True).stdout
ogg = to_opus(wav)
assert ogg[:4] == b"OggS" and b"OpusHead" in ogg[:100], ogg[:100]
print("ok")
"""


@pytest.mark.skipif(not os.path.exists("/usr/bin/ffmpeg"), reason="ffmpeg not installed")
def test_voice_notes_are_converted_to_ogg_opus():
    # in a subprocess: workers.neonize.child_client loads neonize, which this process must not
    out = subprocess.run([sys.executable, "-c", OPUS_SCRIPT], cwd=ROOT, capture_output=True,
                         env=dict(os.environ, PYTHONPATH=ROOT), text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


MAPPING_SCRIPT = """
import sys
from neonize.events import (ConnectedEv, DisconnectedEv, LoggedOutEv, MessageEv, PairStatusEv,
                            TemporaryBanEv)
from neonize.proto.Neonize_pb2 import Device, JID, MessageInfo, MessageSource
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message
from wildcat.drivers import base
from workers.neonize.child_client import NeonizeClientSession

out = []
s = NeonizeClientSession("acct", sys.argv[1], lambda k, d=None, final=False: out.append((k, d, final)))
s._client = s._build_client()   # no connect: WhatsApp is unreachable here
try:
    s.pair_phone("123"); raise SystemExit("pairing before the first QR must fail")
except base.DriverError:
    pass
s._on_qr(None, b"2@code")
s._on_login_status("timeout"); s._on_login_status("timeout")
assert out == [("qr", {"code": "2@code"}, False), ("qr_timeout", {}, True)], out
out.clear()
me = JID(User="155", Device=3, Server="s.whatsapp.net")
s._client.me = Device(JID=me, PushName="Me")
s._on_paired(PairStatusEv(ID=me, Status=PairStatusEv.SUCCESS))
s._on_connected(ConnectedEv())
s._on_disconnected(DisconnectedEv())
s._on_temporary_ban(TemporaryBanEv(Code=1, Expire=3600))
reason = LoggedOutEv.DESCRIPTOR.fields_by_name["Reason"].enum_type.values_by_name["LOGGED_OUT"]
s._on_logged_out(LoggedOutEv(Reason=reason.number))
peer = JID(User="166", Server="s.whatsapp.net")
s._on_message(MessageEv(Info=MessageInfo(ID="ABC", Timestamp=1700000000000, MessageSource=
    MessageSource(Chat=peer, Sender=peer)), Message=Message(conversation="hi")))
kinds = [(k, d) for k, d, _ in out]
own = {"jid": "155@s.whatsapp.net", "pushName": "Me"}
assert kinds[:7] == [("paired", own), ("session_changed", {}), ("connected", own),
    ("session_changed", {}), ("disconnected", {"reason": "connection_lost", "willReconnect": True}),
    ("temporary_ban", {"code": "SEND_TO_TOO_MANY_PEOPLE", "expire": 3600}),
    ("logged_out", {"reason": "LOGGED_OUT"})], kinds
assert kinds[7][0] == "message" and kinds[7][1]["text"] == "hi", kinds[7]

target = {"messageId": "ABC", "chatId": "166@s.whatsapp.net", "from": "155@s.whatsapp.net",
          "fromMe": True, "text": "hi"}
req = lambda **kw: base.SendRequest(to="166@s.whatsapp.net", **kw)
assert s._build(None, req(kind="reaction", target=target, emoji="x")).reactionMessage.key.fromMe
assert s._build(None, req(kind="revoke", target=target)).protocolMessage.key.ID == "ABC"
reply = s._build(None, req(kind="reply", text="re", quoted=target)).extendedTextMessage
assert reply.contextInfo.stanzaID == "ABC" and reply.text == "re"
try:
    s.send(req(kind="text", text="x")); raise SystemExit("send while logged out must fail")
except base.NotConnected:
    pass
print("ok")
"""


def test_neonize_client_session_maps_events_and_builds_messages(tmp_path):
    # in a subprocess: it loads neonize; events are synthetic (no WhatsApp server offline)
    out = subprocess.run([sys.executable, "-c", MAPPING_SCRIPT, str(tmp_path / "s.db")],
                         cwd=ROOT, capture_output=True, env=dict(os.environ, PYTHONPATH=ROOT),
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


# -- issue 11: the chat extras' remote calls, real mixin over a fake client ----------------
def test_chat_extras_through_the_session_host(make_driver):
    pytest.importorskip("neonize")
    session, log = open_session(make_driver("tests.fake_chat_sessions:ChatSession"))
    session.start()
    log.wait_for(base.CONNECTED)
    assert session.check_numbers(["+4915112345678", "+15557770000"]) == [
        {"phone": "+4915112345678", "exists": True, "jid": "4915112345678@s.whatsapp.net",
         "lid": "123456789012345@lid"},
        {"phone": "+15557770000", "exists": False, "jid": None, "lid": None}]
    assert session.contact_info("4915112345678@s.whatsapp.net") == {
        "pictureUrl": None, "about": "Busy building"}      # a hidden picture is None
    with pytest.raises(base.NotOnWhatsApp):
        session.contact_info("15557770000@s.whatsapp.net")
    session.send_presence("recording", "4915112345678@s.whatsapp.net")
    session.send_presence("unavailable", None)
    session.set_blocked("4915112345678@s.whatsapp.net", True)
    session.reject_call("CALL1", "123456789012345@lid")
    assert session.remote("client_calls") == [
        ["chat_presence", "4915112345678@s.whatsapp.net", "CHAT_PRESENCE_COMPOSING",
         "CHAT_PRESENCE_MEDIA_AUDIO"],
        ["presence", "UNAVAILABLE"],
        ["blocklist", "4915112345678@s.whatsapp.net", "BLOCK"],
        ["reject_call", "123456789012345@lid", "CALL1"]]


CHAT_SCRIPT = """
import sys
from neonize.proto import Neonize_pb2 as np
from wildcat.drivers import base
from wildcat.drivers.vcard import build_vcard
from workers.neonize import codec
from workers.neonize.child_client import NeonizeClientSession

out = []
s = NeonizeClientSession("acct", sys.argv[1], lambda k, d=None, final=False: out.append((k, d)))
s._client = s._build_client()   # no connect: WhatsApp is unreachable here
target = {"messageId": "ABC", "chatId": "166@s.whatsapp.net", "fromMe": True, "text": "hi"}
req = lambda **kw: base.SendRequest(to="166@s.whatsapp.net", **kw)
assert s._build(None, req(kind="location", payload={"latitude": 1.5, "longitude": 2.5})
                ).locationMessage.degreesLongitude == 2.5
card = {"name": "Ann", "phone": "+15551230001", "vcard": build_vcard("Ann", "+15551230001")}
assert s._build(None, req(kind="contact", payload={"contacts": [card]})).contactMessage.vcard
poll = s._build(None, req(kind="poll", payload={"question": "Q", "options": ["a", "b"]}))
assert len(poll.messageContextInfo.messageSecret) == 32 and len(poll.pollCreationMessage.options) == 2
edit = s._build(None, req(kind="edit", target=target, payload={"text": "new"})).protocolMessage
assert edit.editedMessage.conversation == "new" and edit.key.ID == "ABC"
status = s._build(None, req(kind="status_text", text="st", payload={"backgroundColor": "#000000"}))
assert status.extendedTextMessage.backgroundArgb == 0xFF000000
# presence and calls from the event handlers (synthetic events), the stores never touched
peer = codec.parse_jid("166@s.whatsapp.net")
s._on_chat_presence(np.ChatPresence(MessageSource=np.MessageSource(Chat=peer, Sender=peer),
                                    State=np.ChatPresence.COMPOSING))
meta = np.BasicCallMeta(callID="C1", callCreator=peer)
getattr(meta, "from").CopyFrom(peer)
s._on_call_offer(np.CallOffer(basicCallMeta=meta))
lid = codec.parse_jid("999@lid")
s._on_message(np.Message(Info=np.MessageInfo(ID="L1", Timestamp=1700000000000, MessageSource=
    np.MessageSource(Chat=lid, Sender=lid)), Message=__import__(
        "neonize.proto.waE2E.WAWebProtobufsE2E_pb2", fromlist=["Message"]).Message(conversation="x")))
kinds = [k for k, _ in out]
assert kinds == ["presence", "call", "message"], kinds
assert out[0][1]["state"] == "composing" and out[1][1]["callId"] == "C1"
assert out[2][1]["from"] == "999@lid" and out[2][1]["fromLid"] == "999@lid"   # not logged in: no lookup
from workers.neonize.child_chat import ChildChatMixin
for name in ChildChatMixin.REMOTE_METHODS:
    try:
        getattr(s, name)(*{"send_presence": ("available", None), "check_numbers": (["+1555"],),
                           "contact_info": ("1@s.whatsapp.net",), "set_blocked": ("1@s.whatsapp.net", True),
                           "reject_call": ("C1", "1@s.whatsapp.net")}[name])
        raise SystemExit(name + " must refuse while not connected")
    except base.NotConnected:
        pass
print("ok")
"""


def test_neonize_client_session_chat_extras(tmp_path):
    # in a subprocess: it loads neonize; events are synthetic (no WhatsApp server offline)
    out = subprocess.run([sys.executable, "-c", CHAT_SCRIPT, str(tmp_path / "s.db")],
                         cwd=ROOT, capture_output=True, env=dict(os.environ, PYTHONPATH=ROOT),
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
