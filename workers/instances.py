"""This process's entry in the store's list of instances (DESIGN §10), kept fresh."""
import logging
import random
import threading

from wildcat.domain import iso_now, now_ms

log = logging.getLogger(__name__)


class InstanceRegistry:
    """Registers this instance `{_id, address, startedAt, heartbeatAt}` and keeps it alive.

    Started by `Runtime.start(address)` once the server process exists and knows where other
    instances reach it; stopped by `stop()` (SIGTERM), which removes the entry at once so the
    others stop counting it. Its thread beats every `interval` seconds, re-registers when a
    peer purged it (a long pause), purges instances silent for one lease TTL (dead), and
    caches the live list that placement and forwarding read.
    """

    name = "instance-registry"

    def __init__(self, config, store):
        self.config, self.store = config, store
        self.instance_id = config.instance_id
        self.ttl_ms = int(config.lease_ttl * 1000)
        self.interval = max(0.05, min(config.lease_ttl / 4, config.supervisor_interval, 5.0))
        self.address = None
        self.started_at = iso_now()
        self._live = {}
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._thread = None

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, address=None):
        self.address = address
        self._register()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.refresh()
        self._thread.start()

    def stop(self):
        """Leave the cluster: the entry goes now, not one TTL later."""
        self._stop_event.set()
        try:
            self.store.remove_instance(self.instance_id)
            log.info("instance %s: left the cluster", self.instance_id)
        except Exception:
            log.exception("instance %s: removing the registration failed", self.instance_id)

    def join(self, timeout=None):
        if self._thread:
            self._thread.join(timeout)

    def is_alive(self):
        return bool(self._thread and self._thread.is_alive())

    # -- readers -------------------------------------------------------------------------
    def live(self) -> dict:
        """{instance id: record} of the instances that beat within one TTL (cached)."""
        with self._lock:
            return dict(self._live)

    def address_of(self, instance_id):
        record = self.live().get(instance_id)
        if record is None:                   # joined since the last beat: look it up now
            record = self.refresh().get(instance_id)
        return record and record.get("address")

    def refresh(self) -> dict:
        now = now_ms()
        live = {i["_id"]: i for i in self.store.list_instances()
                if i["heartbeatAt"] > now - self.ttl_ms}
        if self._thread is not None and not self._stop_event.is_set():
            live.setdefault(self.instance_id, self._record(now))
        with self._lock:
            self._live = live
        return dict(live)

    # -- the thread ----------------------------------------------------------------------
    def _record(self, now):
        return {"_id": self.instance_id, "address": self.address,
                "startedAt": self.started_at, "heartbeatAt": now}

    def _register(self):
        self.store.register_instance(self._record(now_ms()))
        log.info("instance %s: registered (address %s)", self.instance_id, self.address)

    def _run(self):
        while not self._stop_event.wait(self.interval * random.uniform(0.9, 1.0)):
            try:
                self._beat()
            except Exception:
                log.exception("instance %s: heartbeat failed", self.instance_id)

    def _beat(self):
        now = now_ms()
        if not self.store.heartbeat_instance(self.instance_id, now):
            log.warning("instance %s: was purged as dead (paused?); registering again",
                        self.instance_id)
            self._register()
        gone = self.store.purge_instances(now - self.ttl_ms)
        if gone:
            log.info("instance %s: purged %d dead instance(s)", self.instance_id, gone)
        self.refresh()
