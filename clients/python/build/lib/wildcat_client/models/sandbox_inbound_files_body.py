from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.sandbox_inbound_files_body_type import SandboxInboundFilesBodyType
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="SandboxInboundFilesBody")


@_attrs_define
class SandboxInboundFilesBody:
    """
    Attributes:
        from_ (str): A WhatsApp JID or an international phone number
        media (File):
        type_ (SandboxInboundFilesBodyType | Unset):  Default: SandboxInboundFilesBodyType.TEXT.
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
    media: File
    type_: SandboxInboundFilesBodyType | Unset = SandboxInboundFilesBodyType.TEXT
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
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_

        media = self.media.to_tuple()

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
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "media": media,
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

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("from", (None, str(self.from_).encode(), "text/plain")))

        files.append(("media", self.media.to_tuple()))

        if not isinstance(self.type_, Unset):
            files.append(("type", (None, str(self.type_.value).encode(), "text/plain")))

        if not isinstance(self.text, Unset):
            files.append(("text", (None, str(self.text).encode(), "text/plain")))

        if not isinstance(self.caption, Unset):
            files.append(("caption", (None, str(self.caption).encode(), "text/plain")))

        if not isinstance(self.file_name, Unset):
            files.append(
                ("fileName", (None, str(self.file_name).encode(), "text/plain"))
            )

        if not isinstance(self.chat_id, Unset):
            files.append(("chatId", (None, str(self.chat_id).encode(), "text/plain")))

        if not isinstance(self.push_name, Unset):
            files.append(
                ("pushName", (None, str(self.push_name).encode(), "text/plain"))
            )

        if not isinstance(self.quoted_message_id, Unset):
            files.append(
                (
                    "quotedMessageId",
                    (None, str(self.quoted_message_id).encode(), "text/plain"),
                )
            )

        if not isinstance(self.message_id, Unset):
            files.append(
                ("messageId", (None, str(self.message_id).encode(), "text/plain"))
            )

        if not isinstance(self.emoji, Unset):
            files.append(("emoji", (None, str(self.emoji).encode(), "text/plain")))

        if not isinstance(self.from_me, Unset):
            files.append(("fromMe", (None, str(self.from_me).encode(), "text/plain")))

        if not isinstance(self.timestamp, Unset):
            files.append(
                ("timestamp", (None, str(self.timestamp).encode(), "text/plain"))
            )

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        from_ = d.pop("from")

        media = File(payload=BytesIO(d.pop("media")))

        _type_ = d.pop("type", UNSET)
        type_: SandboxInboundFilesBodyType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = SandboxInboundFilesBodyType(_type_)

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

        sandbox_inbound_files_body = cls(
            from_=from_,
            media=media,
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

        sandbox_inbound_files_body.additional_properties = d
        return sandbox_inbound_files_body

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
