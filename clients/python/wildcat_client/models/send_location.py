from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SendLocation")


@_attrs_define
class SendLocation:
    """
    Attributes:
        to (str): A WhatsApp JID or an international phone number
        latitude (float):
        longitude (float):
        name (str | Unset):
        address (str | Unset):
    """

    to: str
    latitude: float
    longitude: float
    name: str | Unset = UNSET
    address: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        latitude = self.latitude

        longitude = self.longitude

        name = self.name

        address = self.address

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
                "latitude": latitude,
                "longitude": longitude,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if address is not UNSET:
            field_dict["address"] = address

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to = d.pop("to")

        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        name = d.pop("name", UNSET)

        address = d.pop("address", UNSET)

        send_location = cls(
            to=to,
            latitude=latitude,
            longitude=longitude,
            name=name,
            address=address,
        )

        return send_location
