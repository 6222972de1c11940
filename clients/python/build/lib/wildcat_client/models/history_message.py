from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="HistoryMessage")


@_attrs_define
class HistoryMessage:
    """
    Attributes:
        from_ (str): A WhatsApp JID or an international phone number
        text (str):
        chat_id (str | Unset): A WhatsApp JID or an international phone number
        message_id (str | Unset):
        push_name (str | Unset):
        quoted_message_id (str | Unset):
        from_me (bool | Unset):  Default: False.
        timestamp (int | Unset):
    """

    from_: str
    text: str
    chat_id: str | Unset = UNSET
    message_id: str | Unset = UNSET
    push_name: str | Unset = UNSET
    quoted_message_id: str | Unset = UNSET
    from_me: bool | Unset = False
    timestamp: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_

        text = self.text

        chat_id = self.chat_id

        message_id = self.message_id

        push_name = self.push_name

        quoted_message_id = self.quoted_message_id

        from_me = self.from_me

        timestamp = self.timestamp

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "from": from_,
                "text": text,
            }
        )
        if chat_id is not UNSET:
            field_dict["chatId"] = chat_id
        if message_id is not UNSET:
            field_dict["messageId"] = message_id
        if push_name is not UNSET:
            field_dict["pushName"] = push_name
        if quoted_message_id is not UNSET:
            field_dict["quotedMessageId"] = quoted_message_id
        if from_me is not UNSET:
            field_dict["fromMe"] = from_me
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        from_ = d.pop("from")

        text = d.pop("text")

        chat_id = d.pop("chatId", UNSET)

        message_id = d.pop("messageId", UNSET)

        push_name = d.pop("pushName", UNSET)

        quoted_message_id = d.pop("quotedMessageId", UNSET)

        from_me = d.pop("fromMe", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        history_message = cls(
            from_=from_,
            text=text,
            chat_id=chat_id,
            message_id=message_id,
            push_name=push_name,
            quoted_message_id=quoted_message_id,
            from_me=from_me,
            timestamp=timestamp,
        )

        return history_message
