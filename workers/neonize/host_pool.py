"""Which session host holds which account: placement, crash recovery, splitting, replacement.

Up to K accounts share one host process (WILDCAT_ACCOUNTS_PER_HOST). A crash or a freeze
of a host costs only its own accounts: they come back together in a fresh host after a
backoff; accounts whose hosts crashed `split_after` times within `crash_window` seconds
are placed in hosts of one, so one poisoned account cannot keep taking its neighbours down.
A host whose descriptors or RSS pass their limits is replaced: its accounts move to a fresh
host and resume from their session files (no new QR scan).
"""
import heapq
import itertools
import logging
import threading
import time

from wildcat.drivers import base
from wildcat.metrics import count_session_host_restart
from wildcat.domain import backoff_delay
from workers.neonize.parent_host import SessionHostProcess

log = logging.getLogger(__name__)

REMOVE_TIMEOUT = 5.0   # the lane bounds a stuck neonize stop() at 2 s
DRAIN_TIMEOUT = 60.0   # a leaking host finishes the sends in flight before it is replaced


class HostPool:
    """Owns every session host of one NeonizeDriver. Its thread (started with the first
    account, stopped by close()) runs delayed work: restarts after a crash, replacements of
    leaking hosts. Sessions call attach()/detach() under their own lock; the pool takes its
    lock after a session's, never the other way round."""

    def __init__(self, factory_path, log_level, *, accounts_per_host=1, max_fds=0,
                 max_rss_mb=0.0, heartbeat_interval=5.0, heartbeat_timeout=20.0,
                 stop_grace=3.0, restart_backoff_base=1.0, restart_backoff_cap=60.0,
                 split_after=2, crash_window=600.0):
        self.factory_path = factory_path
        self.log_level = log_level
        self.accounts_per_host = max(1, int(accounts_per_host))
        self.max_fds = max_fds or 64 + 16 * self.accounts_per_host
        self.max_rss_mb = max_rss_mb or 256 + 64 * self.accounts_per_host
        self._host_args = dict(heartbeat_interval=heartbeat_interval,
                               heartbeat_timeout=heartbeat_timeout, stop_grace=stop_grace)
        self.restart_backoff_base = restart_backoff_base
        self.restart_backoff_cap = restart_backoff_cap
        self.split_after = split_after
        self.crash_window = crash_window
        self.replacements = 0
        self._hosts = []
        self._crashes = {}
        self._lock = threading.RLock()
        self._timers = []
        self._seq = itertools.count()
        self._wake = threading.Event()
        self._stop_event = threading.Event()
        self._thread = None

    # -- the thread -----------------------------------------------------------------------
    def _ensure_thread(self):
        with self._lock:
            if self._thread is None and not self._stop_event.is_set():
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="session-host-pool")
                self._thread.start()

    def stop(self):
        """Stop every host left and the pool's thread."""
        self._stop_event.set()
        self._wake.set()
        with self._lock:
            hosts, self._hosts = list(self._hosts), []
            for host in hosts:
                host.retiring = True
        for host in hosts:
            host.stop()

    def join(self, timeout=None):
        if self._thread is not None:
            self._thread.join(timeout)

    def _schedule(self, delay, fn, *args):
        with self._lock:
            heapq.heappush(self._timers, (time.monotonic() + delay, next(self._seq), fn, args))
        self._wake.set()

    def _run(self):
        while not self._stop_event.is_set():
            with self._lock:
                due = self._timers[0][0] if self._timers else None
            self._wake.wait(5.0 if due is None else max(0.0, due - time.monotonic()))
            self._wake.clear()
            while not self._stop_event.is_set():
                with self._lock:
                    if not self._timers or self._timers[0][0] > time.monotonic():
                        break
                    _, _, fn, args = heapq.heappop(self._timers)
                try:
                    fn(*args)
                except Exception:   # noqa: BLE001 - the pool must outlive one failed job
                    log.exception("session host pool: %s failed", fn.__name__)

    # -- placement ------------------------------------------------------------------------
    def hosts(self):
        """The live hosts (a snapshot)."""
        with self._lock:
            return list(self._hosts)

    def attach(self, session):
        """Put the session's account in a host with room (spawning one if needed) and tell
        the child to create its session; return the host. Caller holds session._lock."""
        self._ensure_thread()
        with self._lock:
            host = self._place(session.account_id)
            host.accounts[session.account_id] = session
            session._host = host
        host.command(session.account_id, "add", session.session_path)
        return host

    def _place(self, account_id):
        if self.accounts_per_host > 1 and self._recent_crashes(account_id) < self.split_after:
            for host in self._hosts:
                if (host.running and not host.retiring and not host.solo
                        and len(host.accounts) < self.accounts_per_host):
                    return host
        return self._spawn(solo=self.accounts_per_host == 1
                           or self._recent_crashes(account_id) >= self.split_after)

    def _spawn(self, solo):
        host = SessionHostProcess(self.factory_path, self.log_level, on_event=self._on_event,
                                  on_exit=self._on_exit, on_figures=self._on_figures,
                                  solo=solo, **self._host_args)
        host.start()
        self._hosts.append(host)
        return host

    def detach(self, session):
        """Take the session's account out of its host (its client stopped, bounded); a host
        left empty is stopped. Caller holds session._lock."""
        with self._lock:
            host, session._host = session._host, None
            if host is None or host.accounts.get(session.account_id) is not session:
                return
            del host.accounts[session.account_id]
            empty = not host.accounts and host in self._hosts
            if empty:
                host.retiring = True
                self._hosts.remove(host)
        if empty:
            host.stop()
        elif host.running:
            try:
                host.request(session.account_id, "remove", None, REMOVE_TIMEOUT)
            except base.DriverError as exc:
                log.warning("account %s: removing it from %s failed: %s",
                            session.account_id, host.name, exc)

    # -- callbacks from the hosts' reader threads (never block, never stop a host here) ---
    def _on_event(self, host, account_id, kind, data, final):
        session = host.accounts.get(account_id)
        if session is None:
            return
        session._host_event(host, kind, data)
        if final:   # that session is over in the child; its account leaves the host
            with self._lock:
                if host.accounts.get(account_id) is session:
                    del host.accounts[account_id]
                    session._host_finished(host)
                empty = not host.accounts and host in self._hosts
                if empty:
                    host.retiring = True
                    self._hosts.remove(host)
            if empty:
                self._schedule(0, self._stop_host, host)

    def _on_exit(self, host, reason):
        with self._lock:
            if reason != "died" or host not in self._hosts:
                return
            self._hosts.remove(host)
            sessions = list(host.accounts.values())
            host.accounts = {}
            now = time.monotonic()
            for session in sessions:
                self._crashes.setdefault(session.account_id, []).append(now)
            crashes = max((self._recent_crashes(s.account_id) for s in sessions), default=1)
        delay = backoff_delay(crashes, self.restart_backoff_base, self.restart_backoff_cap)
        log.error("session host %s died with accounts %s (crash %d in %.0fs); restarting "
                  "them in %.1fs", host.name, [s.account_id for s in sessions], crashes,
                  self.crash_window, delay)
        for session in sessions:
            session._host_lost(host, "session_host_died")
        if sessions:
            self._schedule(delay, self._restart, sessions, True)

    def _on_figures(self, host, figures):
        fds, rss = figures.get("fds", 0), figures.get("rssMb", 0.0)
        if fds <= self.max_fds and rss <= self.max_rss_mb:
            return
        with self._lock:
            if host.retiring or host not in self._hosts:
                return
            host.retiring = True   # no new accounts; its own move in the pool's thread
        log.warning("session host %s (pid %s) has %d descriptors and %.0f MB RSS (limits %d, "
                    "%.0f MB); moving its accounts %s to a fresh host", host.name, host.pid,
                    fds, rss, self.max_fds, self.max_rss_mb, sorted(host.accounts))
        self._schedule(0, self._replace, host)

    # -- jobs in the pool's thread ----------------------------------------------------------
    def _stop_host(self, host):
        host.stop()

    def _replace(self, host):
        """Move a leaking host's accounts to a fresh host, without a new scan."""
        with self._lock:
            if host in self._hosts:
                self._hosts.remove(host)
            sessions = list(host.accounts.values())
            host.accounts = {}
        for session in sessions:
            session._host_lost(host, "session_host_replaced")
        if not host.drain(DRAIN_TIMEOUT):   # no new requests reach it now
            log.warning("session host %s: requests still unanswered after %.0fs; replacing it "
                        "anyway", host.name, DRAIN_TIMEOUT)
        host.stop()   # before the new host opens the same session files
        self.replacements += 1
        self._restart(sessions, False, solo=host.solo)

    def _restart(self, sessions, crashed, solo=False):
        """Start the sessions that still want it: together in one fresh host, except those
        that crashed too often, which get a host each."""
        group = None
        for session in sessions:
            with session._lock:
                if not session._awaiting_host():
                    continue
                with self._lock:
                    if solo or self.accounts_per_host == 1 or (
                            self._recent_crashes(session.account_id) >= self.split_after):
                        host = self._spawn(solo=True)
                    else:
                        if group is None or len(group.accounts) >= self.accounts_per_host:
                            group = self._spawn(solo=False)
                        host = group
                    host.accounts[session.account_id] = session
                    session._host = host
                if crashed:
                    count_session_host_restart(session.account_id)
                try:
                    host.command(session.account_id, "add", session.session_path)
                    host.command(session.account_id, "start", session._start_settings())
                except base.DriverError as exc:   # it died at once: its on_exit handles it
                    log.warning("account %s: restart in %s failed: %s", session.account_id,
                                host.name, exc)

    def _recent_crashes(self, account_id):
        """Crashes of the account's hosts within crash_window (pruning older ones)."""
        times = self._crashes.get(account_id)
        if not times:
            return 0
        horizon = time.monotonic() - self.crash_window
        times[:] = [t for t in times if t >= horizon]
        return len(times)
