"""Schemas of the sandbox-only routes."""
from marshmallow import Schema, fields, validate

from wildcat.schemas.common import Jid, JsonBoolean, MessageId


class ScanSchema(Schema):
    phone = fields.String(validate=validate.Regexp(r"^[1-9][0-9]{6,14}\Z",
                                                   error="phone must be 7-15 digits"))


class NetworkSchema(Schema):
    reachable = JsonBoolean(required=True, error_messages={
        "required": "reachable is required", "invalid": "reachable must be true or false"})


class InboundSchema(Schema):
    """A message 'received from WhatsApp'. JSON, or multipart with a `media` file."""
    sender = Jid(required=True, data_key="from", error_messages={"required": "from is required"})
    type = fields.String(load_default="text", validate=validate.OneOf(
        ["text", "image", "video", "audio", "voice", "document", "sticker", "reaction",
         "revoke", "edit"]))
    text = fields.String(validate=validate.Length(max=65536))
    caption = fields.String(validate=validate.Length(max=4096))
    fileName = fields.String(validate=validate.Length(min=1, max=255))
    chatId = Jid()
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
