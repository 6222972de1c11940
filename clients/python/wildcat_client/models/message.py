from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.message_status import MessageStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.message_contacts_item import MessageContactsItem
    from ..models.message_location import MessageLocation
    from ..models.message_poll import MessagePoll
    from ..models.message_reactions import MessageReactions


T = TypeVar("T", bound="Message")


@_attrs_define
class Message:
    """
    Attributes:
        message_id (str):
        timestamp (int): Epoch milliseconds
        type_ (str): text, image, video, audio, voice, document, sticker, …
        from_me (bool):
        has_media (bool):
        chat_id (str | Unset):
        from_ (str | Unset): Who sent it (in a group: the participant)
        is_group (bool | Unset):
        push_name (str | Unset): The sender's WhatsApp name
        text (str | Unset):
        caption (str | Unset):
        quoted_message_id (str | Unset): The message this one replies to
        media_id (str | Unset): The stored media (absent until stored)
        media_url (str | Unset): Where GET downloads the media
        mimetype (str | Unset):
        file_name (str | Unset):
        file_length (int | Unset): Media size in bytes
        status (MessageStatus | Unset):
        reactions (MessageReactions | Unset): Each reactor's JID and their emoji
        deleted (bool | Unset):
        edited (bool | Unset):
        edited_at (int | Unset): When it was last edited (ms)
        from_lid (None | str | Unset): The author's LID
        from_phone (None | str | Unset): The author's E.164
        location (MessageLocation | Unset): {latitude, longitude, name, address}
        contacts (list[MessageContactsItem] | Unset): [{name, phone}]
        poll (MessagePoll | Unset): {question, multiple, options: [{name, voters: [jid]}]} (the tally)
    """

    message_id: str
    timestamp: int
    type_: str
    from_me: bool
    has_media: bool
    chat_id: str | Unset = UNSET
    from_: str | Unset = UNSET
    is_group: bool | Unset = UNSET
    push_name: str | Unset = UNSET
    text: str | Unset = UNSET
    caption: str | Unset = UNSET
    quoted_message_id: str | Unset = UNSET
    media_id: str | Unset = UNSET
    media_url: str | Unset = UNSET
    mimetype: str | Unset = UNSET
    file_name: str | Unset = UNSET
    file_length: int | Unset = UNSET
    status: MessageStatus | Unset = UNSET
    reactions: MessageReactions | Unset = UNSET
    deleted: bool | Unset = UNSET
    edited: bool | Unset = UNSET
    edited_at: int | Unset = UNSET
    from_lid: None | str | Unset = UNSET
    from_phone: None | str | Unset = UNSET
    location: MessageLocation | Unset = UNSET
    contacts: list[MessageContactsItem] | Unset = UNSET
    poll: MessagePoll | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message_id = self.message_id

        timestamp = self.timestamp

        type_ = self.type_

        from_me = self.from_me

        has_media = self.has_media

        chat_id = self.chat_id

        from_ = self.from_

        is_group = self.is_group

        push_name = self.push_name

        text = self.text

        caption = self.caption

        quoted_message_id = self.quoted_message_id

        media_id = self.media_id

        media_url = self.media_url

        mimetype = self.mimetype

        file_name = self.file_name

        file_length = self.file_length

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        reactions: dict[str, Any] | Unset = UNSET
        if not isinstance(self.reactions, Unset):
            reactions = self.reactions.to_dict()

        deleted = self.deleted

        edited = self.edited

        edited_at = self.edited_at

        from_lid: None | str | Unset
        if isinstance(self.from_lid, Unset):
            from_lid = UNSET
        else:
            from_lid = self.from_lid

        from_phone: None | str | Unset
        if isinstance(self.from_phone, Unset):
            from_phone = UNSET
        else:
            from_phone = self.from_phone

        location: dict[str, Any] | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.to_dict()

        contacts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.contacts, Unset):
            contacts = []
            for contacts_item_data in self.contacts:
                contacts_item = contacts_item_data.to_dict()
                contacts.append(contacts_item)

        poll: dict[str, Any] | Unset = UNSET
        if not isinstance(self.poll, Unset):
            poll = self.poll.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "messageId": message_id,
                "timestamp": timestamp,
                "type": type_,
                "fromMe": from_me,
                "hasMedia": has_media,
            }
        )
        if chat_id is not UNSET:
            field_dict["chatId"] = chat_id
        if from_ is not UNSET:
            field_dict["from"] = from_
        if is_group is not UNSET:
            field_dict["isGroup"] = is_group
        if push_name is not UNSET:
            field_dict["pushName"] = push_name
        if text is not UNSET:
            field_dict["text"] = text
        if caption is not UNSET:
            field_dict["caption"] = caption
        if quoted_message_id is not UNSET:
            field_dict["quotedMessageId"] = quoted_message_id
        if media_id is not UNSET:
            field_dict["mediaId"] = media_id
        if media_url is not UNSET:
            field_dict["mediaUrl"] = media_url
        if mimetype is not UNSET:
            field_dict["mimetype"] = mimetype
        if file_name is not UNSET:
            field_dict["fileName"] = file_name
        if file_length is not UNSET:
            field_dict["fileLength"] = file_length
        if status is not UNSET:
            field_dict["status"] = status
        if reactions is not UNSET:
            field_dict["reactions"] = reactions
        if deleted is not UNSET:
            field_dict["deleted"] = deleted
        if edited is not UNSET:
            field_dict["edited"] = edited
        if edited_at is not UNSET:
            field_dict["editedAt"] = edited_at
        if from_lid is not UNSET:
            field_dict["fromLid"] = from_lid
        if from_phone is not UNSET:
            field_dict["fromPhone"] = from_phone
        if location is not UNSET:
            field_dict["location"] = location
        if contacts is not UNSET:
            field_dict["contacts"] = contacts
        if poll is not UNSET:
            field_dict["poll"] = poll

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.message_contacts_item import MessageContactsItem
        from ..models.message_location import MessageLocation
        from ..models.message_poll import MessagePoll
        from ..models.message_reactions import MessageReactions

        d = dict(src_dict)
        message_id = d.pop("messageId")

        timestamp = d.pop("timestamp")

        type_ = d.pop("type")

        from_me = d.pop("fromMe")

        has_media = d.pop("hasMedia")

        chat_id = d.pop("chatId", UNSET)

        from_ = d.pop("from", UNSET)

        is_group = d.pop("isGroup", UNSET)

        push_name = d.pop("pushName", UNSET)

        text = d.pop("text", UNSET)

        caption = d.pop("caption", UNSET)

        quoted_message_id = d.pop("quotedMessageId", UNSET)

        media_id = d.pop("mediaId", UNSET)

        media_url = d.pop("mediaUrl", UNSET)

        mimetype = d.pop("mimetype", UNSET)

        file_name = d.pop("fileName", UNSET)

        file_length = d.pop("fileLength", UNSET)

        _status = d.pop("status", UNSET)
        status: MessageStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = MessageStatus(_status)

        _reactions = d.pop("reactions", UNSET)
        reactions: MessageReactions | Unset
        if isinstance(_reactions, Unset):
            reactions = UNSET
        else:
            reactions = MessageReactions.from_dict(_reactions)

        deleted = d.pop("deleted", UNSET)

        edited = d.pop("edited", UNSET)

        edited_at = d.pop("editedAt", UNSET)

        def _parse_from_lid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        from_lid = _parse_from_lid(d.pop("fromLid", UNSET))

        def _parse_from_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        from_phone = _parse_from_phone(d.pop("fromPhone", UNSET))

        _location = d.pop("location", UNSET)
        location: MessageLocation | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = MessageLocation.from_dict(_location)

        _contacts = d.pop("contacts", UNSET)
        contacts: list[MessageContactsItem] | Unset = UNSET
        if _contacts is not UNSET:
            contacts = []
            for contacts_item_data in _contacts:
                contacts_item = MessageContactsItem.from_dict(contacts_item_data)

                contacts.append(contacts_item)

        _poll = d.pop("poll", UNSET)
        poll: MessagePoll | Unset
        if isinstance(_poll, Unset):
            poll = UNSET
        else:
            poll = MessagePoll.from_dict(_poll)

        message = cls(
            message_id=message_id,
            timestamp=timestamp,
            type_=type_,
            from_me=from_me,
            has_media=has_media,
            chat_id=chat_id,
            from_=from_,
            is_group=is_group,
            push_name=push_name,
            text=text,
            caption=caption,
            quoted_message_id=quoted_message_id,
            media_id=media_id,
            media_url=media_url,
            mimetype=mimetype,
            file_name=file_name,
            file_length=file_length,
            status=status,
            reactions=reactions,
            deleted=deleted,
            edited=edited,
            edited_at=edited_at,
            from_lid=from_lid,
            from_phone=from_phone,
            location=location,
            contacts=contacts,
            poll=poll,
        )

        message.additional_properties = d
        return message

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
