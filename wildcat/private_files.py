"""Data at rest is the owner's alone: the data directory 0700, database and session files 0600.

The SQLite store and the WhatsApp session files hold message history and WhatsApp logins.
Modes are set explicitly (at creation, or by chmod right after), never left to the umask.
"""
import logging
import os
import stat

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
# SQLite creates these next to a database, with the database file's own permission bits.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
# For a process (the session host) whose every new file is private: rw for the owner only.
PRIVATE_UMASK = 0o077


def private_dir(path) -> str:
    """Create `path` (with its parents) if missing and make it 0700; return it."""
    os.makedirs(path, mode=DIR_MODE, exist_ok=True)
    restrict(path, DIR_MODE)
    return path


def private_file(path) -> str:
    """Create `path` empty if missing, 0600 from its creation; make an existing one 0600."""
    existed = os.path.exists(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    try:
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if mode != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
            if existed:
                log.info("%s was mode %o; now %o", path, mode, FILE_MODE)
    finally:
        os.close(fd)
    return path


def private_sqlite(path, *, create=True) -> str:
    """An SQLite database and the side files it already has, 0600 (new side files copy it)."""
    if create:
        private_file(path)
    else:
        restrict_if_exists(path, FILE_MODE)
    for suffix in SQLITE_SIDE_FILES:
        restrict_if_exists(path + suffix, FILE_MODE)
    return path


def restrict(path, mode):
    """chmod `path` to `mode` unless it already is; log when a looser mode is tightened.

    A path that belongs to another user (a mounted volume, a shared directory) cannot be
    changed: that is logged as a warning, not refused, since the server can still use it.
    """
    current = stat.S_IMODE(os.stat(path).st_mode)
    if current == mode:
        return
    try:
        os.chmod(path, mode)
    except PermissionError:
        log.warning("%s is mode %o and not ours to change to %o: its owner should make it "
                    "private", path, current, mode)
        return
    log.info("%s was mode %o; now %o", path, current, mode)


def restrict_if_exists(path, mode):
    try:
        restrict(path, mode)
    except FileNotFoundError:
        pass
