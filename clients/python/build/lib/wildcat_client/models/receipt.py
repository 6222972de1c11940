from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.receipt_type import ReceiptType

T = TypeVar("T", bound="Receipt")


@_attrs_define
class Receipt:
    """
    Attributes:
        message_id (str):
        type_ (ReceiptType):
    """

    message_id: str
    type_: ReceiptType

    def to_dict(self) -> dict[str, Any]:
        message_id = self.message_id

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "messageId": message_id,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        message_id = d.pop("messageId")

        type_ = ReceiptType(d.pop("type"))

        receipt = cls(
            message_id=message_id,
            type_=type_,
        )

        return receipt
