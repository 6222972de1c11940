"""Request size limits: one per route, enforced before a byte of the body is read.

A JSON or form body is parsed whole in memory, so those routes accept about 1 MB (the
dashboard's login form 16 KB); only the media upload routes, which stream to disk, accept
`WILDCAT_MAX_UPLOAD_MB`. The declared Content-Length is checked first (413 at once, the body
never read); a chunked body is cut off by the same limit while it streams. A JSON body is
also held to a number of values and a nesting depth before it is decoded, because a small
body of empty arrays decodes into many times its size in objects.
"""
import json
import re

from flask import request

from wildcat.errors import BodyTooLarge, InvalidJson

JSON_BODY_LIMIT = 1024 * 1024
FORM_BODY_LIMIT = 16 * 1024
MAX_JSON_VALUES = 10_000          # containers plus separators: far above any real request
MAX_JSON_DEPTH = 32
UPLOAD_OVERHEAD = 1024 * 1024     # multipart framing and text fields next to the file
UPLOAD_ENDPOINTS = {"messages.send_media", "groups.set_picture", "sandbox.inbound",
                    "chat_extras.send_sticker", "chat_extras.status_image"}   # issue 11
FORM_ENDPOINTS = {"dashboard.login_submit"}
# The sandbox's test-data routes (history sync) take large JSON batches.
UNCAPPED_JSON_PREFIX = "sandbox."

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(rb"[\[\]{}]")


def body_limit(endpoint, config) -> int:
    """The most bytes a request to `endpoint` may carry."""
    if endpoint in UPLOAD_ENDPOINTS:
        return config.max_upload_bytes + UPLOAD_OVERHEAD
    if endpoint in FORM_ENDPOINTS:
        return FORM_BODY_LIMIT
    if endpoint and endpoint.startswith(UNCAPPED_JSON_PREFIX):
        return config.max_upload_bytes + UPLOAD_OVERHEAD
    return JSON_BODY_LIMIT


def too_large(limit):
    return BodyTooLarge(f"Request body is too large: the limit for this route is "
                        f"{_size(limit)}", details={"maxBytes": limit})


def _size(limit):
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit // 1024} KB"


def register_body_limits(app):
    """Give every request its route's limit before anything can read the body."""
    from wildcat.api import runtime

    @app.before_request
    def _limit_body():
        limit = body_limit(request.endpoint, runtime().config)
        request.max_content_length = limit        # also caps chunked bodies as they stream
        request.max_form_memory_size = min(limit, 512 * 1024)
        if request.content_length is not None and request.content_length > limit:
            raise too_large(limit)


def body_bytes() -> bytes:
    """The request body, at most the route's limit (413 past it, chunked bodies too)."""
    limit = request.max_content_length
    if request.content_length is not None or limit is None:
        return request.get_data(cache=False)        # the length was checked up front
    raw = request.environ["wsgi.input"].read(limit + 1)   # chunked: one byte past is enough
    if len(raw) > limit:
        raise too_large(limit)
    return raw


def parse_json(raw: bytes, *, capped=True):
    """Decode a JSON body, refusing one too deep or with too many values (400 invalid_json)."""
    if capped:
        skeleton = _STRING.sub(b'""', raw)
        values = skeleton.count(b",") + skeleton.count(b"[") + skeleton.count(b"{")
        if values > MAX_JSON_VALUES:
            raise InvalidJson(f"Request body has too many JSON values (the limit is "
                              f"{MAX_JSON_VALUES})")
        depth = 0
        for match in _BRACKET.finditer(skeleton):
            depth += 1 if match.group() in (b"[", b"{") else -1
            if depth > MAX_JSON_DEPTH:
                raise InvalidJson(f"Request body is nested too deeply (the limit is "
                                  f"{MAX_JSON_DEPTH} levels)")
    try:
        return json.loads(raw)
    except RecursionError:
        raise InvalidJson("Request body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidJson() from None
