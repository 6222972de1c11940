"""Schemas of the messaging routes (JSON bodies and multipart form fields)."""
import re

from marshmallow import Schema, ValidationError, fields, validate

from wildcat.schemas.common import Jid, MessageId

MAX_TEXT = 65536
MAX_FILE_NAME = 255

# Emoji grammar of UTS #51 (ZWJ sequences, flags, keycaps, tag sequences, skin tones,
# variation selectors) over the Extended_Pictographic ranges, stdlib `re` only.
_PICTO = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u2388"
    "\u23cf\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001f0ff\U0001f10d-\U0001f10f\U0001f12f\U0001f16c-\U0001f171"
    "\U0001f17e\U0001f17f\U0001f18e\U0001f191-\U0001f19a\U0001f1ad-\U0001f1e5"
    "\U0001f201-\U0001f20f\U0001f21a\U0001f22f\U0001f232-\U0001f23a\U0001f23c-\U0001f23f"
    "\U0001f249-\U0001f3fa\U0001f400-\U0001f64f\U0001f680-\U0001f6ff\U0001f774-\U0001f77f"
    "\U0001f7d5-\U0001f7ff\U0001f80c-\U0001f80f\U0001f848-\U0001f84f\U0001f85a-\U0001f85f"
    "\U0001f888-\U0001f88f\U0001f8ae-\U0001f8ff\U0001f90c-\U0001f93a\U0001f93c-\U0001f945"
    "\U0001f947-\U0001faff\U0001fc00-\U0001fffd")
_TONE = "\U0001f3fb-\U0001f3ff"
_ELEMENT = f"(?:[{_PICTO}][\ufe0e\ufe0f]?[{_TONE}]?\ufe0f?|[{_TONE}])"
_EMOJI = re.compile(
    "(?:"
    "[0-9#*]\ufe0f?\u20e3"                                  # keycap
    "|[\U0001f1e6-\U0001f1ff]{2}"                           # flag
    "|\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"        # subdivision flag (tags)
    f"|{_ELEMENT}(?:\u200d{_ELEMENT})*"                      # ZWJ sequence / single emoji
    ")\\Z")


def is_single_emoji(text: str) -> bool:
    """True when `text` is exactly one emoji (one grapheme cluster)."""
    return 0 < len(text) <= 40 and _EMOJI.match(text) is not None


class Emoji(fields.String):
    """One emoji (any grapheme cluster the emoji grammar allows) or "" to remove."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text and not is_single_emoji(text):
            raise ValidationError("emoji must be a single emoji, or empty to remove a reaction")
        return text


def _required(message):
    return {"required": message, "null": message}


def _text(message, **kwargs):
    return fields.String(validate=validate.Length(min=1, max=MAX_TEXT, error=(
        f"message must be 1 to {MAX_TEXT} characters")), error_messages=_required(message),
        **kwargs)


class SendTextSchema(Schema):
    to = Jid(required=True, error_messages=_required("to and message are required"))
    message = _text("to and message are required", required=True)


_REPLY = "to, message and quotedMessageId are required"


class ReplySchema(Schema):
    to = Jid(required=True, error_messages=_required(_REPLY))
    message = _text(_REPLY, required=True)
    quotedMessageId = MessageId(required=True, error_messages=_required(_REPLY))
    chatId = Jid()


_REACT = "to, messageId and emoji are required"


class ReactSchema(Schema):
    to = Jid(required=True, error_messages=_required(_REACT))
    messageId = MessageId(required=True, error_messages=_required(_REACT))
    emoji = Emoji(required=True, error_messages=_required(_REACT))


_DELETE = "to and messageId are required"


class DeleteSchema(Schema):
    to = Jid(required=True, error_messages=_required(_DELETE))
    messageId = MessageId(required=True, error_messages=_required(_DELETE))


class _MediaSchema(Schema):
    """Form fields of a media upload (the file itself is handled by wildcat.media)."""
    to = Jid(required=True, error_messages=_required("to is required"))
    caption = fields.String(validate=validate.Length(max=MAX_TEXT, error=(
        f"caption must be at most {MAX_TEXT} characters")))


class SendImageSchema(_MediaSchema):
    pass


class SendVideoSchema(_MediaSchema):
    pass


class SendAudioSchema(Schema):
    to = Jid(required=True, error_messages=_required("to is required"))
    ptt = fields.Boolean(load_default=False, error_messages={
        "invalid": "ptt must be true or false"})


class SendDocumentSchema(_MediaSchema):
    fileName = fields.String(validate=validate.Length(min=1, max=MAX_FILE_NAME, error=(
        f"fileName must be 1 to {MAX_FILE_NAME} characters")))


MEDIA_SCHEMAS = {"image": SendImageSchema(), "video": SendVideoSchema(),
                 "audio": SendAudioSchema(), "document": SendDocumentSchema()}
