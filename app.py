"""WILDCAT's entry point: `app` for gunicorn; `python app.py` serves it with gunicorn."""
import sys

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

    class WildcatServer(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_options(config).items():
                self.cfg.set(key, value)

        def load(self):
            return _build(config)

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
        globals()["app"] = _build(_load())
        return globals()["app"]
    raise AttributeError(name)


if __name__ == "__main__":
    main()
