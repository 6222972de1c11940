"""The app factory: builds the Flask app and its Runtime; starts no thread."""
import logging

from flask import Flask

from wildcat.config import Config, load_config
from wildcat.errors import register_error_handlers
from wildcat.runtime import Runtime, make_driver

log = logging.getLogger(__name__)


def create_app(config: Config | None = None, *, store=None, driver=None) -> Flask:
    """A WILDCAT app for `config` (from the environment when None).

    Threads start with `app.extensions["wildcat"].start()`, once the serving process exists.
    """
    config = config or load_config()
    if store is None:
        from wildcat.store import open_store
        store = open_store(config)
    driver = driver or make_driver(config)

    app = Flask("wildcat")
    app.config["MAX_CONTENT_LENGTH"] = config.max_upload_bytes + 1024 * 1024
    app.json.sort_keys = False
    app.extensions["wildcat"] = Runtime(config, store, driver)
    register_error_handlers(app)

    from wildcat.api import accounts, chats, messages, system, webhooks
    for module in (system, accounts, messages, chats, webhooks):
        app.register_blueprint(module.bp)
    if config.driver == "sandbox":
        from wildcat.api import sandbox
        app.register_blueprint(sandbox.bp)
    return app
