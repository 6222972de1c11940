"""The neonize driver: accounts' neonize clients run in spawned session-host child processes
(workers.neonize.child_host), up to K accounts per host, driven over a pipe.

This module never imports neonize, directly or indirectly: neonize's Go runtime does not
survive fork, its globals race, a stuck QR login blocks forever and each failed connect leaks
an fd. In a child all of that costs that host's accounts a restart, never the web process.
"""
import logging
import os
import sqlite3
import tempfile
import threading

from wildcat import private_files
from wildcat.drivers import base
from wildcat.drivers.liveness import LivenessBook
from workers.neonize.event_relay import EventRelay
from workers.neonize.host_pool import HostPool

log = logging.getLogger(__name__)

DEFAULT_FACTORY = "workers.neonize.child_client:NeonizeClientSession"
SEND_TIMEOUT = 180.0          # media uploads can be large
PAIR_TIMEOUT = 30.0
LOGOUT_TIMEOUT = 15.0
GROUP_TIMEOUT = 60.0          # a group change is one or two queries to WhatsApp
_SQLITE_HEADER = b"SQLite format 3\x00"


class NeonizeSession(base.DriverSession):
    """One account's connection, living in one session host at a time (the HostPool picks
    it and may move it). start() places the account in a host (or reuses its place to retry
    a failed connect); stop()/logout() take it out for good. While the pool restarts a
    crashed host or moves the account off a leaking one, the session stays alive and reports
    DISCONNECTED(willReconnect=True) then the new connection's events."""

    def __init__(self, driver, account_id, session_path, on_event, proxy=None):
        self.account_id = account_id
        self.session_path = session_path
        self._proxy = proxy          # the account's proxy URL, handed to the child on start
        self._driver = driver
        self._relay = EventRelay(account_id, on_event)
        self._lock = threading.RLock()
        self._host = None
        self._ended = False
        self._finished = False    # the child ended the session (QR timeout, login failure)
        self._restarting = False  # waiting for the pool to restart or move it

    @property
    def pid(self):
        """The pid of the account's session host (None when it has none)."""
        host = self._host
        return host.pid if host is not None else None

    def start(self):
        with self._lock:
            self._ended = self._finished = self._restarting = False
            self._relay.start()
            host = self._host
            if host is None or not host.running:
                if host is not None:
                    self._driver.pool.detach(self)
                host = self._driver.pool.attach(self)
            try:
                host.command(self.account_id, "start", self._start_settings())
            except base.DriverError as exc:   # the reader reports the child's death
                log.warning("account %s: cannot start session host: %s", self.account_id, exc)

    def _start_settings(self):
        """The `start` command's settings for the child (the account's proxy, if any)."""
        return {"proxy": self._proxy} if self._proxy else None

    def stop(self):
        with self._lock:
            self._ended = True
            self._restarting = False
            self._driver.pool.detach(self)
            self._relay.stop()

    def logout(self):
        with self._lock:
            host = self._host
            if host is not None and host.running:
                try:
                    host.request(self.account_id, "logout", None, LOGOUT_TIMEOUT)
                except base.DriverError as exc:
                    log.warning("account %s: logout in session host failed: %s",
                                self.account_id, exc)
            self.stop()
            self._driver.delete_session_files(self.account_id)

    def pair_phone(self, phone):
        return self._request("pair", phone, PAIR_TIMEOUT)

    def send(self, request):
        return self._request("send", request, SEND_TIMEOUT)

    def download_media(self, message):
        return self._request("download", message, SEND_TIMEOUT)

    def mark_read(self, chat_id, message_ids, sender):
        self._request("mark_read", (chat_id, list(message_ids), sender), PAIR_TIMEOUT)

    def send_chat_presence(self, to, state):
        self.remote("send_chat_presence", to, state)

    def remote(self, name, *args, timeout=PAIR_TIMEOUT):
        """Call `name(*args)` on the child's session object (it must list `name` in its
        REMOTE_METHODS); its result, or its DriverError."""
        return self._request("call:" + name, args, timeout)

    # -- groups (issue 12): the child's NeonizeGroupsMixin, called by name -----------------
    def list_groups(self):
        return self.remote("list_groups", timeout=GROUP_TIMEOUT)

    def group_info(self, group_id):
        return self.remote("group_info", group_id, timeout=GROUP_TIMEOUT)

    def create_group(self, subject, participants):
        return self.remote("create_group", subject, list(participants), timeout=GROUP_TIMEOUT)

    def update_group(self, group_id, changes):
        return self.remote("update_group", group_id, dict(changes), timeout=GROUP_TIMEOUT)

    def update_participants(self, group_id, action, participants):
        return self.remote("update_participants", group_id, action, list(participants),
                           timeout=GROUP_TIMEOUT)

    def group_invite(self, group_id, revoke=False):
        return self.remote("group_invite", group_id, bool(revoke), timeout=GROUP_TIMEOUT)

    def join_group(self, code):
        return self.remote("join_group", code, timeout=GROUP_TIMEOUT)

    def leave_group(self, group_id):
        return self.remote("leave_group", group_id, timeout=GROUP_TIMEOUT)

    def set_group_picture(self, group_id, image):
        return self.remote("set_group_picture", group_id, bytes(image), timeout=SEND_TIMEOUT)

    # -- chat extras (issue 11): calls on the child's session by name --------------------------
    def send_presence(self, state, to):
        self.remote("send_presence", state, to)

    def check_numbers(self, phones):
        return self.remote("check_numbers", list(phones))

    def contact_info(self, jid):
        return self.remote("contact_info", jid)

    def set_blocked(self, jid, blocked):
        self.remote("set_blocked", jid, bool(blocked))

    def reject_call(self, call_id, caller):
        self.remote("reject_call", call_id, caller)

    def is_alive(self):
        if self._ended or self._finished:
            return False
        host = self._host
        return host is None or host.running or self._restarting

    def _request(self, op, arg, timeout):
        host = self._host
        if host is None or not host.running:
            raise base.NotConnected("account session is not running")
        return host.request(self.account_id, op, arg, timeout)

    # -- called by the pool (hosts' reader threads, pool thread): never take self._lock ---
    def _awaiting_host(self):
        return self._restarting and self._host is None and not self._ended

    def _host_event(self, host, kind, data):
        if host is not self._host:
            return
        self._driver.liveness_of(self.account_id).observe(kind, data)
        self._emit(kind, data)

    def _host_finished(self, host):
        if host is self._host:
            self._finished = True
            self._host = None

    def _host_lost(self, host, reason):
        if host is not self._host or self._ended:
            return
        self._host = None
        self._restarting = True
        self._driver.liveness_of(self.account_id).observe(base.DISCONNECTED, {})
        self._emit(base.DISCONNECTED, {"reason": reason, "willReconnect": True})

    def _emit(self, kind, data):
        self._relay.put(base.DriverEvent(kind, data))


