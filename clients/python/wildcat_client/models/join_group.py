from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="JoinGroup")


@_attrs_define
class JoinGroup:
    """
    Attributes:
        code (str | Unset):
        link (str | Unset):  Example: https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv.
    """

    code: str | Unset = UNSET
    link: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        link = self.link

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if link is not UNSET:
            field_dict["link"] = link

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code", UNSET)

        link = d.pop("link", UNSET)

        join_group = cls(
            code=code,
            link=link,
        )

        return join_group
