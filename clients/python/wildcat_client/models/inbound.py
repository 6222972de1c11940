from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.inbound_state import InboundState
from ..models.inbound_type import InboundType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.card import Card


T = TypeVar("T", bound="Inbound")


@_attrs_define
class Inbound:
    """
    Attributes:
        from_ (str | Unset): A WhatsApp JID or an international phone number
        from_lid (str | Unset): A WhatsApp JID or an international phone number
        type_ (InboundType | Unset):  Default: InboundType.TEXT.
        latitude (float | Unset):
        longitude (float | Unset):
        name (str | Unset):
        address (str | Unset):
        contacts (list[Card] | Unset):
        question (str | Unset):
        options (list[str] | Unset):
        multiple (bool | Unset):
        state (InboundState | Unset):
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

    from_: str | Unset = UNSET
    from_lid: str | Unset = UNSET
    type_: InboundType | Unset = InboundType.TEXT
    latitude: float | Unset = UNSET
    longitude: float | Unset = UNSET
    name: str | Unset = UNSET
    address: str | Unset = UNSET
    contacts: list[Card] | Unset = UNSET
    question: str | Unset = UNSET
    options: list[str] | Unset = UNSET
    multiple: bool | Unset = UNSET
    state: InboundState | Unset = UNSET
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

    def to_dict(self) -> dict[str, Any]:
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

        field_dict.update({})
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

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.card import Card

        d = dict(src_dict)
        from_ = d.pop("from", UNSET)

        from_lid = d.pop("fromLid", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: InboundType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = InboundType(_type_)

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
        state: InboundState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = InboundState(_state)

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

        inbound = cls(
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

        return inbound
