"""What an account worker keeps in the store besides status: its lease and session snapshot."""
import logging
import time

from wildcat.events import now_ms

log = logging.getLogger(__name__)

SNAPSHOT_MIN_INTERVAL = 10.0  # seconds between two session snapshots of one account


def collection_name(account: dict) -> str:
    return account.get("collectionName") or f"auth_{account['_id']}"


class AccountLease:
    """One owner per account: taken before connecting, renewed every ttl/3, released on stop."""

    def __init__(self, store, account_id, owner, ttl):
        self.store, self.account_id, self.owner, self.ttl = store, account_id, owner, ttl
        self.held = False
        self.renew_at = 0.0

    def acquire(self) -> bool:
        """Take or renew the lease; False while another live instance holds it."""
        held = self.store.acquire_lease(self.account_id, self.owner, int(self.ttl * 1000),
                                        now_ms())
        if held and not self.held:
            log.info("account %s: lease taken by %s", self.account_id, self.owner)
        self.held = held
        self.renew_at = time.monotonic() + self.ttl / 3
        return held

    def release(self):
        if self.held:
            self.held = False
            try:
                self.store.release_lease(self.account_id, self.owner)
            except Exception:
                log.exception("account %s: releasing the lease failed", self.account_id)


class SessionSnapshots:
    """Copies the driver's stored login into the store (throttled) and back when it is lost."""

    def __init__(self, store, driver, account_id):
        self.store, self.driver, self.account_id = store, driver, account_id
        self.due = None
        self._last = 0.0

    def request(self):
        """Snapshot soon: now, or SNAPSHOT_MIN_INTERVAL after the last one."""
        if self.due is None:
            self.due = max(time.monotonic(), self._last + SNAPSHOT_MIN_INTERVAL)

    def save(self, account, allowed=True):
        """Take the snapshot now (only the lease holder may write it)."""
        self.due = None
        data = self.driver.export_session(account)
        if data and allowed:
            self.store.save_snapshot(collection_name(account), data)
            self._last = time.monotonic()

    def flush(self, account, allowed=True):
        if self.due is not None:
            self.save(account, allowed)

    def exists(self, account) -> bool:
        return self.store.load_snapshot(collection_name(account)) is not None

    def restore(self, account):
        """Bring the login back from the store when the local session is missing."""
        if self.driver.has_session(account):
            return
        data = self.store.load_snapshot(collection_name(account))
        if data:
            log.info("account %s: restoring the session from its snapshot", self.account_id)
            self.driver.import_session(account, data)

    def forget(self, account):
        """The login is gone for good (logout, unlinked): remove local and stored copies."""
        self.driver.delete_session(account)
        self.store.delete_snapshot(collection_name(account))
        self.due = None
