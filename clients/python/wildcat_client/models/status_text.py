from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatusText")


@_attrs_define
class StatusText:
    """
    Attributes:
        text (str):
        background_color (str | Unset):
    """

    text: str
    background_color: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        text = self.text

        background_color = self.background_color

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "text": text,
            }
        )
        if background_color is not UNSET:
            field_dict["backgroundColor"] = background_color

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        text = d.pop("text")

        background_color = d.pop("backgroundColor", UNSET)

        status_text = cls(
            text=text,
            background_color=background_color,
        )

        return status_text
