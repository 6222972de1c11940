from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ChatReadResponse")


@_attrs_define
class ChatReadResponse:
    """
    Attributes:
        ok (bool): Always true on success
        chat_id (str):
        unread_count (int):
        message_ids (list[str]):
    """

    ok: bool
    chat_id: str
    unread_count: int
    message_ids: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        chat_id = self.chat_id

        unread_count = self.unread_count

        message_ids = self.message_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "chatId": chat_id,
                "unreadCount": unread_count,
                "messageIds": message_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        ok = d.pop("ok")

        chat_id = d.pop("chatId")

        unread_count = d.pop("unreadCount")

        message_ids = cast(list[str], d.pop("messageIds"))

        chat_read_response = cls(
            ok=ok,
            chat_id=chat_id,
            unread_count=unread_count,
            message_ids=message_ids,
        )

        chat_read_response.additional_properties = d
        return chat_read_response

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
