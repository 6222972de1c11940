"""Which webhooks this instance sends for: each webhook's lane is leased by one instance at
a time (exactly one sender per delivery) and the lanes are spread over the live instances."""
import logging
import math

from wildcat.domain import now_ms

log = logging.getLogger(__name__)

# Not a valid account id (the colon), so never an account's lease.
LANE_LEASE = "webhook-lane:"


class LaneLeases:
    """The webhook dispatcher's lane leases (DESIGN §10, webhook sending spread).

    `update(webhook_ids, busy)` runs on the dispatcher thread every renewal period (ttl/3):
    it renews what it holds, releases lanes of deleted or disabled webhooks, gives away
    lanes above its fair share (ceil(lanes / live instances)) while another instance has
    room — only lanes with nothing in flight or being recorded, so a delivery is never sent
    by two instances — and takes unowned lanes up to its share. `release_all()` at stop.
    """

    def __init__(self, store, instances, instance_id, ttl):
        self.store, self.instances, self.instance_id = store, instances, instance_id
        self.ttl_ms = int(ttl * 1000)
        self.held = set()

    def _key(self, webhook_id):
        return LANE_LEASE + webhook_id

    def update(self, webhook_ids, busy=lambda webhook_id: False) -> set:
        wanted = set(webhook_ids)
        now = now_ms()
        owners = {}
        for lease in self.store.live_leases(now):
            if lease["accountId"].startswith(LANE_LEASE):
                owners[lease["accountId"][len(LANE_LEASE):]] = lease["owner"]
        live = set(self.instances.live()) | {self.instance_id}
        share = max(1, math.ceil(len(wanted) / len(live)))
        counts = {i: 0 for i in live}
        for webhook_id, owner in owners.items():
            if webhook_id in wanted and owner in counts:
                counts[owner] += 1
        for webhook_id in sorted(self.held):
            if webhook_id not in wanted:
                self._release(webhook_id)
            elif not self.store.acquire_lease(self._key(webhook_id), self.instance_id,
                                              self.ttl_ms, now):
                log.warning("webhook %s: lane lost to another instance", webhook_id)
                self.held.discard(webhook_id)
        room = sum(max(0, share - n) for i, n in counts.items() if i != self.instance_id)
        for webhook_id in sorted(self.held, reverse=True):
            if len(self.held) <= share or room <= 0:
                break
            if not busy(webhook_id):
                self._release(webhook_id)
                room -= 1
        for webhook_id in sorted(wanted - self.held):
            if len(self.held) >= share:
                break
            if webhook_id in owners:       # another instance's, until it gives it up
                continue
            if self.store.acquire_lease(self._key(webhook_id), self.instance_id, self.ttl_ms,
                                        now):
                log.info("webhook %s: this instance sends for it now", webhook_id)
                self.held.add(webhook_id)
        return set(self.held)

    def _release(self, webhook_id):
        self.held.discard(webhook_id)
        self.store.release_lease(self._key(webhook_id), self.instance_id)

    def release_all(self):
        for webhook_id in list(self.held):
            try:
                self._release(webhook_id)
            except Exception:   # the store may be gone at shutdown; the lease then expires
                log.exception("webhook %s: releasing the lane failed", webhook_id)
