"""Schemas of issue 11's routes: locations, contact cards, polls, stickers, edits, presence,
number checks, contacts, blocks and status posts."""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wildcat.schemas.chats import MAX_SKIP
from wildcat.schemas.common import Jid, MessageId, JsonBoolean
from wildcat.schemas.messages import MAX_TEXT

E164 = r"^\+[1-9][0-9]{6,14}\Z"
MAX_CARDS, MAX_CHECK, MAX_CONTACTS_PAGE = 20, 50, 500
POLL_OPTIONS = (2, 12)
CHAT_STATES = ("composing", "recording", "paused")
OWN_STATES = ("available", "unavailable")
_NO_CONTROL = re.compile(r"^[^\x00-\x1f\x7f]*\Z")


def _required(message):
    return {"required": message, "null": message}


def _line(name, maximum, **kwargs):
    """One line of text: 1..maximum characters, no control characters."""
    return fields.String(validate=[
        validate.Length(min=1, max=maximum, error=f"{name} must be 1 to {maximum} characters"),
        validate.Regexp(_NO_CONTROL, error=f"{name} must be one line of text")], **kwargs)


class Phone(fields.String):
    """An international number, loaded as E.164 (`+` and digits; spaces/dashes dropped)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        compact = re.sub(r"[\s\-()]", "", text)
        compact = compact if compact.startswith("+") else "+" + compact
        if not re.match(E164, compact):
            raise ValidationError(f"{text!r} is not an international phone number "
                                  "(+ country code and number, e.g. +919876543210)")
        return compact


class SendLocationSchema(Schema):
    to = Jid(required=True, error_messages=_required("to, latitude and longitude are required"))
    latitude = fields.Float(required=True, validate=validate.Range(
        min=-90, max=90, error="latitude must be between -90 and 90"),
        error_messages=_required("to, latitude and longitude are required"))
    longitude = fields.Float(required=True, validate=validate.Range(
        min=-180, max=180, error="longitude must be between -180 and 180"),
        error_messages=_required("to, latitude and longitude are required"))
    name = _line("name", 256)
    address = _line("address", 512)


class ContactCardSchema(Schema):
    name = _line("name", 100, required=True, error_messages=_required("each contact needs a name"))
    phone = Phone(required=True, error_messages=_required("each contact needs a phone"))


class SendContactSchema(Schema):
    to = Jid(required=True, error_messages=_required("to and contacts are required"))
    contacts = fields.List(fields.Nested(ContactCardSchema), required=True,
                           validate=validate.Length(min=1, max=MAX_CARDS, error=(
                               f"contacts must hold 1 to {MAX_CARDS} cards")),
                           error_messages=_required("to and contacts are required"))


def _distinct_options(options):
    if len({o.strip().casefold() for o in options}) != len(options):
        raise ValidationError("poll options must be distinct")


class SendPollSchema(Schema):
    to = Jid(required=True, error_messages=_required("to, question and options are required"))
    question = _line("question", 255, required=True,
                     error_messages=_required("to, question and options are required"))
    options = fields.List(_line("option", 100), required=True, validate=[
        validate.Length(min=POLL_OPTIONS[0], max=POLL_OPTIONS[1],
                        error="a poll needs 2 to 12 options"), _distinct_options],
        error_messages=_required("to, question and options are required"))
    multiple = JsonBoolean(load_default=False, error_messages={
        "invalid": "multiple must be true or false"})


class SendStickerSchema(Schema):
    """Form fields of POST message/send/sticker (the file is the `sticker` field)."""
    to = Jid(required=True, error_messages=_required("to is required"))


_EDIT = "to, messageId and message are required"


class EditSchema(Schema):
    to = Jid(required=True, error_messages=_required(_EDIT))
    messageId = MessageId(required=True, error_messages=_required(_EDIT))
    message = fields.String(required=True, validate=validate.Length(
        min=1, max=MAX_TEXT, error=f"message must be 1 to {MAX_TEXT} characters"),
        error_messages=_required(_EDIT))


class PresenceSchema(Schema):
    to = Jid()
    state = fields.String(required=True, validate=validate.OneOf(
        CHAT_STATES + OWN_STATES, error="state must be one of " + ", ".join(
            CHAT_STATES + OWN_STATES)), error_messages=_required("state is required"))

    @validates_schema
    def _to_fits_state(self, data, **kwargs):
        state = data.get("state")
        if state in CHAT_STATES and not data.get("to"):
            raise ValidationError(f"state {state} needs `to` (the chat)", "to")
        if state in OWN_STATES and data.get("to"):
            raise ValidationError(f"state {state} is the account's own presence: no `to`", "to")


class CheckNumbersSchema(Schema):
    phones = fields.List(Phone(), required=True, validate=validate.Length(
        min=1, max=MAX_CHECK, error=f"phones must list 1 to {MAX_CHECK} numbers"),
        error_messages=_required("phones is required"))


class ContactsQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(
        min=1, max=MAX_CONTACTS_PAGE, error=f"limit must be between 1 and {MAX_CONTACTS_PAGE}"))
    skip = fields.Integer(load_default=0, validate=validate.Range(
        min=0, max=MAX_SKIP, error="skip must be a non-negative integer"))
    before = Jid(metadata={"description": "The last jid of the previous page"})


class ContactPathSchema(Schema):
    jid = Jid(required=True)


class StatusTextSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(
        min=1, max=700, error="text must be 1 to 700 characters"),
        error_messages=_required("text is required"))
    backgroundColor = fields.String(validate=validate.Regexp(
        r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})\Z",
        error="backgroundColor must be #RRGGBB or #AARRGGBB"))


class StatusImageSchema(Schema):
    """Form fields of POST status/send/image (the file is the `image` field)."""
    caption = fields.String(validate=validate.Length(
        max=MAX_TEXT, error=f"caption must be at most {MAX_TEXT} characters"))
