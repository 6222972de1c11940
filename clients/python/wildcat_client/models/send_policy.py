from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SendPolicy")


@_attrs_define
class SendPolicy:
    """
    Attributes:
        typing (bool | Unset): Show 'typing…' before a text, for a time proportional to its length Default: False.
        min_delay_ms (int | Unset):  Default: 0.
        max_delay_ms (int | Unset): Defaults to minDelayMs
        daily_limit (int | None | Unset): Sends a UTC day; null: no limit
    """

    typing: bool | Unset = False
    min_delay_ms: int | Unset = 0
    max_delay_ms: int | Unset = UNSET
    daily_limit: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        typing = self.typing

        min_delay_ms = self.min_delay_ms

        max_delay_ms = self.max_delay_ms

        daily_limit: int | None | Unset
        if isinstance(self.daily_limit, Unset):
            daily_limit = UNSET
        else:
            daily_limit = self.daily_limit

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if typing is not UNSET:
            field_dict["typing"] = typing
        if min_delay_ms is not UNSET:
            field_dict["minDelayMs"] = min_delay_ms
        if max_delay_ms is not UNSET:
            field_dict["maxDelayMs"] = max_delay_ms
        if daily_limit is not UNSET:
            field_dict["dailyLimit"] = daily_limit

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        typing = d.pop("typing", UNSET)

        min_delay_ms = d.pop("minDelayMs", UNSET)

        max_delay_ms = d.pop("maxDelayMs", UNSET)

        def _parse_daily_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        daily_limit = _parse_daily_limit(d.pop("dailyLimit", UNSET))

        send_policy = cls(
            typing=typing,
            min_delay_ms=min_delay_ms,
            max_delay_ms=max_delay_ms,
            daily_limit=daily_limit,
        )

        return send_policy
