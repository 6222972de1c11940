from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NumberCheck")


@_attrs_define
class NumberCheck:
    """
    Attributes:
        phone (str):
        exists (bool):
        jid (None | str):
        lid (None | str):
    """

    phone: str
    exists: bool
    jid: None | str
    lid: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        phone = self.phone

        exists = self.exists

        jid: None | str
        jid = self.jid

        lid: None | str
        lid = self.lid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "phone": phone,
                "exists": exists,
                "jid": jid,
                "lid": lid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        phone = d.pop("phone")

        exists = d.pop("exists")

        def _parse_jid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        jid = _parse_jid(d.pop("jid"))

        def _parse_lid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lid = _parse_lid(d.pop("lid"))

        number_check = cls(
            phone=phone,
            exists=exists,
            jid=jid,
            lid=lid,
        )

        number_check.additional_properties = d
        return number_check

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
