from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="MessagesSendMediaBody")


@_attrs_define
class MessagesSendMediaBody:
    """
    Attributes:
        to (str): A WhatsApp JID or an international phone number
        caption (str | Unset):
        file_name (str | Unset):
        image (File | Unset):
        video (File | Unset):
        audio (File | Unset):
        document (File | Unset):
        ptt (bool | Unset): audio: send as a voice note
    """

    to: str
    caption: str | Unset = UNSET
    file_name: str | Unset = UNSET
    image: File | Unset = UNSET
    video: File | Unset = UNSET
    audio: File | Unset = UNSET
    document: File | Unset = UNSET
    ptt: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        caption = self.caption

        file_name = self.file_name

        image: FileTypes | Unset = UNSET
        if not isinstance(self.image, Unset):
            image = self.image.to_tuple()

        video: FileTypes | Unset = UNSET
        if not isinstance(self.video, Unset):
            video = self.video.to_tuple()

        audio: FileTypes | Unset = UNSET
        if not isinstance(self.audio, Unset):
            audio = self.audio.to_tuple()

        document: FileTypes | Unset = UNSET
        if not isinstance(self.document, Unset):
            document = self.document.to_tuple()

        ptt = self.ptt

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "to": to,
            }
        )
        if caption is not UNSET:
            field_dict["caption"] = caption
        if file_name is not UNSET:
            field_dict["fileName"] = file_name
        if image is not UNSET:
            field_dict["image"] = image
        if video is not UNSET:
            field_dict["video"] = video
        if audio is not UNSET:
            field_dict["audio"] = audio
        if document is not UNSET:
            field_dict["document"] = document
        if ptt is not UNSET:
            field_dict["ptt"] = ptt

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("to", (None, str(self.to).encode(), "text/plain")))

        if not isinstance(self.caption, Unset):
            files.append(("caption", (None, str(self.caption).encode(), "text/plain")))

        if not isinstance(self.file_name, Unset):
            files.append(
                ("fileName", (None, str(self.file_name).encode(), "text/plain"))
            )

        if not isinstance(self.image, Unset):
            files.append(("image", self.image.to_tuple()))

        if not isinstance(self.video, Unset):
            files.append(("video", self.video.to_tuple()))

        if not isinstance(self.audio, Unset):
            files.append(("audio", self.audio.to_tuple()))

        if not isinstance(self.document, Unset):
            files.append(("document", self.document.to_tuple()))

        if not isinstance(self.ptt, Unset):
            files.append(("ptt", (None, str(self.ptt).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to = d.pop("to")

        caption = d.pop("caption", UNSET)

        file_name = d.pop("fileName", UNSET)

        _image = d.pop("image", UNSET)
        image: File | Unset
        if isinstance(_image, Unset):
            image = UNSET
        else:
            image = File(payload=BytesIO(_image))

        _video = d.pop("video", UNSET)
        video: File | Unset
        if isinstance(_video, Unset):
            video = UNSET
        else:
            video = File(payload=BytesIO(_video))

        _audio = d.pop("audio", UNSET)
        audio: File | Unset
        if isinstance(_audio, Unset):
            audio = UNSET
        else:
            audio = File(payload=BytesIO(_audio))

        _document = d.pop("document", UNSET)
        document: File | Unset
        if isinstance(_document, Unset):
            document = UNSET
        else:
            document = File(payload=BytesIO(_document))

        ptt = d.pop("ptt", UNSET)

        messages_send_media_body = cls(
            to=to,
            caption=caption,
            file_name=file_name,
            image=image,
            video=video,
            audio=audio,
            document=document,
            ptt=ptt,
        )

        messages_send_media_body.additional_properties = d
        return messages_send_media_body

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
