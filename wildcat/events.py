"""The in-process event bus: one event model feeding webhooks and WebSocket subscribers."""
import logging
import threading

log = logging.getLogger(__name__)


class EventBus:
    """Synchronous fan-out; subscribers must be quick (they enqueue, they don't do I/O)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._subscribers = []

    def subscribe(self, callback):
        """Call `callback(event)` for every published event; returns an unsubscribe function."""
        with self._lock:
            self._subscribers = self._subscribers + [callback]

        def unsubscribe():
            with self._lock:
                self._subscribers = [s for s in self._subscribers if s is not callback]
        return unsubscribe

    @property
    def has_subscribers(self) -> bool:
        return bool(self._subscribers)

    def publish(self, event: dict) -> None:
        for callback in self._subscribers:
            try:
                callback(event)
            except Exception:
                log.exception("event subscriber failed for %s", event.get("event"))
