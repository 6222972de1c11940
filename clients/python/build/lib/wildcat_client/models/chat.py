from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.last_message import LastMessage


T = TypeVar("T", bound="Chat")


@_attrs_define
class Chat:
    """
    Attributes:
        chat_id (str):
        unread_count (int):
        name (None | str | Unset):
        last_message_time (int | None | Unset):
        is_group (bool | Unset):
        last_message (LastMessage | None | Unset):
    """

    chat_id: str
    unread_count: int
    name: None | str | Unset = UNSET
    last_message_time: int | None | Unset = UNSET
    is_group: bool | Unset = UNSET
    last_message: LastMessage | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.last_message import LastMessage

        chat_id = self.chat_id

        unread_count = self.unread_count

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        last_message_time: int | None | Unset
        if isinstance(self.last_message_time, Unset):
            last_message_time = UNSET
        else:
            last_message_time = self.last_message_time

        is_group = self.is_group

        last_message: dict[str, Any] | None | Unset
        if isinstance(self.last_message, Unset):
            last_message = UNSET
        elif isinstance(self.last_message, LastMessage):
            last_message = self.last_message.to_dict()
        else:
            last_message = self.last_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chatId": chat_id,
                "unreadCount": unread_count,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if last_message_time is not UNSET:
            field_dict["lastMessageTime"] = last_message_time
        if is_group is not UNSET:
            field_dict["isGroup"] = is_group
        if last_message is not UNSET:
            field_dict["lastMessage"] = last_message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.last_message import LastMessage

        d = dict(src_dict)
        chat_id = d.pop("chatId")

        unread_count = d.pop("unreadCount")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_last_message_time(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_message_time = _parse_last_message_time(d.pop("lastMessageTime", UNSET))

        is_group = d.pop("isGroup", UNSET)

        def _parse_last_message(data: object) -> LastMessage | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_message_type_1 = LastMessage.from_dict(data)

                return last_message_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastMessage | None | Unset, data)

        last_message = _parse_last_message(d.pop("lastMessage", UNSET))

        chat = cls(
            chat_id=chat_id,
            unread_count=unread_count,
            name=name,
            last_message_time=last_message_time,
            is_group=is_group,
            last_message=last_message,
        )

        chat.additional_properties = d
        return chat

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
