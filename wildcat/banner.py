"""The start-up lines an operator reads first: where to point a browser, and what runs."""
import logging
import os
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


def browse_base(config) -> str:
    """The URL a browser on this machine uses (0.0.0.0 / :: listen everywhere)."""
    host = config.host
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{config.port}"


def describe_store(config) -> str:
    """The store in words, without credentials (a MongoDB URI's user:password is dropped)."""
    if not config.mongodb_uri:
        return f"SQLite at {os.path.abspath(os.path.join(config.data_dir, 'wildcat.db'))}"
    try:
        hosts = urlsplit(config.mongodb_uri).netloc.rpartition("@")[2] or "?"
    except ValueError:
        hosts = "?"
    return f"MongoDB database {config.db_name!r} on {hosts}"


def startup_lines(config) -> list[str]:
    """What `log_startup` prints, one line each."""
    base = browse_base(config)
    listen = f"{config.host}:{config.port}"
    if config.host in ("", "0.0.0.0", "::", "[::]"):
        listen += " (all interfaces)"
    key = ("API key: set (WILDCAT_API_KEY); the dashboard asks for it or an account token"
           if config.api_key else
           "API key: NOT SET - anyone who can reach this port controls the accounts; "
           "set WILDCAT_API_KEY")
    return [f"WILDCAT listening on {listen}",
            f"dashboard: {base}/dashboard",
            f"API docs:  {base}/docs (OpenAPI: {base}/openapi.json)",
            f"driver: {config.driver}" + ("  (simulated WhatsApp network, no phone needed)"
                                          if config.driver == "sandbox" else ""),
            f"store: {describe_store(config)}",
            key]


def log_startup(config) -> None:
    for line in startup_lines(config):
        log.info("%s", line)
