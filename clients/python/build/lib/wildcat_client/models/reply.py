from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Reply")


@_attrs_define
class Reply:
    """
    Attributes:
        to (str): A WhatsApp JID or an international phone number
        message (str):
        quoted_message_id (str):
        chat_id (str | Unset): A WhatsApp JID or an international phone number
    """

    to: str
    message: str
    quoted_message_id: str
    chat_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        message = self.message

        quoted_message_id = self.quoted_message_id

        chat_id = self.chat_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
                "message": message,
                "quotedMessageId": quoted_message_id,
            }
        )
        if chat_id is not UNSET:
            field_dict["chatId"] = chat_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to = d.pop("to")

        message = d.pop("message")

        quoted_message_id = d.pop("quotedMessageId")

        chat_id = d.pop("chatId", UNSET)

        reply = cls(
            to=to,
            message=message,
            quoted_message_id=quoted_message_id,
            chat_id=chat_id,
        )

        return reply
