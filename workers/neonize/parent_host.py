"""Parent side of a session host: spawns the child, talks to it, watches it (see
workers/neonize/child_host.py for the child and the pipe protocol)."""
import itertools
import logging
import multiprocessing
import threading
import time

from wildcat.drivers import base
from wildcat.drivers.base import DriverError, NotConnected
from workers.neonize.child_host import run

log = logging.getLogger(__name__)

# The driver exceptions a child's reply may name (anything else is a plain DriverError).
_DRIVER_ERRORS = {cls.__name__: cls for cls in (NotConnected, base.NotGroupAdmin,
                                                base.NotInGroup, base.InvalidInvite,
                                                base.NotOnWhatsApp)}

_names = itertools.count(1)


class _Pending:
    def __init__(self):
        self.done = threading.Event()
        self.result = None
        self.error = None


class SessionHostProcess:
    """Parent side of one session-host child serving up to K accounts. start() spawns the
    child and a reader thread; the reader hands events to on_event(host, account_id, kind,
    data, final), answers pending requests, pings the child every heartbeat_interval (the
    pong carries the child's figures, handed to on_figures(host, figures)) and kills it when
    silent for heartbeat_timeout. When the child is gone the reader calls on_exit(host,
    reason) once, reason "stopped" (we asked) or "died". stop() ends it within stop_grace
    seconds (then SIGKILL) and leaves no process behind.

    `accounts` ({account id: session}), `solo` and `retiring` belong to the HostPool, which
    changes them under its own lock."""

    def __init__(self, factory_path, log_level, *, on_event, on_exit, on_figures=None,
                 heartbeat_interval=5.0, heartbeat_timeout=20.0, stop_grace=3.0, solo=False):
        self.name = "host-%d" % next(_names)
        self.accounts = {}
        self.solo = solo
        self.retiring = False
        self.figures = {}
        self._args = (self.name, factory_path, log_level)
        self._on_event = on_event
        self._on_exit = on_exit
        self._on_figures = on_figures
        self._heartbeat_interval = heartbeat_interval
        self._heartbeat_timeout = heartbeat_timeout
        self._stop_grace = stop_grace
        self._ids = itertools.count(1)
        self._pending = {}
        self._pings = set()
        self._send_lock = threading.Lock()
        self._reader_stop = threading.Event()
        self._exited = threading.Event()
        self._stopping = False
        self._process = self._conn = self._reader = None

    def __repr__(self):
        return "<%s pid %s %s>" % (self.name, self.pid, sorted(self.accounts))

    @property
    def pid(self):
        return self._process.pid if self._process is not None else None

    @property
    def running(self):
        """True from start() until the child is gone or being stopped."""
        return self._process is not None and not self._exited.is_set() and not self._stopping

    def start(self):
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_conn = ctx.Pipe()
        self._process = ctx.Process(target=run, args=(child_conn,) + self._args,
                                    name="session-%s" % self.name, daemon=True)
        self._process.start()
        child_conn.close()   # so the child's death reads as EOF here
        self._reader = threading.Thread(target=self._read_loop, daemon=True,
                                        name="session-reader-%s" % self.name)
        self._reader.start()
        log.info("session host %s started (pid %s)", self.name, self.pid)

    def command(self, account_id, op, arg=None):
        """Fire-and-forget command (its reply, if any, is only logged on error)."""
        self._send((op, next(self._ids), account_id, arg))

    def request(self, account_id, op, arg, timeout):
        """Send a command and wait for its reply; raise DriverError/NotConnected."""
        if not self.running:
            raise NotConnected("account session is not running")
        request_id, pending = next(self._ids), _Pending()
        self._pending[request_id] = pending
        try:
            if self._exited.is_set():
                raise NotConnected("account session is not running")
            self._send((op, request_id, account_id, arg))
            if not pending.done.wait(timeout):
                raise DriverError("session host did not answer %s within %.0fs" % (op, timeout))
        finally:
            self._pending.pop(request_id, None)
        if pending.error is not None:
            cls_name, message = pending.error
            raise _DRIVER_ERRORS.get(cls_name, DriverError)(message)
        return pending.result

    def drain(self, timeout):
        """Wait up to `timeout` seconds for the requests in flight to be answered (their
        callers stopped sending new ones); True when none is left."""
        deadline = time.monotonic() + timeout
        while self._pending and not self._exited.is_set():
            if time.monotonic() >= deadline:
                return False
            self._exited.wait(0.05)
        return True

    def stop(self):
        """Ask the child to stop, kill it after stop_grace seconds, join the reader."""
        self._stopping = True
        process = self._process
        if process is None:
            return
        if not self._exited.is_set():
            try:   # not behind a send stuck on a frozen child: the kill below covers it
                self._send(("stop", next(self._ids), None, None), timeout=0.5)
            except DriverError:
                pass
        if not self._exited.wait(self._stop_grace):   # the reader reaps the child
            log.warning("session host %s (pid %s) did not stop in %.0fs; killing it",
                        self.name, process.pid, self._stop_grace)
            process.kill()
            if not self._exited.wait(5):
                process.join(5)
        self._reader_stop.set()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(5)

    def join(self, timeout=None):
        if self._reader is not None:
            self._reader.join(timeout)

    def _send(self, message, timeout=None):
        """Send one message; False when another send held the pipe for `timeout` seconds."""
        if not self._send_lock.acquire(timeout=-1 if timeout is None else timeout):
            return False
        try:
            self._conn.send(message)
            return True
        except (OSError, ValueError) as exc:
            raise DriverError("session host is gone") from exc
        finally:
            self._send_lock.release()

    def _read_loop(self):
        now = time.monotonic()
        last_seen, next_ping = now, now + min(1.0, self._heartbeat_interval)
        while not self._reader_stop.is_set():
            try:
                if self._conn.poll(min(0.5, self._heartbeat_interval)):
                    self._dispatch(self._conn.recv())
                    last_seen = time.monotonic()
            except (EOFError, OSError):
                break
            except Exception:   # noqa: BLE001 - one bad message must not stop the reader
                log.exception("session host %s: bad message", self.name)
            now = time.monotonic()
            if now >= next_ping:
                next_ping = now + self._heartbeat_interval
                try:   # never wait behind a big send: a stuck child would block us too
                    request_id = next(self._ids)
                    if self._send(("ping", request_id, None, None), timeout=0):
                        self._pings.add(request_id)
                except DriverError:
                    pass
            if now - last_seen > self._heartbeat_timeout and self._process.exitcode is None:
                log.error("session host %s (pid %s, accounts %s) silent for %.0fs; killing it",
                          self.name, self.pid, sorted(self.accounts), now - last_seen)
                self._process.kill()
                last_seen = now   # its EOF arrives next
        self._handle_exit()

    def _dispatch(self, message):
        if message[0] == "event":
            _, account_id, kind, data, final = message
            if not self._stopping:
                self._on_event(self, account_id, kind, data, final)
        elif message[0] == "reply":
            _, request_id, result, error = message
            if request_id in self._pings:
                self._pings.discard(request_id)
                self._got_figures(result)
                return
            pending = self._pending.get(request_id)
            if pending is not None:
                pending.result, pending.error = result, error
                pending.done.set()
            elif error is not None:
                log.warning("session host %s: %s", self.name, error[1])

    def _got_figures(self, figures):
        if not isinstance(figures, dict):
            return
        self.figures = figures
        if self._on_figures is not None and not self._stopping:
            try:
                self._on_figures(self, figures)
            except Exception:   # noqa: BLE001 - the reader must survive its callbacks
                log.exception("session host %s: on_figures failed", self.name)

    def _handle_exit(self):
        self._process.join(2)
        if self._process.exitcode is None:   # closed its pipe but still runs: never keep it
            self._process.kill()
            self._process.join(5)
        reason = "stopped" if self._stopping else "died"
        self._exited.set()
        for pending in list(self._pending.values()):
            pending.error = ("DriverError", "session host exited")
            pending.done.set()
        self._conn.close()
        if reason == "died":
            log.error("session host %s (pid %s, accounts %s) died (exit code %s)", self.name,
                      self.pid, sorted(self.accounts), self._process.exitcode)
        else:
            log.info("session host %s (pid %s) exited", self.name, self.pid)
        try:
            self._on_exit(self, reason)
        except Exception:   # noqa: BLE001
            log.exception("session host %s: on_exit failed", self.name)

