"""Is an account's connection alive? What a driver tracks for `lastSeenAt` and /health."""
import threading
import time

from wildcat.drivers import base

# events that prove WhatsApp answered; the others come from the driver itself
FROM_WHATSAPP = frozenset({base.QR, base.PAIRED, base.CONNECTED, base.MESSAGE, base.RECEIPT,
                           base.HISTORY, base.LOGGED_OUT, base.STREAM_REPLACED,
                           base.TEMPORARY_BAN})


class Liveness:
    """When WhatsApp was last heard from for one account, and whether its keepalive is
    failing right now (a KEEPALIVE timeout with no restore or new connection since)."""

    def __init__(self):
        self.last_seen_ms = None
        self.keepalive_timeout = False

    def observe(self, kind, data):
        """Update from one driver event."""
        if kind == base.KEEPALIVE:
            self.keepalive_timeout = bool(data.get("timedOut"))
            if not self.keepalive_timeout:
                self.last_seen_ms = int(time.time() * 1000)
        elif kind in FROM_WHATSAPP:
            self.last_seen_ms = int(time.time() * 1000)
            if kind == base.CONNECTED:
                self.keepalive_timeout = False
        elif kind in (base.DISCONNECTED, base.CONNECT_FAILED, base.QR_TIMEOUT):
            self.keepalive_timeout = False

    def view(self):
        return {"lastSeenAt": self.last_seen_ms, "keepaliveTimeout": self.keepalive_timeout}


class LivenessBook:
    """One Liveness per account id, for a driver."""

    def __init__(self):
        self._records = {}
        self._lock = threading.Lock()

    def of(self, account_id):
        with self._lock:
            return self._records.setdefault(str(account_id), Liveness())

    def view(self, account_id):
        with self._lock:
            record = self._records.get(str(account_id))
        return record.view() if record is not None else None
