"""Fair-share placement of accounts over the live instances (DESIGN §10)."""
import contextlib
import logging
import math
import threading
import time

from wildcat.domain import now_ms, wants_owner

log = logging.getLogger(__name__)


def fair_share(accounts: int, instances: int) -> int:
    return math.ceil(accounts / max(1, instances))


class Placement:
    """Answers "may this instance take one more account?" and "how many should it give?".

    Owned by the Supervisor, which refreshes `observe()` every sync with the stored accounts;
    account workers ask `taking()` before taking a lease they do not hold. The counts come
    from the live leases (one store read), the instances from the InstanceRegistry. The
    fair share is ceil(accounts wanting an owner / live instances): an instance takes while
    it holds less, and gives away what it holds above it while another instance has room.
    """

    def __init__(self, store, registry, instance_id, capacity=None):
        self.store, self.registry, self.instance_id = store, registry, instance_id
        # The accounts this process can hold (wildcat/capacity.py): a hard ceiling, where
        # the fair share is a target. Standby workers of accounts held elsewhere hold no
        # session and do not count.
        self.capacity = capacity or (lambda: math.inf)
        self._lock = threading.Lock()
        self._accounts = None            # account id -> wants an owner (None: not observed)
        self._full_logged = 0.0

    def observe(self, accounts: dict):
        """The stored accounts by id, as the Supervisor last read them."""
        self._accounts = {a_id: wants_owner(a) for a_id, a in accounts.items()}

    def holdings(self) -> dict:
        """{instance id: [account ids]} over the live instances, from the live leases."""
        accounts = self._accounts or {}
        held = {instance_id: [] for instance_id in self.registry.live()}
        for lease in self.store.live_leases(now_ms()):
            if lease["accountId"] in accounts:
                held.setdefault(lease["owner"], []).append(lease["accountId"])
        return held

    def share(self, held=None) -> int:
        held = self.holdings() if held is None else held
        owned = {a for ids in held.values() for a in ids}
        wanting = len(owned) + sum(1 for a, wants in (self._accounts or {}).items()
                                   if wants and a not in owned)
        live = max(1, len(self.registry.live()))
        return fair_share(wanting, live)

    @contextlib.contextmanager
    def taking(self, fair=True):
        """Hold while deciding and taking a lease, so this process's workers don't overshoot
        together; yields whether this instance may take one more account: below its
        capacity and (when `fair`) below its fair share."""
        with self._lock:
            if self._accounts is None:
                yield True               # not observed yet (tests, first start): no limit
                return
            held = self.holdings()
            mine = len(held.get(self.instance_id, []))
            room = mine < self.capacity()
            if not room and time.monotonic() > self._full_logged + 60:
                self._full_logged = time.monotonic()
                log.error("instance %s holds %d accounts, its capacity (WILDCAT_MAX_ACCOUNTS "
                          "or the open-files limit): it takes no more", self.instance_id, mine)
            yield room and (not fair or mine < max(1, self.share(held)))

    def to_give(self, movable=lambda account_id: True) -> list:
        """The account ids to hand over now: what this instance holds above its share, while
        another live instance holds less than the share; only `movable` ones (connected: a
        login waiting for its QR scan stays where it is)."""
        if self._accounts is None:
            return []
        held = self.holdings()
        share = max(1, self.share(held))
        mine = sorted(held.get(self.instance_id, []))
        live = self.registry.live()
        room = sum(max(0, share - len(held.get(i, []))) for i in live if i != self.instance_id)
        if len(mine) <= share or room == 0:
            return []
        return [a for a in mine if movable(a)][:min(room, len(mine) - share)]
