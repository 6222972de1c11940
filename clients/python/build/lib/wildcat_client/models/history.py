from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.history_chat import HistoryChat
    from ..models.history_message import HistoryMessage


T = TypeVar("T", bound="History")


@_attrs_define
class History:
    """
    Attributes:
        sync_type (str | Unset):  Default: 'INITIAL_BOOTSTRAP'.
        chats (list[HistoryChat] | Unset):
        messages (list[HistoryMessage] | Unset):
    """

    sync_type: str | Unset = "INITIAL_BOOTSTRAP"
    chats: list[HistoryChat] | Unset = UNSET
    messages: list[HistoryMessage] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        sync_type = self.sync_type

        chats: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.chats, Unset):
            chats = []
            for chats_item_data in self.chats:
                chats_item = chats_item_data.to_dict()
                chats.append(chats_item)

        messages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.messages, Unset):
            messages = []
            for messages_item_data in self.messages:
                messages_item = messages_item_data.to_dict()
                messages.append(messages_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if sync_type is not UNSET:
            field_dict["syncType"] = sync_type
        if chats is not UNSET:
            field_dict["chats"] = chats
        if messages is not UNSET:
            field_dict["messages"] = messages

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.history_chat import HistoryChat
        from ..models.history_message import HistoryMessage

        d = dict(src_dict)
        sync_type = d.pop("syncType", UNSET)

        _chats = d.pop("chats", UNSET)
        chats: list[HistoryChat] | Unset = UNSET
        if _chats is not UNSET:
            chats = []
            for chats_item_data in _chats:
                chats_item = HistoryChat.from_dict(chats_item_data)

                chats.append(chats_item)

        _messages = d.pop("messages", UNSET)
        messages: list[HistoryMessage] | Unset = UNSET
        if _messages is not UNSET:
            messages = []
            for messages_item_data in _messages:
                messages_item = HistoryMessage.from_dict(messages_item_data)

                messages.append(messages_item)

        history = cls(
            sync_type=sync_type,
            chats=chats,
            messages=messages,
        )

        return history
