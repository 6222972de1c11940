"""The supervisor: one AccountWorker per account, kept in step with the store."""
import logging
import threading
import time

from workers.account_worker import AccountWorker

log = logging.getLogger(__name__)


class Supervisor:
    """Starts a worker for every stored account and watches them.

    Started explicitly once the server process exists (never at import); stopped by
    `stop(timeout)`, which stops every worker within one shared deadline. Its watchdog thread
    restarts a worker thread that died and picks up accounts created or deleted by another
    instance on the same store (which is how a standby takes over an expired lease).
    """

    def __init__(self, config, store, driver, events, inbound=None, outbound=None):
        self.config, self.store, self.driver, self.events = config, store, driver, events
        self.inbound, self.outbound = inbound, outbound
        self.owner = f"{config.instance_id}"
        self.sync_interval = config.supervisor_interval
        self.name = "supervisor"
        self._workers = {}
        self._lock = threading.RLock()
        self._stop_event = threading.Event()
        self._thread = None

    def start(self):
        for account in self.store.list_accounts():
            self._spawn(account["_id"], autoconnect=self.config.auto_connect_on_start)
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

    def _spawn(self, account_id, autoconnect):
        with self._lock:
            worker = self._workers.get(account_id)
            if worker is not None and worker.is_alive():
                return worker
            worker = AccountWorker(account_id, store=self.store, driver=self.driver,
                                   events=self.events, config=self.config, owner=self.owner,
                                   inbound=self.inbound, outbound=self.outbound)
            self._workers[account_id] = worker
            worker.start(autoconnect=autoconnect)
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
            elif not worker.is_alive() and not self._stop_event.is_set():
                log.warning("account %s: worker thread died, restarting it", account_id)
                self._spawn(account_id, autoconnect=True)
        for account_id in stored.keys() - known.keys():
            log.info("account %s: found in the store, starting its worker", account_id)
            self._spawn(account_id, autoconnect=True)
