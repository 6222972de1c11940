"""Errors are exceptions; this module turns every one into `{ok: false, error, code}`."""
import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    status = 500
    code = "internal_error"
    message = "Internal server error"

    def __init__(self, message=None, *, code=None, status=None, details=None, headers=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.status = status or self.status
        self.details = details
        self.headers = headers or {}


class BadRequest(ApiError):
    status, code, message = 400, "bad_request", "Bad request"


class ValidationFailed(ApiError):
    status, code, message = 400, "validation_error", "Invalid request"


class Unauthorized(ApiError):
    status, code, message = 401, "unauthorized", "A valid API key is required"


class Forbidden(ApiError):
    status, code, message = 403, "forbidden", "Forbidden"


class NotFound(ApiError):
    status, code, message = 404, "not_found", "Not found"


class AccountNotFound(NotFound):
    code, message = "account_not_found", "Account not found"


class AccountExists(ApiError):
    status, code, message = 400, "account_exists", "Account already exists"


class Conflict(ApiError):
    status, code, message = 409, "conflict", "Conflict"


class AccountNotConnected(Conflict):
    code, message = "account_not_connected", "Account is not connected"


class PayloadTooLarge(ApiError):
    status, code, message = 413, "payload_too_large", "Upload is too large"


class UnsupportedMedia(ApiError):
    status, code, message = 415, "unsupported_media_type", "Unsupported media type"


class RateLimited(ApiError):
    status, code, message = 429, "rate_limited", "Too many messages; slow down"


class SendFailed(ApiError):
    status, code, message = 502, "send_failed", "WhatsApp did not accept the message"


class Unavailable(ApiError):
    status, code, message = 503, "unavailable", "Service unavailable"


def error_response(status, code, message, details=None, headers=None):
    body = {"ok": False, "error": message, "code": code}
    if details is not None:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_").replace(" ", "")


def register_error_handlers(app):
    """Answer every error, expected or not, in the JSON error shape."""

    @app.errorhandler(ApiError)
    def _api_error(exc):
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        code = (exc.name or "error").lower().replace(" ", "_").replace("-", "_")
        if exc.code == 413:
            return error_response(413, "payload_too_large", "Upload is too large")
        headers = {}
        if exc.code == 405 and exc.get_response().headers.get("Allow"):
            headers["Allow"] = exc.get_response().headers["Allow"]
        return error_response(exc.code or 500, code, exc.description or exc.name, None, headers)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error")
        return error_response(500, "internal_error", "Internal server error")
