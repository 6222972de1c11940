"""The groups routes' entries of the OpenAPI document (merged into openapi_routes.ROUTES)."""
from wildcat.openapi import Doc
from wildcat.schemas import responses as r
from wildcat.schemas.groups import (GROUP_ID_PATTERN, CreateGroupSchema, GroupResponse,
                                    GroupsResponse, InviteResponse, JoinedResponse,
                                    JoinGroupSchema, ParticipantsResponse, ParticipantsSchema,
                                    SandboxGroupEventResponse, SandboxGroupEventSchema,
                                    SandboxGroupInviteSchema, SandboxInviteResponse,
                                    UpdateGroupSchema)

G = "Groups"
GROUP = "/accounts/<account_id>/groups/<group_id>"
GROUP_ID_PARAM = {"description": "A group JID (…@g.us)", "schema": {
    "type": "string", "pattern": GROUP_ID_PATTERN, "maxLength": 64}}
_admin = "403 `not_admin` when this account is not an admin of the group."

GROUP_ROUTES = {
    ("GET", "/accounts/<account_id>/groups"): Doc(
        "The groups this account is in (asked of WhatsApp, kept in the store)", G,
        GroupsResponse, errors=(409, 502)),
    ("POST", "/accounts/<account_id>/groups"): Doc(
        "Create a group run by this account", G, GroupResponse, 201, CreateGroupSchema,
        errors=(409, 502), example={"subject": "Customer cohort",
                                    "participants": ["919876543210", "15550002222@s.whatsapp.net"]},
        description="1-256 other participants. Someone whose privacy settings refuse being "
                    "added is left out (WhatsApp invites them instead)."),
    ("POST", "/accounts/<account_id>/groups/join"): Doc(
        "Join a group with an invite code or link", G, JoinedResponse, body=JoinGroupSchema,
        errors=(409, 502), example={"link": "https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv"},
        description="404 `invite_not_found` for an invalid, expired or revoked code."),
    ("GET", GROUP): Doc(
        "One group: settings and participants", G, GroupResponse, errors=(400, 409, 502),
        description="404 `group_not_found` when the account is not in it."),
    ("PATCH", GROUP): Doc(
        "Change the subject, description, announce-only or locked setting", G, GroupResponse,
        body=UpdateGroupSchema, errors=(403, 409, 502),
        example={"subject": "Staff rota", "announce": True},
        description=_admin + " announce and locked are always admins'; subject and "
                    "description too once the group is locked."),
    ("POST", GROUP + "/participants"): Doc(
        "Add, remove, promote or demote participants (one result each)", G,
        ParticipantsResponse, body=ParticipantsSchema, errors=(403, 409, 502),
        example={"action": "add", "participants": ["919876543210"]},
        description=_admin + " A participant the action cannot apply to (already a member, "
                    "not a member, privacy settings, …) gets `ok: false` and its `error`."),
    ("GET", GROUP + "/invite"): Doc(
        "The group's invite code and link", G, InviteResponse, errors=(400, 403, 409, 502),
        description=_admin),
    ("POST", GROUP + "/invite/revoke"): Doc(
        "Revoke the invite link: the old code stops working; returns the new one", G,
        InviteResponse, errors=(400, 403, 409, 502), description=_admin),
    ("POST", GROUP + "/leave"): Doc("Leave the group", G, r.OkResponse,
                                    errors=(400, 409, 502)),
    ("PUT", GROUP + "/picture"): Doc(
        "Set the group picture (multipart `image`: JPEG or PNG)", G, r.OkResponse,
        body_type="multipart", files=("image",), errors=(403, 409, 413, 415, 502),
        description=_admin + " (once the group is locked; before, any member may). The "
                    "picture is centre-cropped to a square JPEG of at most 640 px."),
    # -- sandbox -----------------------------------------------------------------------------
    ("POST", "/sandbox/accounts/<account_id>/groups/<group_id>/event"): Doc(
        "Another member changes a simulated group (adds, removes, promotes, renames, locks…)",
        "Sandbox", SandboxGroupEventResponse, body=SandboxGroupEventSchema, errors=(403, 409),
        example={"by": "15550002222@s.whatsapp.net", "action": "update",
                 "changes": {"subject": "Renamed"}},
        description="Sandbox driver only. WhatsApp's rules apply to `by` (403 `not_admin`)."),
    ("POST", "/sandbox/accounts/<account_id>/group-invite"): Doc(
        "A group run by someone else that the account is not in, and a valid invite code",
        "Sandbox", SandboxInviteResponse, body=SandboxGroupInviteSchema, errors=(409,),
        example={"subject": "Community"}, description="Sandbox driver only."),
}
