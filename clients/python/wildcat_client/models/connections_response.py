from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.connect_attempt import ConnectAttempt


T = TypeVar("T", bound="ConnectionsResponse")


@_attrs_define
class ConnectionsResponse:
    """
    Attributes:
        ok (bool): Always true on success
        connections (list[ConnectAttempt]):
    """

    ok: bool
    connections: list[ConnectAttempt]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        connections = []
        for connections_item_data in self.connections:
            connections_item = connections_item_data.to_dict()
            connections.append(connections_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "connections": connections,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.connect_attempt import ConnectAttempt

        d = dict(src_dict)
        ok = d.pop("ok")

        connections = []
        _connections = d.pop("connections")
        for connections_item_data in _connections:
            connections_item = ConnectAttempt.from_dict(connections_item_data)

            connections.append(connections_item)

        connections_response = cls(
            ok=ok,
            connections=connections,
        )

        connections_response.additional_properties = d
        return connections_response

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
