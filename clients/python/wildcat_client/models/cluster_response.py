from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.cluster_accounts import ClusterAccounts
    from ..models.cluster_instance import ClusterInstance


T = TypeVar("T", bound="ClusterResponse")


@_attrs_define
class ClusterResponse:
    """
    Attributes:
        ok (bool): Always true on success
        instance (str): The answering instance
        instances (list[ClusterInstance]):
        accounts (ClusterAccounts):
    """

    ok: bool
    instance: str
    instances: list[ClusterInstance]
    accounts: ClusterAccounts
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        instance = self.instance

        instances = []
        for instances_item_data in self.instances:
            instances_item = instances_item_data.to_dict()
            instances.append(instances_item)

        accounts = self.accounts.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "instance": instance,
                "instances": instances,
                "accounts": accounts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.cluster_accounts import ClusterAccounts
        from ..models.cluster_instance import ClusterInstance

        d = dict(src_dict)
        ok = d.pop("ok")

        instance = d.pop("instance")

        instances = []
        _instances = d.pop("instances")
        for instances_item_data in _instances:
            instances_item = ClusterInstance.from_dict(instances_item_data)

            instances.append(instances_item)

        accounts = ClusterAccounts.from_dict(d.pop("accounts"))

        cluster_response = cls(
            ok=ok,
            instance=instance,
            instances=instances,
            accounts=accounts,
        )

        cluster_response.additional_properties = d
        return cluster_response

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
