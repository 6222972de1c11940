"""The last step of both pipelines: an event is appended to the store's event log (its
cursor) together with its webhook deliveries (one atomic store call: a crash cannot keep
the one and lose the other), then the event is published to in-process subscribers
(metrics) and the dispatcher is woken; /ws clients get it from the log
(services/event_log.py), on every process. Inside a store `atomic()` block (the outbound
pipeline stores a sent message and its event in one) the publication and the wake-up wait
for the commit.

`EventSink.emit(event)` is that step, called explicitly by the inbound pipeline, the
outbound pipeline and the account worker (connection events) on the thread that produced
the event, after whatever the event describes is stored. The bus subscribers do no I/O.
"""
import collections
import logging
import threading

from wildcat.domain import now_ms
from wildcat.services.webhooks import new_delivery

log = logging.getLogger(__name__)

UNSAVED_MAX = 100_000      # events kept in memory while the store refuses their deliveries


class Outbox:
    """Writes one delivery per matching webhook, in one store batch per event.

    While the store refuses the write, the event is kept in memory (up to UNSAVED_MAX, oldest
    dropped first, logged) and written by `retry_unsaved()`, which the dispatcher thread
    calls every cycle; so a short outage loses no delivery (a crash during it does).
    """

    def __init__(self, store, registry, event_log=None):
        self.store, self.registry, self.event_log = store, registry, event_log
        self.on_written = lambda webhook_ids: None   # the dispatcher's wake-up, once wired
        self._unsaved = collections.deque(maxlen=UNSAVED_MAX)
        self._lock = threading.Lock()

    def _write(self, event):
        """The event's deliveries, written with the event (sets event["cursor"])."""
        created = now_ms()
        docs = [new_delivery(w, event, created) for w in self.registry.matching(event)]
        if self.event_log is not None:
            self.event_log.append(event, docs)
        elif docs:
            self.store.create_deliveries(docs)
        return docs

    def record(self, event: dict) -> None:
        try:
            docs = self._write(event)
        except Exception:
            log.exception("account %s: could not queue webhook deliveries for %s; will retry",
                          event.get("accountId"), event.get("event"))
            with self._lock:
                if len(self._unsaved) == self._unsaved.maxlen:
                    log.error("webhook outbox: %d unsaved events, dropping the oldest",
                              len(self._unsaved))
                self._unsaved.append(event)
            self.on_written(())
            return
        if docs:
            ids = [d["webhookId"] for d in docs]
            self.store.after_commit(lambda: self.on_written(ids))

    def retry_unsaved(self) -> None:
        """Write the deliveries of events the store refused earlier (raises while it still
        refuses; the caller retries later)."""
        while True:
            with self._lock:
                if not self._unsaved:
                    return
                event = self._unsaved[0]
            docs = self._write(event)
            with self._lock:
                if self._unsaved and self._unsaved[0] is event:
                    self._unsaved.popleft()
            if docs:
                self.on_written([d["webhookId"] for d in docs])

    @property
    def unsaved(self) -> int:
        return len(self._unsaved)


class EventSink:
    """`emit(event)`: the outbox write, then the in-process publication."""

    def __init__(self, outbox, bus):
        self.outbox, self.bus = outbox, bus

    def emit(self, event: dict) -> None:
        self.outbox.record(event)
        self.outbox.store.after_commit(lambda: self.bus.publish(event))
