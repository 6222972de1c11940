"""The sandbox's simulated WhatsApp kept in the store (issue 13 item 6).

Every process on a store sees one world, so an account that moves to another process (a
crash, a hand-over, a newcomer taking its share) finds it intact, as with real WhatsApp: who
is on the network, each account's directory of registered numbers and fault switches, the
groups and invite codes (sandbox_groups.py), the media the network holds, the `sent` log, and
a mailbox of packets (messages, receipts, group notes) addressed to JIDs. A `Mailbox` thread
per process hands the packets addressed to its connected sessions to them; packets for a JID
with no connected session wait, as WhatsApp keeps messages for a phone that is offline.

Keys of the world's documents: `jid:<jid>` (an account logged in as jid), `registered:<id>`,
`faults:<id>`, `media:<messageId>`, `group:<groupId>`, `invite:<code>`.
"""
import io
import logging
import random
import threading
import time

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05            # how often the mailbox looks for packets posted elsewhere
BATCH = 100                    # packets read per look
RETENTION_MS = 24 * 3600 * 1000    # undelivered packets older than this are purged
PURGE_EVERY_SECONDS = 300.0
NETWORK = "~sandbox-network"   # owner of media held for no account in particular


def now_ms():
    return int(time.time() * 1000)


class SandboxWorld:
    """The driver's view of the world in the store; every method is safe from any thread."""

    def __init__(self, store, sessions):
        self.store = store
        self._known = set()        # JIDs seen on the network (never forgotten: cheap reads)
        self.mailbox = Mailbox(store, sessions)

    # -- who is on the network -------------------------------------------------------------
    def join(self, jid, account_id):
        """The account is logged in as `jid`: packets addressed to it are kept for it."""
        if jid in self._known:
            return
        doc = {"accountId": account_id}
        if self.store.world_get("jid:" + jid) != doc:
            self.store.world_change("jid:" + jid, lambda cur: doc)
        self._known.add(jid)

    def on_network(self, jid):
        """True when some sandbox account has logged in as `jid`."""
        if jid in self._known:
            return True
        if jid and self.store.world_get("jid:" + jid) is not None:
            self._known.add(jid)
            return True
        return False

    # -- per account: registered numbers, fault switches ------------------------------------
    def directory(self, account_id):
        doc = self.store.world_get("registered:" + account_id)
        return None if doc is None else doc["numbers"]

    def set_directory(self, account_id, numbers):
        self.store.world_change("registered:" + account_id, lambda cur: {"numbers": numbers})

    def faults(self, account_id):
        """{unreachable?: True, failing?: error} of the account."""
        return self.store.world_get("faults:" + account_id) or {}

    def set_fault(self, account_id, name, value):
        """Set one fault switch (None clears it)."""
        def change(cur):
            doc = dict(cur or {}, **{name: value})
            doc = {k: v for k, v in doc.items() if v is not None}
            return doc or None
        self.store.world_change("faults:" + account_id, change)

    # -- the media the network holds ------------------------------------------------------
    def hold_media(self, message_id, data, account_id=NETWORK):
        """The network keeps `data` as the media of `message_id` (deleted with the
        account that sent or received it)."""
        info = self.store.put_media(account_id, io.BytesIO(bytes(data)), filename=message_id,
                                    mimetype="application/octet-stream")
        replaced = []

        def change(cur):
            replaced[:] = [cur["mediaId"]] if cur else []
            return {"mediaId": info["mediaId"]}
        self.store.world_change("media:" + message_id, change)
        for media_id in replaced:
            self.store.delete_media(media_id)

    def held_media(self, message_id):
        """The bytes the network holds for `message_id`, or None."""
        doc = self.store.world_get("media:" + message_id)
        blob = self.store.open_media(doc["mediaId"]) if doc else None
        if blob is None:
            return None
        with blob:
            return blob.read()

    def forget_media(self, message_id):
        """The network no longer has the media of `message_id`."""
        gone = []

        def change(cur):
            gone[:] = [cur["mediaId"]] if cur else []
        self.store.world_change("media:" + message_id, change)
        for media_id in gone:
            self.store.delete_media(media_id)

    # -- the mailbox and the sent log -----------------------------------------------------
    def post(self, packets, account_id=None, sent=None):
        """Log `sent` for the account and post `packets` ({to, kind, data}) in one write;
        a connected session of this process gets its packets before this returns."""
        if not packets and sent is None:
            return
        self.store.world_post(list(packets), now_ms(), account_id=account_id, sent=sent)
        if packets:
            self.mailbox.deliver_now([p["to"] for p in packets])

    def sent(self, account_id):
        return self.store.list_sent(account_id)

    def close(self):
        self.mailbox.stop()
        self.mailbox.join(5)


