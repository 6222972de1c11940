"""The supervisor: one AccountWorker per account, kept in step with the store."""
import logging
import random
import threading
import time

from wildcat.domain import CONNECTED, STAYS_DOWN, backoff_delay, now_ms, wants_owner
from workers.account_worker import AccountWorker

log = logging.getLogger(__name__)

RESTART_BACKOFF_CAP = 300.0    # seconds between restarts of a worker that keeps dying


class Supervisor:
    """Starts a worker for every stored account and watches them.

    Started explicitly once the server process exists (never at import); stopped by
    `stop(timeout)`, which stops every worker within one shared deadline. Its watchdog thread
    restarts a worker thread that died and picks up accounts created or deleted by another
    instance on the same store (which is how a standby takes over an expired lease).
    """

    def __init__(self, config, store, driver, events, inbound=None, outbound=None,
                 placement=None):
        self.config, self.store, self.driver, self.events = config, store, driver, events
        self.inbound, self.outbound = inbound, outbound
        self.placement = placement       # None: one instance, every account is ours
        self.owner = f"{config.instance_id}"
        self.sync_interval = config.supervisor_interval
        self.name = "supervisor"
        self._workers = {}
        self._restarts = {}           # account id -> (failures, monotonic time of next try)
        self._lock = threading.RLock()
        self._stop_event = threading.Event()
        self._thread = None

    def start(self):
        accounts = self.store.list_accounts()
        if self.placement is not None:
            self.placement.observe({a["_id"]: a for a in accounts})
        delays = start_delays(accounts, self.config.start_spread_seconds)
        for account in accounts:
            self._spawn(account["_id"], autoconnect=self.config.auto_connect_on_start,
                        delay=delays.get(account["_id"], 0.0))
        self._thread = threading.Thread(target=self._watch, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout=15.0):
        self._stop_event.set()
        with self._lock:
            workers = list(self._workers.values())
        for worker in workers:
            worker.stop()
        deadline = time.monotonic() + timeout
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        try:
            self.driver.close()
        except Exception:
            log.exception("closing the driver failed")
        if self._thread:
            self._thread.join(max(0.0, deadline - time.monotonic()))

    def join(self, timeout=None):
        if self._thread:
            self._thread.join(timeout)

    def is_alive(self):
        return bool(self._thread and self._thread.is_alive())

    # -- workers -------------------------------------------------------------------------
    def get(self, account_id):
        with self._lock:
            return self._workers.get(account_id)

    def workers(self):
        with self._lock:
            return dict(self._workers)

    def add(self, account_id):
        """Start the worker of a newly created account and begin its login."""
        worker = self._spawn(account_id, autoconnect=False)
        return worker

    def remove(self, account_id):
        """Stop the account's worker, unlinking its session."""
        with self._lock:
            worker = self._workers.pop(account_id, None)
        if worker is not None:
            worker.delete()

    def _spawn(self, account_id, autoconnect, delay=0.0):
        with self._lock:
            worker = self._workers.get(account_id)
            if worker is not None and worker.is_alive():
                return worker
            worker = AccountWorker(account_id, store=self.store, driver=self.driver,
                                   events=self.events, config=self.config, owner=self.owner,
                                   inbound=self.inbound, outbound=self.outbound,
                                   placement=self.placement)
            self._workers[account_id] = worker
            worker.start(autoconnect=autoconnect, delay=delay)
            return worker

    def _watch(self):
        while not self._stop_event.wait(self.sync_interval):
            try:
                self._sync()
            except Exception:
                log.exception("supervisor sync failed")

    def _sync(self):
        stored = {a["_id"]: a for a in self.store.list_accounts()}
        with self._lock:
            known = dict(self._workers)
        for account_id, worker in known.items():
            if account_id not in stored:
                log.info("account %s: deleted elsewhere, stopping its worker", account_id)
                with self._lock:
                    self._workers.pop(account_id, None)
                worker.stop()
            elif worker.is_alive():
                self._restarts.pop(account_id, None)
            elif not self._stop_event.is_set() and self._restart_due(account_id):
                log.warning("account %s: worker thread died, restarting it", account_id)
                self._spawn(account_id, autoconnect=True)
        for account_id in stored.keys() - known.keys():
            log.info("account %s: found in the store, starting its worker", account_id)
            self._spawn(account_id, autoconnect=True)
        if self.placement is not None and not self._stop_event.is_set():
            self._place(stored)

    def _movable(self, account_id):
        worker = self.get(account_id)
        return worker is not None and worker.state().status == CONNECTED

    def _place(self, stored):
        """Claim accounts nobody owns that should be online; hand over what is above our
        fair share while another instance has room (it claims them on its next sync)."""
        self.placement.observe(stored)
        owned = {lease["accountId"] for lease in self.store.live_leases(now_ms())}
        for account_id, account in stored.items():
            worker = self.get(account_id)
            if worker is not None and account_id not in owned and wants_owner(account):
                worker.claim()
        for account_id in self.placement.to_give(self._movable):
            worker = self.get(account_id)
            if worker is not None:
                log.info("account %s: above this instance's fair share; handing it over",
                         account_id)
                worker.hand_over()

    # -- hardening: no tight restart loop -------------------------------------------------
    # (How many accounts this process holds is bounded where it takes their leases:
    # Placement.taking() stops at its capacity. A worker without the lease holds no session.)
    def _restart_due(self, account_id):
        """A worker that keeps dying is restarted after a growing, jittered delay."""
        failures, due = self._restarts.get(account_id, (0, 0.0))
        if time.monotonic() < due:
            return False
        failures += 1
        delay = backoff_delay(failures, self.sync_interval, RESTART_BACKOFF_CAP)
        self._restarts[account_id] = (failures, time.monotonic() + delay)
        return True


SPREAD_PER_ACCOUNT = 0.2      # default window: 5 connects a second...
SPREAD_MAX = 600.0            # ...over at most ten minutes


def start_delays(accounts, spread_seconds=None):
    """{account id: seconds to wait before its first connect} for a server start: the
    accounts that will reconnect get one slot each of a window (WILDCAT_START_SPREAD_SECONDS,
    default 0.2 s per such account, at most 600 s), in random order, jittered in their slot,
    so a restart with 500 numbers does not dial them all in the same second."""
    ids = [a["_id"] for a in accounts if a.get("status") not in STAYS_DOWN]
    if not ids:
        return {}
    window = (min(SPREAD_MAX, SPREAD_PER_ACCOUNT * len(ids)) if spread_seconds is None
              else spread_seconds)
    if window <= 0:
        return {}
    random.shuffle(ids)
    slot = window / len(ids)
    return {account_id: slot * (i + random.random()) for i, account_id in enumerate(ids)}
