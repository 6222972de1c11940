"""gunicorn settings and hooks, shared by `python app.py`, the Procfile and tests."""
import logging

from wildcat.capacity import client_connections, open_files_limit

log = logging.getLogger(__name__)


def gunicorn_options(config) -> dict:
    """One gthread worker, no preload, never recycled: accounts live in that one process.

    Raises the process's soft open-files limit to its hard limit (inherited by the worker).
    """
    return {
        "bind": f"{config.host}:{config.port}",
        "workers": 1,
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
    """The serving process exists: start the account workers and the dispatcher."""
    from wildcat.banner import log_startup

    runtime = worker.wsgi.extensions["wildcat"]
    runtime.server_worker = worker       # `alive` turns False on SIGTERM: /ws streams end
    log_startup(runtime.config)
    runtime.start()


def worker_exit(server, worker):
    """SIGTERM or shutdown: stop every account within a bounded time."""
    app = getattr(worker, "wsgi", None)
    if app is not None:
        app.extensions["wildcat"].stop(timeout=20)
