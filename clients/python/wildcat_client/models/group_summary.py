from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GroupSummary")


@_attrs_define
class GroupSummary:
    """
    Attributes:
        id (str):
        subject (None | str):
        participants_count (int):
        is_admin (bool):
        announce (bool):
        locked (bool):
    """

    id: str
    subject: None | str
    participants_count: int
    is_admin: bool
    announce: bool
    locked: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        subject: None | str
        subject = self.subject

        participants_count = self.participants_count

        is_admin = self.is_admin

        announce = self.announce

        locked = self.locked

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "subject": subject,
                "participantsCount": participants_count,
                "isAdmin": is_admin,
                "announce": announce,
                "locked": locked,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_subject(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subject = _parse_subject(d.pop("subject"))

        participants_count = d.pop("participantsCount")

        is_admin = d.pop("isAdmin")

        announce = d.pop("announce")

        locked = d.pop("locked")

        group_summary = cls(
            id=id,
            subject=subject,
            participants_count=participants_count,
            is_admin=is_admin,
            announce=announce,
            locked=locked,
        )

        group_summary.additional_properties = d
        return group_summary

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
