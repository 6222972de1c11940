from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_current_status import AccountCurrentStatus
from ..models.account_status import AccountStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account_send_policy import AccountSendPolicy


T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    """
    Attributes:
        field_id (str):
        name (None | str):
        current_status (AccountCurrentStatus):
        has_qr (bool):
        collection_name (str | Unset):
        status (AccountStatus | Unset):
        created_at (str | Unset):
        last_update (str | Unset):
        reason (str | Unset): Why it is in this status (README)
        last_error (str | Unset):
        error_kind (str | Unset): The kind of lastError
        attempts (int | Unset): Failed connect attempts since the last connection
        next_retry_at (str | Unset): When the next attempt dials
        until (str | Unset): End of a temporary ban
        ban_code (str | Unset):
        jid (str | Unset): Own JID once connected
        push_name (str | Unset):
        connected_at (str | Unset): When it last became connected
        explanation (str | Unset): The status, its reason and lastError in words, for operators
        owner (None | str | Unset): The instance holding the account's lease (null: none holds it)
        proxy (None | str | Unset): The account's proxy, password masked (***)
        send_policy (AccountSendPolicy | Unset): {typing, minDelayMs, maxDelayMs, dailyLimit} or absent
        last_seen_at (datetime.datetime | Unset): Last event heard from WhatsApp for this account (known on the instance
            that runs it)
        reject_calls (bool | Unset): Incoming calls are declined
    """

    field_id: str
    name: None | str
    current_status: AccountCurrentStatus
    has_qr: bool
    collection_name: str | Unset = UNSET
    status: AccountStatus | Unset = UNSET
    created_at: str | Unset = UNSET
    last_update: str | Unset = UNSET
    reason: str | Unset = UNSET
    last_error: str | Unset = UNSET
    error_kind: str | Unset = UNSET
    attempts: int | Unset = UNSET
    next_retry_at: str | Unset = UNSET
    until: str | Unset = UNSET
    ban_code: str | Unset = UNSET
    jid: str | Unset = UNSET
    push_name: str | Unset = UNSET
    connected_at: str | Unset = UNSET
    explanation: str | Unset = UNSET
    owner: None | str | Unset = UNSET
    proxy: None | str | Unset = UNSET
    send_policy: AccountSendPolicy | Unset = UNSET
    last_seen_at: datetime.datetime | Unset = UNSET
    reject_calls: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_id = self.field_id

        name: None | str
        name = self.name

        current_status = self.current_status.value

        has_qr = self.has_qr

        collection_name = self.collection_name

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        created_at = self.created_at

        last_update = self.last_update

        reason = self.reason

        last_error = self.last_error

        error_kind = self.error_kind

        attempts = self.attempts

        next_retry_at = self.next_retry_at

        until = self.until

        ban_code = self.ban_code

        jid = self.jid

        push_name = self.push_name

        connected_at = self.connected_at

        explanation = self.explanation

        owner: None | str | Unset
        if isinstance(self.owner, Unset):
            owner = UNSET
        else:
            owner = self.owner

        proxy: None | str | Unset
        if isinstance(self.proxy, Unset):
            proxy = UNSET
        else:
            proxy = self.proxy

        send_policy: dict[str, Any] | Unset = UNSET
        if not isinstance(self.send_policy, Unset):
            send_policy = self.send_policy.to_dict()

        last_seen_at: str | Unset = UNSET
        if not isinstance(self.last_seen_at, Unset):
            last_seen_at = self.last_seen_at.isoformat()

        reject_calls = self.reject_calls

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "_id": field_id,
                "name": name,
                "currentStatus": current_status,
                "hasQR": has_qr,
            }
        )
        if collection_name is not UNSET:
            field_dict["collectionName"] = collection_name
        if status is not UNSET:
            field_dict["status"] = status
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if last_update is not UNSET:
            field_dict["lastUpdate"] = last_update
        if reason is not UNSET:
            field_dict["reason"] = reason
        if last_error is not UNSET:
            field_dict["lastError"] = last_error
        if error_kind is not UNSET:
            field_dict["errorKind"] = error_kind
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if next_retry_at is not UNSET:
            field_dict["nextRetryAt"] = next_retry_at
        if until is not UNSET:
            field_dict["until"] = until
        if ban_code is not UNSET:
            field_dict["banCode"] = ban_code
        if jid is not UNSET:
            field_dict["jid"] = jid
        if push_name is not UNSET:
            field_dict["pushName"] = push_name
        if connected_at is not UNSET:
            field_dict["connectedAt"] = connected_at
        if explanation is not UNSET:
            field_dict["explanation"] = explanation
        if owner is not UNSET:
            field_dict["owner"] = owner
        if proxy is not UNSET:
            field_dict["proxy"] = proxy
        if send_policy is not UNSET:
            field_dict["sendPolicy"] = send_policy
        if last_seen_at is not UNSET:
            field_dict["lastSeenAt"] = last_seen_at
        if reject_calls is not UNSET:
            field_dict["rejectCalls"] = reject_calls

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.account_send_policy import AccountSendPolicy

        d = dict(src_dict)
        field_id = d.pop("_id")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        current_status = AccountCurrentStatus(d.pop("currentStatus"))

        has_qr = d.pop("hasQR")

        collection_name = d.pop("collectionName", UNSET)

        _status = d.pop("status", UNSET)
        status: AccountStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = AccountStatus(_status)

        created_at = d.pop("createdAt", UNSET)

        last_update = d.pop("lastUpdate", UNSET)

        reason = d.pop("reason", UNSET)

        last_error = d.pop("lastError", UNSET)

        error_kind = d.pop("errorKind", UNSET)

        attempts = d.pop("attempts", UNSET)

        next_retry_at = d.pop("nextRetryAt", UNSET)

        until = d.pop("until", UNSET)

        ban_code = d.pop("banCode", UNSET)

        jid = d.pop("jid", UNSET)

        push_name = d.pop("pushName", UNSET)

        connected_at = d.pop("connectedAt", UNSET)

        explanation = d.pop("explanation", UNSET)

        def _parse_owner(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner = _parse_owner(d.pop("owner", UNSET))

        def _parse_proxy(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        proxy = _parse_proxy(d.pop("proxy", UNSET))

        _send_policy = d.pop("sendPolicy", UNSET)
        send_policy: AccountSendPolicy | Unset
        if isinstance(_send_policy, Unset):
            send_policy = UNSET
        else:
            send_policy = AccountSendPolicy.from_dict(_send_policy)

        _last_seen_at = d.pop("lastSeenAt", UNSET)
        last_seen_at: datetime.datetime | Unset
        if isinstance(_last_seen_at, Unset):
            last_seen_at = UNSET
        else:
            last_seen_at = datetime.datetime.fromisoformat(_last_seen_at)

        reject_calls = d.pop("rejectCalls", UNSET)

        account = cls(
            field_id=field_id,
            name=name,
            current_status=current_status,
            has_qr=has_qr,
            collection_name=collection_name,
            status=status,
            created_at=created_at,
            last_update=last_update,
            reason=reason,
            last_error=last_error,
            error_kind=error_kind,
            attempts=attempts,
            next_retry_at=next_retry_at,
            until=until,
            ban_code=ban_code,
            jid=jid,
            push_name=push_name,
            connected_at=connected_at,
            explanation=explanation,
            owner=owner,
            proxy=proxy,
            send_policy=send_policy,
            last_seen_at=last_seen_at,
            reject_calls=reject_calls,
        )

        account.additional_properties = d
        return account

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
