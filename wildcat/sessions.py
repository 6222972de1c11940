"""Dashboard sessions: a random id per sign-in, with an expiry, revoked by signing out.

The cookie carries the id; the process keeps only its SHA-256, whom it signs in ("admin" or
"account:<id>" with the token's hash, so that rotating the token ends it) and its expiry, at
most `MAX_SESSIONS` of them (the oldest is dropped first). Sessions live in the serving
process: a restart, or another instance behind the same proxy, asks the operator to sign in
again.
"""
import collections
import hashlib
import secrets
import threading
import time

MAX_SESSIONS = 1000
SESSION_MAX_AGE = 12 * 3600

Session = collections.namedtuple("Session", "principal token_hash expiry")


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class DashboardSessions:
    """The live dashboard sessions of this process."""

    def __init__(self, max_age: float = SESSION_MAX_AGE, clock=time.monotonic):
        self.max_age, self._clock = max_age, clock
        self._sessions = {}               # sha256(id) -> Session, oldest first
        self._lock = threading.Lock()

    def create(self, principal="admin", token_hash=None) -> str:
        """A new session id (shown once, in the cookie)."""
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._sweep()
            while len(self._sessions) >= MAX_SESSIONS:
                self._sessions.pop(next(iter(self._sessions)))
            self._sessions[_digest(session_id)] = Session(principal, token_hash,
                                                          self._clock() + self.max_age)
        return session_id

    def lookup(self, session_id):
        """The live Session behind `session_id`, or None (unknown, expired or revoked)."""
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(_digest(session_id))
        return session if session is not None and session.expiry > self._clock() else None

    def valid(self, session_id) -> bool:
        return self.lookup(session_id) is not None

    def revoke(self, session_id) -> None:
        if session_id:
            with self._lock:
                self._sessions.pop(_digest(session_id), None)

    def key(self, session_id) -> str:
        """A name for the session that is not the secret (for per-credential limits)."""
        return "session:" + _digest(session_id)[:16]

    def _sweep(self):
        now = self._clock()
        for digest in [d for d, s in self._sessions.items() if s.expiry <= now]:
            del self._sessions[digest]
