"""Sandbox-only routes: play the phone and the other side of the simulated network."""
import secrets
import time

from flask import Blueprint, jsonify, request

from wildcat.api import runtime
from wildcat.drivers.base import DriverError
from wildcat.errors import AccountNotConnected, NoPendingLogin, ValidationFailed
from wildcat.jid import is_group
from wildcat.schemas import json_body, load
from wildcat.drivers.vcard import build_vcard, parse_vcard
from wildcat.schemas.sandbox import (FailConnectsSchema, HistorySchema, InboundFormSchema,
                                     InboundSchema, KickSchema, NetworkSchema, ReceiptSchema,
                                     RegisteredSchema, ScanSchema)
from wildcat.schemas.settings import mask_proxy
from wildcat.services.accounts import get_account

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox")

scan_schema, inbound_schema, receipt_schema = ScanSchema(), InboundSchema(), ReceiptSchema()
history_schema, inbound_form_schema = HistorySchema(), InboundFormSchema()
network_schema = NetworkSchema()
fail_schema, kick_schema = FailConnectsSchema(), KickSchema()
registered_schema = RegisteredSchema()
MEDIA_TYPES = ("image", "video", "audio", "voice", "document", "sticker")


def _session(account_id, connected=True):
    get_account(runtime(), account_id)
    session = runtime().driver.session(account_id)
    if session is None or (connected and not session.connected):
        raise AccountNotConnected()
    return session


def _optional_json():
    return json_body() if request.content_length or request.is_json else {}


@bp.post("/accounts/<account_id>/scan")
def scan(account_id):
    data = load(scan_schema, _optional_json())
    session = _session(account_id, connected=False)
    phone = data.get("phone") or "1555" + "".join(str(secrets.randbelow(10)) for _ in range(7))
    try:
        jid = session.scan(phone)
    except DriverError as exc:
        raise NoPendingLogin(str(exc)) from None
    return jsonify(ok=True, jid=jid)


@bp.post("/accounts/<account_id>/inbound")
def inbound(account_id):
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("media")
        data = load(inbound_form_schema, request.form.to_dict())
        if upload is None:
            raise ValidationFailed("media file is required for multipart inbound")
        media = upload.read()
        if not media:
            raise ValidationFailed("media file is empty")
        if data["type"] not in MEDIA_TYPES:
            raise ValidationFailed(f"type must be one of {', '.join(MEDIA_TYPES)}")
        data.update(media=media, mimetype=upload.mimetype or "application/octet-stream",
                    fileName=data.get("fileName") or upload.filename or None)
    else:
        data = load(inbound_schema, json_body())
    session = _session(account_id)
    if data["type"] in ("presence", "call"):
        return _signal(session, data)
    msg = _normalise(session, data)
    session.inject(msg)
    return jsonify(ok=True, messageId=msg["messageId"])


def _signal(session, data):
    """Presence and calls: driver events that are not messages (issue 11)."""
    sender = data.get("sender") or data["fromLid"]
    if data["type"] == "presence":
        if "state" not in data:
            raise ValidationFailed("state is required for type presence")
        session.presence({"chatId": data.get("chatId") or sender, "from": sender,
                          "fromLid": data.get("fromLid"), "state": data["state"]})
        return jsonify(ok=True)
    call_id = secrets.token_hex(16).upper()
    session.call({"callId": call_id, "from": sender, "fromLid": data.get("fromLid"),
                  "isVideo": data["isVideo"], "isGroup": False,
                  "timestamp": int(time.time() * 1000)})
    return jsonify(ok=True, callId=call_id)


def _chat_content(data, msg):
    """The fields of issue 11's message kinds, as the neonize codec normalises them."""
    kind = data["type"]
    if kind == "location":
        if "latitude" not in data or "longitude" not in data:
            raise ValidationFailed("latitude and longitude are required for type location")
        msg.update(text=data.get("name"), location={
            "latitude": data["latitude"], "longitude": data["longitude"],
            "name": data.get("name"), "address": data.get("address")})
    elif kind == "contact":
        if not data.get("contacts"):
            raise ValidationFailed("contacts are required for type contact")
        # through a real vCard, as WhatsApp carries it
        cards = [parse_vcard(build_vcard(c["name"], c["phone"])) for c in data["contacts"]]
        msg.update(text=cards[0]["name"], contacts=cards)
    elif kind == "poll":
        options = data.get("options") or []
        if not data.get("question") or not 2 <= len(options) <= 12 or len(set(options)) != len(options):
            raise ValidationFailed("a poll needs a question and 2 to 12 distinct options")
        msg.update(text=data["question"], poll={
            "question": data["question"], "multiple": bool(data.get("multiple")),
            "options": [{"name": o, "voters": []} for o in options]})
    elif kind == "poll_vote":
        if not data.get("messageId") or "options" not in data:
            raise ValidationFailed("messageId and options are required for type poll_vote")
        msg.update(messageId="3EB0" + secrets.token_hex(8).upper(), pollVote={
            "messageId": data["messageId"], "options": list(data["options"]),
            "from": msg["from"]})
    else:
        return False
    return True


