"""Schemas of the webhooks API and of the WebSocket stream's query."""
from urllib.parse import urlsplit

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wildcat.schemas.accounts import ACCOUNT_ID
from wildcat.domain import DELIVERY_STATUSES, EVENT_NAMES
from wildcat.schemas.common import JsonBoolean

MAX_URL = 2048


def check_url(value: str) -> None:
    """An absolute http(s) URL with a host; anything else is a 400."""
    error = ValidationError("url must be a valid HTTP/HTTPS URL")
    if not value or len(value) > MAX_URL or not value.isprintable() or any(c.isspace()
                                                                          for c in value):
        raise error
    try:
        parts = urlsplit(value)
        parts.port                                   # raises on a bad port
    except ValueError:
        raise error from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise error


def check_events(names) -> None:
    unknown = [n for n in names if n != "*" and n not in EVENT_NAMES]
    if unknown:
        raise ValidationError(f"unknown event {unknown[0]!r}; known events: "
                              f"{', '.join(EVENT_NAMES)} or *")


class AccountIdField(fields.String):
    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(ACCOUNT_ID, error="accountId is not valid"),
                         **kwargs)


def events_field():
    return fields.List(fields.String(), validate=[
        validate.Length(min=1, max=len(EVENT_NAMES) + 1, error="events must list 1 to "
                        f"{len(EVENT_NAMES) + 1} event names"), check_events, check_unique])


def check_unique(names) -> None:
    if len(set(names)) != len(names):
        raise ValidationError("events must not repeat a name")


def secret_field():
    return fields.String(allow_none=True, validate=validate.Length(
        min=8, max=256, error="secret must be 8-256 characters"))


class CreateWebhookSchema(Schema):
    url = fields.String(required=True, validate=check_url,
                        error_messages={"required": "url is required",
                                        "null": "url is required",
                                        "invalid": "url must be a string"})
    accountId = AccountIdField(allow_none=True)
    events = events_field()
    secret = secret_field()


class UpdateWebhookSchema(Schema):
    """PATCH /webhooks/<id>: only the fields given change; null accountId/secret removes it."""
    url = fields.String(validate=check_url, error_messages={"null": "url cannot be null",
                                                            "invalid": "url must be a string"})
    accountId = AccountIdField(allow_none=True)
    events = events_field()
    secret = secret_field()
    enabled = JsonBoolean(error_messages={"invalid": "enabled must be true or false"})

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("give at least one of url, accountId, events, secret, "
                                  "enabled")


class WebhooksQuerySchema(Schema):
    accountId = AccountIdField()


class DeliveriesQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(
        min=1, max=500, error="limit must be between 1 and 500"))
    skip = fields.Integer(load_default=0, validate=validate.Range(
        min=0, max=10**9, error="skip must be a non-negative integer"))
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))


class EventList(fields.String):
    """A comma-separated list of event names (query strings carry no arrays)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        names = [n.strip() for n in text.split(",") if n.strip()]
        if not names:
            raise ValidationError("events must name at least one event")
        check_events(names)
        return names


class StreamQuerySchema(Schema):
    accountId = AccountIdField()
    events = EventList()
    after = fields.Integer(strict=False, validate=validate.Range(min=0, max=2 ** 62),
                           metadata={"description": "Replay the logged events after this "
                                     "cursor first (see GET /events)"})
    apiKey = fields.String()


class EventsQuerySchema(Schema):
    after = fields.Integer(strict=False, load_default=0,
                           validate=validate.Range(min=0, max=2 ** 62),
                           metadata={"description": "Events after this cursor (0: the "
                                     "oldest kept, WILDCAT_EVENT_RETENTION_HOURS)"})
    accountId = AccountIdField()
    events = EventList()
    limit = fields.Integer(strict=False, load_default=100,
                           validate=validate.Range(min=1, max=1000))
