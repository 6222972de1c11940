"""Sending: text, media, replies, reactions and deletes.

A service validates against the store, takes a send-rate token and hands the account's
worker a typed `Send` command. The driver send, storing the sent message and emitting its
event then happen on the account's thread (wildcat/services/outbound.py), in request order,
ordered with the inbound events of the same account. An account with a send policy first
waits its turn in its lane (wildcat/services/send_pacing.py), on this request's thread.
"""
import logging

from wildcat import media
from wildcat.commands import ChatPresence, Send
from wildcat.drivers.base import (DriverError, NotConnected, NotGroupAdmin, NotInGroup,
                                  NotOnWhatsApp, SendRequest)
from wildcat.errors import AccountTimeout, CannotDelete, MessageNotFound, RateLimited, SendFailed
from wildcat.jid import is_group
from wildcat.services.accounts import connected_worker
from wildcat.services.groups import check_send
from wildcat.services.send_pacing import typing_ms

log = logging.getLogger(__name__)


def _take_token(runtime, account_id):
    wait = runtime.send_limiter.take(account_id)
    if wait:
        log.info("account %s: send rate exceeded; retry in %ds", account_id, wait)
        raise RateLimited(f"Too many messages: the limit is {runtime.config.send_rate_per_minute}"
                          f" a minute; retry in {wait}s", retry_after=wait,
                          details={"retryAfter": wait})


def recipient(runtime, account_id, jid):
    """Where a message to `jid` goes: a LID whose phone number is known becomes that phone
    JID, so it lands in the chat the person already has (issue 11)."""
    return runtime.identities.resolve(account_id, jid)


def stored_message(runtime, account_id, message_id):
    msg = runtime.store.get_message(account_id, message_id)
    if msg is None:
        raise MessageNotFound()
    return msg


def _send(runtime, worker, command):
    """Send now, or in the account's paced turn when it has a send policy (typing first
    for texts). See _execute for the errors."""
    policy = (runtime.store.get_account(worker.account_id) or {}).get("sendPolicy")
    if not policy:
        return _execute(worker, command)

    def run():
        if policy.get("typing") and command.request.kind in ("text", "reply"):
            _show_typing(runtime, worker, command.request)
        return _execute(worker, command)
    return runtime.send_pacer.send(runtime.store, worker.account_id, policy, run,
                                   timeout=runtime.config.command_timeout)


def _show_typing(runtime, worker, request):
    """`composing` in the chat, then a pause as long as typing the text would take."""
    try:
        worker.execute(ChatPresence(to=request.to, state="composing"))
    except NotConnected:
        raise
    except DriverError as exc:   # the message matters more than its typing indicator
        log.warning("account %s: typing indicator failed: %s", worker.account_id, exc)
        return
    runtime.send_pacer.pause(typing_ms(request.text) / 1000)


def _execute(worker, command):
    """Run a Send on the account's thread; a driver refusal is 502 `send_failed` (nothing
    stored); not connected is 409, a group refusing us 403/404, a number not on WhatsApp 404
    `not_on_whatsapp` (errors.py); timeouts and a full queue are the worker's errors."""
    try:
        return worker.execute(command)
    except (NotConnected, NotGroupAdmin, NotInGroup, NotOnWhatsApp):
        raise             # 409; 403 not_admin (announce-only group); 404 group_not_found
    except DriverError as exc:
        log.warning("account %s: send failed: %s", worker.account_id, exc)
        raise SendFailed(f"Sending failed: {str(exc)[:300]}") from None


def send_text(runtime, account_id, data):
    worker = connected_worker(runtime, account_id)
    check_send(runtime, account_id, worker, data["to"])
    _take_token(runtime, account_id)
    request = SendRequest(kind="text", to=recipient(runtime, account_id, data["to"]),
                          text=data["message"])
    msg = _send(runtime, worker, Send(request=request, record={"type": "text",
                                                               "text": data["message"]}))
    return msg["messageId"]


def reply(runtime, account_id, data):
    worker = connected_worker(runtime, account_id)
    quoted = stored_message(runtime, account_id, data["quotedMessageId"])
    if data.get("chatId") and data["chatId"] != quoted["chatId"]:
        raise MessageNotFound()
    check_send(runtime, account_id, worker, data["to"])
    _take_token(runtime, account_id)
    request = SendRequest(kind="reply", to=recipient(runtime, account_id, data["to"]),
                          text=data["message"], quoted=quoted)
    msg = _send(runtime, worker, Send(request=request, record={
        "type": "text", "text": data["message"], "quotedMessageId": quoted["messageId"]}))
    return msg["messageId"]


def send_media(runtime, account_id, kind, data, upload):
    """Send an uploaded file (already spooled and sniffed by wildcat.media)."""
    worker = connected_worker(runtime, account_id)
    media.check_kind(kind, upload.mimetype)
    check_send(runtime, account_id, worker, data["to"])
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
        request = SendRequest(kind=kind, to=recipient(runtime, account_id, data["to"]),
                              caption=caption,
                              data=payload.read_bytes(), mimetype=mimetype, fileName=filename,
                              ptt=ptt)
        fields = {"type": "voice" if ptt else kind, "caption": caption, "text": caption,
                  "hasMedia": True, "mediaId": stored["mediaId"], "mimetype": mimetype,
                  "fileLength": stored["length"], "fileName": filename}
        if ptt:
            fields["ptt"] = True
        command = Send(request=request, record={k: v for k, v in fields.items() if v is not None},
                       slow=True)
        try:
            return _send(runtime, worker, command)["messageId"]
        except AccountTimeout as exc:
            if not exc.started:   # cancelled before it ran: the blob has no message
                runtime.store.delete_media(stored["mediaId"])
            raise                 # still running: it may yet be stored with this blob
        except BaseException:
            runtime.store.delete_media(stored["mediaId"])
            raise
    finally:
        if payload is not upload:
            payload.close()


def react(runtime, account_id, data):
    """React to a stored message (emoji "" removes our reaction)."""
    worker = connected_worker(runtime, account_id)
    target = stored_message(runtime, account_id, data["messageId"])
    _take_token(runtime, account_id)
    request = SendRequest(kind="reaction", to=target["chatId"], target=target,
                          emoji=data["emoji"])
    _send(runtime, worker, Send(request=request))


def delete(runtime, account_id, data):
    """Revoke a stored message for everyone and flag it `deleted`."""
    worker = connected_worker(runtime, account_id)
    target = stored_message(runtime, account_id, data["messageId"])
    me = worker.state().jid
    mine = bool(target.get("fromMe")) or (me is not None and target.get("from") == me)
    if not mine and not (target.get("isGroup") or is_group(target["chatId"])):
        raise CannotDelete()
    _take_token(runtime, account_id)
    request = SendRequest(kind="revoke", to=target["chatId"], target=target)
    _send(runtime, worker, Send(request=request))
