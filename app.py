"""WILDCAT's entry point: `app` for gunicorn; `python app.py` serves it with gunicorn."""
import dataclasses
import os
import secrets
import sys
import uuid

from wildcat.config import ConfigError, load_config


def _load():
    try:
        return load_config()
    except ConfigError as exc:
        print(f"wildcat: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def main():
    from gunicorn.app.base import BaseApplication

    from wildcat.server import gunicorn_options

    config = _load()
    if not config.cluster_secret:        # our own workers share it; other servers set theirs
        config = dataclasses.replace(config, cluster_secret=secrets.token_hex(32))

    class WildcatServer(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_options(config).items():
                self.cfg.set(key, value)

        def load(self):      # in each worker: each is one instance, with its own id
            return _build(dataclasses.replace(config, instance_id=uuid.uuid4().hex[:12]))

    WildcatServer().run()


def _build(config):
    from wildcat.factory import create_app
    from wildcat.logs import configure_logging

    configure_logging(config)
    return create_app(config)


def __getattr__(name):
    """`app:app` for gunicorn, built on first access so that importing app.py does nothing
    (spawned session hosts re-import it as __mp_main__)."""
    if name == "app":
        _refuse_gunicorn_without_hooks()
        globals()["app"] = _build(_load())
        return globals()["app"]
    raise AttributeError(name)


def _refuse_gunicorn_without_hooks():
    """`gunicorn app:app` alone would serve with no account threads and no webhook sender:
    stop the worker with gunicorn's boot-error code, which stops gunicorn, and one line."""
    if "gunicorn.arbiter" in sys.modules and not os.environ.get("WILDCAT_GUNICORN_HOOKS"):
        print("wildcat: gunicorn needs WILDCAT's settings: run `gunicorn -c "
              "python:wildcat.gunicorn_conf app:app` (or `python app.py`)", file=sys.stderr,
              flush=True)
        os._exit(3)                      # gunicorn's WORKER_BOOT_ERROR: the master halts


if __name__ == "__main__":
    main()
