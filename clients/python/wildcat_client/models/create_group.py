from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="CreateGroup")


@_attrs_define
class CreateGroup:
    """
    Attributes:
        subject (str):
        participants (list[str]):
    """

    subject: str
    participants: list[str]

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        participants = self.participants

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "subject": subject,
                "participants": participants,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        subject = d.pop("subject")

        participants = cast(list[str], d.pop("participants"))

        create_group = cls(
            subject=subject,
            participants=participants,
        )

        return create_group
