"""The sandbox driver: a simulated WhatsApp network.

Everything above the driver (workers, store, events, webhooks) runs for real; only the
network is simulated. A "session" is the JID an account was scanned as; it is exported into
the store like neonize's session file, so a restart reconnects without a new scan. The
network's world (who is on it, directories, fault switches, groups, held media, the `sent`
logs and the packets in flight) lives in the store (sandbox_world.py), so that accounts owned
by different processes talk to each other and an account that moves keeps its world.
"""
import json
import logging
import secrets
import threading
import time

from wildcat.drivers import base
from wildcat.drivers.sandbox_group_session import SandboxGroupSession
from wildcat.drivers.sandbox_groups import GroupNetwork
from wildcat.drivers.liveness import LivenessBook
from wildcat.drivers.sandbox_chat import SandboxChatDriver, SandboxChatSession
from wildcat.drivers.sandbox_world import SandboxWorld

log = logging.getLogger(__name__)


def _message_id():
    return "3EB0" + secrets.token_hex(8).upper()


def _now_ms():
    return int(time.time() * 1000)


def _author(stored, own_jid):
    """Who wrote a stored message: our JID for our own, else its `from`."""
    return own_jid if stored.get("fromMe") else stored.get("from") or stored.get("chatId")


def _target_key(target, own_jid):
    """The key a reaction/revoke addresses (WhatsApp's rules: participant only in groups)."""
    mine = bool(target.get("fromMe")) or (own_jid is not None and target.get("from") == own_jid)
    key = {"chatId": target["chatId"], "id": target["messageId"], "fromMe": mine}
    if not mine and (target.get("isGroup") or target["chatId"].endswith("@g.us")):
        key["participant"] = _author(target, own_jid)
    return key


# What whatsmeow reports when DNS cannot resolve WhatsApp's servers.
UNREACHABLE_ERROR = "dial tcp: lookup web.whatsapp.com on 127.0.0.53:53: no such host"


class SandboxDriver(SandboxChatDriver, base.Driver):
    """This process's side of the simulated network: its sessions by account, logins (the
    "session files"), connect attempts; the shared world is `world`, bound to the store by
    the Runtime (`bind_store`)."""
    name = "sandbox"

    def __init__(self):
        self._lock = threading.Lock()
        self._logins = {}      # account id -> jid (the "session store")
        self._sessions = {}    # account id -> live SandboxSession
        self.connections = {}  # account id -> its connect attempts (this process's only)
        self._liveness = LivenessBook()
        self._world = None
        self.group_network = GroupNetwork(self)

    def bind_store(self, store):
        self._world = SandboxWorld(store, self._online)

    @property
    def world(self) -> SandboxWorld:
        if self._world is None:
            raise RuntimeError("the sandbox driver has no store: the Runtime binds it")
        return self._world

    def close(self):
        if self._world is not None:
            self._world.close()

    # -- Driver --------------------------------------------------------------------------
    def open_session(self, account, on_event):
        session = SandboxSession(self, account["_id"], on_event, account.get("proxy"))
        with self._lock:
            self._sessions[account["_id"]] = session
        return session

    def has_session(self, account):
        return account["_id"] in self._logins

    def delete_session(self, account):
        with self._lock:
            self._logins.pop(account["_id"], None)

    def export_session(self, account):
        jid = self._logins.get(account["_id"])
        return json.dumps({"jid": jid}).encode() if jid else None

    def liveness(self, account):
        return self._liveness.view(account["_id"])

    def import_session(self, account, data):
        jid = json.loads(data.decode()).get("jid")
        if jid:
            with self._lock:
                self._logins[account["_id"]] = jid

    # -- the network ---------------------------------------------------------------------
    def session(self, account_id):
        """The account's live session, or None."""
        return self._sessions.get(account_id)

    def fail_connects(self, account_id, error):
        """Every connect of the account fails with `error` until clear_failures()."""
        self.world.set_fault(account_id, "failing", error)

    def clear_failures(self, account_id):
        self.world.set_fault(account_id, "failing", None)

    def sent(self, account_id):
        """What the network received from the account, oldest first."""
        return self.world.sent(account_id)

    def hold_media(self, message_id, data):
        """The network holds `data` as the media of `message_id` (what download_media
        reads), as WhatsApp's servers do for a while."""
        self.world.hold_media(message_id, data)

    def held_media(self, message_id):
        return self.world.held_media(message_id)

    def forget_media(self, message_id):
        self.world.forget_media(message_id)

    def kick(self, account_id, kind, data=None):
        """WhatsApp ends the account's connection for good (stream_replaced,
        temporary_ban, client_outdated); False when it has no live connection."""
        session = self._sessions.get(account_id)
        if session is None or not session.connected:
            return False
        session.connected = False
        session.emit(kind, data or {})
        return True

    def _forget(self, session):
        with self._lock:
            if self._sessions.get(session.account_id) is session:
                del self._sessions[session.account_id]

    def _online(self):
        """{jid: session} of this process's connected sessions (the mailbox's recipients)."""
        return {s.jid: s for s in list(self._sessions.values()) if s.connected and s.jid}

    def _recipients(self, sender, to, group):
        """(JIDs, chat) a message to `to` reaches: the peer account in a direct chat; the
        other members of a simulated group (`group`), in the group's chat. Only sandbox
        accounts: the network keeps nothing for a number nobody logged in as."""
        if to.endswith("@g.us"):
            jids = [j for j in (group.participants if group else ())
                    if j != sender.jid and self.world.on_network(j)]
            return jids, to
        return ([to] if self.world.on_network(to) else []), sender.jid

    def _packets(self, sender, request, result, group=None):
        """The packets carrying a message to the sandbox accounts it reaches (media stays
        with the network: the recipient downloads it)."""
        peers, chat = self._recipients(sender, request.to, group)
        if not peers:
            return []
        msg = {"messageId": result.messageId, "chatId": chat, "from": sender.jid,
               "fromMe": False, "timestamp": result.timestamp, "isGroup": chat != sender.jid,
               "pushName": sender.push_name}
        if request.kind == "reaction":
            msg.update(type="reaction", reaction={"messageId": request.target["messageId"],
                                                  "emoji": request.emoji or "",
                                                  "from": sender.jid})
        elif request.kind == "revoke":
            msg.update(type="revoke", revokedMessageId=request.target["messageId"])
        elif self._chat_delivery(sender, request, msg):
            pass
        elif request.kind in ("text", "reply", "status_text"):
            msg.update(type="text", text=request.text,
                       quotedMessageId=(request.quoted or {}).get("messageId"))
        else:
            msg.update(type="voice" if request.ptt else request.kind, caption=request.caption,
                       text=request.caption, mimetype=request.mimetype,
                       fileName=request.fileName, fileLength=len(request.data or b""),
                       hasMedia=True)
        return [{"to": jid, "kind": base.MESSAGE, "data": msg} for jid in peers]


