"""SQLite plumbing for SQLiteStore: a bounded connection pool and serialized writes."""
import contextlib
import fcntl
import functools
import os
import sqlite3
import threading
import time

from wildcat import private_files
from wildcat.store.base import DuplicateKey, StoreError

BUSY_TIMEOUT_MS = 10_000
POOL_SIZE = 16          # connections per store, whatever the number of threads


def translate(fn):
    """Turn sqlite3 errors into the contract's StoreError/DuplicateKey."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(str(exc)) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"sqlite: {exc}") from exc
    return wrapper


class SQLiteConnections:
    """A bounded pool of connections to one WAL file; writers queue on a lock, readers
    never wait for writers.

    At most `pool_size` connections (two file descriptors each, with the WAL) are open,
    however many threads use the store; a thread borrows one per call and gives it back.
    A thread that borrows again while holding one (a read inside a write) reuses it, so
    the pool cannot deadlock on itself. A thread that finds every connection busy for
    BUSY_TIMEOUT_MS gets a StoreError rather than waiting forever.
    """

    def __init__(self, path: str, pool_size: int = POOL_SIZE):
        self.path = path
        try:
            # The data directory 0700 and the files 0600 before SQLite opens anything: SQLite
            # gives the -wal/-shm files it creates the database file's permission bits.
            private_files.private_dir(os.path.dirname(os.path.abspath(path)))
            private_files.private_sqlite(path)
        except OSError as exc:
            raise StoreError(f"sqlite: cannot create {path} privately: {exc}") from exc
        self.pool_size = pool_size
        self._idle = []                     # connections not lent out (last in, first out)
        self._open = 0                      # connections open, idle or lent
        self._pool_cond = threading.Condition()
        self._held = threading.local()      # the connection this thread has borrowed
        self._closed = False
        # Python-side write lock: threads queue here instead of spinning in busy_timeout;
        # and a lock file for the other processes on this file (gunicorn workers, servers
        # sharing the data dir), which the kernel hands over at once, where SQLite's own
        # busy handler would sleep 1..100 ms between tries.
        self._wlock = threading.Lock()
        self._lockfile, self._lockfile_pid = None, None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                             timeout=BUSY_TIMEOUT_MS / 1000)
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # NORMAL in WAL survives process crashes; only power loss may drop the last commits.
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @contextlib.contextmanager
    def _lease(self):
        """Borrow a connection for one call (the thread's own when it already holds one)."""
        held = getattr(self._held, "db", None)
        if held is not None:
            yield held
            return
        db = self._acquire()
        self._held.db = db
        try:
            yield db
        finally:
            self._held.db = None
            self._release(db)

    def _acquire(self):
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        with self._pool_cond:
            while True:
                if self._idle:
                    return self._idle.pop()
                if self._open < self.pool_size:
                    self._open += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StoreError(f"sqlite: all {self.pool_size} connections busy")
                self._pool_cond.wait(remaining)
        try:
            return self._connect()
        except BaseException:
            with self._pool_cond:
                self._open -= 1
                self._pool_cond.notify()
            raise

    def _release(self, db):
        with self._pool_cond:
            if self._closed:
                self._open -= 1
                db.close()
            else:
                self._idle.append(db)
            self._pool_cond.notify()

    def _conn(self) -> sqlite3.Connection:
        """The connection this thread holds (only inside `_lease`)."""
        return self._held.db

    @contextlib.contextmanager
    def _write(self):
        """One IMMEDIATE transaction: takes the write lock up front so reads can't go stale.
        Inside `atomic()` on this thread, the unit's transaction (no lock, BEGIN or COMMIT
        of its own)."""
        unit = getattr(self._held, "unit", None)
        if unit is not None:
            yield unit
            return
        with self._lease() as db, self._wlock:
            lockfile = self._lock_fd()
            fcntl.flock(lockfile, fcntl.LOCK_EX)
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
            finally:
                fcntl.flock(lockfile, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def atomic(self):
        """Every write of this thread inside the block in one transaction (nested blocks
        join the outer one): all of them commit, or none. Functions given to
        `after_commit()` meanwhile run once it has committed (and are dropped if it rolls
        back). One transaction instead of several also takes the write lock once: with
        many threads, a writer waiting for the GIL while holding that lock held up every
        other writer."""
        if getattr(self._held, "unit", None) is not None:
            yield
            return
        self._held.after = []
        try:
            with self._write() as db:
                self._held.unit = db
                try:
                    yield
                finally:
                    self._held.unit = None
            after, self._held.after = self._held.after, None
        except BaseException as exc:
            self._held.after = None
            if isinstance(exc, sqlite3.IntegrityError):   # e.g. the COMMIT itself failing
                raise DuplicateKey(str(exc)) from exc
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"sqlite: {exc}") from exc
            raise
        for fn in after:
            fn()

    def after_commit(self, fn):
        """Run `fn()` once the open `atomic()` block has committed; at once outside one."""
        pending = getattr(self._held, "after", None)
        if pending is None:
            fn()
        else:
            pending.append(fn)

    def _lock_fd(self):
        """The lock file, opened by this process (a forked child opens its own: a shared
        open file would share the lock)."""
        if self._lockfile is None or self._lockfile_pid != os.getpid():
            self._lockfile = os.open(os.path.abspath(self.path) + ".writelock",
                                     os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._lockfile_pid = os.getpid()
        return self._lockfile

    def _all(self, sql, params=()):
        with self._lease() as db:
            return db.execute(sql, params).fetchall()

    def _one(self, sql, params=()):
        with self._lease() as db:
            return db.execute(sql, params).fetchone()

    @staticmethod
    def _insert(db, table, values, verb="INSERT"):
        marks = ", ".join("?" * len(values))
        return db.execute(f"{verb} INTO {table} ({', '.join(values)}) VALUES ({marks})",
                          tuple(values.values()))

    def close(self):
        with self._pool_cond:
            self._closed = True
            for db in self._idle:
                db.close()
            self._open -= len(self._idle)
            self._idle.clear()
        with self._wlock:
            if self._lockfile is not None and self._lockfile_pid == os.getpid():
                os.close(self._lockfile)
            self._lockfile = None