class NeonizeDriver(base.Driver):
    """Opens NeonizeSessions; owns the per-account session files `<data_dir>/sessions/<id>.db`."""

    name = "neonize"

    def __init__(self, config, session_factory=DEFAULT_FACTORY, *, heartbeat_interval=5.0,
                 heartbeat_timeout=20.0, stop_grace=3.0, **pool_options):
        self.config = config
        self.session_factory = session_factory
        self.sessions_dir = os.path.join(config.data_dir, "sessions")
        self.stop_grace = stop_grace
        options = dict(
            accounts_per_host=getattr(config, "accounts_per_host", 1),
            max_fds=getattr(config, "host_max_fds", 0),
            max_rss_mb=getattr(config, "host_max_rss_mb", 0.0))
        options.update(pool_options)
        self.pool = HostPool(session_factory, getattr(config, "log_level", "INFO"),
                             heartbeat_interval=heartbeat_interval,
                             heartbeat_timeout=heartbeat_timeout, stop_grace=stop_grace,
                             **options)
        self._sessions = {}
        self._liveness = LivenessBook()
        self._lock = threading.Lock()

    def session_path(self, account_or_id):
        """Path of the account's neonize SQLite file."""
        account_id = _account_id(account_or_id)
        if not account_id or "/" in account_id or account_id.startswith("."):
            raise base.DriverError("invalid account id for a session file: %r" % account_id)
        return os.path.join(self.sessions_dir, account_id + ".db")

    def open_session(self, account, on_event):
        account_id = _account_id(account)
        session = NeonizeSession(self, account_id, self.session_path(account_id), on_event,
                                 proxy=account.get("proxy") if isinstance(account, dict) else None)
        self._private_sessions_dir()
        # The child creates new files 0600 (child_host sets its umask); a file from before
        # that, or restored by hand, is tightened here.
        private_files.private_sqlite(session.session_path, create=False)
        with self._lock:
            self._sessions[account_id] = session
        return session

    def liveness_of(self, account_id):
        """The account's Liveness record (created on first use)."""
        return self._liveness.of(account_id)

    def liveness(self, account):
        return self._liveness.view(_account_id(account))

    def _private_sessions_dir(self):
        private_files.private_dir(self.config.data_dir)
        private_files.private_dir(self.sessions_dir)

    def has_session(self, account):
        path = self.session_path(account)
        if not os.path.exists(path):
            return False
        try:
            conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=5)
            try:
                return conn.execute("SELECT 1 FROM whatsmeow_device LIMIT 1").fetchone() is not None
            finally:
                conn.close()
        except sqlite3.Error:   # no table yet, not a database, locked...
            return False

    def delete_session(self, account):
        account_id = _account_id(account)
        with self._lock:
            session = self._sessions.get(account_id)
        if session is not None:
            session.stop()   # the child holds the file open
        self.delete_session_files(account_id)

    def delete_session_files(self, account_id):
        path = self.session_path(account_id)
        removed = False
        for name in (path, path + "-wal", path + "-shm", path + "-journal"):
            try:
                os.remove(name)
                removed = True
            except FileNotFoundError:
                pass
        if removed:   # a logout and the snapshot's forget both ask; say it once
            log.info("account %s: session file deleted", account_id)

    def export_session(self, account):
        path = self.session_path(account)
        if not os.path.exists(path):
            return None
        src = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
        dst = sqlite3.connect(":memory:")
        try:
            src.backup(dst)   # consistent even while the child writes
            return dst.serialize()
        except sqlite3.Error as exc:
            raise base.DriverError("cannot export session: %s" % exc) from exc
        finally:
            src.close()
            dst.close()

    def import_session(self, account, data):
        if not data or not bytes(data[:16]) == _SQLITE_HEADER:
            raise base.DriverError("session snapshot is not an SQLite database")
        path = self.session_path(account)
        self._private_sessions_dir()
        fd, tmp = tempfile.mkstemp(dir=self.sessions_dir, prefix=".import-", suffix=".db")
        try:
            with os.fdopen(fd, "wb") as f:
                os.fchmod(f.fileno(), private_files.FILE_MODE)   # mkstemp's 0600, stated
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            for stale in (path + "-wal", path + "-shm", path + "-journal"):
                if os.path.exists(stale):
                    os.remove(stale)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise

    def close(self):
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
        # in parallel: a child stuck in a dial costs stop_grace seconds, not N times that
        stoppers = [threading.Thread(target=_stop_quietly, args=(session,), daemon=True,
                                     name="session-stop-%s" % session.account_id)
                    for session in sessions]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join(self.stop_grace + 10)
        self.pool.stop()
        self.pool.join(5)


def _stop_quietly(session):
    try:
        session.stop()
    except Exception:   # noqa: BLE001 - keep closing the others
        log.exception("account %s: stop failed at close", session.account_id)


def _account_id(account_or_id):
    if isinstance(account_or_id, dict):
        return str(account_or_id.get("_id") or account_or_id.get("id") or "")
    return str(account_or_id)
