"""Messaging: send text, media, replies, reactions and deletes; read a message and its media."""
from flask import Blueprint, jsonify, request

from wildcat import media
from wildcat.api import runtime
from wildcat.errors import NotFound
from wildcat.media_stream import media_response
from wildcat.schemas import json_body, load
from wildcat.schemas.messages import MEDIA_SCHEMAS, DeleteSchema, ReactSchema, ReplySchema, \
    SendTextSchema
from wildcat.services import message_media, sending
from wildcat.services.accounts import connected_worker

bp = Blueprint("messages", __name__)

text_schema, reply_schema = SendTextSchema(), ReplySchema()
react_schema, delete_schema = ReactSchema(), DeleteSchema()


@bp.post("/accounts/<account_id>/message/send")
def send_text(account_id):
    data = load(text_schema, json_body())
    return jsonify(ok=True, messageId=sending.send_text(runtime(), account_id, data))


@bp.post("/accounts/<account_id>/message/send/<kind>")
def send_media(account_id, kind):
    if kind not in MEDIA_SCHEMAS:
        raise NotFound("Unknown media type: use image, video, audio or document")
    connected_worker(runtime(), account_id)         # 404 / 409 before the body is read
    with media.receive_upload(request, kind, runtime().config.max_upload_bytes) as (form, upload):
        data = load(MEDIA_SCHEMAS[kind], form)
        message_id = sending.send_media(runtime(), account_id, kind, data, upload)
    return jsonify(ok=True, messageId=message_id)


@bp.post("/accounts/<account_id>/message/reply")
def reply(account_id):
    data = load(reply_schema, json_body())
    return jsonify(ok=True, messageId=sending.reply(runtime(), account_id, data))


@bp.post("/accounts/<account_id>/message/react")
def react(account_id):
    sending.react(runtime(), account_id, load(react_schema, json_body()))
    return jsonify(ok=True, message="Reaction sent")


@bp.post("/accounts/<account_id>/message/delete")
def delete(account_id):
    sending.delete(runtime(), account_id, load(delete_schema, json_body()))
    return jsonify(ok=True, message="Message deleted")


@bp.get("/accounts/<account_id>/messages/<message_id>")
def get_message(account_id, message_id):
    return jsonify(ok=True, message=message_media.message_view(runtime(), account_id, message_id))


@bp.get("/accounts/<account_id>/messages/<message_id>/media")
def get_media(account_id, message_id):
    msg, blob = message_media.open_message_media(runtime(), account_id, message_id)
    # The blob's type was sniffed when it was stored; the message's is the sender's claim.
    mimetype = blob.mimetype or msg.get("mimetype") or "application/octet-stream"
    filename = media.safe_filename(msg.get("fileName") or blob.filename or msg["messageId"],
                                   mimetype, "media")
    return media_response(blob, filename=filename, mimetype=mimetype,
                          range_header=request.headers.get("Range"),
                          if_range=request.headers.get("If-Range"))
