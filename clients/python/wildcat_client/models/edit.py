from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Edit")


@_attrs_define
class Edit:
    """
    Attributes:
        to (str): A WhatsApp JID or an international phone number
        message_id (str):
        message (str):
    """

    to: str
    message_id: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        message_id = self.message_id

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
                "messageId": message_id,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to = d.pop("to")

        message_id = d.pop("messageId")

        message = d.pop("message")

        edit = cls(
            to=to,
            message_id=message_id,
            message=message,
        )

        return edit
