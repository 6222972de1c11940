from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Delete")


@_attrs_define
class Delete:
    """
    Attributes:
        to (str): A WhatsApp JID or an international phone number
        message_id (str):
    """

    to: str
    message_id: str

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        message_id = self.message_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
                "messageId": message_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to = d.pop("to")

        message_id = d.pop("messageId")

        delete = cls(
            to=to,
            message_id=message_id,
        )

        return delete
