"""One account's driver events, handed to its worker on a thread of the account's own."""
import logging
import queue
import threading

log = logging.getLogger(__name__)


class EventRelay:
    """Passes one account's DriverEvents to `on_event` in order, from its own thread.

    The worker's on_event blocks while that worker's queue is full (back-pressure). A
    session host's reader thread serves K accounts: were it to call on_event itself, one
    account's stuck worker would hold up every event and reply of its K-1 neighbours. The
    relay takes that wait instead. Started by NeonizeSession.start(); stop() lets it deliver
    what it holds, then end; start() again after a stop begins a new thread."""

    def __init__(self, account_id, on_event):
        self.account_id = account_id
        self._on_event = on_event
        self._queue = queue.SimpleQueue()
        self._thread = None
        self._lock = threading.Lock()

    def start(self):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, args=(self._queue,),
                                                daemon=True, name="relay-%s" % self.account_id)
                self._thread.start()

    def put(self, event):
        """Queue one event; never blocks."""
        self._queue.put(event)

    def stop(self):
        """End after the events already queued (a new queue serves a later start())."""
        with self._lock:
            self._queue.put(None)
            self._queue = queue.SimpleQueue()

    def join(self, timeout=None):
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self, events):
        while True:
            event = events.get()
            if event is None:
                return
            try:
                self._on_event(event)
            except Exception:   # noqa: BLE001 - a broken callback must not end the relay
                log.exception("account %s: on_event failed for %s", self.account_id,
                              event.kind)
