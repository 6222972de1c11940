from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClusterInstance")


@_attrs_define
class ClusterInstance:
    """
    Attributes:
        id (str):
        heartbeat_at (datetime.datetime):
        alive (bool): Beat within one WILDCAT_LEASE_TTL
        self_ (bool): The instance answering
        accounts_owned (int):
        accounts (list[str]):
        address (None | str | Unset): Where other instances forward live-connection requests
        started_at (datetime.datetime | None | Unset):
    """

    id: str
    heartbeat_at: datetime.datetime
    alive: bool
    self_: bool
    accounts_owned: int
    accounts: list[str]
    address: None | str | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        heartbeat_at = self.heartbeat_at.isoformat()

        alive = self.alive

        self_ = self.self_

        accounts_owned = self.accounts_owned

        accounts = self.accounts

        address: None | str | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        else:
            address = self.address

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "heartbeatAt": heartbeat_at,
                "alive": alive,
                "self": self_,
                "accountsOwned": accounts_owned,
                "accounts": accounts,
            }
        )
        if address is not UNSET:
            field_dict["address"] = address
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        heartbeat_at = datetime.datetime.fromisoformat(d.pop("heartbeatAt"))

        alive = d.pop("alive")

        self_ = d.pop("self")

        accounts_owned = d.pop("accountsOwned")

        accounts = cast(list[str], d.pop("accounts"))

        def _parse_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        address = _parse_address(d.pop("address", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("startedAt", UNSET))

        cluster_instance = cls(
            id=id,
            heartbeat_at=heartbeat_at,
            alive=alive,
            self_=self_,
            accounts_owned=accounts_owned,
            accounts=accounts,
            address=address,
            started_at=started_at,
        )

        cluster_instance.additional_properties = d
        return cluster_instance

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
