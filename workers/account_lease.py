"""One owner per account: the lease an account worker takes in the store before connecting."""
import logging
import time

from wildcat.domain import now_ms

log = logging.getLogger(__name__)


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

    def held_elsewhere(self) -> bool:
        """Another instance holds the lease, unexpired (one row read: what a standby worker
        asks before weighing placement, which reads every lease)."""
        lease = self.store.get_lease(self.account_id)
        return (lease is not None and lease["owner"] != self.owner
                and lease["expiresAt"] > now_ms())

    def release(self):
        if self.held:
            self.held = False
            try:
                self.store.release_lease(self.account_id, self.owner)
            except Exception:
                log.exception("account %s: releasing the lease failed", self.account_id)
