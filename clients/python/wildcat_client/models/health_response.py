from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.health_response_dispatcher import HealthResponseDispatcher
from ..models.health_response_status import HealthResponseStatus
from ..models.health_response_store import HealthResponseStore
from ..models.health_response_supervisor import HealthResponseSupervisor
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account_counts import AccountCounts


T = TypeVar("T", bound="HealthResponse")


@_attrs_define
class HealthResponse:
    """
    Attributes:
        ok (bool): Always true on success
        instance (str): The answering instance
        status (HealthResponseStatus):
        time (str):
        store (HealthResponseStore):
        supervisor (HealthResponseSupervisor):
        dispatcher (HealthResponseDispatcher):
        accounts (AccountCounts | Unset):
    """

    ok: bool
    instance: str
    status: HealthResponseStatus
    time: str
    store: HealthResponseStore
    supervisor: HealthResponseSupervisor
    dispatcher: HealthResponseDispatcher
    accounts: AccountCounts | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        instance = self.instance

        status = self.status.value

        time = self.time

        store = self.store.value

        supervisor = self.supervisor.value

        dispatcher = self.dispatcher.value

        accounts: dict[str, Any] | Unset = UNSET
        if not isinstance(self.accounts, Unset):
            accounts = self.accounts.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "instance": instance,
                "status": status,
                "time": time,
                "store": store,
                "supervisor": supervisor,
                "dispatcher": dispatcher,
            }
        )
        if accounts is not UNSET:
            field_dict["accounts"] = accounts

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.account_counts import AccountCounts

        d = dict(src_dict)
        ok = d.pop("ok")

        instance = d.pop("instance")

        status = HealthResponseStatus(d.pop("status"))

        time = d.pop("time")

        store = HealthResponseStore(d.pop("store"))

        supervisor = HealthResponseSupervisor(d.pop("supervisor"))

        dispatcher = HealthResponseDispatcher(d.pop("dispatcher"))

        _accounts = d.pop("accounts", UNSET)
        accounts: AccountCounts | Unset
        if isinstance(_accounts, Unset):
            accounts = UNSET
        else:
            accounts = AccountCounts.from_dict(_accounts)

        health_response = cls(
            ok=ok,
            instance=instance,
            status=status,
            time=time,
            store=store,
            supervisor=supervisor,
            dispatcher=dispatcher,
            accounts=accounts,
        )

        health_response.additional_properties = d
        return health_response

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
