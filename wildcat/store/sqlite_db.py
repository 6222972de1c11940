"""SQLite plumbing for SQLiteStore: a connection per thread and serialized writes."""
import contextlib
import functools
import os
import sqlite3
import threading

from wildcat.store.base import DuplicateKey, StoreError

BUSY_TIMEOUT_MS = 10_000


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
    """Per-thread connections to one WAL file; writers queue on a lock, readers never wait."""

    def __init__(self, path: str):
        self.path = path
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self._local = threading.local()
        self._conns = {}                    # thread -> connection, so close() reaches all
        self._conns_lock = threading.Lock()
        # Python-side write lock: threads queue here instead of spinning in busy_timeout.
        self._wlock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                 timeout=BUSY_TIMEOUT_MS / 1000)
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # NORMAL in WAL survives process crashes; only power loss may drop the last commits.
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            with self._conns_lock:
                for thread in [t for t in self._conns if not t.is_alive()]:
                    self._conns.pop(thread).close()
                self._conns[threading.current_thread()] = db
        return db

    @contextlib.contextmanager
    def _write(self):
        """One IMMEDIATE transaction: takes the write lock up front so reads can't go stale."""
        db = self._conn()
        with self._wlock:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def _all(self, sql, params=()):
        return self._conn().execute(sql, params).fetchall()

    def _one(self, sql, params=()):
        return self._conn().execute(sql, params).fetchone()

    @staticmethod
    def _insert(db, table, values, verb="INSERT"):
        marks = ", ".join("?" * len(values))
        return db.execute(f"{verb} INTO {table} ({', '.join(values)}) VALUES ({marks})",
                          tuple(values.values()))

    def close(self):
        with self._conns_lock:
            for db in self._conns.values():
                db.close()
            self._conns.clear()
        self._local = threading.local()
