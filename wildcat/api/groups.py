"""Groups: list, create, read, settings, members, invite links, join, leave, picture."""
from flask import Blueprint, jsonify, request

from wildcat import media
from wildcat.api import runtime
from wildcat.schemas import json_body, load
from wildcat.schemas.groups import (CreateGroupSchema, JoinGroupSchema, ParticipantsSchema,
                                    UpdateGroupSchema, parse_group_id)
from wildcat.services import groups as service
from wildcat.services.accounts import connected_worker

bp = Blueprint("groups", __name__, url_prefix="/accounts/<account_id>/groups")

create_schema, update_schema = CreateGroupSchema(), UpdateGroupSchema()
participants_schema, join_schema = ParticipantsSchema(), JoinGroupSchema()


@bp.get("")
def list_groups(account_id):
    return jsonify(ok=True, groups=service.list_groups(runtime(), account_id))


@bp.post("")
def create_group(account_id):
    data = load(create_schema, json_body())
    return jsonify(ok=True, group=service.create_group(runtime(), account_id, data)), 201


@bp.post("/join")
def join_group(account_id):
    code = JoinGroupSchema.invite_code(load(join_schema, json_body()))
    return jsonify(ok=True, groupId=service.join(runtime(), account_id, code))


@bp.get("/<group_id>")
def get_group(account_id, group_id):
    gid = parse_group_id(group_id)
    return jsonify(ok=True, group=service.get_group(runtime(), account_id, gid))


@bp.patch("/<group_id>")
def update_group(account_id, group_id):
    gid = parse_group_id(group_id)
    data = load(update_schema, json_body())
    return jsonify(ok=True, group=service.update_group(runtime(), account_id, gid, data))


@bp.post("/<group_id>/participants")
def participants(account_id, group_id):
    gid = parse_group_id(group_id)
    data = load(participants_schema, json_body())
    return jsonify(ok=True, results=service.update_participants(runtime(), account_id, gid,
                                                                data))


@bp.get("/<group_id>/invite")
def invite(account_id, group_id):
    return jsonify(ok=True, **service.invite(runtime(), account_id, parse_group_id(group_id)))


@bp.post("/<group_id>/invite/revoke")
def revoke_invite(account_id, group_id):
    return jsonify(ok=True, **service.invite(runtime(), account_id, parse_group_id(group_id),
                                             revoke=True))


@bp.post("/<group_id>/leave")
def leave(account_id, group_id):
    service.leave(runtime(), account_id, parse_group_id(group_id))
    return jsonify(ok=True)


@bp.put("/<group_id>/picture")
def set_picture(account_id, group_id):
    gid = parse_group_id(group_id)
    connected_worker(runtime(), account_id)         # 404 / 409 before the body is read
    with media.receive_upload(request, "image", runtime().config.max_upload_bytes) as (_, upload):
        service.set_picture(runtime(), account_id, gid, upload)
    return jsonify(ok=True)
