"""How many accounts and connections one server process can hold: file descriptors.

Every connected account costs descriptors (its session host's pipe, process sentinel and
sockets); every client connection costs one; the store pool, logs and listeners a fixed
amount. When the open-files limit runs out, `accept()` fails and the server stops
answering, so the process raises its soft limit to the hard one at start, keeps client
connections to a share of it, and refuses (503 `account_capacity`) an account that would
not fit, instead of finding out from EMFILE.
"""
import logging
import resource

log = logging.getLogger(__name__)

FDS_PER_ACCOUNT = 4            # pipe, sentinel, two sockets of a session host (neonize)
RESERVED_FDS = 128             # store pool (2 each), logs, listeners, libraries, ffmpeg
MAX_CONNECTIONS = 1000         # gunicorn's default worker_connections


def open_files_limit(raise_soft=False) -> int:
    """The soft RLIMIT_NOFILE, first raised to the hard limit when `raise_soft`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if raise_soft and soft != hard and (hard == resource.RLIM_INFINITY or hard > soft):
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            log.warning("could not raise the open-files limit from %d to %d", soft, target)
    return soft


def client_connections(limit: int, threads: int) -> int:
    """Client sockets gunicorn may hold at once: a quarter of the descriptors, at least
    two per request thread, at most gunicorn's default."""
    return max(2 * threads, min(MAX_CONNECTIONS, limit // 4))


def account_capacity(config, limit=None) -> int:
    """Accounts this process can hold: WILDCAT_MAX_ACCOUNTS, or what the descriptors left
    after connections and the fixed reserve allow (at least 1)."""
    limit = open_files_limit() if limit is None else limit
    spare = limit - RESERVED_FDS - client_connections(limit, config.threads)
    fitting = max(1, spare // FDS_PER_ACCOUNT)
    return min(config.max_accounts, fitting) if config.max_accounts else fitting
