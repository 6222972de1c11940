"""Schemas of the chats API: paging queries and the chat id in the path."""
from marshmallow import Schema, ValidationError, fields, validate

from wildcat.jid import normalise_jid

MAX_CHATS_PAGE = 500
MAX_MESSAGES_PAGE = 100
MAX_SKIP = 10**9
MAX_MS = 10**14


class ChatId(fields.String):
    """A chat JID (user, group, LID, or any other `user@server` WhatsApp uses), or a phone
    number, which becomes the user JID."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        jid = normalise_jid(text)
        if jid is not None:
            return jid
        user, _, server = text.partition("@")
        if (server and user and len(text) <= 128 and text.isprintable()
                and not any(c in text for c in " /\\?#")):
            return text   # broadcast lists, newsletters and other servers we store as given
        raise ValidationError("chatId must be a WhatsApp chat JID (e.g. "
                              "919876543210@s.whatsapp.net, 123456789-1234567890@g.us)")


def _limit(maximum):
    return fields.Integer(load_default=50, validate=validate.Range(
        min=1, max=maximum, error=f"limit must be between 1 and {maximum}"))


def _skip():
    return fields.Integer(load_default=0, validate=validate.Range(
        min=0, max=MAX_SKIP, error="skip must be a non-negative integer"))


class ChatsQuerySchema(Schema):
    limit = _limit(MAX_CHATS_PAGE)
    skip = _skip()


class ChatMessagesQuerySchema(Schema):
    chatId = ChatId(required=True)
    limit = _limit(MAX_MESSAGES_PAGE)
    skip = _skip()
    before = fields.Integer(validate=validate.Range(
        min=0, max=MAX_MS, error="before must be a timestamp in milliseconds"))
    after = fields.Integer(validate=validate.Range(
        min=0, max=MAX_MS, error="after must be a timestamp in milliseconds"))


class ChatPathSchema(Schema):
    chatId = ChatId(required=True)
