from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.registered_lids import RegisteredLids


T = TypeVar("T", bound="Registered")


@_attrs_define
class Registered:
    """
    Attributes:
        phones (list[str]):
        lids (RegisteredLids | Unset):
    """

    phones: list[str]
    lids: RegisteredLids | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        phones = self.phones

        lids: dict[str, Any] | Unset = UNSET
        if not isinstance(self.lids, Unset):
            lids = self.lids.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "phones": phones,
            }
        )
        if lids is not UNSET:
            field_dict["lids"] = lids

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.registered_lids import RegisteredLids

        d = dict(src_dict)
        phones = cast(list[str], d.pop("phones"))

        _lids = d.pop("lids", UNSET)
        lids: RegisteredLids | Unset
        if isinstance(_lids, Unset):
            lids = UNSET
        else:
            lids = RegisteredLids.from_dict(_lids)

        registered = cls(
            phones=phones,
            lids=lids,
        )

        return registered
