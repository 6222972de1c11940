from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InboundResponse")


@_attrs_define
class InboundResponse:
    """
    Attributes:
        ok (bool): Always true on success
        message_id (str | Unset): The message injected (message types)
        call_id (str | Unset): The call offered (type call)
    """

    ok: bool
    message_id: str | Unset = UNSET
    call_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        message_id = self.message_id

        call_id = self.call_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
            }
        )
        if message_id is not UNSET:
            field_dict["messageId"] = message_id
        if call_id is not UNSET:
            field_dict["callId"] = call_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        ok = d.pop("ok")

        message_id = d.pop("messageId", UNSET)

        call_id = d.pop("callId", UNSET)

        inbound_response = cls(
            ok=ok,
            message_id=message_id,
            call_id=call_id,
        )

        inbound_response.additional_properties = d
        return inbound_response

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
