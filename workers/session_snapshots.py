"""The account's WhatsApp login copied into the store, so a lost disk keeps the login."""
import logging
import time

from wildcat.domain import collection_name

log = logging.getLogger(__name__)

SNAPSHOT_MIN_INTERVAL = 10.0  # seconds between two session snapshots of one account


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
