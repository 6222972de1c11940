from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SendText")


@_attrs_define
class SendText:
    """
    Attributes:
        to (str): A WhatsApp JID or an international phone number
        message (str):
    """

    to: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to = d.pop("to")

        message = d.pop("message")

        send_text = cls(
            to=to,
            message=message,
        )

        return send_text
