"""Schemas of the accounts and connection routes."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wildcat.schemas.common import JsonBoolean
from wildcat.schemas.settings import ProxyUrl, SendPolicySchema

ACCOUNT_ID = r"^[A-Za-z0-9_-]{1,64}\Z"


class CreateAccountSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(
        ACCOUNT_ID, error="id must be 1-64 letters, digits, '_' or '-'"),
        error_messages={"required": "id is required", "null": "id is required",
                        "invalid": "id must be a string"})
    name = fields.String(validate=validate.Length(max=200), allow_none=True)
    collectionName = fields.String(validate=validate.Regexp(
        r"^[A-Za-z0-9_.-]{1,120}\Z",
        error="collectionName must be 1-120 letters, digits, '_', '.' or '-'"))


class UpdateAccountSchema(Schema):
    """PATCH /accounts/:id: the account's settings; each field optional, at least one."""
    name = fields.String(validate=validate.Length(max=200), allow_none=True)
    proxy = ProxyUrl(allow_none=True, metadata={
        "description": "socks5://[user:pass@]host:port or http(s)://…; null: none. Used for "
                       "this account's WhatsApp connection and media; changing it reconnects."
                       " The password is never returned."})
    sendPolicy = fields.Nested(SendPolicySchema, allow_none=True)
    rejectCalls = JsonBoolean(metadata={  # issue 11
        "description": "Decline incoming calls (each still publishes a `call` event)"},
        error_messages={"invalid": "rejectCalls must be true or false",
                        "null": "rejectCalls must be true or false"})

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("Give at least one field to change")


class PairSchema(Schema):
    phone = fields.String(required=True, validate=validate.Regexp(
        r"^\+?[1-9][0-9]{6,14}\Z",
        error="phone must be an international number: digits with country code, no leading 0"),
        error_messages={"required": "phone is required"})


class QrQuerySchema(Schema):
    format = fields.String(load_default="png",
                           validate=validate.OneOf(["png", "svg", "txt", "json"]))
