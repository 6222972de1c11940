"""Sandbox-only group routes: other members act in simulated groups; groups to join."""
from flask import Blueprint, jsonify

from wildcat.api import runtime
from wildcat.api.sandbox import _optional_json, _session
from wildcat.errors import ValidationFailed
from wildcat.schemas import json_body, load
from wildcat.schemas.groups import SandboxGroupEventSchema, SandboxGroupInviteSchema, \
    parse_group_id

bp = Blueprint("sandbox_groups", __name__, url_prefix="/sandbox/accounts/<account_id>")

event_schema, invite_schema = SandboxGroupEventSchema(), SandboxGroupInviteSchema()


@bp.post("/groups/<group_id>/event")
def group_event(account_id, group_id):
    gid = parse_group_id(group_id)
    data = load(event_schema, json_body())
    session = _session(account_id)
    try:
        done = runtime().driver.group_network.simulate(
            gid, session.jid, data["by"], data["action"], data.get("participants") or [],
            data.get("changes"))
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None
    return jsonify(ok=True, **done)


@bp.post("/group-invite")
def group_invite(account_id):
    data = load(invite_schema, _optional_json())
    _session(account_id)
    group, code = runtime().driver.group_network.outside_group(data["subject"].strip() or "Group")
    return jsonify(ok=True, groupId=group.id, code=code)
