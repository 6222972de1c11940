"""Schemas of the groups API (requests, the group id in the path) and its response shapes."""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wildcat.errors import ValidationFailed
from wildcat.jid import is_group, normalise_jid
from wildcat.schemas.common import Jid
from wildcat.schemas.responses import OkResponse, Open

MAX_PARTICIPANTS = 256          # others in one request (WhatsApp's group size is larger)
SUBJECT_MAX = 100
DESCRIPTION_MAX = 2048
INVITE_LINK = "https://chat.whatsapp.com/"
GROUP_ID_PATTERN = r"^[0-9]{5,20}(-[0-9]{5,20})?@g\.us$"
_CODE = re.compile(r"^[A-Za-z0-9_-]{6,64}\Z")
_LINK = re.compile(r"^https?://chat\.whatsapp\.com/(?:invite/)?([A-Za-z0-9_-]{6,64})/?\Z")
ACTIONS = ("add", "remove", "promote", "demote")


def parse_group_id(value: str) -> str:
    """The `:groupId` of a path as the canonical `…@g.us` JID; 400 otherwise."""
    jid = normalise_jid(value)
    if jid is None or not is_group(jid):
        raise ValidationFailed("groupId must be a group JID (…@g.us)",
                               details={"groupId": ["not a group JID"]})
    return jid


class StrictBoolean(fields.Boolean):
    """true or false in JSON, nothing else ("yes", 1 and "true" are refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError(f"{attr or 'value'} must be true or false")
        return value


class MemberJid(Jid):
    """A participant: a user JID, LID or phone number (never a group)."""

    def _deserialize(self, value, attr, data, **kwargs):
        jid = super()._deserialize(value, attr, data, **kwargs)
        if is_group(jid):
            raise ValidationError("participants must be people, not groups")
        return jid


def _participants(minimum=1):
    return fields.List(MemberJid(), required=True, validate=validate.Length(
        min=minimum, max=MAX_PARTICIPANTS,
        error=f"participants must list {minimum}-{MAX_PARTICIPANTS} JIDs or phone numbers"),
        error_messages={"required": "participants is required"})


def _unique(participants):
    if len(set(participants)) != len(participants):
        raise ValidationError("participants lists a JID twice", "participants")


def _subject(**kwargs):
    return fields.String(validate=validate.Length(
        min=1, max=SUBJECT_MAX, error=f"subject must be 1-{SUBJECT_MAX} characters"), **kwargs)


class CreateGroupSchema(Schema):
    subject = _subject(required=True, error_messages={"required": "subject is required"})
    participants = _participants()

    @validates_schema
    def _check(self, data, **kwargs):
        if not data["subject"].strip():
            raise ValidationError("subject must not be blank", "subject")
        _unique(data["participants"])


class UpdateGroupSchema(Schema):
    """PATCH: each field optional, at least one."""
    subject = _subject()
    description = fields.String(validate=validate.Length(
        max=DESCRIPTION_MAX, error=f"description must be at most {DESCRIPTION_MAX} characters"))
    announce = StrictBoolean(metadata={
        "description": "Only admins send messages"})
    locked = StrictBoolean(metadata={
        "description": "Only admins edit the subject, description and picture"})

    @validates_schema
    def _check(self, data, **kwargs):
        if not data:
            raise ValidationError("Give at least one of subject, description, announce, locked")
        if "subject" in data and not data["subject"].strip():
            raise ValidationError("subject must not be blank", "subject")


class ParticipantsSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS),
                           error_messages={"required": "action is required"})
    participants = _participants()

    @validates_schema
    def _check(self, data, **kwargs):
        _unique(data["participants"])


class JoinGroupSchema(Schema):
    """An invite: its `code`, or its `link` (https://chat.whatsapp.com/<code>)."""
    code = fields.String(validate=validate.Regexp(
        _CODE, error="code must be an invite code (letters, digits, '-' or '_')"))
    link = fields.String(validate=validate.Regexp(
        _LINK, error="link must be https://chat.whatsapp.com/<code>"),
        metadata={"example": INVITE_LINK + "AbCdEfGhIjKlMnOpQrStUv"})

    @validates_schema
    def _check(self, data, **kwargs):
        if ("code" in data) == ("link" in data):
            raise ValidationError("Give either code or link")

    @staticmethod
    def invite_code(data) -> str:
        return data["code"] if "code" in data else _LINK.match(data["link"]).group(1)


# -- responses (OpenAPI) -------------------------------------------------------------------
class Participant(Open):
    jid = fields.String(required=True)
    phone = fields.String(required=True, allow_none=True)
    lid = fields.String(required=True, allow_none=True)
    admin = fields.String(required=True, allow_none=True,
                          validate=validate.OneOf(["admin", "superadmin"]))


class Group(Open):
    id = fields.String(required=True)
    subject = fields.String(required=True, allow_none=True)
    description = fields.String(required=True, allow_none=True)
    owner = fields.String(required=True, allow_none=True)
    createdAt = fields.Integer(required=True, allow_none=True,
                               metadata={"description": "Epoch milliseconds"})
    announce = fields.Boolean(required=True)
    locked = fields.Boolean(required=True)
    participants = fields.List(fields.Nested(Participant), required=True)


class GroupSummary(Open):
    id = fields.String(required=True)
    subject = fields.String(required=True, allow_none=True)
    participantsCount = fields.Integer(required=True)
    isAdmin = fields.Boolean(required=True)
    announce = fields.Boolean(required=True)
    locked = fields.Boolean(required=True)


class GroupsResponse(OkResponse):
    groups = fields.List(fields.Nested(GroupSummary), required=True)


class GroupResponse(OkResponse):
    group = fields.Nested(Group, required=True)


class ParticipantResult(Open):
    jid = fields.String(required=True)
    ok = fields.Boolean(required=True)
    error = fields.String(required=True, allow_none=True, metadata={
        "description": "already_member, not_member, privacy_settings, already_admin, "
                       "not_admin, not_allowed, …"})


class ParticipantsResponse(OkResponse):
    results = fields.List(fields.Nested(ParticipantResult), required=True)


class InviteResponse(OkResponse):
    code = fields.String(required=True)
    link = fields.String(required=True)


class JoinedResponse(OkResponse):
    groupId = fields.String(required=True)


# -- sandbox ---------------------------------------------------------------------------------
SANDBOX_ACTIONS = ACTIONS + ("leave", "join", "update")


class SandboxGroupEventSchema(Schema):
    """Another member's change in a simulated group."""
    by = MemberJid(required=True, error_messages={"required": "by is required"})
    action = fields.String(required=True, validate=validate.OneOf(SANDBOX_ACTIONS),
                           error_messages={"required": "action is required"})
    participants = fields.List(MemberJid(), validate=validate.Length(max=MAX_PARTICIPANTS))
    changes = fields.Nested(UpdateGroupSchema)

    @validates_schema
    def _check(self, data, **kwargs):
        if data["action"] in ACTIONS and not data.get("participants"):
            raise ValidationError(f"participants is required for {data['action']}")
        if data["action"] == "update" and not data.get("changes"):
            raise ValidationError("changes is required for update")


class SandboxGroupInviteSchema(Schema):
    subject = _subject(load_default="Sandbox group")


class SandboxGroupEventResponse(OkResponse):
    participants = fields.List(fields.String())
    changes = fields.Dict()


class SandboxInviteResponse(OkResponse):
    groupId = fields.String(required=True)
    code = fields.String(required=True)
