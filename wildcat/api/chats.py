"""Routes of the chats API: list chats, a chat's messages, mark a chat read."""
from flask import Blueprint, jsonify

from wildcat.api import runtime
from wildcat.schemas import load, query_args
from wildcat.schemas.chats import ChatMessagesQuerySchema, ChatPathSchema, ChatsQuerySchema
from wildcat.services import chats

bp = Blueprint("chats", __name__)

chats_query, messages_query, chat_path = (ChatsQuerySchema(), ChatMessagesQuerySchema(),
                                          ChatPathSchema())


@bp.get("/accounts/<account_id>/chats")
def list_chats(account_id):
    args = load(chats_query, query_args())
    return jsonify(ok=True, chats=chats.list_chats(runtime(), account_id, **args))


@bp.get("/accounts/<account_id>/chats/<chat_id>/messages")
def chat_messages(account_id, chat_id):
    args = load(messages_query, {**query_args(), "chatId": chat_id})
    messages = chats.chat_messages(runtime(), account_id, args.pop("chatId"), **args)
    return jsonify(ok=True, messages=messages)


@bp.post("/accounts/<account_id>/chats/<chat_id>/read")
def mark_read(account_id, chat_id):
    chat_id = load(chat_path, {"chatId": chat_id})["chatId"]
    ids = chats.mark_chat_read(runtime(), account_id, chat_id)
    return jsonify(ok=True, chatId=chat_id, unreadCount=0, messageIds=ids)
