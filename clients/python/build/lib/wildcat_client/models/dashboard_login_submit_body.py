from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="DashboardLoginSubmitBody")


@_attrs_define
class DashboardLoginSubmitBody:
    """
    Attributes:
        api_key (str):
        next_ (str | Unset):  Default: '/dashboard'.
    """

    api_key: str
    next_: str | Unset = "/dashboard"

    def to_dict(self) -> dict[str, Any]:
        api_key = self.api_key

        next_ = self.next_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "apiKey": api_key,
            }
        )
        if next_ is not UNSET:
            field_dict["next"] = next_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        api_key = d.pop("apiKey")

        next_ = d.pop("next", UNSET)

        dashboard_login_submit_body = cls(
            api_key=api_key,
            next_=next_,
        )

        return dashboard_login_submit_body
