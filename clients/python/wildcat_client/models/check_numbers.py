from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="CheckNumbers")


@_attrs_define
class CheckNumbers:
    """
    Attributes:
        phones (list[str]):
    """

    phones: list[str]

    def to_dict(self) -> dict[str, Any]:
        phones = self.phones

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "phones": phones,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        phones = cast(list[str], d.pop("phones"))

        check_numbers = cls(
            phones=phones,
        )

        return check_numbers
