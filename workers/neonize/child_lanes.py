"""Inside a session host: one command lane per account, and the gate around neonize's Go maps.

neonize's Go side keeps process-wide maps (clients, event channels, stop signals) without
locks; creating, connecting, stopping or logging out a client writes them, every other call
reads them, and a concurrent write aborts the whole process (`fatal error: concurrent map
writes`). FfiGate makes the writers exclusive and lets readers (sends, downloads, receipts)
run together, so one account's long upload never waits for another's send.
"""
import contextlib
import logging
import queue
import threading
import time

from wildcat.drivers.base import CONNECT_FAILED, DriverError

log = logging.getLogger(__name__)

STOP_GRACE = 2.0   # neonize stop() can hang ~60 s during a dial; a lane does not wait for it
SLOW_GATE = 10.0   # log when a lifecycle call waited this long for the gate


class FfiGate:
    """A readers/writer lock that prefers readers: a send never waits for a queued connect,
    only for one that is running (which holds the gate for milliseconds; see
    NeonizeClientSession.start)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextlib.contextmanager
    def shared(self):
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def exclusive(self, what="lifecycle call"):
        started = time.monotonic()
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        waited = time.monotonic() - started
        if waited > SLOW_GATE:
            log.warning("%s waited %.0fs for the neonize gate", what, waited)
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class AccountLane:
    """One account inside a shared host: its session object and a thread running its
    commands in order. Lanes run side by side, so a slow send of one account never delays
    another's. Created by SessionHost on `add`; ended by `remove`, by the session's final
    event, or with the process. Replies go through `reply(request_id, result, error)`."""

    def __init__(self, account_id, session_path, session_cls, emit, gate, reply, on_removed):
        self.account_id = account_id
        self._args = (account_id, session_path, emit, gate)
        self._session_cls = session_cls
        self._reply = reply
        self._on_removed = on_removed
        self._commands = queue.Queue()
        self._closed = False
        self._put_lock = threading.Lock()
        self.session = None
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="lane-%s" % account_id)

    def start(self):
        self._thread.start()

    def put(self, op, request_id, arg):
        """Queue a command; False once the lane is removed (the caller answers it)."""
        with self._put_lock:
            if self._closed:
                return False
            self._commands.put((op, request_id, arg))
            return True

    def join(self, timeout=None):
        self._thread.join(timeout)

    def _handlers(self):
        session = self.session
        return {
            "start": lambda arg: session.start(**(arg or {})),
            "logout": lambda arg: session.logout(),
            "pair": lambda arg: session.pair_phone(arg),
            "send": lambda arg: session.send(arg),
            "download": lambda arg: session.download_media(arg),
            "mark_read": lambda arg: session.mark_read(*arg),
        }

    def _run(self):
        try:
            self.session = self._session_cls(*self._args)
        except Exception as exc:   # noqa: BLE001 - report it; the lane ends
            log.exception("account %s: cannot create its session", self.account_id)
            self._fail_all("cannot create the session: %s" % exc)
            return
        handlers = self._handlers()
        while True:
            op, request_id, arg = self._commands.get()
            if op == "remove":
                with self._put_lock:
                    self._closed = True
                self.bounded_stop()
                self._on_removed(self)
                if request_id is not None:
                    self._reply(request_id, None, None)
                self._refuse_rest("the account left this session host")
                return
            handler = handlers.get(op) or self._remote_method(op)
            try:
                if handler is None:
                    raise DriverError("unknown command %r" % op)
                result, error = handler(arg), None
            except DriverError as exc:
                result, error = None, (type(exc).__name__, str(exc))
            except Exception as exc:   # noqa: BLE001 - report it, keep serving
                log.exception("%s failed for %s", op, self.account_id)
                result, error = None, ("DriverError", "%s: %s" % (type(exc).__name__, exc))
            if op == "start" and error is not None:
                self._args[2](CONNECT_FAILED, {"error": error[1]})
            if request_id is not None:
                self._reply(request_id, result, error)

    def _remote_method(self, op):
        """A session method the parent may call by name (`("call:<name>", id, account,
        args)`): only those the session class lists in REMOTE_METHODS; else None."""
        name = op[len("call:"):] if op.startswith("call:") else None
        if name is None or name not in getattr(self.session, "REMOTE_METHODS", ()):
            return None
        method, gate = getattr(self.session, name), self._args[3]

        def call(args):
            with gate.shared():   # group calls and the like read neonize's Go maps
                return method(*args)
        return call

    def _fail_all(self, message):
        with self._put_lock:
            self._closed = True
        self._on_removed(self)
        self._refuse_rest(message)

    def _refuse_rest(self, message):
        while True:
            try:
                op, request_id, _ = self._commands.get_nowait()
            except queue.Empty:
                return
            if request_id is not None:   # a second remove has nothing left to do
                self._reply(request_id, None,
                            None if op == "remove" else ("NotConnected", message))

    def bounded_stop(self):
        """session.stop() with a deadline: a stop during a dial blocks up to 60 s."""
        if self.session is None:
            return
        worker = threading.Thread(target=self._safe_stop, daemon=True,
                                  name="stop-%s" % self.account_id)
        worker.start()
        worker.join(STOP_GRACE)
        if worker.is_alive():
            log.warning("stop of %s still blocked after %.0fs; going on", self.account_id,
                        STOP_GRACE)

    def _safe_stop(self):
        try:
            self.session.stop()
        except Exception:   # noqa: BLE001
            log.exception("stop failed for %s", self.account_id)
