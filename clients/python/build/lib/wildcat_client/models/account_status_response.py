from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_status_response_status import AccountStatusResponseStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="AccountStatusResponse")


@_attrs_define
class AccountStatusResponse:
    """
    Attributes:
        ok (bool): Always true on success
        status (AccountStatusResponseStatus):
        account_id (str):
        last_update (None | str | Unset):
        reason (None | str | Unset):
        has_qr (bool | Unset):
    """

    ok: bool
    status: AccountStatusResponseStatus
    account_id: str
    last_update: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    has_qr: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        status = self.status.value

        account_id = self.account_id

        last_update: None | str | Unset
        if isinstance(self.last_update, Unset):
            last_update = UNSET
        else:
            last_update = self.last_update

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        has_qr = self.has_qr

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "status": status,
                "accountId": account_id,
            }
        )
        if last_update is not UNSET:
            field_dict["lastUpdate"] = last_update
        if reason is not UNSET:
            field_dict["reason"] = reason
        if has_qr is not UNSET:
            field_dict["hasQR"] = has_qr

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        ok = d.pop("ok")

        status = AccountStatusResponseStatus(d.pop("status"))

        account_id = d.pop("accountId")

        def _parse_last_update(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_update = _parse_last_update(d.pop("lastUpdate", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        has_qr = d.pop("hasQR", UNSET)

        account_status_response = cls(
            ok=ok,
            status=status,
            account_id=account_id,
            last_update=last_update,
            reason=reason,
            has_qr=has_qr,
        )

        account_status_response.additional_properties = d
        return account_status_response

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
