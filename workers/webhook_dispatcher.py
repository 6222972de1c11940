"""The webhook dispatcher: drains the durable outbox to the endpoints (DESIGN §8)."""
import collections
import logging
import queue
import threading
import time

from wildcat.domain import FAILED, backoff_delay, now_ms
from workers.webhook_lane_leases import LaneLeases
from workers.webhook_lanes import Lane
from workers.webhook_sender import Outcome, attempt, make_session, result_fields

log = logging.getLogger(__name__)

RETRY_MARGIN = 0.01        # wake a little after a retry is due in the store
RECORD_BATCH = 200         # attempt results stored per transaction, at most
RECORD_LINGER = 0.01       # seconds a batch waits for more results (fewer transactions)
RECORD_BACKLOG = 1000      # results waiting to be stored before sending pauses
# One purger per store (expired deliveries). Not a valid account id, so never an account's
# lease. Sending is per webhook lane, leased by one instance each (webhook_lane_leases.py).
DISPATCH_LEASE = "webhook-dispatcher:"
PURGE_INTERVAL = 3600.0    # seconds between purges of expired finished deliveries
FANOUT_CHECK_INTERVAL = 30.0   # seconds between looks for events left without deliveries
FANOUT_GRACE = 30.0        # an event's writer may still be creating them this long


