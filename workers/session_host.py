"""The session host: one account's WhatsApp client, alone in a spawned child process.

`run()` is the child's entry point (the `spawn` target). It owns one session object (by
default `workers.neonize_session.NeonizeClientSession`, loaded from a "module:Class" path so
tests can run a fake in a real child) and drives it from commands read off the pipe.

Pipe protocol (pickled tuples):
    parent -> child: (op, request_id, arg)  op: start|stop|logout|pair|send|download|mark_read|ping
    child -> parent: ("reply", request_id, result, error)   error: None | (class name, message)
                     ("event", kind, data, final)           final: the child exits right after

The child exits by itself (os._exit: neonize's non-daemon Go threads would block a normal
exit) after `stop`, after a final event, and within ~1 s of losing its parent (pipe EOF or a
changed parent pid).

Session class contract: `cls(account_id, session_path, emit)` where `emit(kind, data,
final=False)` only enqueues; methods start(), stop(), logout(), pair_phone(phone),
send(SendRequest) -> SendResult, download_media(message) -> bytes.
"""
import importlib
import itertools
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time

from wildcat.drivers.base import CONNECT_FAILED, DriverError, NotConnected

log = logging.getLogger(__name__)

PARENT_CHECK_INTERVAL = 1.0   # seconds between parent-pid checks
STOP_GRACE = 2.0              # neonize stop() can hang ~60 s during a dial; don't wait for it


