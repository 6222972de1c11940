"""Sending: text, media, replies, reactions and deletes; reading one message and its media.

Every send runs as one `worker.call` on the account's thread: the driver send, storing the
sent message and publishing its event happen there, in request order, ordered with inbound
events of the same account.
"""
import io
import logging

from wildcat import media
from wildcat.drivers.base import DriverError, NotConnected, SendRequest
from wildcat.errors import AccountNotConnected, ApiError, Forbidden, NotFound, RateLimited, \
    SendFailed
from wildcat.events import make_event
from wildcat.jid import is_group
from wildcat.metrics import send_timer
from wildcat.services.accounts import get_account, worker_for
from wildcat.services.chats import touch_chat
from wildcat.services.messages import media_url, message_event, public_message

log = logging.getLogger(__name__)

SEND_TIMEOUT = 60.0
MEDIA_SEND_TIMEOUT = 300.0


def message_not_found():
    return NotFound("Message not found", code="message_not_found")


def sender(runtime, account_id):
    """The account's worker when it can send now: 404 unknown, 409 not connected."""
    worker = worker_for(runtime, account_id)
    if worker.current_status != "connected" or worker.session is None:
        raise AccountNotConnected()
    return worker


def _take_token(runtime, account_id):
    wait = runtime.send_limiter.take(account_id)
    if wait:
        log.info("account %s: send rate exceeded; retry in %ds", account_id, wait)
        raise RateLimited(f"Too many messages: the limit is {runtime.config.send_rate_per_minute}"
                          f" a minute; retry in {wait}s", headers={"Retry-After": str(wait)},
                          details={"retryAfter": wait})


def _stored(runtime, account_id, message_id):
    msg = runtime.store.get_message(account_id, message_id)
    if msg is None:
        raise message_not_found()
    return msg


def _call(worker, fn, timeout):
    """worker.call with driver failures turned into API errors (nothing stored on failure)."""
    try:
        return worker.call(fn, timeout)
    except NotConnected:
        raise AccountNotConnected() from None
    except DriverError as exc:
        log.warning("account %s: send failed: %s", worker.account_id, exc)
        raise SendFailed(f"Sending failed: {str(exc)[:300]}") from None


def _send_and_store(runtime, worker, request, fields, timeout=SEND_TIMEOUT):
    """Send `request`, then store and publish the sent message built from `fields`."""
    def on_account_thread(w):
        if w.session is None or w.current_status != "connected":
            raise NotConnected("account is not connected")
        with send_timer():   # wildcat_send_latency_seconds
            result = w.session.send(request)
        msg = {"messageId": result.messageId, "chatId": request.to, "from": w.jid,
               "fromMe": True, "timestamp": result.timestamp, "status": "sent",
               "isGroup": is_group(request.to), "hasMedia": False, **fields}
        if result.raw is not None:
            msg["raw"] = result.raw
        try:
            runtime.store.insert_message(w.account_id, msg)
            touch_chat(runtime.store, w.account_id, msg)
        except Exception:
            log.exception("account %s: message %s was sent but could not be stored",
                          w.account_id, result.messageId)
            raise
        runtime.bus.publish(message_event("message.sent", w.account_id, msg))
        log.debug("account %s: sent %s %s", w.account_id, request.kind, result.messageId)
        return msg
    return _call(worker, on_account_thread, timeout)["messageId"]


def send_text(runtime, account_id, data):
    worker = sender(runtime, account_id)
    _take_token(runtime, account_id)
    request = SendRequest(kind="text", to=data["to"], text=data["message"])
    return _send_and_store(runtime, worker, request, {"type": "text", "text": data["message"]})


def reply(runtime, account_id, data):
    worker = sender(runtime, account_id)
    quoted = _stored(runtime, account_id, data["quotedMessageId"])
    if data.get("chatId") and data["chatId"] != quoted["chatId"]:
        raise message_not_found()
    _take_token(runtime, account_id)
    request = SendRequest(kind="reply", to=data["to"], text=data["message"], quoted=quoted)
    return _send_and_store(runtime, worker, request, {
        "type": "text", "text": data["message"], "quotedMessageId": quoted["messageId"]})


def send_media(runtime, account_id, kind, data, upload):
    """Send an uploaded file (already spooled and sniffed by wildcat.media)."""
    worker = sender(runtime, account_id)
    media.check_kind(kind, upload.mimetype)
    ptt = kind == "audio" and bool(data.get("ptt"))
    _take_token(runtime, account_id)
    payload = media.to_voice_note(upload) if ptt else upload
    try:
        mimetype, filename = payload.mimetype, payload.filename
        if kind == "document":
            filename = media.safe_filename(data.get("fileName") or filename, mimetype, "document")
            mimetype = media.document_mimetype(mimetype, filename)
        stored = runtime.store.put_media(account_id, payload.open(), filename=filename,
                                         mimetype=mimetype)
        caption = data.get("caption")
        request = SendRequest(kind=kind, to=data["to"], caption=caption,
                              data=payload.read_bytes(), mimetype=mimetype, fileName=filename,
                              ptt=ptt)
        fields = {"type": "voice" if ptt else kind, "caption": caption, "text": caption,
                  "hasMedia": True, "mediaId": stored["mediaId"], "mimetype": mimetype,
                  "fileLength": stored["length"], "fileName": filename}
        if ptt:
            fields["ptt"] = True
        try:
            return _send_and_store(runtime, worker, request,
                                   {k: v for k, v in fields.items() if v is not None},
                                   MEDIA_SEND_TIMEOUT)
        except BaseException:
            runtime.store.delete_media(stored["mediaId"])
            raise
    finally:
        if payload is not upload:
            payload.close()