class WebhookDispatcher:
    """Delivers every outbox entry at least once, isolating endpoints from each other.

    Created by the Runtime, started by `Runtime.start()` (after the server process exists),
    stopped by `stop()` + `join()`. The outbox (wildcat/services/outbox.py) writes each
    event's deliveries before anything is published and wakes it. It owns one dispatcher
    thread that
    reads due deliveries per webhook ("lane") from the store — at start, when woken, when a
    retry falls due and every `webhook_poll_interval` — and a pool of
    `webhook_concurrency` sender threads, each with its own keep-alive session.

    Isolation: a lane starts with 2 requests in flight and doubles per fast success. A lane
    whose endpoint fails or answers slower than `slow_after` (or has a request in flight for
    that long) is *suspect*: one request at a time, and all suspect lanes together use at
    most a quarter of the senders; after BREAKER_AFTER failures in a row it pauses with
    capped backoff (or the endpoint's Retry-After) and probes with one delivery. The last
    `reserve` free senders only go to lanes with nothing in flight. So a dead or slow
    endpoint's backlog never holds more than its share, and never the whole pool.
    """

    name = "webhook-dispatcher"

    def __init__(self, config, store, outbox, instances):
        self.config, self.store, self.outbox = config, store, outbox
        self.lane_leases = LaneLeases(store, instances, config.instance_id, config.lease_ttl)
        self._held = frozenset()          # webhook ids whose lanes this instance sends for
        self._renewed_version = -1
        self.registry = outbox.registry
        outbox.on_written = self.notify
        n = self.concurrency = config.webhook_concurrency
        self.suspect_slots, self.reserve = max(1, n // 4), max(1, n // 8)
        self.slow_after = min(2.0, config.webhook_timeout / 2)
        self.batch = max(100, 16 * n)
        self.stats = collections.Counter()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop_event = threading.Event()
        self._jobs, self._results = queue.Queue(), queue.Queue()
        self._lanes, self._lanes_version, self._rr = {}, -1, 0
        self._free, self._suspect_inflight = n, 0
        self._next_poll = 0.0
        self._thread, self._recorder, self._senders = None, None, []
        self.leading, self._lease_renew_at = False, 0.0
        self._next_purge = 0.0
        self._next_fanout_check = 0.0

    # -- lifecycle -----------------------------------------------------------------------
    def start(self):
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        for i in range(self.concurrency):
            sender = threading.Thread(target=self._send_loop, name=f"webhook-sender-{i}",
                                      daemon=True)
            sender.start()
            self._senders.append(sender)
        self._recorder = threading.Thread(target=self._record_loop, name="webhook-recorder",
                                          daemon=True)
        self._recorder.start()

    def stop(self):
        """Stop sending; undelivered entries stay pending in the store."""
        self._stop_event.set()
        self._wake.set()
        for _ in self._senders:
            self._jobs.put(None)

    def join(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in [self._thread, *self._senders, self._recorder]:
            if thread is not None:
                thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))

    def is_alive(self):
        return bool(self._thread and self._thread.is_alive())

    # -- signals from other threads ------------------------------------------------------
    def notify(self, webhook_ids):
        """New due deliveries exist for these webhooks."""
        with self._lock:
            for webhook_id in webhook_ids:
                lane = self._lanes.get(webhook_id)
                if lane is not None:
                    lane.dirty = True
        self._wake.set()

    def webhooks_changed(self):
        self.registry.invalidate()
        self._wake.set()

    def snapshot(self) -> dict:
        """Counters for metrics and health."""
        with self._lock:
            return {"leading": self.leading, "lanes": len(self._lanes),
                    "lanesHeld": len(self._held), "inflight": self.concurrency - self._free,
                    "queued": sum(len(lane.queue) for lane in self._lanes.values()),
                    "recording": self._results.qsize(),
                    **self.stats}

    # -- dispatcher thread ---------------------------------------------------------------
    def _run(self):
        log.info("webhook dispatcher started (%d senders)", self.concurrency)
        errors = 0
        while not self._stop_event.is_set():
            try:
                self.outbox.retry_unsaved()
                if self._lead():
                    self._purge_expired()
                    self._complete_fanouts()
                timeout = min(self._cycle(), self._until_renewal())
                errors = 0
            except Exception:
                errors += 1
                timeout = backoff_delay(errors, 0.5, 30.0)
                log.exception("webhook dispatcher: cycle failed; retrying in %.1fs", timeout)
            self._wake.wait(timeout)
            self._wake.clear()
        self._release_lanes()
        if self.leading:
            try:
                self.store.release_lease(DISPATCH_LEASE, self.config.instance_id)
            except Exception:   # the store may be gone at shutdown; the lease then expires
                log.exception("webhook dispatcher: releasing the dispatch lease failed")
        log.info("webhook dispatcher stopped")

    def _lead(self) -> bool:
        """Renew the lane leases and the store-wide purge lease (every ttl/3, and at once
        when the webhooks changed)."""
        self.registry.all()
        if (time.monotonic() >= self._lease_renew_at
                or self.registry.version != self._renewed_version):
            ttl = self.config.lease_ttl
            self._lease_renew_at = time.monotonic() + ttl / 3
            self._renew_lanes()
            held = self.store.acquire_lease(DISPATCH_LEASE, self.config.instance_id,
                                            int(ttl * 1000), now_ms())
            if held != self.leading:
                log.info("webhook dispatcher: %s", "purging expired deliveries for this store"
                         if held else "another instance purges for this store")
            self.leading = held
        return self.leading

    def _renew_lanes(self):
        self._renewed_version = self.registry.version
        enabled = [w["_id"] for w in self.registry.all() if w.get("enabled") is not False]
        held = frozenset(self.lane_leases.update(enabled, busy=self._lane_busy))
        if held != self._held:
            log.info("webhook dispatcher: sending for %d of %d webhooks", len(held),
                     len(enabled))
            with self._lock:    # lanes given away: what we had queued is the new holder's
                self._held, self._lanes_version = held, -1

    def _lane_busy(self, webhook_id):
        with self._lock:
            lane = self._lanes.get(webhook_id)
            return bool(lane and (lane.inflight or lane.recording))

    def _release_lanes(self):
        """At stop, once nothing is in flight (or the senders are gone): the others take the
        lanes now instead of one TTL later."""
        deadline = time.monotonic() + 5
        idle = threading.Event()        # never set: a bounded wait between checks
        while any(self._lane_busy(w) for w in self._held) and time.monotonic() < deadline:
            idle.wait(0.02)
        self.lane_leases.release_all()

    def _purge_expired(self):
        """Delivered and failed deliveries expire after WILDCAT_WEBHOOK_RETENTION_DAYS."""
        days = self.config.webhook_retention_days
        if not days or time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + PURGE_INTERVAL
        cutoff = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() - days * 86400))
        purged = self.store.purge_deliveries(cutoff)
        if purged:
            log.info("webhook dispatcher: %d deliveries older than %g days expired", purged, days)

    def _complete_fanouts(self):
        """Deliveries of events whose writer died between logging the event and creating
        them (MongoDB; SQLite writes both in one transaction), once they are FANOUT_GRACE
        seconds old: created now, each once."""
        if time.monotonic() < self._next_fanout_check:
            return
        self._next_fanout_check = time.monotonic() + FANOUT_CHECK_INTERVAL
        done = self.store.complete_fanout(now_ms() - int(FANOUT_GRACE * 1000))
        if done:
            log.warning("webhook dispatcher: %d deliveries of interrupted events completed",
                        done)
            self._wake.set()

    def _until_renewal(self) -> float:
        return max(0.05, self._lease_renew_at - time.monotonic())

    def _cycle(self) -> float:
        now = time.monotonic()
        poll = now >= self._next_poll
        if poll:
            self._next_poll = now + self.config.webhook_poll_interval
        self._sync_lanes(poll)
        for lane in list(self._lanes.values()):
            if lane.wants_fetch(now, self.concurrency):
                self._fetch(lane, now)
        self._dispatch(time.monotonic())
        return self._next_timeout()

    def _sync_lanes(self, all_dirty):
        hooks = self.registry.all()
        with self._lock:
            if self.registry.version != self._lanes_version:
                old, self._lanes = self._lanes, {}
                for webhook in hooks:
                    if webhook.get("enabled") is False:
                        continue        # disabled: its deliveries wait, pending, in the store
                    if webhook["_id"] not in self._held:
                        continue        # another instance sends for it
                    lane = old.get(webhook["_id"]) or Lane(webhook)
                    lane.webhook = webhook
                    self._lanes[lane.id] = lane
                self._lanes_version = self.registry.version
            if all_dirty:
                for lane in self._lanes.values():
                    lane.dirty = True

    def _fetch(self, lane, now):
        with self._lock:
            lane.due_retries_taken(now)
            lane.dirty = False
            exclude, limit = lane.claimed(), self.batch - len(lane.queue)
        rows = self.store.due_deliveries(now_ms(), limit=limit, exclude_ids=exclude,
                                         webhook_id=lane.id)
        with self._lock:
            lane.add(rows)
            if len(rows) >= limit:
                lane.dirty = True

    def _dispatch(self, now):
        with self._lock:
            lanes = list(self._lanes.values())
            progressed = True
            if self._results.qsize() > RECORD_BACKLOG:
                return                  # the store is behind: let the recorder catch up
            while self._free > 0 and progressed and lanes:
                progressed = False
                self._rr = (self._rr + 1) % len(lanes)
                for i in range(len(lanes)):
                    lane = lanes[(self._rr + i) % len(lanes)]
                    if self._free > 0 and lane.queue and self._may_send(lane, now):
                        delivery = lane.take()
                        suspect = lane.suspect
                        lane.inflight[delivery["_id"]] = (now, suspect)
                        self._free -= 1
                        self._suspect_inflight += suspect
                        self._jobs.put((lane, delivery))
                        progressed = True

    def _may_send(self, lane, now):
        if lane.paused_until > now:
            return False
        lane.check_stuck(now, self.slow_after)
        if lane.suspect:
            if lane.inflight or self._suspect_inflight >= self.suspect_slots:
                return False
        elif len(lane.inflight) >= lane.cap:
            return False
        return not (lane.inflight and self._free <= self.reserve)

    def _next_timeout(self):
        now = time.monotonic()
        with self._lock:
            wakes = [lane.wake_at(now) for lane in self._lanes.values()]
        return max(0.001, min([self._next_poll, *filter(None, wakes)]) - now)

    # -- sender threads and the recorder --------------------------------------------------
    def _send_loop(self):
        session = make_session(self.config)
        while True:
            job = self._jobs.get()
            if job is None:
                break
            lane, delivery = job
            outcome = Outcome(False, True, error="internal error")
            try:
                secret = lane.webhook.get("secret") or self.config.webhook_secret
                outcome = attempt(session, lane.webhook, delivery, secret=secret,
                                  timeout=self.config.webhook_timeout)
            except Exception:
                log.exception("account %s: webhook delivery %s failed unexpectedly",
                              delivery.get("accountId"), delivery["_id"])
            finally:
                self._finish(lane, delivery, outcome)
        session.close()

    def _finish(self, lane, delivery, outcome):
        """Free the sender now; the delivery stays claimed until the recorder stores it."""
        fields, retry_in = result_fields(delivery, outcome, self.config)
        now = time.monotonic()
        with self._lock:
            _, counted = lane.inflight.pop(delivery["_id"], (now, False))
            lane.recording.add(delivery["_id"])
            self._free += 1
            self._suspect_inflight -= counted
            lane.on_result(outcome, now, slow_after=self.slow_after, max_cap=self.concurrency,
                           base=self.config.webhook_backoff_base,
                           cap=self.config.webhook_backoff_cap)
        self._results.put((lane, delivery, fields, retry_in))
        self._wake.set()

    def _record_loop(self):
        """Store attempt results in batches: one transaction for many, from one thread, so
        the senders never queue on the store's write lock."""
        while True:
            try:
                batch = [self._results.get(timeout=0.2)]
            except queue.Empty:
                if self._stop_event.is_set() and not any(t.is_alive() for t in self._senders):
                    return
                continue
            deadline = time.monotonic() + RECORD_LINGER
            while len(batch) < RECORD_BATCH:
                try:
                    batch.append(self._results.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            self._store_results(batch)

    def _store_results(self, batch):
        errors = 0
        while True:
            try:
                self.store.update_deliveries([(d["_id"], fields) for _, d, fields, _ in batch])
                break
            except Exception:
                errors += 1
                log.exception("webhook dispatcher: storing %d results failed", len(batch))
                if self._stop_event.wait(backoff_delay(errors, 0.5, 30.0)):
                    break       # they stay pending in the store: sent again (at least once)
        now = time.monotonic()
        with self._lock:
            for lane, delivery, fields, retry_in in batch:
                lane.recording.discard(delivery["_id"])
                if retry_in is not None:
                    lane.retry_at(now + retry_in + RETRY_MARGIN)
                self.stats["retried" if retry_in is not None else fields["status"]] += 1
        for lane, delivery, fields, _ in batch:
            if fields["status"] == FAILED:
                log.warning("account %s: webhook delivery %s (%s) to webhook %s failed after "
                            "%d attempt(s): %s", delivery.get("accountId"), delivery["_id"],
                            delivery.get("event"), lane.id, fields["attempts"],
                            fields.get("lastError"))
        self._wake.set()

