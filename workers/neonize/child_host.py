"""The session host: one account's WhatsApp client, alone in a spawned child process.

`run()` is the child's entry point (the `spawn` target; the parent side is
workers/neonize/parent_host.py). It owns one session object (by
default `workers.neonize.child_client.NeonizeClientSession`, loaded from a "module:Class" path so
tests can run a fake in a real child) and drives it from commands read off the pipe.

Pipe protocol (pickled tuples):
    parent -> child: (op, request_id, arg)  op: start|stop|logout|pair|send|download|mark_read|ping
                     or "call:<method>" with arg a tuple: session.<method>(*arg), for the
                     methods the session class lists in REMOTE_METHODS
    child -> parent: ("reply", request_id, result, error)   error: None | (class name, message)
                     ("event", kind, data, final)           final: the child exits right after

The child exits by itself (os._exit: neonize's non-daemon Go threads would block a normal
exit) after `stop`, after a final event, and within ~1 s of losing its parent (pipe EOF or a
changed parent pid).

Session class contract: `cls(account_id, session_path, emit)` where `emit(kind, data,
final=False)` only enqueues; methods start(**settings) (settings: `proxy`, only when the
account has one), stop(), logout(), pair_phone(phone),
send(SendRequest) -> SendResult, download_media(message) -> bytes.
"""
import importlib
import logging
import os
import queue
import signal
import sys
import threading

from wildcat.drivers.base import CONNECT_FAILED, DriverError

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
            "start": lambda arg: self.session.start(**(arg or {})),
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
                handler = handlers.get(op) or self._remote_method(op)
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

    def _remote_method(self, op):
        """A session method the parent may call by name (`("call:<name>", id, args)`): only
        those the session class lists in REMOTE_METHODS."""
        name = op[len("call:"):] if op.startswith("call:") else None
        if name is None or name not in getattr(self.session, "REMOTE_METHODS", ()):
            raise KeyError(op)
        method = getattr(self.session, name)
        return lambda args: method(*args)

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
