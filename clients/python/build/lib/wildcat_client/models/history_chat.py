from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="HistoryChat")


@_attrs_define
class HistoryChat:
    """
    Attributes:
        chat_id (str): A WhatsApp JID or an international phone number
        name (str | Unset):
        unread_count (int | Unset):
        last_message_time (int | Unset):
    """

    chat_id: str
    name: str | Unset = UNSET
    unread_count: int | Unset = UNSET
    last_message_time: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        chat_id = self.chat_id

        name = self.name

        unread_count = self.unread_count

        last_message_time = self.last_message_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "chatId": chat_id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if unread_count is not UNSET:
            field_dict["unreadCount"] = unread_count
        if last_message_time is not UNSET:
            field_dict["lastMessageTime"] = last_message_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        chat_id = d.pop("chatId")

        name = d.pop("name", UNSET)

        unread_count = d.pop("unreadCount", UNSET)

        last_message_time = d.pop("lastMessageTime", UNSET)

        history_chat = cls(
            chat_id=chat_id,
            name=name,
            unread_count=unread_count,
            last_message_time=last_message_time,
        )

        return history_chat
