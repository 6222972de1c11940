from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.inbound_type import InboundType
from ..types import UNSET, Unset

T = TypeVar("T", bound="Inbound")


@_attrs_define
class Inbound:
    """
    Attributes:
        from_ (str): A WhatsApp JID or an international phone number
        type_ (InboundType | Unset):  Default: InboundType.TEXT.
        text (str | Unset):
        caption (str | Unset):
        file_name (str | Unset):
        chat_id (str | Unset): A WhatsApp JID or an international phone number
        push_name (str | Unset):
        quoted_message_id (str | Unset):
        message_id (str | Unset):
        emoji (str | Unset):
        from_me (bool | Unset):  Default: False.
        timestamp (int | Unset):
    """

    from_: str
    type_: InboundType | Unset = InboundType.TEXT
    text: str | Unset = UNSET
    caption: str | Unset = UNSET
    file_name: str | Unset = UNSET
    chat_id: str | Unset = UNSET
    push_name: str | Unset = UNSET
    quoted_message_id: str | Unset = UNSET
    message_id: str | Unset = UNSET
    emoji: str | Unset = UNSET
    from_me: bool | Unset = False
    timestamp: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        text = self.text

        caption = self.caption

        file_name = self.file_name

        chat_id = self.chat_id

        push_name = self.push_name

        quoted_message_id = self.quoted_message_id

        message_id = self.message_id

        emoji = self.emoji

        from_me = self.from_me

        timestamp = self.timestamp

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "from": from_,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if text is not UNSET:
            field_dict["text"] = text
        if caption is not UNSET:
            field_dict["caption"] = caption
        if file_name is not UNSET:
            field_dict["fileName"] = file_name
        if chat_id is not UNSET:
            field_dict["chatId"] = chat_id
        if push_name is not UNSET:
            field_dict["pushName"] = push_name
        if quoted_message_id is not UNSET:
            field_dict["quotedMessageId"] = quoted_message_id
        if message_id is not UNSET:
            field_dict["messageId"] = message_id
        if emoji is not UNSET:
            field_dict["emoji"] = emoji
        if from_me is not UNSET:
            field_dict["fromMe"] = from_me
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        from_ = d.pop("from")

        _type_ = d.pop("type", UNSET)
        type_: InboundType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = InboundType(_type_)

        text = d.pop("text", UNSET)

        caption = d.pop("caption", UNSET)

        file_name = d.pop("fileName", UNSET)

        chat_id = d.pop("chatId", UNSET)

        push_name = d.pop("pushName", UNSET)

        quoted_message_id = d.pop("quotedMessageId", UNSET)

        message_id = d.pop("messageId", UNSET)

        emoji = d.pop("emoji", UNSET)

        from_me = d.pop("fromMe", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        inbound = cls(
            from_=from_,
            type_=type_,
            text=text,
            caption=caption,
            file_name=file_name,
            chat_id=chat_id,
            push_name=push_name,
            quoted_message_id=quoted_message_id,
            message_id=message_id,
            emoji=emoji,
            from_me=from_me,
            timestamp=timestamp,
        )

        return inbound
