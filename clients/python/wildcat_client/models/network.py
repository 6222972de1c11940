from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Network")


@_attrs_define
class Network:
    """
    Attributes:
        reachable (bool):
    """

    reachable: bool

    def to_dict(self) -> dict[str, Any]:
        reachable = self.reachable

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reachable": reachable,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reachable = d.pop("reachable")

        network = cls(
            reachable=reachable,
        )

        return network
