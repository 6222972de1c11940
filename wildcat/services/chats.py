"""Chats: activity bookkeeping shared by inbound and sending, listing, and marking read."""
import logging

from wildcat.commands import MarkRead
from wildcat.errors import ChatNotFound
from wildcat.services.accounts import get_account, worker_for
from wildcat.services.message_shapes import public_message

log = logging.getLogger(__name__)

PREVIEW_CHARS = 100
CHATS_PER_WRITE = 500     # chat upserts per store transaction
READ_RECEIPTS_MAX = 100   # newest unread messages acknowledged by one mark-read
CHAT_KEYS = ("chatId", "name", "unreadCount", "lastMessageTime", "isGroup", "lastMessage")


def preview(msg: dict) -> dict:
    """The last-message preview kept on a chat."""
    text = msg.get("text") if msg.get("text") is not None else msg.get("caption")
    return {"messageId": msg["messageId"], "from": msg.get("from"),
            "fromMe": bool(msg.get("fromMe")), "type": msg.get("type", "text"),
            "text": text[:PREVIEW_CHARS] if isinstance(text, str) else None,
            "timestamp": msg["timestamp"]}


def chat_activity(msg, *, unread_increment=0, name=None) -> dict:
    """The upsert_chat arguments (with `chat_id`) recording `msg` as activity in its chat."""
    return {"chat_id": msg["chatId"], "name": name, "is_group": bool(msg.get("isGroup")),
            "last_message_time": msg["timestamp"], "last_message": preview(msg),
            "unread_increment": unread_increment}


def touch_chat(store, account_id, msg, *, unread_increment=0, name=None):
    """Record `msg` as activity in its chat (creates the chat when new)."""
    store.upsert_chats(account_id, [chat_activity(msg, unread_increment=unread_increment,
                                                  name=name)])


def import_chats(store, account_id, chats, docs):
    """History: one upsert per chat listed in the batch or holding one of its messages
    (name, group flag and the phone's unread count from the list, preview from the newest
    message); returns how many chats were touched."""
    newest = {}
    for doc in docs:
        best = newest.get(doc["chatId"])
        if best is None or doc["timestamp"] >= best["timestamp"]:
            newest[doc["chatId"]] = doc
    listed = {c["chatId"]: c for c in chats
              if isinstance(c, dict) and isinstance(c.get("chatId"), str) and c["chatId"]}
    updates = []
    for chat_id in sorted(listed.keys() | newest.keys()):
        chat, last = listed.get(chat_id, {}), newest.get(chat_id)
        last_time = chat.get("lastMessageTime")
        last_time = last_time if isinstance(last_time, int) and last_time > 0 else None
        last_preview = None
        if last is not None and (last_time is None or last["timestamp"] >= last_time):
            last_time, last_preview = last["timestamp"], preview(last)
        unread = chat.get("unreadCount")
        updates.append({
            "chat_id": chat_id, "name": chat.get("name") or None,
            "is_group": chat["isGroup"] if isinstance(chat.get("isGroup"), bool) else None,
            "last_message_time": last_time, "last_message": last_preview,
            "unread_count": unread if isinstance(unread, int) and unread >= 0 else None})
    for start in range(0, len(updates), CHATS_PER_WRITE):
        store.upsert_chats(account_id, updates[start:start + CHATS_PER_WRITE])
    return len(updates)


def public_chat(chat: dict) -> dict:
    """A stored chat as GET .../chats returns it (the reference's keys first)."""
    view = {key: chat.get(key) for key in CHAT_KEYS}
    view["unreadCount"] = int(view["unreadCount"] or 0)
    view["isGroup"] = bool(view["isGroup"])
    return view


def list_chats(runtime, account_id, *, limit=50, skip=0):
    """An account's chats, newest activity first."""
    get_account(runtime, account_id)
    return [public_chat(c) for c in runtime.store.list_chats(account_id, limit=limit, skip=skip)]


def chat_messages(runtime, account_id, chat_id, *, limit=50, skip=0, before=None, after=None):
    """One chat's messages, newest first, in the public message shape."""
    get_account(runtime, account_id)
    msgs = runtime.store.list_messages(account_id, chat_id, limit=limit, skip=skip,
                                       before=before, after=after)
    return [public_message(m) for m in msgs]


def mark_chat_read(runtime, account_id, chat_id):
    """Send read receipts for the chat's unread messages and reset its unreadCount (on the
    account's thread, ordered with inbound messages of the chat)."""
    worker = worker_for(runtime, account_id)
    if runtime.store.get_chat(account_id, chat_id) is None:
        raise ChatNotFound()
    return worker.execute(MarkRead(chat_id=chat_id))