class SandboxSession(SandboxChatSession, SandboxGroupSession, base.DriverSession):
    """One account on the simulated network."""

    def __init__(self, driver, account_id, on_event, proxy=None):
        self.driver = driver
        self.account_id = account_id
        self.on_event = on_event
        self.proxy = proxy
        self.jid = None
        self.push_name = None
        self.connected = False
        self.qr = None
        self._closed = False

    def record(self, entry, packets=()):
        """Log `entry` in the account's `sent` log and post `packets`, in one write."""
        self.driver.world.post(packets, account_id=self.account_id, sent=entry)

    def emit(self, kind, data=None):
        self.driver._liveness.of(self.account_id).observe(kind, data or {})
        self.on_event(base.DriverEvent(kind, data or {}))

    def start(self):
        self._closed = False
        attempts = self.driver.connections.setdefault(self.account_id, [])
        attempt = {"at": _now_ms(), "proxy": self.proxy}
        attempts.append(attempt)
        faults = self.driver.world.faults(self.account_id)
        error = faults.get("failing")
        if error is None and faults.get("unreachable"):
            error = UNREACHABLE_ERROR
        jid = self.driver._logins.get(self.account_id)
        attempt["outcome"] = "failed" if error is not None else "connected" if jid else "qr"
        if error is not None:
            self.emit(base.CONNECT_FAILED, {"error": error})
        elif jid:
            self._connect(jid)
        else:
            self.qr = "2@sandbox," + secrets.token_urlsafe(24) + "," + self.account_id
            self.emit(base.QR, {"code": self.qr})

    def _connect(self, jid):
        world = self.driver.world
        world.join(jid, self.account_id)
        self.jid, self.connected, self.qr = jid, True, None
        self.push_name = self.push_name or self.account_id
        self.emit(base.CONNECTED, {"jid": jid, "pushName": self.push_name})
        world.mailbox.start()
        world.mailbox.wake()        # what waited for this phone arrives now

    def stop(self):
        self.connected = False
        self._closed = True
        self.driver._forget(self)

    def logout(self):
        self.stop()
        self.driver.delete_session({"_id": self.account_id})

    def is_alive(self):
        return not self._closed

    # -- what the sandbox routes do ------------------------------------------------------
    def scan(self, phone):
        """The phone scanned the QR: log in as <phone>@s.whatsapp.net."""
        if self.connected:
            raise base.DriverError("already connected")
        if self.qr is None:
            raise base.DriverError("no QR code is pending")
        jid = f"{phone}@s.whatsapp.net"
        self.driver._logins[self.account_id] = jid
        self.emit(base.PAIRED, {"jid": jid, "pushName": self.account_id})
        self.emit(base.SESSION_CHANGED)
        self._connect(jid)
        return jid

    def drop(self):
        """The connection is lost; the worker's reconnect path restores it."""
        self.connected = False
        self.emit(base.DISCONNECTED, {"reason": "connection_lost", "willReconnect": False})

    def set_reachable(self, reachable):
        """WhatsApp's servers become unreachable (connects fail, the connection drops) or
        reachable again (the worker's next retry connects)."""
        if reachable:
            self.driver.world.set_fault(self.account_id, "unreachable", None)
            return
        self.driver.world.set_fault(self.account_id, "unreachable", True)
        if self.connected:
            self.drop()

    def unlink(self):
        """The phone removed this linked device."""
        self.connected = False
        self.driver.delete_session({"_id": self.account_id})
        self.emit(base.LOGGED_OUT, {"reason": "unlinked_from_phone"})

    def inject(self, msg):
        """A message arrives from WhatsApp (already normalised by the sandbox route)."""
        if msg.get("media") is not None:
            self.driver.world.hold_media(msg["messageId"], msg["media"], self.account_id)
        self.emit(base.MESSAGE, msg)

    def receipt(self, data):
        self.emit(base.RECEIPT, data)

    def history(self, data):
        self.emit(base.HISTORY, data)

    # -- DriverSession -------------------------------------------------------------------
    def pair_phone(self, phone):
        if self.qr is None:
            raise base.DriverError("pairing needs a pending QR login")
        return secrets.token_hex(2).upper() + "-" + secrets.token_hex(2).upper()

    def send(self, request):
        if not self.connected:
            raise base.NotConnected("account is not connected")
        group = self.check_group_send(request.to)
        self._require_on_whatsapp(request.to)
        result = base.SendResult(messageId=_message_id(), timestamp=_now_ms())
        record = {"messageId": result.messageId, "type": request.kind, "to": request.to,
                  "at": result.timestamp}
        if request.text is not None:
            record["text"] = request.text
        if request.caption is not None:
            record["caption"] = request.caption
        if request.kind == "reply":
            record.update(quotedMessageId=request.quoted["messageId"],
                          quotedText=request.quoted.get("text"),
                          quotedFrom=_author(request.quoted, self.jid))
        if request.kind == "reaction":
            record.update(reactionTo=request.target["messageId"], emoji=request.emoji,
                          key=_target_key(request.target, self.jid))
        if request.kind == "revoke":
            record.update(revokedMessageId=request.target["messageId"],
                          key=_target_key(request.target, self.jid))
        if request.data is not None:
            record.update(mediaSize=len(request.data), mimetype=request.mimetype,
                          fileName=request.fileName, ptt=request.ptt)
            self.driver.world.hold_media(result.messageId, request.data, self.account_id)
        self._chat_record(request, record)
        self.record(record, self.driver._packets(self, request, result, group))
        return result

    def send_chat_presence(self, to, state):
        if not self.connected:
            raise base.NotConnected("account is not connected")
        self.record({"type": "presence", "to": to, "state": state, "at": _now_ms()})

    def mark_read(self, chat_id, message_ids, sender):
        if not self.connected:
            raise base.NotConnected("account is not connected")
        packets = []
        if self.driver.world.on_network(chat_id):   # the other sandbox account sees them read
            packets.append({"to": chat_id, "kind": base.RECEIPT, "data": {
                "chatId": self.jid, "messageIds": list(message_ids), "type": "read",
                "timestamp": _now_ms(), "from": self.jid}})
        self.record({"type": "read", "to": chat_id, "messageIds": list(message_ids),
                     "sender": sender}, packets)

    def download_media(self, message):
        if not self.connected:
            raise base.NotConnected("account is not connected")
        data = self.driver.world.held_media(message["messageId"])
        if data is None:
            raise base.DriverError("media is no longer available")
        return data
