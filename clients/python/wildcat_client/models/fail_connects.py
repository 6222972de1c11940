from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FailConnects")


@_attrs_define
class FailConnects:
    """
    Attributes:
        error (str | Unset):  Default: 'failed to dial whatsapp web websocket: sandbox network is down'.
    """

    error: str | Unset = (
        "failed to dial whatsapp web websocket: sandbox network is down"
    )

    def to_dict(self) -> dict[str, Any]:
        error = self.error

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        error = d.pop("error", UNSET)

        fail_connects = cls(
            error=error,
        )

        return fail_connects
