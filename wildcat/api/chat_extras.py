"""Issue 11's routes: locations, contact cards, polls, stickers, edits, presence, number
checks, contacts, blocks and status posts."""
from flask import Blueprint, jsonify, request

from wildcat import media
from wildcat.api import runtime
from wildcat.schemas import json_body, load, query_args
from wildcat.schemas import chat_extras as s
from wildcat.services import chat_sending, contacts
from wildcat.services.accounts import connected_worker

bp = Blueprint("chat_extras", __name__)

location_schema, contact_schema, poll_schema = (s.SendLocationSchema(), s.SendContactSchema(),
                                                s.SendPollSchema())
sticker_schema, edit_schema, presence_schema = (s.SendStickerSchema(), s.EditSchema(),
                                                s.PresenceSchema())
check_schema, contacts_query, contact_path = (s.CheckNumbersSchema(), s.ContactsQuerySchema(),
                                              s.ContactPathSchema())
status_text_schema, status_image_schema = s.StatusTextSchema(), s.StatusImageSchema()
PREFIX = "/accounts/<account_id>"


@bp.post(PREFIX + "/message/send/location")
def send_location(account_id):
    data = load(location_schema, json_body())
    return jsonify(ok=True, messageId=chat_sending.send_location(runtime(), account_id, data))


@bp.post(PREFIX + "/message/send/contact")
def send_contact(account_id):
    data = load(contact_schema, json_body())
    return jsonify(ok=True, messageId=chat_sending.send_contact(runtime(), account_id, data))


@bp.post(PREFIX + "/message/send/poll")
def send_poll(account_id):
    data = load(poll_schema, json_body())
    return jsonify(ok=True, messageId=chat_sending.send_poll(runtime(), account_id, data))


@bp.post(PREFIX + "/message/send/sticker")
def send_sticker(account_id):
    connected_worker(runtime(), account_id)          # 404 / 409 before the body is read
    with media.receive_upload(request, "sticker", runtime().config.max_upload_bytes) as (
            form, upload):
        data = load(sticker_schema, form)
        message_id = chat_sending.send_sticker(runtime(), account_id, data, upload)
    return jsonify(ok=True, messageId=message_id)


@bp.post(PREFIX + "/message/edit")
def edit(account_id):
    chat_sending.edit(runtime(), account_id, load(edit_schema, json_body()))
    return jsonify(ok=True, message="Message edited")


@bp.post(PREFIX + "/presence")
def presence(account_id):
    contacts.set_presence(runtime(), account_id, load(presence_schema, json_body()))
    return jsonify(ok=True)


@bp.post(PREFIX + "/contacts/check")
def check(account_id):
    data = load(check_schema, json_body())
    return jsonify(ok=True, results=contacts.check_numbers(runtime(), account_id, data["phones"]))


@bp.get(PREFIX + "/contacts")
def list_contacts(account_id):
    query = load(contacts_query, query_args())
    return jsonify(ok=True, contacts=contacts.list_contacts(runtime(), account_id, **query))


@bp.get(PREFIX + "/contacts/<jid>")
def get_contact(account_id, jid):
    jid = load(contact_path, {"jid": jid})["jid"]
    return jsonify(ok=True, contact=contacts.contact_view(runtime(), account_id, jid))


@bp.post(PREFIX + "/contacts/<jid>/block")
def block(account_id, jid):
    contacts.set_blocked(runtime(), account_id, load(contact_path, {"jid": jid})["jid"], True)
    return jsonify(ok=True)


@bp.post(PREFIX + "/contacts/<jid>/unblock")
def unblock(account_id, jid):
    contacts.set_blocked(runtime(), account_id, load(contact_path, {"jid": jid})["jid"], False)
    return jsonify(ok=True)


@bp.post(PREFIX + "/status/send/text")
def status_text(account_id):
    data = load(status_text_schema, json_body())
    return jsonify(ok=True, messageId=chat_sending.send_status_text(runtime(), account_id, data))


@bp.post(PREFIX + "/status/send/image")
def status_image(account_id):
    connected_worker(runtime(), account_id)
    with media.receive_upload(request, "image", runtime().config.max_upload_bytes) as (
            form, upload):
        data = load(status_image_schema, form)
        message_id = chat_sending.send_status_image(runtime(), account_id, data, upload)
    return jsonify(ok=True, messageId=message_id)
