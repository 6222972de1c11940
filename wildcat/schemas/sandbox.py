"""Schemas of the sandbox-only routes."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wildcat.schemas.chats import ChatId
from wildcat.schemas.common import Jid, JsonBoolean, MessageId


class ScanSchema(Schema):
    phone = fields.String(validate=validate.Regexp(r"^[1-9][0-9]{6,14}\Z",
                                                   error="phone must be 7-15 digits"))


class NetworkSchema(Schema):
    reachable = JsonBoolean(required=True, error_messages={
        "required": "reachable is required", "invalid": "reachable must be true or false"})


class Lid(Jid):
    """A WhatsApp LID (`digits@lid`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        jid = super()._deserialize(value, attr, data, **kwargs)
        if not jid.endswith("@lid"):
            raise ValidationError(f"{attr or 'value'} must be a LID (e.g. 123456789012345@lid)")
        return jid


class CardSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(required=True, validate=validate.Regexp(
        r"^\+[1-9][0-9]{6,14}\Z", error="phone must be +<country code><number>"))


class InboundSchema(Schema):
    """A message 'received from WhatsApp'. JSON, or multipart with a `media` file. Issue 11
    kinds: location, contact, poll, poll_vote, presence, call; `fromLid` sends from a LID
    (with `from`: a LID whose phone WhatsApp reveals; without: a LID alone)."""
    sender = Jid(data_key="from")
    fromLid = Lid()
    type = fields.String(load_default="text", validate=validate.OneOf(
        ["text", "image", "video", "audio", "voice", "document", "sticker", "reaction",
         "revoke", "edit", "location", "contact", "poll", "poll_vote", "presence", "call"]))
    latitude = fields.Float(validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(validate=validate.Range(min=-180, max=180))
    name = fields.String(validate=validate.Length(min=1, max=256))
    address = fields.String(validate=validate.Length(min=1, max=512))
    contacts = fields.List(fields.Nested(CardSchema), validate=validate.Length(min=1, max=20))
    question = fields.String(validate=validate.Length(min=1, max=255))
    options = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                          validate=validate.Length(max=12))
    multiple = fields.Boolean()
    state = fields.String(validate=validate.OneOf(
        ["composing", "recording", "paused", "available", "unavailable"]))
    isVideo = fields.Boolean(load_default=False)

    @validates_schema
    def _someone(self, data, **kwargs):
        if not data.get("sender") and not data.get("fromLid"):
            raise ValidationError("from is required (or fromLid)", "from")
    text = fields.String(validate=validate.Length(max=65536))
    caption = fields.String(validate=validate.Length(max=4096))
    fileName = fields.String(validate=validate.Length(min=1, max=255))
    chatId = ChatId()
    pushName = fields.String(validate=validate.Length(max=100))
    quotedMessageId = MessageId()
    messageId = MessageId()
    emoji = fields.String(validate=validate.Length(max=16))
    fromMe = fields.Boolean(load_default=False)
    timestamp = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**14))


class InboundFormSchema(InboundSchema):
    """The multipart variant: form values are strings, so numbers are parsed from text."""
    timestamp = fields.Integer(validate=validate.Range(min=0, max=10**14))


class ReceiptSchema(Schema):
    messageId = MessageId(required=True)
    type = fields.String(required=True, validate=validate.OneOf(["delivered", "read", "played"]))


class HistoryChatSchema(Schema):
    chatId = Jid(required=True)
    name = fields.String(validate=validate.Length(max=200))
    unreadCount = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**6))
    lastMessageTime = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**14))


class HistoryMessageSchema(Schema):
    """A text message of the phone's history (media is not simulated in history)."""
    sender = Jid(required=True, data_key="from", error_messages={"required": "from is required"})
    text = fields.String(required=True, validate=validate.Length(min=1, max=65536))
    chatId = Jid()
    messageId = MessageId()
    pushName = fields.String(validate=validate.Length(max=100))
    quotedMessageId = MessageId()
    fromMe = fields.Boolean(load_default=False)
    timestamp = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**14))


class HistorySchema(Schema):
    """A history-sync batch as the phone would send it after linking."""
    syncType = fields.String(load_default="INITIAL_BOOTSTRAP",
                             validate=validate.Length(min=1, max=40))
    chats = fields.List(fields.Nested(HistoryChatSchema), load_default=list,
                        validate=validate.Length(max=100_000))
    messages = fields.List(fields.Nested(HistoryMessageSchema), load_default=list,
                           validate=validate.Length(max=100_000))


class FailConnectsSchema(Schema):
    """Make the account's connects fail (like an unreachable WhatsApp) until cleared."""
    error = fields.String(load_default="failed to dial whatsapp web websocket: sandbox "
                                       "network is down",
                          validate=validate.Length(min=1, max=500))


class KickSchema(Schema):
    """WhatsApp ends the connection for good."""
    reason = fields.String(required=True, validate=validate.OneOf(
        ["stream_replaced", "temporary_ban", "client_outdated"]))
    expireSeconds = fields.Integer(strict=True, load_default=3600,
                                   validate=validate.Range(min=1, max=10**8))
    code = fields.String(load_default="SENT_TOO_MANY_SAME_MESSAGE",
                         validate=validate.Length(min=1, max=64))


class RegisteredSchema(Schema):
    """Which phones 'are on WhatsApp' for the account's simulated network (issue 11)."""
    phones = fields.List(fields.String(validate=validate.Regexp(
        r"^\+[1-9][0-9]{6,14}\Z", error="each phone must be +<country code><number>")),
        required=True, validate=validate.Length(max=10_000))
    lids = fields.Dict(keys=fields.String(), values=Lid(), load_default=dict)

    @validates_schema
    def _lids_of_listed_phones(self, data, **kwargs):
        unknown = set(data.get("lids") or {}) - set(data.get("phones") or ())
        if unknown:
            raise ValidationError("lids may only name phones listed in phones", "lids")
