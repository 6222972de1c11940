from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AccountCounts")


@_attrs_define
class AccountCounts:
    """
    Attributes:
        total (int):
        keepalive_timeout (int | Unset): Accounts shown `reconnecting` because WhatsApp stopped answering their
            keepalives while they said connected
    """

    total: int
    keepalive_timeout: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        keepalive_timeout = self.keepalive_timeout

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
            }
        )
        if keepalive_timeout is not UNSET:
            field_dict["keepaliveTimeout"] = keepalive_timeout

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        total = d.pop("total")

        keepalive_timeout = d.pop("keepaliveTimeout", UNSET)

        account_counts = cls(
            total=total,
            keepalive_timeout=keepalive_timeout,
        )

        account_counts.additional_properties = d
        return account_counts

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
