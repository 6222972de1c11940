from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.number_check import NumberCheck


T = TypeVar("T", bound="NumberCheckResponse")


@_attrs_define
class NumberCheckResponse:
    """
    Attributes:
        ok (bool): Always true on success
        results (list[NumberCheck]):
    """

    ok: bool
    results: list[NumberCheck]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.number_check import NumberCheck

        d = dict(src_dict)
        ok = d.pop("ok")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = NumberCheck.from_dict(results_item_data)

            results.append(results_item)

        number_check_response = cls(
            ok=ok,
            results=results,
        )

        number_check_response.additional_properties = d
        return number_check_response

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
