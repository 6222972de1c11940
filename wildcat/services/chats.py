"""Chat bookkeeping shared by the inbound pipeline and sending."""

PREVIEW_CHARS = 100


def preview(msg: dict) -> dict:
    """The last-message preview kept on a chat."""
    text = msg.get("text") if msg.get("text") is not None else msg.get("caption")
    return {"messageId": msg["messageId"], "from": msg.get("from"),
            "fromMe": bool(msg.get("fromMe")), "type": msg.get("type", "text"),
            "text": text[:PREVIEW_CHARS] if isinstance(text, str) else None,
            "timestamp": msg["timestamp"]}


def touch_chat(store, account_id, msg, *, unread_increment=0, name=None):
    """Record `msg` as activity in its chat (creates the chat when new)."""
    store.upsert_chat(account_id, msg["chatId"], name=name, is_group=bool(msg.get("isGroup")),
                      last_message_time=msg["timestamp"], last_message=preview(msg),
                      unread_increment=unread_increment)
