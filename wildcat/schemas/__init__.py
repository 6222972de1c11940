"""Request validation at the edge: every body and query goes through a schema."""
from flask import request
from marshmallow import ValidationError

from wildcat.errors import InvalidContentType, InvalidJson, ValidationFailed
from wildcat.limits import UNCAPPED_JSON_PREFIX, body_bytes, parse_json


def _first_message(messages, field=None):
    """The first message in marshmallow's nested error dict, prefixed with its field."""
    if isinstance(messages, dict) and messages:
        key, value = next(iter(messages.items()))
        return _first_message(value, field if key == "_schema" else key)
    if isinstance(messages, list) and messages:
        return _first_message(messages[0], field)
    text = str(messages)
    if field is None or str(field) in text:
        return text
    return f"{field}: {text}"


def load(schema, data):
    """Validate `data` with `schema`; raise ValidationFailed with the first message."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(_first_message(exc.messages), details=exc.messages) from None


def json_body():
    """The request's JSON object body; 400 when it is not JSON or not an object."""
    if not request.is_json:
        raise InvalidContentType("Content-Type must be application/json")
    capped = not (request.endpoint or "").startswith(UNCAPPED_JSON_PREFIX)
    data = parse_json(body_bytes(), capped=capped)
    if not isinstance(data, dict):
        raise InvalidJson("Request body must be a JSON object")
    return data


def query_args():
    """The query string as a plain dict (last value wins)."""
    return {k: v for k, v in request.args.items()}
