"""Process hygiene for a session-host child: its title, its zombies, its resource figures.

Only the child uses this (no neonize import here). The title goes through setproctitle, which
rewrites the argv area that `ps`/`top` show, so an operator sees
`wildcat session-host [acct1, acct2]`; /proc/self/comm alone (what prctl PR_SET_NAME sets)
holds 15 bytes, too few to name accounts, and is only the fallback when setproctitle is
missing: it then reads `wc-host`.
"""
import logging
import os

log = logging.getLogger(__name__)

TITLE_PREFIX = "wildcat session-host"
FALLBACK_COMM = "wc-host"
_ZOMBIE_COMMS = {"sh", "uname"}   # neonize's import-time os.popen("uname -a"), never reaped

try:
    import setproctitle as _setproctitle
except ImportError:   # pragma: no cover - pinned in requirements.txt
    _setproctitle = None


def title_for(account_ids):
    """The process title naming the host's accounts."""
    return "%s [%s]" % (TITLE_PREFIX, ", ".join(sorted(account_ids)))


def set_title(account_ids):
    """Show the accounts in `ps` (argv area) and in /proc/self/comm (first 15 bytes)."""
    title = title_for(account_ids)
    if _setproctitle is not None:
        _setproctitle.setproctitle(title)
        return title
    try:   # the process's (main thread's) comm, whichever thread calls
        with open("/proc/self/comm", "w") as f:
            f.write(FALLBACK_COMM)
    except OSError:
        pass
    return title


def _children():
    """Pids of this process's children (every thread's, from /proc/self/task/*/children)."""
    pids = set()
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return pids
    for tid in tasks:
        try:
            with open("/proc/self/task/%s/children" % tid) as f:
                pids.update(int(p) for p in f.read().split())
        except (OSError, ValueError):
            continue
    return pids


def _stat(pid):
    """(comm, state) of a process, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            raw = f.read()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1:raw.rindex(")")]
    return comm, raw[raw.rindex(")") + 2:].split()[0]


def reap_zombies():
    """Reap finished children left by neonize's shell (`[sh] <defunct>`); return their count.
    Only shells: ffmpeg and other subprocess.run children are waited for by their caller,
    and reaping them here would rob it of their exit status."""
    reaped = 0
    for pid in _children():
        info = _stat(pid)
        if info is None or info[1] != "Z" or info[0] not in _ZOMBIE_COMMS:
            continue
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                reaped += 1
        except ChildProcessError:
            pass
    return reaped


def resource_figures():
    """{fds, rssMb, threads} of this process, cheap enough for every heartbeat."""
    figures = {"fds": len(os.listdir("/proc/self/fd")), "rssMb": 0.0, "threads": 0}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    figures["rssMb"] = round(int(line.split()[1]) / 1024, 1)
                elif line.startswith("Threads:"):
                    figures["threads"] = int(line.split()[1])
    except OSError:
        pass
    return figures
