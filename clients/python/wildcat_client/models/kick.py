from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.kick_reason import KickReason
from ..types import UNSET, Unset

T = TypeVar("T", bound="Kick")


@_attrs_define
class Kick:
    """
    Attributes:
        reason (KickReason):
        expire_seconds (int | Unset):  Default: 3600.
        code (str | Unset):  Default: 'SENT_TOO_MANY_SAME_MESSAGE'.
    """

    reason: KickReason
    expire_seconds: int | Unset = 3600
    code: str | Unset = "SENT_TOO_MANY_SAME_MESSAGE"

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason.value

        expire_seconds = self.expire_seconds

        code = self.code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
            }
        )
        if expire_seconds is not UNSET:
            field_dict["expireSeconds"] = expire_seconds
        if code is not UNSET:
            field_dict["code"] = code

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reason = KickReason(d.pop("reason"))

        expire_seconds = d.pop("expireSeconds", UNSET)

        code = d.pop("code", UNSET)

        kick = cls(
            reason=reason,
            expire_seconds=expire_seconds,
            code=code,
        )

        return kick
