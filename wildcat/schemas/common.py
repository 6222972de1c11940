"""Field types shared by the schemas."""
from marshmallow import ValidationError, fields

from wildcat.jid import normalise_jid


class Jid(fields.String):
    """A WhatsApp JID or international phone number, loaded as the canonical JID."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        jid = normalise_jid(text)
        if jid is None:
            raise ValidationError(
                f"{attr or 'value'} must be a WhatsApp JID (e.g. 919876543210@s.whatsapp.net, "
                "123456789-1234567890@g.us) or an international phone number")
        return jid


class MessageId(fields.String):
    """A WhatsApp message id: 1-128 printable characters without spaces or slashes."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not (0 < len(text) <= 128) or not text.isprintable() or any(
                c in text for c in " /\\?#"):
            raise ValidationError(f"{attr or 'messageId'} is not a valid message id")
        return text


class JsonBoolean(fields.Boolean):
    """true or false only: not "yes", 1 or "on" (a JSON body has real booleans)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
