from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="React")


@_attrs_define
class React:
    """
    Attributes:
        to (str): A WhatsApp JID or an international phone number
        message_id (str):
        emoji (str):
    """

    to: str
    message_id: str
    emoji: str

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        message_id = self.message_id

        emoji = self.emoji

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
                "messageId": message_id,
                "emoji": emoji,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to = d.pop("to")

        message_id = d.pop("messageId")

        emoji = d.pop("emoji")

        react = cls(
            to=to,
            message_id=message_id,
            emoji=emoji,
        )

        return react
