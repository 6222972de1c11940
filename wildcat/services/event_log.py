"""The cluster-wide event stream (DESIGN §10): every event appended to the store's log
with a cursor, tailed by every process, paged by `GET /events`, replayed by `/ws?after=`.
"""
import logging
import threading
import time

from wildcat.domain import now_ms
from wildcat.events import EventBus

log = logging.getLogger(__name__)

READ_BATCH = 500
# A cursor missing below one already committed is a writer still committing (MongoDB hands
# cursors out before the insert lands); after this long it is taken as lost (its writer died).
GAP_GRACE = 5.0
PURGE_INTERVAL = 600.0


class EventLog:
    """Appends events to the store's log and tails it for this process's subscribers.

    `append(event)` is called by the outbox (the emitting thread) and sets `event["cursor"]`.
    Started by `Runtime.start()` (the tail begins at the log's end), stopped by `stop()`.
    Its thread reads the log in cursor order — woken at once by a local append, otherwise
    every `poll` seconds — and publishes each event once, in order, on `bus` (the /ws
    clients). `horizon` is the highest cursor published: every event at or below it is
    committed, so a page or a replay bounded by it never skips one that commits late.
    """

    name = "event-log"

    def __init__(self, config, store, poll=0.025):
        self.store, self.poll = store, poll
        self.retention_ms = int(config.event_retention_hours * 3600 * 1000)
        self.bus = EventBus()
        self.horizon = None
        self._lock = threading.Lock()       # publishing and subscribing with a replay
        self._wake = threading.Event()
        self._stop_event = threading.Event()
        self._gap_since = None
        self._thread = None
        self._next_purge = 0.0

    # -- writers -------------------------------------------------------------------------
    def append(self, event: dict, deliveries=()) -> int:
        """Log the event with its webhook deliveries (store.append_event); once only: an
        event that has its cursor is logged already."""
        if "cursor" not in event:
            event["cursor"] = self.store.append_event(event, now_ms(), deliveries)
            if self.bus.has_subscribers:    # a /ws client here: publish it now, not at the
                self.store.after_commit(self._wake.set)   # next poll (one read per event)
        return event["cursor"]

    # -- readers -------------------------------------------------------------------------
    def current_horizon(self) -> int:
        return self.horizon if self.horizon is not None else self.store.last_event_cursor()

    def page(self, after, limit, account_id=None, events=None) -> dict:
        """Events after `after` up to the horizon, and the cursor to continue from."""
        upto = self.current_horizon()
        rows = self.store.read_events(after, limit, upto=upto, account_id=account_id,
                                      events=events)
        full = len(rows) == limit
        nxt = rows[-1]["cursor"] if full else max(after, upto)
        return {"events": rows, "next": nxt, "hasMore": full}

    def subscribe(self, callback, after=None):
        """`callback(event)` for every event from now on, after first replaying the logged
        events with cursor > `after` (when given), with no gap and no duplicate between
        the two. Returns the unsubscribe function."""
        with self._lock:
            if after is not None:
                upto, cursor = self.current_horizon(), after
                while cursor < upto:
                    rows = self.store.read_events(cursor, READ_BATCH, upto=upto)
                    if not rows:
                        break
                    for row in rows:
                        callback(row)
                    cursor = rows[-1]["cursor"]
            return self.bus.subscribe(callback)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self):
        self.horizon = self.store.last_event_cursor()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self):
        self._stop_event.set()
        self._wake.set()

    def join(self, timeout=None):
        if self._thread:
            self._thread.join(timeout)

    def is_alive(self):
        return bool(self._thread and self._thread.is_alive())

    def _run(self):
        errors = 0
        while not self._stop_event.is_set():
            self._wake.wait(self.poll)
            self._wake.clear()
            try:
                while self._tail() and not self._stop_event.is_set():
                    pass
                self._purge()
                errors = 0
            except Exception:
                errors += 1
                log.exception("event log: reading the log failed")
                self._stop_event.wait(min(5.0, 0.1 * 2 ** min(errors, 6)))

    def _tail(self) -> bool:
        """Publish what follows the horizon in order; True when a full batch was read."""
        rows = self.store.read_events(self.horizon, READ_BATCH)
        with self._lock:
            for row in rows:
                if row["cursor"] != self.horizon + 1 and not self._gap_expired(row["cursor"]):
                    return False                    # wait for the late one below it
                self._gap_since = None
                self.horizon = row["cursor"]
                self.bus.publish(row)
        return len(rows) == READ_BATCH

    def _gap_expired(self, cursor) -> bool:
        now = time.monotonic()
        if self._gap_since is None:
            self._gap_since = now
            return False
        if now - self._gap_since < GAP_GRACE:
            return False
        log.warning("event log: cursors %d..%d never committed; going on without them",
                    self.horizon + 1, cursor - 1)
        return True

    def _purge(self):
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + PURGE_INTERVAL
        if self.retention_ms > 0:
            gone = self.store.purge_events(now_ms() - self.retention_ms)
            if gone:
                log.info("event log: %d events older than the retention purged", gone)