class Mailbox:
    """The thread handing this process's connected sessions the packets addressed to them,
    in order, acknowledging each once emitted. Started by the first connection (`start` is
    idempotent, and starts again after a stop); stopped by Driver.close(), which
    Supervisor.stop calls. Owns only its thread; `sessions()` gives {jid: session} of the
    connected sessions."""

    name = "sandbox-mailbox"

    def __init__(self, store, sessions):
        self.store, self.sessions = store, sessions
        self._lock = threading.Lock()
        self._delivering = threading.Lock()   # one deliverer at a time: each packet once
        self._thread = None
        self._halt = threading.Event()
        self._woken = threading.Event()
        self._purged_at = 0.0

    def start(self):
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._halt = threading.Event()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def wake(self):
        self._woken.set()

    def stop(self):
        self._halt.set()
        self._woken.set()

    def join(self, timeout=None):
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def is_alive(self):
        return bool(self._thread and self._thread.is_alive())

    def _run(self):
        halt, failures = self._halt, 0
        while not halt.is_set():
            self._woken.wait(POLL_SECONDS)
            self._woken.clear()
            if halt.is_set():
                break
            try:
                with self._delivering:
                    self.deliver()
                self._purge()
                failures = 0
            except Exception:
                failures += 1
                log.exception("sandbox mailbox: delivery failed (attempt %d)", failures)
                halt.wait(min(5.0, 0.1 * 2 ** failures) * random.uniform(0.5, 1.0))

    def deliver_now(self, jids):
        """Deliver on the calling thread when one of `jids` is connected here, so that a
        note or message between two accounts of one process is queued at the recipient
        before the sender's call returns (in order with what the sender does next);
        otherwise, or when the mailbox is busy, the thread does it."""
        online = self.sessions()
        if not any(jid in online for jid in jids) or not self._delivering.acquire(timeout=1.0):
            self.wake()
            return
        try:
            self.deliver()
        except Exception:
            log.exception("sandbox mailbox: delivery failed; the mailbox thread retries")
            self.wake()
        finally:
            self._delivering.release()

    def deliver(self):
        """Emit every pending packet addressed to a connected session here; how many.
        Callers hold `_delivering`."""
        delivered = 0
        while True:
            online = self.sessions()
            if not online:
                return delivered
            packets = self.store.pending_packets(list(online), BATCH)
            done = []
            for packet in packets:
                session = online.get(packet["to"])
                if session is None or not session.connected:
                    continue                    # it went offline: the packet waits
                session.emit(packet["kind"], packet["data"])
                done.append(packet["seq"])
            self.store.ack_packets(done)
            delivered += len(done)
            if len(packets) < BATCH or not done:
                return delivered

    def _purge(self):
        if time.monotonic() - self._purged_at < PURGE_EVERY_SECONDS:
            return
        self._purged_at = time.monotonic()
        gone = self.store.purge_packets(now_ms() - RETENTION_MS)
        if gone:
            log.info("sandbox mailbox: purged %d undelivered packets older than a day", gone)
