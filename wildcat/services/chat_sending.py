"""Sending what a chat can carry besides text and files (issue 11): locations, contact
cards, polls, stickers, edits and status posts. Same path as wildcat/services/sending.py:
stored checks, a send-rate token, a typed `Send` on the account's thread."""
import io
import logging

from wildcat import media, stickers
from wildcat.domain import now_ms
from wildcat.commands import Send
from wildcat.drivers.base import SendRequest
from wildcat.drivers.vcard import build_vcard
from wildcat.errors import AccountTimeout, CannotEdit
from wildcat.services.accounts import connected_worker
from wildcat.services.sending import _send, _take_token, recipient as _to, stored_message

log = logging.getLogger(__name__)

STATUS_BROADCAST = "status@broadcast"
EDITABLE_TYPES = ("text",)
EDIT_WINDOW_MS = 15 * 60 * 1000     # WhatsApp's phones ignore edits of older messages


def _send_message(runtime, account_id, kind, to, record, **request_fields):
    worker = connected_worker(runtime, account_id)
    _take_token(runtime, account_id)
    request = SendRequest(kind=kind, to=to, **request_fields)
    return _send(runtime, worker, Send(request=request, record={"type": kind, **record}))["messageId"]


def send_location(runtime, account_id, data):
    location = {"latitude": data["latitude"], "longitude": data["longitude"],
                "name": data.get("name"), "address": data.get("address")}
    return _send_message(runtime, account_id, "location", _to(runtime, account_id, data["to"]),
                         {"location": location, "text": data.get("name")}, payload=location)


def send_contact(runtime, account_id, data):
    cards = [{"name": c["name"], "phone": c["phone"], "vcard": build_vcard(c["name"], c["phone"])}
             for c in data["contacts"]]
    shown = [{"name": c["name"], "phone": c["phone"]} for c in cards]
    title = cards[0]["name"] if len(cards) == 1 else f"{len(cards)} contacts"
    return _send_message(runtime, account_id, "contact", _to(runtime, account_id, data["to"]),
                         {"contacts": shown, "text": title}, payload={"contacts": cards})


def send_poll(runtime, account_id, data):
    poll = {"question": data["question"], "multiple": bool(data["multiple"]),
            "options": [{"name": name, "voters": []} for name in data["options"]]}
    return _send_message(
        runtime, account_id, "poll", _to(runtime, account_id, data["to"]),
        {"poll": poll, "text": data["question"]},
        payload={"question": data["question"], "options": list(data["options"]),
                 "multiple": bool(data["multiple"])})


def _send_file(runtime, account_id, worker, kind, to, data, mimetype, filename, record,
               **request_fields):
    """Store the blob, send it, and drop the blob again when nothing was sent."""
    stored = runtime.store.put_media(account_id, io.BytesIO(data), filename=filename,
                                     mimetype=mimetype)
    request = SendRequest(kind=kind, to=to, data=data, mimetype=mimetype, fileName=filename,
                          **request_fields)
    record = {"type": kind, "hasMedia": True, "mediaId": stored["mediaId"],
              "mimetype": mimetype, "fileLength": stored["length"], "fileName": filename,
              **{k: v for k, v in record.items() if v is not None}}
    try:
        return _send(runtime, worker, Send(request=request, record=record, slow=True))["messageId"]
    except AccountTimeout as exc:
        if not exc.started:
            runtime.store.delete_media(stored["mediaId"])
        raise
    except BaseException:
        runtime.store.delete_media(stored["mediaId"])
        raise


def send_sticker(runtime, account_id, data, upload):
    """An uploaded PNG/JPEG/GIF/WebP, sent as a 512x512 WebP sticker."""
    worker = connected_worker(runtime, account_id)
    webp = stickers.to_sticker(upload.read_bytes(), upload.mimetype)
    _take_token(runtime, account_id)
    return _send_file(runtime, account_id, worker, "sticker", _to(runtime, account_id, data["to"]),
                      webp, "image/webp", "sticker.webp", {})


def edit(runtime, account_id, data):
    """Edit one of our own text messages; the stored text changes and `message.edited` is
    published (by the outbound pipeline, once WhatsApp took the edit)."""
    worker = connected_worker(runtime, account_id)
    target = stored_message(runtime, account_id, data["messageId"])
    me = worker.state().jid
    mine = bool(target.get("fromMe")) or (me is not None and target.get("from") == me)
    if not mine or target.get("type", "text") not in EDITABLE_TYPES or target.get("deleted"):
        raise CannotEdit()
    if _to(runtime, account_id, data["to"]) != target["chatId"]:
        raise CannotEdit("The message is not in the chat given as `to`")
    if now_ms() - int(target["timestamp"]) > EDIT_WINDOW_MS:
        raise CannotEdit("Messages can only be edited within 15 minutes of sending")
    _take_token(runtime, account_id)
    request = SendRequest(kind="edit", to=target["chatId"], text=data["message"], target=target,
                          payload={"text": data["message"]})
    _send(runtime, worker, Send(request=request))


def send_status_text(runtime, account_id, data):
    record = {"text": data["text"], "backgroundColor": data.get("backgroundColor")}
    return _send_message(runtime, account_id, "status_text", STATUS_BROADCAST,
                         {k: v for k, v in record.items() if v is not None}, text=data["text"],
                         payload={"backgroundColor": data.get("backgroundColor")})


def send_status_image(runtime, account_id, data, upload):
    worker = connected_worker(runtime, account_id)
    media.check_kind("image", upload.mimetype)
    _take_token(runtime, account_id)
    caption = data.get("caption")
    return _send_file(runtime, account_id, worker, "status_image", STATUS_BROADCAST,
                      upload.read_bytes(), upload.mimetype, upload.filename,
                      {"caption": caption, "text": caption}, caption=caption)
