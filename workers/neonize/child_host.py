"""The session host: the WhatsApp clients of up to K accounts in one spawned child process.

`run()` is the child's entry point (the `spawn` target; the parent side is
workers/neonize/parent_host.py). For each account the parent adds, it creates a session object
(by default `workers.neonize.child_client.NeonizeClientSession`, loaded from a "module:Class"
path so tests can run a fake in a real child) in its own AccountLane (child_lanes.py).

Pipe protocol (pickled tuples):
    parent -> child: (op, request_id, account_id, arg)
        host ops (account_id None): ping | stop
        account ops: add (arg: session path) | remove | start | logout | pair | send |
                     download | mark_read | "call:<method>" with arg a tuple:
                     session.<method>(*arg), for the methods the session class lists in
                     REMOTE_METHODS
    child -> parent: ("reply", request_id, result, error)   error: None | (class name, message)
                     ("event", account_id, kind, data, final)   final: that session is over
    A ping's reply is the host's figures: {fds, rssMb, threads, accounts, zombiesReaped}.

The child exits by itself (os._exit: neonize's non-daemon Go threads would block a normal
exit) after `stop` and within ~1 s of losing its parent (pipe EOF or a changed parent pid).
An account whose session sent a final event is removed from the host; the host lives on.

Session class contract: `cls(account_id, session_path, emit, gate)` where `emit(kind, data,
final=False)` only enqueues and `gate` is the host's FfiGate; methods start(**settings)
(settings: `proxy`, only when the account has one), stop(),
logout(), pair_phone(phone), send(SendRequest) -> SendResult, download_media(message) ->
bytes, mark_read(chat_id, message_ids, sender).
"""
import importlib
import logging
import os
import queue
import signal
import sys
import threading

from wildcat.private_files import PRIVATE_UMASK
from workers.neonize import child_proc
from workers.neonize.child_lanes import AccountLane, FfiGate

log = logging.getLogger(__name__)

PARENT_CHECK_INTERVAL = 1.0   # seconds between parent-pid checks (and zombie reaping)


