from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateGroup")


@_attrs_define
class UpdateGroup:
    """
    Attributes:
        subject (str | Unset):
        description (str | Unset):
        announce (bool | Unset): Only admins send messages
        locked (bool | Unset): Only admins edit the subject, description and picture
    """

    subject: str | Unset = UNSET
    description: str | Unset = UNSET
    announce: bool | Unset = UNSET
    locked: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        description = self.description

        announce = self.announce

        locked = self.locked

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if subject is not UNSET:
            field_dict["subject"] = subject
        if description is not UNSET:
            field_dict["description"] = description
        if announce is not UNSET:
            field_dict["announce"] = announce
        if locked is not UNSET:
            field_dict["locked"] = locked

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        subject = d.pop("subject", UNSET)

        description = d.pop("description", UNSET)

        announce = d.pop("announce", UNSET)

        locked = d.pop("locked", UNSET)

        update_group = cls(
            subject=subject,
            description=description,
            announce=announce,
            locked=locked,
        )

        return update_group
