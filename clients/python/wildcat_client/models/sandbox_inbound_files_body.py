from __future__ import annotations

import json
from collections.abc import Mapping
from io import BytesIO
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.sandbox_inbound_files_body_state import SandboxInboundFilesBodyState
from ..models.sandbox_inbound_files_body_type import SandboxInboundFilesBodyType
from ..types import UNSET, File, Unset

if TYPE_CHECKING:
    from ..models.card import Card


T = TypeVar("T", bound="SandboxInboundFilesBody")


@_attrs_define
class SandboxInboundFilesBody:
    """
    Attributes:
        media (File):
        from_ (str | Unset): A WhatsApp JID or an international phone number
        from_lid (str | Unset): A WhatsApp JID or an international phone number
        type_ (SandboxInboundFilesBodyType | Unset):  Default: SandboxInboundFilesBodyType.TEXT.
        latitude (float | Unset):
        longitude (float | Unset):
        name (str | Unset):
        address (str | Unset):
        contacts (list[Card] | Unset):
        question (str | Unset):
        options (list[str] | Unset):
        multiple (bool | Unset):
        state (SandboxInboundFilesBodyState | Unset):
        is_video (bool | Unset):  Default: False.
        text (str | Unset):
        caption (str | Unset):
        file_name (str | Unset):
        chat_id (str | Unset):
        push_name (str | Unset):
        quoted_message_id (str | Unset):
        message_id (str | Unset):
        emoji (str | Unset):
        from_me (bool | Unset):  Default: False.
        timestamp (int | Unset):
    """

    media: File
    from_: str | Unset = UNSET
    from_lid: str | Unset = UNSET
    type_: SandboxInboundFilesBodyType | Unset = SandboxInboundFilesBodyType.TEXT
    latitude: float | Unset = UNSET
    longitude: float | Unset = UNSET
    name: str | Unset = UNSET
    address: str | Unset = UNSET
    contacts: list[Card] | Unset = UNSET
    question: str | Unset = UNSET
    options: list[str] | Unset = UNSET
    multiple: bool | Unset = UNSET
    state: SandboxInboundFilesBodyState | Unset = UNSET
    is_video: bool | Unset = False
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
        media = self.media.to_tuple()

        from_ = self.from_

        from_lid = self.from_lid

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        latitude = self.latitude

        longitude = self.longitude

        name = self.name

        address = self.address

        contacts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.contacts, Unset):
            contacts = []
            for contacts_item_data in self.contacts:
                contacts_item = contacts_item_data.to_dict()
                contacts.append(contacts_item)

        question = self.question

        options: list[str] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options

        multiple = self.multiple

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        is_video = self.is_video

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
                "media": media,
            }
        )
        if from_ is not UNSET:
            field_dict["from"] = from_
        if from_lid is not UNSET:
            field_dict["fromLid"] = from_lid
        if type_ is not UNSET:
            field_dict["type"] = type_
        if latitude is not UNSET:
            field_dict["latitude"] = latitude
        if longitude is not UNSET:
            field_dict["longitude"] = longitude
        if name is not UNSET:
            field_dict["name"] = name
        if address is not UNSET:
            field_dict["address"] = address
        if contacts is not UNSET:
            field_dict["contacts"] = contacts
        if question is not UNSET:
            field_dict["question"] = question
        if options is not UNSET:
            field_dict["options"] = options
        if multiple is not UNSET:
            field_dict["multiple"] = multiple
        if state is not UNSET:
            field_dict["state"] = state
        if is_video is not UNSET:
            field_dict["isVideo"] = is_video
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

        files.append(("media", self.media.to_tuple()))

        if not isinstance(self.from_, Unset):
            files.append(("from", (None, str(self.from_).encode(), "text/plain")))

        if not isinstance(self.from_lid, Unset):
            files.append(("fromLid", (None, str(self.from_lid).encode(), "text/plain")))

        if not isinstance(self.type_, Unset):
            files.append(("type", (None, str(self.type_.value).encode(), "text/plain")))

        if not isinstance(self.latitude, Unset):
            files.append(
                ("latitude", (None, str(self.latitude).encode(), "text/plain"))
            )

        if not isinstance(self.longitude, Unset):
            files.append(
                ("longitude", (None, str(self.longitude).encode(), "text/plain"))
            )

        if not isinstance(self.name, Unset):
            files.append(("name", (None, str(self.name).encode(), "text/plain")))

        if not isinstance(self.address, Unset):
            files.append(("address", (None, str(self.address).encode(), "text/plain")))

        if not isinstance(self.contacts, Unset):
            for contacts_item_element in self.contacts:
                files.append(
                    (
                        "contacts",
                        (
                            None,
                            json.dumps(contacts_item_element.to_dict()).encode(),
                            "application/json",
                        ),
                    )
                )

        if not isinstance(self.question, Unset):
            files.append(
                ("question", (None, str(self.question).encode(), "text/plain"))
            )

        if not isinstance(self.options, Unset):
            for options_item_element in self.options:
                files.append(
                    (
                        "options",
                        (None, str(options_item_element).encode(), "text/plain"),
                    )
                )

        if not isinstance(self.multiple, Unset):
            files.append(
                ("multiple", (None, str(self.multiple).encode(), "text/plain"))
            )

        if not isinstance(self.state, Unset):
            files.append(
                ("state", (None, str(self.state.value).encode(), "text/plain"))
            )

        if not isinstance(self.is_video, Unset):
            files.append(("isVideo", (None, str(self.is_video).encode(), "text/plain")))

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
        from ..models.card import Card

        d = dict(src_dict)
        media = File(payload=BytesIO(d.pop("media")))

        from_ = d.pop("from", UNSET)

        from_lid = d.pop("fromLid", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: SandboxInboundFilesBodyType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = SandboxInboundFilesBodyType(_type_)

        latitude = d.pop("latitude", UNSET)

        longitude = d.pop("longitude", UNSET)

        name = d.pop("name", UNSET)

        address = d.pop("address", UNSET)

        _contacts = d.pop("contacts", UNSET)
        contacts: list[Card] | Unset = UNSET
        if _contacts is not UNSET:
            contacts = []
            for contacts_item_data in _contacts:
                contacts_item = Card.from_dict(contacts_item_data)

                contacts.append(contacts_item)

        question = d.pop("question", UNSET)

        options = cast(list[str], d.pop("options", UNSET))

        multiple = d.pop("multiple", UNSET)

        _state = d.pop("state", UNSET)
        state: SandboxInboundFilesBodyState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = SandboxInboundFilesBodyState(_state)

        is_video = d.pop("isVideo", UNSET)

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
            media=media,
            from_=from_,
            from_lid=from_lid,
            type_=type_,
            latitude=latitude,
            longitude=longitude,
            name=name,
            address=address,
            contacts=contacts,
            question=question,
            options=options,
            multiple=multiple,
            state=state,
            is_video=is_video,
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
