from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.sent_item import SentItem


T = TypeVar("T", bound="SentResponse")


@_attrs_define
class SentResponse:
    """
    Attributes:
        ok (bool): Always true on success
        sent (list[SentItem]):
    """

    ok: bool
    sent: list[SentItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        sent = []
        for sent_item_data in self.sent:
            sent_item = sent_item_data.to_dict()
            sent.append(sent_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "sent": sent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.sent_item import SentItem

        d = dict(src_dict)
        ok = d.pop("ok")

        sent = []
        _sent = d.pop("sent")
        for sent_item_data in _sent:
            sent_item = SentItem.from_dict(sent_item_data)

            sent.append(sent_item)

        sent_response = cls(
            ok=ok,
            sent=sent,
        )

        sent_response.additional_properties = d
        return sent_response

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
