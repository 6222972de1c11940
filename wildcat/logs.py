"""Logging for operators: text or JSON lines, a request id per request, the account id."""
import contextvars
import json
import logging
import re
import sys
import time
import uuid

from flask import g, request

# The request being served on this thread ("-" outside requests); set by the app's hooks.
request_id_var = contextvars.ContextVar("wildcat_request_id", default=None)
account_id_var = contextvars.ContextVar("wildcat_account_id", default=None)

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}\Z")
_ACCOUNT_THREAD = "account-"
TEXT_FORMAT = ("%(asctime)s %(levelname)s [%(threadName)s] rid=%(request_id)s "
               "%(name)s: %(message)s")
# Requests that poll (load balancers, Prometheus, the dashboard) are logged at DEBUG.
_QUIET_PATHS = {"/ping", "/health", "/metrics"}

log = logging.getLogger("wildcat.access")


class ContextFilter(logging.Filter):
    """Stamp every record with the request id and the account id it is about."""

    def filter(self, record):
        record.request_id = request_id_var.get() or "-"
        account = account_id_var.get()
        if account is None and record.threadName.startswith(_ACCOUNT_THREAD):
            account = record.threadName[len(_ACCOUNT_THREAD):]
        if account is None and isinstance(record.msg, str) and record.args and \
                record.msg.startswith("account %s") and isinstance(record.args, tuple):
            account = str(record.args[0])  # the house style: "account %s: ..."
        record.account_id = account
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, thread, message, requestId, accountId."""

    def format(self, record):
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + ".%03dZ" % record.msecs,
                 "level": record.levelname, "logger": record.name,
                 "thread": record.threadName, "message": record.getMessage()}
        if getattr(record, "request_id", "-") != "-":
            entry["requestId"] = record.request_id
        if getattr(record, "account_id", None):
            entry["accountId"] = record.account_id
        for key in ("method", "path", "status", "durationMs"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control(text: str) -> str:
    """Control characters as escapes (`\\n`, `\\x1b`): a logged value cannot forge a line."""
    return _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


class TextFormatter(logging.Formatter):
    """The text format, with control characters in the message escaped (a request path
    with `%0a` stays on its line); tracebacks keep their lines."""

    def formatMessage(self, record):
        record.message = escape_control(record.message)
        return super().formatMessage(record)


def make_handler(config, stream=None):
    """A stream handler with WILDCAT's format (LOG_FORMAT) and context filter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if config.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter(TEXT_FORMAT))
    handler.addFilter(ContextFilter())
    return handler


def configure_logging(config):
    """Send WILDCAT's logs to stderr at LOG_LEVEL (force: neonize calls basicConfig too)."""
    logging.basicConfig(level=config.log_level, handlers=[make_handler(config)], force=True)


def request_id_from(value):
    """The caller's X-Request-Id when it is sane (printable id, ≤128 chars), else a new one."""
    if value and _SANE_REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


def register_request_context(app):
    """Give every request an id (echoed as X-Request-Id) and log one access line for it."""

    @app.before_request
    def _start_request():
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.monotonic()
        g.log_tokens = (request_id_var.set(g.request_id),
                        account_id_var.set((request.view_args or {}).get("account_id")))

    @app.after_request
    def _finish_request(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
            _access_line(response)
        return response

    @app.teardown_request
    def _end_request(exc):
        tokens = g.pop("log_tokens", None)
        if tokens:
            request_id_var.reset(tokens[0])
            account_id_var.reset(tokens[1])


def _access_line(response):
    """Method, path (never the query: it may carry apiKey), status and duration."""
    quiet = request.path in _QUIET_PATHS or (
        request.method == "GET" and request.headers.get("X-Wildcat-Dashboard"))
    duration = round((time.monotonic() - g.get("request_started", time.monotonic())) * 1000, 1)
    log.log(logging.DEBUG if quiet else logging.INFO, "%s %s -> %s (%.1f ms)",
            request.method, request.path, response.status_code, duration,
            extra={"method": request.method, "path": request.path,
                   "status": response.status_code, "durationMs": duration})