def react(runtime, account_id, data):
    """React to a stored message (emoji "" removes our reaction)."""
    worker = sender(runtime, account_id)
    target = _stored(runtime, account_id, data["messageId"])
    _take_token(runtime, account_id)
    emoji = data["emoji"]
    request = SendRequest(kind="reaction", to=target["chatId"], target=target, emoji=emoji)

    def on_account_thread(w):
        result = _send_effect(w, request)
        current = runtime.store.get_message(w.account_id, target["messageId"]) or target
        reactions = dict(current.get("reactions") or {})
        me = w.jid or "me"
        if emoji:
            reactions[me] = emoji
        else:
            reactions.pop(me, None)
        runtime.store.update_message(w.account_id, target["messageId"], {"reactions": reactions})
        _publish_effect(runtime, w, "message.reaction", target, result, emoji=emoji)
    _call(worker, on_account_thread, SEND_TIMEOUT)


def delete(runtime, account_id, data):
    """Revoke a stored message for everyone and flag it `deleted`."""
    worker = sender(runtime, account_id)
    target = _stored(runtime, account_id, data["messageId"])
    mine = bool(target.get("fromMe")) or (worker.jid is not None
                                          and target.get("from") == worker.jid)
    if not mine and not (target.get("isGroup") or is_group(target["chatId"])):
        raise Forbidden("Only your own messages can be deleted in a direct chat",
                        code="cannot_delete")
    _take_token(runtime, account_id)
    request = SendRequest(kind="revoke", to=target["chatId"], target=target)

    def on_account_thread(w):
        result = _send_effect(w, request)
        runtime.store.update_message(w.account_id, target["messageId"],
                                     {"deleted": True, "deletedAt": result.timestamp})
        _publish_effect(runtime, w, "message.revoked", target, result)
    _call(worker, on_account_thread, SEND_TIMEOUT)


def _send_effect(w, request):
    if w.session is None or w.current_status != "connected":
        raise NotConnected("account is not connected")
    return w.session.send(request)


def _publish_effect(runtime, w, name, target, result, **extra):
    """The same event the inbound pipeline publishes for a reaction/revoke, from us."""
    runtime.bus.publish(make_event(
        name, w.account_id, messageId=target["messageId"], chatId=target["chatId"],
        **{"from": w.jid}, fromMe=True, timestamp=result.timestamp,
        isGroup=bool(target.get("isGroup")) or is_group(target["chatId"]), targetFound=True,
        eventMessageId=result.messageId, **extra))


# -- reading ------------------------------------------------------------------------------
def message_view(runtime, account_id, message_id):
    """GET .../messages/:messageId: the stored message in the public shape."""
    get_account(runtime, account_id)
    msg = _stored(runtime, account_id, message_id)
    view = public_message(msg)
    if view["hasMedia"]:
        view["mediaUrl"] = media_url(account_id, msg["messageId"])
    return view


def open_message_media(runtime, account_id, ident):
    """(message, opened MediaFile) for a message id or a mediaId; downloads again through
    the driver when the eager download failed (hasMedia without a stored blob)."""
    get_account(runtime, account_id)
    store = runtime.store
    msg = store.get_message(account_id, ident) or store.find_message_by_media_id(account_id, ident)
    if msg is None:
        raise message_not_found()
    if not msg.get("hasMedia"):
        raise NotFound("No media in message", code="no_media")
    blob = _open_own(store, account_id, msg.get("mediaId"))
    if blob is None:
        media_id = _download_again(runtime, account_id, msg["messageId"])
        msg = store.get_message(account_id, msg["messageId"]) or msg
        blob = _open_own(store, account_id, media_id)
        if blob is None:
            raise ApiError("The media could not be stored", status=500, code="media_unavailable")
    return msg, blob


def _open_own(store, account_id, media_id):
    if not media_id:
        return None
    blob = store.open_media(media_id)
    if blob is not None and blob.accountId not in (None, account_id):
        blob.close()
        return None
    return blob


def _download_again(runtime, account_id, message_id):
    worker = worker_for(runtime, account_id)

    def on_account_thread(w):   # serialised: two GETs never download the same media twice
        msg = runtime.store.get_message(w.account_id, message_id)
        if msg is None:
            raise message_not_found()
        blob = _open_own(runtime.store, w.account_id, msg.get("mediaId"))
        if blob is not None:
            blob.close()
            return msg["mediaId"]
        if w.session is None or w.current_status != "connected":
            raise NotConnected("account is not connected")
        data = w.session.download_media(msg)
        mimetype = msg.get("mimetype") or "application/octet-stream"
        name = msg.get("fileName") or media.safe_filename(message_id, mimetype, "media")
        info = runtime.store.put_media(w.account_id, io.BytesIO(data), filename=name,
                                       mimetype=mimetype)
        runtime.store.update_message(w.account_id, message_id, {
            "mediaId": info["mediaId"], "fileLength": info["length"]})
        log.info("account %s: media of %s downloaded again", w.account_id, message_id)
        return info["mediaId"]
    try:
        return worker.call(on_account_thread, MEDIA_SEND_TIMEOUT)
    except NotConnected:
        raise AccountNotConnected("Account is not connected; the media must be downloaded "
                                  "again from WhatsApp") from None
    except DriverError as exc:
        log.warning("account %s: media of %s unavailable: %s", account_id, message_id, exc)
        raise ApiError(f"The media could not be downloaded: {str(exc)[:300]}", status=502,
                       code="media_unavailable") from None
