"""The outbound pipeline: what the account thread does once the driver has acted for a
command — store what went out, then emit its event (outbox + subscribers). The mirror of
the inbound pipeline, and like it called by the AccountWorker on the account's thread, so
a send is ordered with the inbound events of its account.

The worker hands over plain values (its account id, its own JID, the command, the driver's
result or a callable that performs the network step); nothing here touches the worker.
"""
import io
import logging

from wildcat import domain, media
from wildcat.errors import MessageNotFound
from wildcat.jid import is_group
from wildcat.services.chats import READ_RECEIPTS_MAX, touch_chat
from wildcat.services.message_shapes import message_event

log = logging.getLogger(__name__)

MESSAGE_KINDS = ("text", "reply", "image", "video", "audio", "document",
                 # issue 11
                 "location", "contact", "poll", "sticker", "status_text", "status_image")


class OutboundPipeline:
    def __init__(self, store, events):
        self.store, self.events = store, events

    # -- sends ---------------------------------------------------------------------------
    def sent(self, account_id, me, command, result):
        """Record what `command` (a Send) did on the network; returns the stored message
        for message kinds, None for reactions and revokes."""
        kind = command.request.kind
        if kind in MESSAGE_KINDS:
            return self._message_sent(account_id, me, command, result)
        if kind == "reaction":
            return self._reacted(account_id, me, command.request, result)
        if kind == "revoke":
            return self._revoked(account_id, me, command.request, result)
        if kind == "edit":
            return self._edited(account_id, me, command.request, result)
        raise ValueError(f"unknown send kind {kind!r}")

    def _message_sent(self, account_id, me, command, result):
        request = command.request
        msg = {"messageId": result.messageId, "chatId": request.to, "from": me,
               "fromMe": True, "timestamp": result.timestamp, "status": "sent",
               "isGroup": is_group(request.to), "hasMedia": False,
               "fromPhone": domain.phone_of(me), **command.record}
        if result.raw is not None:
            msg["raw"] = result.raw
        try:
            # The message, its chat and its event (with its deliveries) in one transaction
            # on SQLite: stored together, and one write lock per send instead of three.
            with self.store.atomic():
                self.store.insert_message(account_id, msg)
                touch_chat(self.store, account_id, msg)
                self.events.emit(message_event(domain.MESSAGE_SENT, account_id, msg))
        except Exception:
            log.exception("account %s: message %s was sent but could not be stored",
                          account_id, result.messageId)
            raise
        log.debug("account %s: sent %s %s", account_id, request.kind, result.messageId)
        return msg

    def _reacted(self, account_id, me, request, result):
        target = request.target
        current = self.store.get_message(account_id, target["messageId"]) or target
        reactions = dict(current.get("reactions") or {})
        if request.emoji:
            reactions[me or "me"] = request.emoji
        else:
            reactions.pop(me or "me", None)
        self.store.update_message(account_id, target["messageId"], {"reactions": reactions})
        self._emit_effect(domain.MESSAGE_REACTION, account_id, me, target, result,
                          emoji=request.emoji)

    def _revoked(self, account_id, me, request, result):
        target = request.target
        self.store.update_message(account_id, target["messageId"],
                                  {"deleted": True, "deletedAt": result.timestamp})
        self._emit_effect(domain.MESSAGE_REVOKED, account_id, me, target, result)

    def _edited(self, account_id, me, request, result):
        target = request.target
        text = (request.payload or {}).get("text", request.text)
        self.store.update_message(account_id, target["messageId"], {
            "text": text, "edited": True, "editedAt": result.timestamp})
        self._emit_effect(domain.MESSAGE_EDITED, account_id, me, target, result, text=text,
                          editedAt=result.timestamp)

    def _emit_effect(self, name, account_id, me, target, result, **extra):
        """The same event the inbound pipeline emits for a reaction/revoke, from us."""
        self.events.emit(domain.make_event(
            name, account_id, messageId=target["messageId"], chatId=target["chatId"],
            **{"from": me}, fromMe=True, fromLid=None, fromPhone=domain.phone_of(me),
            timestamp=result.timestamp,
            isGroup=bool(target.get("isGroup")) or is_group(target["chatId"]),
            targetFound=True, eventMessageId=result.messageId, **extra))

    # -- read receipts -------------------------------------------------------------------
    def mark_read(self, account_id, chat_id, send_receipts):
        """Acknowledge the chat's unread messages with `send_receipts(chat_id, ids, sender)`
        (one call per group participant) and reset its unread count; returns the ids."""
        chat = self.store.get_chat(account_id, chat_id) or {}
        count = min(max(int(chat.get("unreadCount") or 0), 1), READ_RECEIPTS_MAX)
        recent = self.store.list_messages(account_id, chat_id, limit=READ_RECEIPTS_MAX)
        unread = [m for m in recent if not m.get("fromMe")][:count]
        by_sender = {}   # groups need one receipt per participant who wrote the messages
        for msg in unread:
            sender = msg.get("from") if chat.get("isGroup") else None
            by_sender.setdefault(sender, []).append(msg["messageId"])
        for sender, ids in by_sender.items():
            send_receipts(chat_id, ids, sender)
        self.store.upsert_chat(account_id, chat_id, unread_count=0)
        log.info("account %s: chat marked read (%d receipts)", account_id, len(unread))
        return [m["messageId"] for m in unread]

    # -- media downloaded again ----------------------------------------------------------
    def download(self, account_id, message_id, fetch):
        """The mediaId of the message's blob, fetching it with `fetch(message)` when no
        blob is stored (serialised on the account thread: two GETs never download twice)."""
        msg = self.store.get_message(account_id, message_id)
        if msg is None:
            raise MessageNotFound()
        blob = open_own_media(self.store, account_id, msg.get("mediaId"))
        if blob is not None:
            blob.close()
            return msg["mediaId"]
        data = fetch(msg)
        # Sniffed like an upload: the sender's claimed type is kept only when the bytes agree.
        mimetype = media.received_mimetype(data, msg.get("mimetype"), msg.get("fileName"))
        name = media.safe_filename(msg.get("fileName") or message_id, mimetype, "media")
        info = self.store.put_media(account_id, io.BytesIO(data), filename=name,
                                    mimetype=mimetype)
        self.store.update_message(account_id, message_id, {
            "mediaId": info["mediaId"], "fileLength": info["length"], "mimetype": mimetype})
        log.info("account %s: media of %s downloaded again", account_id, message_id)
        return info["mediaId"]


def open_own_media(store, account_id, media_id):
    """The stored blob `media_id` when it belongs to `account_id` (None otherwise)."""
    if not media_id:
        return None
    blob = store.open_media(media_id)
    if blob is not None and blob.accountId not in (None, account_id):
        blob.close()
        return None
    return blob