def run(conn, host_name, factory_path, log_level="INFO"):
    """Child main: tame output, load the session class, serve commands until told to exit."""
    # Every file the session creates (whatsmeow's SQLite file, its -wal/-shm/-journal) holds
    # the WhatsApp login: owner-only from creation, whatever umask the server started with.
    os.umask(PRIVATE_UMASK)
    _silence_stdout()
    _configure_logging(host_name, log_level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl+C in a terminal: the parent decides
    child_proc.set_title([])
    try:
        session_cls = load_factory(factory_path)
        _configure_logging(host_name, log_level)   # undo neonize's import-time basicConfig
        host = SessionHost(conn, host_name, session_cls)
        host.start()
        host.serve()
    except BaseException:   # noqa: BLE001 - the child must never outlive a crash
        log.exception("session host %s crashed", host_name)
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


def _configure_logging(host_name, log_level):
    # Go takes its minimum level from this logger's own level: set it before neonize loads.
    logging.getLogger("neonize.utils.log").setLevel(logging.WARNING)
    logging.getLogger("neonize.utils.ffmpeg").setLevel(logging.ERROR)
    label = str(host_name).replace("%", "%%")
    logging.basicConfig(
        level=getattr(logging, str(log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s [" + label + "] %(name)s: %(message)s",
        stream=sys.stderr, force=True)


class SessionHost:
    """Serves the accounts' lanes inside the child. Started by run(); stopped by a `stop`
    command or the parent's death, always ending the process. Owns the pipe reader (serve(),
    the main thread: it answers pings itself so a long send never looks like a hang), a pipe
    writer thread (all sends go through its queue), one lane thread per account and a
    watchdog thread (parent death, zombie reaping)."""

    def __init__(self, conn, name, session_cls):
        self.name = name
        self._conn = conn
        self._ppid = os.getppid()
        self._session_cls = session_cls
        self._gate = FfiGate()
        self._lanes = {}
        self._lock = threading.Lock()
        self._outbox = queue.Queue()
        self._exit_event = threading.Event()
        self.zombies_reaped = 0
        self._threads = [
            threading.Thread(target=self._write_loop, name="host-writer", daemon=True),
            threading.Thread(target=self._watch_parent, name="host-watchdog", daemon=True),
        ]

    def start(self):
        for thread in self._threads:
            thread.start()
        log.info("session host %s ready (pid %s)", self.name, os.getpid())

    def serve(self):
        """Read commands until told to stop or the parent goes away."""
        while not self._exit_event.is_set():
            try:
                op, request_id, account_id, arg = self._conn.recv()
            except (EOFError, OSError):
                log.info("parent of %s went away; exiting", self.name)
                self._stop_all()
                os._exit(0)
            if op == "ping":
                self._reply(request_id, self._figures(), None)
            elif op == "stop":
                self._stop_all()
                self._reply(request_id, None, None)
                self._finish(0)
            elif op == "add":
                self._add(account_id, arg, request_id)
            else:
                with self._lock:
                    lane = self._lanes.get(account_id)
                if lane is None or not lane.put(op, request_id, arg):
                    self._reply(request_id, None,
                                ("NotConnected", "account %s is not in this host" % account_id))

    def _add(self, account_id, session_path, request_id):
        with self._lock:
            if account_id in self._lanes:
                self._reply(request_id, None, None)
                return
            lane = AccountLane(account_id, session_path, self._session_cls,
                               self._emitter(account_id), self._gate, self._reply,
                               self._removed)
            self._lanes[account_id] = lane
            self._retitle()
        lane.start()
        self._reply(request_id, None, None)

    def _emitter(self, account_id):
        def emit(kind, data=None, final=False):
            """Queue an event for the parent; never blocks (called from neonize callbacks)."""
            self._outbox.put(("event", account_id, kind, data or {}, final))
            if final:   # that session is over: drop it, keep the host
                with self._lock:
                    lane = self._lanes.get(account_id)
                if lane is not None:
                    lane.put("remove", None, None)   # False: already leaving
        return emit

    def _removed(self, lane):
        with self._lock:
            if self._lanes.get(lane.account_id) is lane:
                del self._lanes[lane.account_id]
            self._retitle()

    def _retitle(self):
        child_proc.set_title(self._lanes)

    def _reply(self, request_id, result, error):
        self._outbox.put(("reply", request_id, result, error))

    def _figures(self):
        figures = child_proc.resource_figures()
        with self._lock:
            figures["accounts"] = sorted(self._lanes)
        figures["zombiesReaped"] = self.zombies_reaped
        return figures

    def _write_loop(self):
        while True:
            item = self._outbox.get()
            if item is None:
                return
            try:
                self._conn.send(item)
            except (OSError, ValueError):
                log.info("pipe of %s closed; exiting", self.name)
                os._exit(0)
            except Exception:   # noqa: BLE001 - an unpicklable payload must not kill the host
                log.exception("could not send %s from %s", item[:2], self.name)

    def _watch_parent(self):
        while not self._exit_event.wait(PARENT_CHECK_INTERVAL):
            if os.getppid() != self._ppid:
                log.info("parent of %s died; exiting", self.name)
                os._exit(0)
            try:
                self.zombies_reaped += child_proc.reap_zombies()
            except Exception:   # noqa: BLE001 - hygiene must never end the host
                log.exception("reaping zombies failed in %s", self.name)

    def _stop_all(self):
        """Stop every session in parallel, each bounded by the lane's grace."""
        with self._lock:
            lanes = list(self._lanes.values())
        stoppers = [threading.Thread(target=lane.bounded_stop, daemon=True) for lane in lanes]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()

    def _finish(self, code):
        """Flush queued replies/events to the parent, then end the process."""
        self._exit_event.set()
        self._outbox.put(None)
        self._threads[0].join(1.0)
        os._exit(code)
