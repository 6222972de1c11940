from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Card")


@_attrs_define
class Card:
    """
    Attributes:
        name (str):
        phone (str):
    """

    name: str
    phone: str

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        phone = self.phone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "phone": phone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        phone = d.pop("phone")

        card = cls(
            name=name,
            phone=phone,
        )

        return card
