from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Contact")


@_attrs_define
class Contact:
    """
    Attributes:
        jid (str): Phone JID, or the LID when the phone number is unknown
        lid (None | str):
        phone (None | str): E.164
        name (None | str):
        push_name (None | str):
        blocked (bool | Unset):
    """

    jid: str
    lid: None | str
    phone: None | str
    name: None | str
    push_name: None | str
    blocked: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        jid = self.jid

        lid: None | str
        lid = self.lid

        phone: None | str
        phone = self.phone

        name: None | str
        name = self.name

        push_name: None | str
        push_name = self.push_name

        blocked = self.blocked

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jid": jid,
                "lid": lid,
                "phone": phone,
                "name": name,
                "pushName": push_name,
            }
        )
        if blocked is not UNSET:
            field_dict["blocked"] = blocked

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        jid = d.pop("jid")

        def _parse_lid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lid = _parse_lid(d.pop("lid"))

        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        def _parse_push_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        push_name = _parse_push_name(d.pop("pushName"))

        blocked = d.pop("blocked", UNSET)

        contact = cls(
            jid=jid,
            lid=lid,
            phone=phone,
            name=name,
            push_name=push_name,
            blocked=blocked,
        )

        contact.additional_properties = d
        return contact

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
