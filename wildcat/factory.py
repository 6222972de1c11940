"""The app factory: builds the Flask app and its Runtime; starts no thread."""
import logging

from flask import Flask

from wildcat.auth import register_auth
from wildcat.config import Config, load_config
from wildcat.errors import register_error_handlers
from wildcat.forwarding import register_forwarding
from wildcat.limits import register_body_limits
from wildcat.logs import register_request_context
from wildcat.origin import register_origin_check
from wildcat.metrics import register_metrics
from wildcat.runtime import Runtime, make_driver
from wildcat.sessions import SESSION_MAX_AGE, DashboardSessions

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

    app = Flask("wildcat", static_folder=None)  # the dashboard serves wildcat/static
    app.config["MAX_CONTENT_LENGTH"] = config.max_upload_bytes + 1024 * 1024  # per route: limits
    app.json.sort_keys = False
    app.extensions["wildcat"] = runtime = Runtime(config, store, driver)
    app.extensions["wildcat_sessions"] = DashboardSessions(SESSION_MAX_AGE)
    register_error_handlers(app)
    register_request_context(app)  # first: the request id is in every later line
    register_metrics(app, runtime)
    register_body_limits(app)      # before anything can touch the body
    register_origin_check(app)     # CSRF: with or without a key
    register_auth(app)
    register_forwarding(app, runtime)   # after auth: a bad credential is refused here

    from wildcat.api import (accounts, chat_extras, chats, cluster, dashboard, messages, system,
                             tokens, webhooks)
    from wildcat.api import groups
    from wildcat import openapi
    for module in (system, accounts, tokens, messages, chat_extras, chats, webhooks, dashboard,
                   openapi, groups, cluster):
        app.register_blueprint(module.bp)
    from wildcat.api import ws
    ws.init_app(app, config)
    if config.driver == "sandbox":
        from wildcat.api import sandbox, sandbox_groups
        app.register_blueprint(sandbox.bp)
        app.register_blueprint(sandbox_groups.bp)
    return app
