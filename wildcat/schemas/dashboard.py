"""Schemas of the dashboard's login form."""
from marshmallow import Schema, fields, validate


class LoginSchema(Schema):
    """The form the login page posts (application/x-www-form-urlencoded)."""
    apiKey = fields.String(required=True, validate=validate.Length(min=1, max=1024),
                           error_messages={"required": "apiKey is required"})
    next = fields.String(load_default="/dashboard", validate=validate.Length(max=200))
