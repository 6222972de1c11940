"""Test-only session classes for the session host. They run inside a REAL spawned child
(loaded by factory path "tests.fake_sessions:FakeSession"); only WhatsApp itself is faked,
because its servers cannot be reached here. The pipe, process and protocol are the real ones."""
import os
import sqlite3
import threading
import time

from wildcat.drivers import base

OWN_JID = "15550001111@s.whatsapp.net"
PEER_JID = "15550002222@s.whatsapp.net"


class FakeSession:
    """start(): QR, then (like a scan) PAIRED, CONNECTED and one inbound MESSAGE. Writes a
    whatsmeow-shaped session file on login so has_session() sees it."""

    REMOTE_METHODS = ("echo",)

    def __init__(self, account_id, session_path, emit, gate=None):
        self.account_id = account_id
        self.session_path = session_path
        self.emit = emit
        self.gate = gate
        self.connected = False
        self.qr_shown = False
        self.sent = 0

    def start(self):
        if os.path.exists(self.session_path):   # a stored login: resume without a scan
            self.connected = True
            self.emit(base.CONNECTED, {"jid": OWN_JID, "pushName": "Fake"})
            return
        self.qr_shown = True
        self.emit(base.QR, {"code": "2@fake-qr-" + self.account_id})
        write_device_db(self.session_path, OWN_JID)
        self.emit(base.PAIRED, {"jid": OWN_JID, "pushName": "Fake"})
        self.connected = True
        self.emit(base.CONNECTED, {"jid": OWN_JID, "pushName": "Fake"})
        self.emit(base.MESSAGE, {
            "messageId": "IN-1", "chatId": PEER_JID, "from": PEER_JID, "fromMe": False,
            "timestamp": int(time.time() * 1000), "type": "text", "text": "hello gateway",
            "caption": None, "pushName": "Peer", "isGroup": False, "quotedMessageId": None,
            "hasMedia": False, "raw": b"\x0a\x05hello", "media": None})

    def stop(self):
        self.connected = False

    def logout(self):
        self.connected = False
        self.emit(base.LOGGED_OUT, {"reason": "logout"})

    def pair_phone(self, phone):
        if not self.qr_shown:
            raise base.DriverError("no QR login pending")
        return "FAKE-%s" % phone[-4:]

    def send(self, request):
        if not self.connected:
            raise base.NotConnected("account is not connected")
        if request.text == "please fail":
            raise base.DriverError("fake send failure")
        if request.text == "please crash":
            raise RuntimeError("unexpected bug")
        verb, _, arg = (request.text or "").partition(" ")
        if verb in COMMANDS:
            return COMMANDS[verb](self, arg)
        self.sent += 1
        return base.SendResult(messageId="OUT-%d" % self.sent, timestamp=1700000000000,
                               raw=(request.text or "").encode())

    def download_media(self, message):
        return b"media-of-" + message["messageId"].encode()

    def echo(self, *args):
        return {"args": list(args), "connected": self.connected}

    def secret(self):   # not in REMOTE_METHODS: the parent may not call it
        return "leaked"

    def mark_read(self, chat_id, message_ids, sender):
        if chat_id == "refuse@s.whatsapp.net":
            raise base.DriverError("fake mark_read failure")
        self.emit(base.RECEIPT, {"chatId": chat_id, "messageIds": message_ids, "type": "read",
                                 "timestamp": 1, "from": sender, "self": True})


# Test levers, sent as the text of a message: what WhatsApp or neonize would do to a host.
def _abort(session, arg):
    """Die like a Go `fatal error: concurrent map writes`: SIGABRT, the whole host goes."""
    os.abort()


def _slow(session, path):
    """A send that takes as long as the test wants: until `path` exists (30 s at most)."""
    deadline = time.monotonic() + 30
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.02)
    return base.SendResult(messageId="SLOW", timestamp=1700000000000)


_LEAKED = []


def _leak(session, count):
    """Leak descriptors like neonize's failed connects do."""
    _LEAKED.extend(os.open(os.devnull, os.O_RDONLY) for _ in range(int(count)))
    return base.SendResult(messageId="LEAK", timestamp=1700000000000)


def _balloon(session, megabytes):
    """Grow the host's RSS by `megabytes` (touched, so resident)."""
    _LEAKED.append(bytearray(b"\x01" * (int(megabytes) * 1024 * 1024)))
    return base.SendResult(messageId="BALLOON", timestamp=1700000000000)


def _keepalive_lost(session, arg):
    """WhatsApp stops answering keepalives until `<session file>.restore` exists."""
    session.emit(base.KEEPALIVE, {"timedOut": True, "errorCount": 1,
                                  "lastSuccess": int(time.time() * 1000) - 20000})

    def restore():
        deadline = time.monotonic() + 60
        while not os.path.exists(session.session_path + ".restore"):
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)
        session.emit(base.KEEPALIVE, {"timedOut": False, "errorCount": 0, "lastSuccess": None})
    threading.Thread(target=restore, daemon=True).start()
    return base.SendResult(messageId="KEEPALIVE", timestamp=1700000000000)


COMMANDS = {"abort": _abort, "slow": _slow, "leak": _leak, "balloon": _balloon,
            "keepalive-lost": _keepalive_lost}


class ZombieSession(FakeSession):
    """Leaves a finished, unreaped shell behind, exactly as neonize's import does
    (`os.popen("uname -a").read()` never closed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._uname = os.popen("uname -a")
        self._uname.read()


class QrTimeoutSession(FakeSession):
    """A QR login nobody scans: the codes run out and the host finishes itself."""

    def start(self):
        self.emit(base.QR, {"code": "2@never-scanned"})
        self.emit(base.QR_TIMEOUT, {}, final=True)


class SilentSession(FakeSession):
    """Connects nowhere and says nothing (for parent-death and heartbeat tests)."""

    def start(self):
        self.emit(base.QR, {"code": "2@pid-%d" % os.getpid()})


def write_device_db(path, jid):
    """A session file shaped like whatsmeow's, holding one device."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS whatsmeow_device (jid TEXT PRIMARY KEY, "
                     "push_name TEXT)")
        conn.execute("INSERT OR REPLACE INTO whatsmeow_device VALUES (?, ?)", (jid, "Fake"))
        conn.commit()
    finally:
        conn.close()


class FakeGroupsSession(FakeSession):
    """FakeSession with the group methods the parent calls by name (issue 12): one group,
    run by someone else; the account is a member, not an admin."""

    REMOTE_METHODS = FakeSession.REMOTE_METHODS + (
        "list_groups", "group_info", "update_group", "join_group", "set_group_picture")
    GROUP = {"id": "120363000000000001@g.us", "subject": "Fake group", "description": None,
             "owner": PEER_JID, "createdAt": 1700000000000, "announce": False,
             "locked": False, "participants": [
                 {"jid": PEER_JID, "phone": "15550002222", "lid": None, "admin": "superadmin"},
                 {"jid": OWN_JID, "phone": "15550001111", "lid": None, "admin": None}]}

    def list_groups(self):
        return [self.GROUP]

    def group_info(self, group_id):
        if group_id != self.GROUP["id"]:
            raise base.NotInGroup("the account is not in this group")
        return self.GROUP

    def update_group(self, group_id, changes):
        raise base.NotGroupAdmin("only group admins can change this")

    def join_group(self, code):
        raise base.InvalidInvite("the invite code is invalid or was revoked")

    def set_group_picture(self, group_id, image):
        return len(image)
