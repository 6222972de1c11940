"""The one shape of a stored message in the API and in events."""
from urllib.parse import quote

from wildcat.domain import make_event

# Keys of a stored message the API never shows (driver internals, bytes).
PRIVATE_KEYS = {"raw", "media", "accountId", "_id", "reaction", "edit", "revokedMessageId",
                "pollVote", "chatLid"}
# Kind-specific fields a message event carries when the message has them (issue 11).
CONTENT_KEYS = ("location", "contacts", "poll", "backgroundColor", "editedAt")


def media_url(account_id, message_id):
    return f"/accounts/{quote(account_id)}/messages/{quote(message_id, safe='')}/media"


def public_message(msg: dict) -> dict:
    """A stored message as GET .../messages returns it."""
    view = {k: v for k, v in msg.items() if k not in PRIVATE_KEYS and v is not None}
    view.setdefault("fromMe", False)
    view.setdefault("type", "text")
    view.setdefault("hasMedia", False)
    view.setdefault("status", "received" if not view["fromMe"] else "sent")
    view.setdefault("reactions", {})
    view.setdefault("deleted", False)
    view.setdefault("edited", False)
    return view


def message_event(name: str, account_id: str, msg: dict) -> dict:
    """A `message` / `message.sent` event: the reference's webhook keys plus WILDCAT's."""
    text = msg.get("text")
    has_media = bool(msg.get("hasMedia"))
    return make_event(
        name, account_id,
        # `message` is always a string, as in the reference ("" for media without caption).
        **{"from": msg.get("from"),
           "message": text if text is not None else (msg.get("caption") or ""),
           "messageId": msg["messageId"], "timestamp": msg["timestamp"],
           "chatId": msg.get("chatId"), "fromMe": bool(msg.get("fromMe")),
           "type": msg.get("type", "text"), "text": text, "caption": msg.get("caption"),
           "hasMedia": has_media,
           "mediaUrl": media_url(account_id, msg["messageId"]) if has_media else None,
           "mediaId": msg.get("mediaId"), "mimetype": msg.get("mimetype"),
           "fileName": msg.get("fileName"), "quotedMessageId": msg.get("quotedMessageId"),
           "pushName": msg.get("pushName"), "isGroup": bool(msg.get("isGroup")),
           "status": msg.get("status"), "fromLid": msg.get("fromLid"),
           "fromPhone": msg.get("fromPhone"),
           **{key: msg[key] for key in CONTENT_KEYS if msg.get(key) is not None}})