def run(conn, account_id, session_path, factory_path, log_level="INFO"):
    """Child main: tame output, load the session class, serve commands until told to exit."""
    _silence_stdout()
    _configure_logging(account_id, log_level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl+C in a terminal: the parent decides
    try:
        session_cls = load_factory(factory_path)
        _configure_logging(account_id, log_level)   # undo neonize's import-time basicConfig
        host = SessionHost(conn, account_id, session_path, session_cls)
        host.start()
        host.serve()
    except BaseException:   # noqa: BLE001 - the child must never outlive a crash
        log.exception("session host for %s crashed", account_id)
    os._exit(1)


def load_factory(path):
    """Import `package.module:ClassName` and return the class."""
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def _silence_stdout():
    """Go prints 'Press Ctrl+C to exit' / 'Login event: ...' straight to fd 1: drop them."""
    try:
        sys.stdout.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


def _configure_logging(account_id, log_level):
    # Go takes its minimum level from this logger's own level: set it before neonize loads.
    logging.getLogger("neonize.utils.log").setLevel(logging.WARNING)
    logging.getLogger("neonize.utils.ffmpeg").setLevel(logging.ERROR)
    label = str(account_id).replace("%", "%%")
    logging.basicConfig(
        level=getattr(logging, str(log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s [session-host " + label + "] %(name)s: %(message)s",
        stream=sys.stderr, force=True)


class SessionHost:
    """Serves one session object inside the child. Started by run(); stopped by a `stop`
    command, a final event or the parent's death, always ending the process. Owns a pipe
    writer thread (all sends go through its queue), a command thread (session calls run one
    at a time, as neonize's Go globals demand) and a parent watchdog thread."""

    def __init__(self, conn, account_id, session_path, session_cls):
        self.account_id = account_id
        self._conn = conn
        self._ppid = os.getppid()
        self._outbox = queue.Queue()
        self._commands = queue.Queue()
        self._exit_event = threading.Event()
        self.session = session_cls(account_id, session_path, self.emit)
        self._threads = [
            threading.Thread(target=self._write_loop, name="host-writer", daemon=True),
            threading.Thread(target=self._command_loop, name="host-commands", daemon=True),
            threading.Thread(target=self._watch_parent, name="host-watchdog", daemon=True),
        ]

    def start(self):
        for thread in self._threads:
            thread.start()
        log.info("session host for %s ready (pid %s)", self.account_id, os.getpid())

    def emit(self, kind, data=None, final=False):
        """Queue an event for the parent; never blocks (called from neonize callbacks)."""
        self._outbox.put(("event", kind, data or {}, final))

    def serve(self):
        """Read commands until the parent goes away; pings are answered right here so a
        long send never looks like a hang."""
        while not self._exit_event.is_set():
            try:
                op, request_id, arg = self._conn.recv()
            except (EOFError, OSError):
                log.info("parent of %s went away; exiting", self.account_id)
                self._bounded_stop()
                os._exit(0)
            if op == "ping":
                self._outbox.put(("reply", request_id, "pong", None))
            else:
                self._commands.put((op, request_id, arg))

    def _command_loop(self):
        handlers = {
            "start": lambda arg: self.session.start(),
            "logout": lambda arg: self.session.logout(),
            "pair": lambda arg: self.session.pair_phone(arg),
            "send": lambda arg: self.session.send(arg),
            "download": lambda arg: self.session.download_media(arg),
            "mark_read": lambda arg: self.session.mark_read(*arg),
        }
        while True:
            op, request_id, arg = self._commands.get()
            if op == "stop":
                self._bounded_stop()
                self._outbox.put(("reply", request_id, None, None))
                self._finish(0)
                return
            try:
                handler = handlers[op]
                result, error = handler(arg), None
            except DriverError as exc:
                result, error = None, (type(exc).__name__, str(exc))
            except KeyError:
                result, error = None, ("DriverError", "unknown command %r" % op)
            except Exception as exc:   # noqa: BLE001 - report it, keep serving
                log.exception("%s failed for %s", op, self.account_id)
                result, error = None, ("DriverError", "%s: %s" % (type(exc).__name__, exc))
            if op == "start" and error is not None:
                self.emit(CONNECT_FAILED, {"error": error[1]})
            self._outbox.put(("reply", request_id, result, error))

    def _write_loop(self):
        while True:
            item = self._outbox.get()
            if item is None:
                return
            try:
                self._conn.send(item)
            except (OSError, ValueError):
                log.info("pipe of %s closed; exiting", self.account_id)
                os._exit(0)
            except Exception:   # noqa: BLE001 - an unpicklable payload must not kill the host
                log.exception("could not send %s for %s", item[:2], self.account_id)
                continue
            if item[0] == "event" and item[3]:
                log.info("session %s finished (%s); exiting", self.account_id, item[1])
                os._exit(0)

    def _watch_parent(self):
        while not self._exit_event.wait(PARENT_CHECK_INTERVAL):
            if os.getppid() != self._ppid:
                log.info("parent of %s died; exiting", self.account_id)
                os._exit(0)

    def _bounded_stop(self):
        """session.stop() with a deadline: a stop during a dial blocks up to 60 s."""
        worker = threading.Thread(target=self._safe_stop, name="host-stop", daemon=True)
        worker.start()
        worker.join(STOP_GRACE)
        if worker.is_alive():
            log.warning("stop of %s still blocked after %.0fs; exiting anyway",
                        self.account_id, STOP_GRACE)

    def _safe_stop(self):
        try:
            self.session.stop()
        except Exception:   # noqa: BLE001
            log.exception("stop failed for %s", self.account_id)

    def _finish(self, code):
        """Flush queued replies/events to the parent, then end the process."""
        self._exit_event.set()
        self._outbox.put(None)
        self._threads[0].join(1.0)
        os._exit(code)


class _Pending:
    def __init__(self):
        self.done = threading.Event()
        self.result = None
        self.error = None


class SessionHostProcess:
    """Parent side of one session-host child. start() spawns the child and a reader thread;
    the reader hands events to on_event(host, kind, data), answers pending requests, pings
    the child every heartbeat_interval and kills it when silent for heartbeat_timeout. When
    the child is gone the reader calls on_exit(host, reason) once, reason "stopped" (we
    asked), "finished" (it sent a final event) or "died". stop() ends it within stop_grace
    seconds (then SIGKILL) and leaves no process behind."""

    def __init__(self, account_id, session_path, factory_path, log_level, *, on_event,
                 on_exit, heartbeat_interval=5.0, heartbeat_timeout=20.0, stop_grace=3.0):
        self.account_id = account_id
        self.connect_failures = 0
        self._args = (account_id, session_path, factory_path, log_level)
        self._on_event = on_event
        self._on_exit = on_exit
        self._heartbeat_interval = heartbeat_interval
        self._heartbeat_timeout = heartbeat_timeout
        self._stop_grace = stop_grace
        self._ids = itertools.count(1)
        self._pending = {}
        self._send_lock = threading.Lock()
        self._reader_stop = threading.Event()
        self._exited = threading.Event()
        self._stopping = False
        self._finished = False
        self._process = self._conn = self._reader = None

    @property
    def pid(self):
        return self._process.pid if self._process is not None else None

    @property
    def running(self):
        """True from start() until the child is gone or being stopped."""
        return (self._process is not None and not self._exited.is_set()
                and not self._stopping and not self._finished)

    def start(self):
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_conn = ctx.Pipe()
        self._process = ctx.Process(target=run, args=(child_conn,) + self._args,
                                    name="session-host-%s" % self.account_id, daemon=True)
        self._process.start()
        child_conn.close()   # so the child's death reads as EOF here
        self._reader = threading.Thread(target=self._read_loop, daemon=True,
                                        name="session-reader-%s" % self.account_id)
        self._reader.start()
        log.info("account %s: session host started (pid %s)", self.account_id, self.pid)

    def command(self, op, arg=None):
        """Fire-and-forget command (its reply, if any, is only logged on error)."""
        self._send((op, next(self._ids), arg))

    def request(self, op, arg, timeout):
        """Send a command and wait for its reply; raise DriverError/NotConnected."""
        if not self.running:
            raise NotConnected("account session is not running")
        request_id, pending = next(self._ids), _Pending()
        self._pending[request_id] = pending
        try:
            if self._exited.is_set():
                raise NotConnected("account session is not running")
            self._send((op, request_id, arg))
            if not pending.done.wait(timeout):
                raise DriverError("session host did not answer %s within %.0fs" % (op, timeout))
        finally:
            self._pending.pop(request_id, None)
        if pending.error is not None:
            cls_name, message = pending.error
            raise (NotConnected if cls_name == "NotConnected" else DriverError)(message)
        return pending.result

    def stop(self):
        """Ask the child to stop, kill it after stop_grace seconds, join the reader."""
        self._stopping = True
        process = self._process
        if process is None:
            return
        if not self._exited.is_set():
            try:   # not behind a send stuck on a frozen child: the kill below covers it
                self._send(("stop", next(self._ids), None), blocking=False)
            except DriverError:
                pass
        if not self._exited.wait(self._stop_grace):   # the reader reaps the child
            log.warning("account %s: session host %s did not stop in %.0fs; killing it",
                        self.account_id, process.pid, self._stop_grace)
            process.kill()
            if not self._exited.wait(5):
                process.join(5)
        self._reader_stop.set()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(5)

    def join(self, timeout=None):
        if self._reader is not None:
            self._reader.join(timeout)

    def _send(self, message, blocking=True):
        """Send one message; False when not blocking and another send holds the pipe."""
        if not self._send_lock.acquire(blocking):
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
        last_seen, next_ping = now, now + self._heartbeat_interval
        while not self._reader_stop.is_set():
            try:
                if self._conn.poll(min(0.5, self._heartbeat_interval)):
                    self._dispatch(self._conn.recv())
                    last_seen = time.monotonic()
            except (EOFError, OSError):
                break
            except Exception:   # noqa: BLE001 - one bad message must not stop the reader
                log.exception("account %s: bad message from session host", self.account_id)
            now = time.monotonic()
            if now >= next_ping:
                next_ping = now + self._heartbeat_interval
                try:   # never wait behind a big send: a stuck child would block us too
                    self._send(("ping", next(self._ids), None), blocking=False)
                except DriverError:
                    pass
            if now - last_seen > self._heartbeat_timeout and self._process.exitcode is None:
                log.error("account %s: session host %s silent for %.0fs; killing it",
                          self.account_id, self.pid, now - last_seen)
                self._process.kill()
                last_seen = now   # its EOF arrives next
        self._handle_exit()

    def _dispatch(self, message):
        if message[0] == "event":
            _, kind, data, final = message
            if final:
                self._finished = True
            if not self._stopping:
                self._on_event(self, kind, data)
        elif message[0] == "reply":
            _, request_id, result, error = message
            pending = self._pending.get(request_id)
            if pending is not None:
                pending.result, pending.error = result, error
                pending.done.set()
            elif error is not None:
                log.warning("account %s: session host: %s", self.account_id, error[1])

    def _handle_exit(self):
        self._process.join(2)
        if self._process.exitcode is None:   # closed its pipe but still runs: never keep it
            self._process.kill()
            self._process.join(5)
        reason = "stopped" if self._stopping else "finished" if self._finished else "died"
        self._exited.set()
        for pending in list(self._pending.values()):
            pending.error = ("DriverError", "session host exited")
            pending.done.set()
        self._conn.close()
        if reason == "died":
            log.error("account %s: session host %s died (exit code %s)",
                      self.account_id, self.pid, self._process.exitcode)
        else:
            log.info("account %s: session host %s exited (%s)", self.account_id, self.pid, reason)
        try:
            self._on_exit(self, reason)
        except Exception:   # noqa: BLE001
            log.exception("account %s: on_exit failed", self.account_id)
