"""Errors are exceptions; this module is the one map from every exception to its HTTP status
and `code`, and turns each into `{ok: false, error, code, details?}`.

Services, workers and schemas raise the classes below (or the driver's and the store's own
exceptions, translated in TRANSLATED); they never pick an HTTP status. The OpenAPI document
lists each status's codes from this same table (`codes_by_status`).
"""
import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException

from wildcat.drivers.base import (DriverError, InvalidInvite, NotConnected, NotGroupAdmin,
                                  NotInGroup, NotOnWhatsApp)
from wildcat.store.base import StoreError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Base of every error the API answers; a subclass fixes its status, code and message."""
    status = 500
    code = "internal_error"
    message = "Internal server error"

    def __init__(self, message=None, *, details=None, headers=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details
        self.headers = headers or {}


def _retry_after(seconds):
    return {"Retry-After": str(max(1, int(seconds)))}


# -- 400 ----------------------------------------------------------------------------------
class BadRequest(ApiError):
    status, code, message = 400, "bad_request", "Bad request"


class ValidationFailed(BadRequest):
    code, message = "validation_error", "Invalid request"


class InvalidJson(BadRequest):
    code, message = "invalid_json", "Request body is not valid JSON"


class InvalidContentType(BadRequest):
    code, message = "invalid_content_type", "Unsupported Content-Type"


class InvalidMultipart(BadRequest):
    code, message = "invalid_multipart", "Malformed multipart body"


class EmptyFile(BadRequest):
    code, message = "empty_file", "The uploaded file is empty"


class InvalidAudio(BadRequest):
    code, message = "invalid_audio", "The audio could not be converted to a voice note"


class InvalidImage(BadRequest):
    code, message = "invalid_image", "The image could not be read"


class AccountExists(BadRequest):   # 400, as the API reference says
    code, message = "account_exists", "Account already exists"


class WebhookUrlBlocked(BadRequest):
    code, message = "webhook_url_blocked", "Webhook URL is not allowed"


class WebSocketUpgradeRequired(BadRequest):
    code = "websocket_upgrade_required"
    message = "GET /ws needs a WebSocket upgrade (ws:// or wss://)"


# -- 401 / 403 ----------------------------------------------------------------------------
class Unauthorized(ApiError):
    """No credential, or one that is wrong."""
    status, code, message = 401, "unauthorized", "A valid API key is required"


class Forbidden(ApiError):
    """A valid credential used out of its scope (an account token on another account)."""
    status, code, message = 403, "forbidden", "This credential may not use this route"


class CannotDelete(Forbidden):
    code, message = "cannot_delete", "Only your own messages can be deleted in a direct chat"


class NotAdmin(Forbidden):
    code, message = "not_admin", "Only a group admin may do this"


class CannotEdit(Forbidden):
    code, message = "cannot_edit", "Only your own text messages can be edited"


# -- 404 ----------------------------------------------------------------------------------
class NotFound(ApiError):
    status, code, message = 404, "not_found", "Not found"


class AccountNotFound(NotFound):
    code, message = "account_not_found", "Account not found"


class MessageNotFound(NotFound):
    code, message = "message_not_found", "Message not found"


class NoMedia(NotFound):
    code, message = "no_media", "No media in message"


class NotOnWhatsAppError(NotFound):
    code, message = "not_on_whatsapp", "The recipient is not on WhatsApp"


class ContactNotFound(NotFound):
    code, message = "contact_not_found", "Contact not found: the number is not on WhatsApp"


class ChatNotFound(NotFound):
    code, message = "chat_not_found", "Chat not found"


class NoQr(NotFound):
    code, message = "no_qr", "No QR code is pending for this account"


class WebhookNotFound(NotFound):
    code, message = "webhook_not_found", "Webhook not found"


class DeliveryNotFound(NotFound):
    code, message = "delivery_not_found", "Delivery not found"


class GroupNotFound(NotFound):
    code, message = "group_not_found", "The account is not in this group"


class InviteNotFound(NotFound):
    code, message = "invite_not_found", "The invite code is invalid or was revoked"


# -- 409 ----------------------------------------------------------------------------------
class Conflict(ApiError):
    status, code, message = 409, "conflict", "Conflict"


class AccountNotConnected(Conflict):
    code, message = "account_not_connected", "Account is not connected"


class WebhookExists(Conflict):
    code = "webhook_exists"
    message = "A webhook with this url (and accountId) exists with other settings"


class NoPendingLogin(Conflict):
    code = "no_pending_login"
    message = "No QR login is pending for this account; call connect first"


class AccountUnavailable(Conflict):
    code, message = "account_unavailable", "The account's worker is not running on this instance"


# -- 413 / 415 / 416 / 429 ---------------------------------------------------------------
class PayloadTooLarge(ApiError):
    status, code, message = 413, "payload_too_large", "Upload is too large"


class UnsupportedMedia(ApiError):
    status, code, message = 415, "unsupported_media_type", "Unsupported media type"


class RangeNotSatisfiable(ApiError):
    status, code, message = 416, "range_not_satisfiable", "Requested range not satisfiable"


class RateLimited(ApiError):
    status, code, message = 429, "rate_limited", "Too many messages; slow down"

    def __init__(self, message=None, *, retry_after, details=None):
        super().__init__(message, details=details, headers=_retry_after(retry_after))


class SendQueueFull(RateLimited):
    code = "send_queue_full"
    message = "Too many paced sends are waiting for this account; retry later"


class DailyLimitReached(RateLimited):
    code = "daily_limit"
    message = "The account's daily send limit (sendPolicy.dailyLimit) is reached"


# -- 500 / 502 ---------------------------------------------------------------------------
class InternalError(ApiError):
    pass


class SendFailed(ApiError):
    status, code, message = 502, "send_failed", "WhatsApp did not accept the message"


class DriverFailed(ApiError):
    status, code, message = 502, "driver_error", "WhatsApp or the session host refused"


class MediaUnavailable(ApiError):
    status, code, message = 502, "media_unavailable", "The media could not be downloaded"


class OwnerUnreachable(ApiError):
    status, code = 502, "owner_unreachable"
    message = ("The instance that owns this account stopped answering while handling the "
               "request; it may or may not have run (check the account's messages)")


# -- 503 / 504 ---------------------------------------------------------------------------
class Unavailable(ApiError):
    status, code, message = 503, "unavailable", "Service unavailable"


class Unhealthy(Unavailable):
    code, message = "unhealthy", "Unhealthy"


class StoreUnavailable(Unavailable):
    code, message = "store_unavailable", "The store is not answering; try again shortly"

    def __init__(self, message=None, *, details=None):
        super().__init__(message, details=details, headers=_retry_after(5))


class AccountBusy(Unavailable):
    code, message = "account_busy", "The account has too much queued work; try again shortly"

    def __init__(self, message=None, *, retry_after=1, details=None):
        super().__init__(message, details=details, headers=_retry_after(retry_after))


class AccountMoving(Unavailable):
    """Nobody owns the account right now (its owner died, stopped or is handing it over);
    another instance takes it within one lease TTL."""
    code = "account_moving"
    message = "The account is moving to another instance; retry shortly"

    def __init__(self, message=None, *, retry_after=2, details=None, not_owner=False):
        headers = _retry_after(retry_after)
        if not_owner:       # tells a forwarding instance to look the owner up again
            headers["X-Wildcat-Not-Owner"] = "1"
        super().__init__(message, details=details, headers=headers)


class WsCapacity(Unavailable):
    code, message = "ws_capacity", "Too many WebSocket clients"


class FfmpegMissing(Unavailable):
    code = "ffmpeg_missing"
    message = "ffmpeg is not installed on the server; voice notes (ptt=true) need it"


class ConversionTimeout(Unavailable):
    code, message = "conversion_timeout", "Converting the audio took too long"


class AccountTimeout(ApiError):
    """The account did not finish the command in time. A command still queued was cancelled
    and never runs; one already running finishes, and its outcome is stored as usual."""
    status, code, message = 504, "account_timeout", "The account did not answer in time"

    def __init__(self, message=None, *, started=False, details=None):
        super().__init__(message, details=details)
        self.started = started


# Exceptions of lower layers that the API answers without their raiser knowing HTTP.
TRANSLATED = {
    NotConnected: AccountNotConnected,
    NotOnWhatsApp: NotOnWhatsAppError,
    NotGroupAdmin: NotAdmin,
    NotInGroup: GroupNotFound,
    InvalidInvite: InviteNotFound,
    DriverError: DriverFailed,
    StoreError: StoreUnavailable,
}

# Statuses the framework itself answers (routing, methods, limits) besides the table above.
FRAMEWORK_CODES = {404: ["not_found"], 405: ["method_not_allowed"], 413: ["payload_too_large"]}


def _all_classes(cls=ApiError):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_classes(sub)


def codes_by_status() -> dict[int, list[str]]:
    """{status: [code, …]} of every error the API can answer (the OpenAPI document's list)."""
    table = {}
    for cls in [ApiError, *_all_classes()]:
        table.setdefault(cls.status, set()).add(cls.code)
    for status, codes in FRAMEWORK_CODES.items():
        table.setdefault(status, set()).update(codes)
    return {status: sorted(codes) for status, codes in sorted(table.items())}


def translate(exc: BaseException) -> ApiError | None:
    """The ApiError a lower layer's exception is answered with (None when it is unexpected)."""
    if isinstance(exc, ApiError):
        return exc
    for cls in type(exc).__mro__:
        target = TRANSLATED.get(cls)
        if target is not None:
            if target is StoreUnavailable:
                return target()   # the backend's text may name hosts and paths
            return target(str(exc)[:300] or None)
    return None


def error_response(status, code, message, details=None, headers=None):
    body = {"ok": False, "error": message, "code": code}
    if details is not None:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def api_error_response(exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


def register_error_handlers(app):
    """Answer every error, expected or not, in the JSON error shape."""

    @app.errorhandler(ApiError)
    def _api_error(exc):
        return api_error_response(exc)

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        code = (exc.name or "error").lower().replace(" ", "_").replace("-", "_")
        if isinstance(exc.__context__, ClientTooSlow):   # werkzeug wraps it on the way up
            return _client_too_slow(exc.__context__)
        if exc.code == 413:
            return api_error_response(BodyTooLarge("Request body is too large for this route"))
        headers = {}
        if exc.code == 405 and exc.get_response().headers.get("Allow"):
            headers["Allow"] = exc.get_response().headers["Allow"]
        return error_response(exc.code or 500, code, exc.description or exc.name, None, headers)

    @app.errorhandler(ClientTooSlow)
    def _client_too_slow(exc):
        return api_error_response(RequestTimeout(exc.strerror or None))

    @app.errorhandler(Exception)
    def _unexpected(exc):
        known = translate(exc)
        if known is not None:
            if isinstance(known, StoreUnavailable):
                log.warning("the store did not answer: %s", exc)
            return api_error_response(known)
        log.exception("unhandled error")
        return api_error_response(InternalError())


# hardening (issue 16) ---------------------------------------------------------------------
class TooManyParts(BadRequest):
    code, message = "too_many_parts", "The multipart body has too many parts"


class FieldTooLarge(BadRequest):
    code, message = "field_too_large", "A text field of the multipart body is too large"


class CrossOrigin(Forbidden):
    code, message = "cross_origin", "Cross-origin requests that change state are refused"


class RequestTimeout(ApiError):
    """Also answered by the HTTP worker itself when a request head does not arrive."""
    status, code, message = 408, "request_timeout", "The request did not arrive in time"

    def __init__(self, message=None, *, details=None):
        super().__init__(message, details=details, headers={"Connection": "close"})


class CollectionInUse(Conflict):
    code, message = "collection_in_use", "That collectionName belongs to another account"


class BodyTooLarge(PayloadTooLarge):
    message = "Request body is too large"

    def __init__(self, message=None, *, details=None):
        # The body is never read: the connection cannot carry another request.
        super().__init__(message, details=details, headers={"Connection": "close"})


class UriTooLong(ApiError):
    """Answered by the HTTP worker (gunicorn's parser), documented here with the rest."""
    status, code, message = 414, "uri_too_long", "URI Too Long"


class HeaderFieldsTooLarge(ApiError):
    """Answered by the HTTP worker (gunicorn's parser)."""
    status, code, message = 431, "header_fields_too_large", "Request Header Fields Too Large"


class AccountCapacity(Unavailable):
    code = "account_capacity"
    message = "This server holds as many accounts as it can; delete one or raise the limit"


class WsTokenCapacity(Unavailable):
    code, message = "ws_credential_capacity", "This account token has too many WebSocket streams"


class ServerBusy(Unavailable):
    """Answered by the HTTP worker when uploads wait too long for a reading thread."""
    code, message = "busy", "Too many uploads in progress; try again shortly"


class ClientTooSlow(ConnectionResetError):
    """Raised by the HTTP worker's socket when a request body stalls past its deadline."""
