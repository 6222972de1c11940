"""A webhook's lane: its fetched due backlog and what the dispatcher knows of its endpoint."""
import collections
import heapq
import logging

from wildcat.domain import backoff_delay
from workers.webhook_sender import MAX_RETRY_AFTER

log = logging.getLogger(__name__)

START_CAP = 2              # in-flight requests a lane starts with; doubles per fast success
BREAKER_AFTER = 3          # consecutive retryable failures before a lane pauses


class Lane:
    """One webhook's share of the senders. Mutated only under the dispatcher's lock."""

    def __init__(self, webhook):
        self.webhook, self.id = webhook, webhook["_id"]
        self.queue = collections.deque()   # fetched due deliveries, oldest due first
        self.queued_ids = set()
        self.inflight = {}                 # delivery id -> (monotonic start, counted suspect)
        self.recording = set()             # sent; result not stored yet (still claimed)
        self.retries = []                  # heap: monotonic times when a retry falls due
        self.dirty = True                  # the store may hold due deliveries not fetched yet
        self.cap, self.failures, self.slow, self.paused_until = START_CAP, 0, False, 0.0

    @property
    def suspect(self):
        return self.failures > 0 or self.slow

    def claimed(self):
        return self.queued_ids | self.inflight.keys() | self.recording

    def add(self, rows):
        claimed = self.claimed()
        for row in rows:
            if row["_id"] not in claimed:
                self.queue.append(row)
                self.queued_ids.add(row["_id"])
                claimed.add(row["_id"])

    def take(self):
        delivery = self.queue.popleft()
        self.queued_ids.discard(delivery["_id"])
        return delivery

    def wants_fetch(self, now, low_water):
        if self.paused_until > now or len(self.queue) >= low_water:
            return False
        return self.dirty or bool(self.retries and self.retries[0] <= now)

    def due_retries_taken(self, now):
        while self.retries and self.retries[0] <= now:
            heapq.heappop(self.retries)

    def retry_at(self, when):
        heapq.heappush(self.retries, when)

    def wake_at(self, now):
        """When this lane next needs the dispatcher without being woken (None: never)."""
        if self.retries:
            return max(self.retries[0], self.paused_until)
        if self.paused_until > now and (self.queue or self.dirty):
            return self.paused_until
        return None

    def check_stuck(self, now, slow_after):
        """A request in flight for `slow_after` makes the lane suspect before it ends."""
        if not self.slow and any(now - start >= slow_after for start, _ in
                                 self.inflight.values()):
            self.slow, self.cap = True, 1
            log.info("webhook %s: endpoint is slow; one request at a time", self.id)

    def on_result(self, outcome, now, *, slow_after, max_cap, base, cap):
        """Learn from an attempt: grow on fast answers, shrink and pause on failures."""
        if outcome.ok or (outcome.status_code is not None and not outcome.retryable):
            if self.failures >= BREAKER_AFTER:
                log.info("webhook %s: endpoint recovered", self.id)
            self.failures, self.slow = 0, outcome.elapsed >= slow_after
            self.cap = 1 if self.slow else min(max_cap, max(START_CAP, self.cap * 2))
        elif outcome.retryable:
            self.failures += 1
            self.cap = 1
            pause = min(outcome.retry_after or 0.0, MAX_RETRY_AFTER)
            if self.failures >= BREAKER_AFTER:
                if self.failures == BREAKER_AFTER:
                    log.warning("webhook %s: endpoint failing (%s); pausing it", self.id,
                                outcome.error)
                pause = max(pause, backoff_delay(self.failures - BREAKER_AFTER + 1, base, cap))
            self.paused_until = max(self.paused_until, now + pause)
