"""gunicorn settings and hooks, shared by `python app.py`, the Procfile and tests."""
import logging
import os
import socket
import urllib.parse

from wildcat.capacity import client_connections, open_files_limit

log = logging.getLogger(__name__)


def gunicorn_options(config) -> dict:
    """WEB_CONCURRENCY gthread workers, no preload, never recycled: each worker is one
    instance of the cluster (DESIGN §10), holding its share of the accounts.

    Raises the process's soft open-files limit to its hard limit (inherited by the workers).
    """
    return {
        "bind": f"{config.host}:{config.port}",
        "workers": config.web_concurrency,
        # gthread whose threads only take requests that have arrived (slow clients)
        "worker_class": "wildcat.http_worker.GuardedThreadWorker",
        "threads": config.threads,
        # client sockets share the process's descriptors with the accounts (capacity.py)
        "worker_connections": client_connections(open_files_limit(raise_soft=True),
                                                 config.threads),
        "preload_app": False,
        "max_requests": 0,
        "timeout": 120,
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "loglevel": config.log_level.lower(),
        # gunicorn's control socket is one path per user, shared by every instance on the
        # host, and WILDCAT needs none of its commands.
        "control_socket_disable": True,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
    }


def post_worker_init(worker):
    """The serving process exists: open its private listener, start the account workers
    and the dispatcher."""
    from wildcat.banner import log_startup

    runtime = worker.wsgi.extensions["wildcat"]
    runtime.server_worker = worker       # `alive` turns False on SIGTERM: /ws streams end
    log_startup(runtime.config)
    runtime.start(address=open_private_listener(worker, runtime.config))


def open_private_listener(worker, config) -> str:
    """A listening socket of this worker alone, served by its own gthread loop (the workers
    of one server share the public port, so a peer could not pick one there); returns the
    address other instances forward to."""
    advertised = urllib.parse.urlsplit(config.advertise_url) if config.advertise_url else None
    if advertised is not None and worker.cfg.workers == 1:
        return config.advertise_url          # the public port reaches this one worker
    host = config.host if advertised is not None else "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # as gunicorn's own listeners: accepted sockets inherit it, so a response's headers and
    # body are not held back by Nagle waiting for the peer's delayed ACK (40 ms)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, 0))
    sock.listen(128)
    sock.set_inheritable(False)
    worker.sockets.append(sock)          # the gthread loop registers every listener at run()
    port = sock.getsockname()[1]
    if advertised is not None:
        return f"{advertised.scheme}://{advertised.hostname}:{port}"
    return f"http://127.0.0.1:{port}"


def mark_configured():
    """Tell app.py's `app:app` that gunicorn runs with these hooks (workers inherit it)."""
    os.environ["WILDCAT_GUNICORN_HOOKS"] = "1"


def worker_exit(server, worker):
    """SIGTERM or shutdown: stop every account within a bounded time."""
    app = getattr(worker, "wsgi", None)
    if app is not None:
        app.extensions["wildcat"].stop(timeout=20)
