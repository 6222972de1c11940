"""gunicorn settings and hooks, shared by `python app.py`, the Procfile and tests."""
import logging
import os
import socket
import sys
import urllib.parse

from wildcat.capacity import client_connections, open_files_limit

log = logging.getLogger(__name__)


def gunicorn_options(config) -> dict:
    """WEB_CONCURRENCY gthread workers, no preload, never recycled: each worker is one
    instance of the cluster (DESIGN §10), holding its share of the accounts.

    Raises the process's soft open-files limit to its hard limit (inherited by the workers).
    """
    if config.web_concurrency > 1:
        refuse_a_taken_port(config.host, config.port)
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
        # the public listener joins a SO_REUSEPORT group: each worker adds its own socket
        # on the same port, and the kernel spreads new connections over them
        "reuse_port": config.web_concurrency > 1,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
    }


def refuse_a_taken_port(host, port):
    """With several workers the public socket is bound with SO_REUSEPORT, which would let
    this server share a port another server already listens on (each then getting part of
    the requests) where a one-worker server stops at "address in use": stop here too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            print(f"wildcat: cannot listen on {host}:{port}: {exc.strerror or exc} "
                  "(another server on that port?)", file=sys.stderr)
            raise SystemExit(1) from None


def post_worker_init(worker):
    """The serving process exists: open its private listener, start the account workers
    and the dispatcher."""
    from wildcat.banner import log_startup

    runtime = worker.wsgi.extensions["wildcat"]
    runtime.server_worker = worker       # `alive` turns False on SIGTERM: /ws streams end
    log_startup(runtime.config)
    open_public_listeners(worker)
    runtime.start(address=open_private_listener(worker, runtime.config))


def open_public_listeners(worker):
    """With several workers, a listener of this worker alone on each public TCP address.

    The workers inherit one public socket, and whichever is awake first accepts what
    arrives: a burst of new keep-alive connections (a client's pool, a proxy's) went 7 to 1
    to one worker, which then served nearly everything while the other idled. Each worker
    adds its own socket to the port's SO_REUSEPORT group (gunicorn's `reuse_port`), and the
    kernel hashes each new connection to one socket of the group, so the connections are
    spread over the workers (the inherited socket keeps its share, taken by any worker)."""
    if worker.cfg.workers < 2 or not worker.cfg.reuse_port:
        return
    for listener in list(worker.sockets):
        raw = getattr(listener, "sock", listener)
        if raw.family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = raw.getsockname()
        sock = socket.socket(raw.family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind(address[:2])
            sock.listen(worker.cfg.backlog)
        except OSError as exc:
            sock.close()
            log.warning("worker %s: no listener of its own on %s (%s); it shares the "
                        "inherited one", worker.pid, address[:2], exc)
            continue
        sock.set_inheritable(False)
        worker.sockets.append(sock)


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