def _normalise(session, data):
    """Turn the route's fields into the driver's normalised inbound message."""
    kind = data["type"]
    someone = data.get("sender") or data["fromLid"]   # the phone JID when WhatsApp gives it
    sender = session.jid if data["fromMe"] else someone
    chat = data.get("chatId") or someone
    msg = {"messageId": data.get("messageId") or "3EB0" + secrets.token_hex(8).upper(),
           "chatId": chat, "from": sender, "fromMe": data["fromMe"], "type": kind,
           "timestamp": data.get("timestamp") or int(time.time() * 1000),
           "pushName": data.get("pushName"), "isGroup": is_group(chat),
           "quotedMessageId": data.get("quotedMessageId"), "hasMedia": False,
           "fromLid": None if data["fromMe"] else data.get("fromLid")}
    if _chat_content(data, msg):
        return msg
    if kind in ("reaction", "revoke", "edit") and not data.get("messageId"):
        raise ValidationFailed(f"messageId is required for type {kind}")
    if kind == "reaction":
        msg.update(messageId="3EB0" + secrets.token_hex(8).upper(), reaction={
            "messageId": data["messageId"], "emoji": data.get("emoji", ""), "from": sender})
    elif kind == "revoke":
        msg.update(messageId="3EB0" + secrets.token_hex(8).upper(),
                   revokedMessageId=data["messageId"])
    elif kind == "edit":
        if "text" not in data:
            raise ValidationFailed("text is required for type edit")
        msg.update(messageId="3EB0" + secrets.token_hex(8).upper(),
                   edit={"messageId": data["messageId"], "text": data["text"]})
    elif kind in MEDIA_TYPES:
        if "media" not in data:
            raise ValidationFailed(f"type {kind} needs a multipart media file")
        msg.update(caption=data.get("caption"), text=data.get("caption"), hasMedia=True,
                   mimetype=data["mimetype"], fileName=data.get("fileName"),
                   fileLength=len(data["media"]), media=data["media"])
    else:
        if not data.get("text"):
            raise ValidationFailed("text is required")
        msg["text"] = data["text"]
    return msg


@bp.post("/accounts/<account_id>/receipt")
def receipt(account_id):
    data = load(receipt_schema, json_body())
    session = _session(account_id)
    stored = runtime().store.get_message(account_id, data["messageId"])
    session.receipt({"chatId": stored["chatId"] if stored else None,
                     "messageIds": [data["messageId"]], "type": data["type"],
                     "timestamp": int(time.time() * 1000), "from": None})
    return jsonify(ok=True)


@bp.post("/accounts/<account_id>/history")
def history(account_id):
    data = load(history_schema, json_body())
    session = _session(account_id)
    batch = _history_batch(session, data)
    session.history(batch)
    return jsonify(ok=True, chats=len(batch["chats"]), messages=len(batch["messages"]))


def _history_batch(session, data):
    """The HISTORY event data of the route's fields (text messages, normalised)."""
    now = int(time.time() * 1000)
    messages = [{"messageId": m.get("messageId") or "3EB0" + secrets.token_hex(8).upper(),
                 "chatId": m.get("chatId") or m["sender"],
                 "from": session.jid if m["fromMe"] else m["sender"], "fromMe": m["fromMe"],
                 "timestamp": m.get("timestamp") or now, "type": "text", "text": m["text"],
                 "pushName": m.get("pushName"), "isGroup": is_group(m.get("chatId") or ""),
                 "quotedMessageId": m.get("quotedMessageId"), "hasMedia": False}
                for m in data["messages"]]
    chats = [{**c, "isGroup": is_group(c["chatId"])} for c in data["chats"]]
    return {"syncType": data["syncType"], "chats": chats, "messages": messages}


@bp.post("/accounts/<account_id>/registered")
def registered(account_id):
    """Which numbers are on WhatsApp from now on (issue 11)."""
    data = load(registered_schema, json_body())
    get_account(runtime(), account_id)
    runtime().driver.set_registered(account_id, data["phones"], data["lids"])
    return jsonify(ok=True, registered=len(data["phones"]))


@bp.post("/accounts/<account_id>/drop")
def drop(account_id):
    _session(account_id).drop()
    return jsonify(ok=True)


@bp.post("/accounts/<account_id>/network")
def network(account_id):
    data = load(network_schema, json_body())
    _session(account_id, connected=False).set_reachable(data["reachable"])
    return jsonify(ok=True, reachable=data["reachable"])


@bp.post("/accounts/<account_id>/unlink")
def unlink(account_id):
    _session(account_id).unlink()
    return jsonify(ok=True)


@bp.get("/accounts/<account_id>/sent")
def sent(account_id):
    get_account(runtime(), account_id)
    return jsonify(ok=True, sent=runtime().driver.sent(account_id))


@bp.get("/accounts/<account_id>/connections")
def connections(account_id):
    """Every connect attempt of the account: when, through which proxy, how it went."""
    get_account(runtime(), account_id)
    attempts = runtime().driver.connections.get(account_id, [])
    return jsonify(ok=True, connections=[dict(a, proxy=mask_proxy(a["proxy"]))
                                         for a in list(attempts)])


@bp.post("/accounts/<account_id>/fail-connects")
def fail_connects(account_id):
    data = load(fail_schema, _optional_json())
    get_account(runtime(), account_id)
    runtime().driver.fail_connects(account_id, data["error"])
    return jsonify(ok=True)


@bp.delete("/accounts/<account_id>/fail-connects")
def clear_failures(account_id):
    get_account(runtime(), account_id)
    runtime().driver.clear_failures(account_id)
    return jsonify(ok=True)


@bp.post("/accounts/<account_id>/kick")
def kick(account_id):
    data = load(kick_schema, json_body())
    get_account(runtime(), account_id)
    extra = {"code": data["code"], "expire": data["expireSeconds"]}
    if not runtime().driver.kick(account_id, data["reason"],
                                 extra if data["reason"] == "temporary_ban" else {}):
        raise AccountNotConnected()
    return jsonify(ok=True)
