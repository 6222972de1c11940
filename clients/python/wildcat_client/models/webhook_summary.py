from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.webhook_delivery_counts import WebhookDeliveryCounts


T = TypeVar("T", bound="WebhookSummary")


@_attrs_define
class WebhookSummary:
    """
    Attributes:
        id (str):
        url (str):
        account_id (None | str | Unset):
        events (list[str] | Unset):
        has_secret (bool | Unset):
        enabled (bool | Unset): false: deliveries wait, none is sent
        created_at (None | str | Unset):
        updated_at (None | str | Unset):
        deliveries (WebhookDeliveryCounts | Unset):
        last_error (None | str | Unset): The latest error among its 20 newest deliveries
        last_error_at (None | str | Unset):
    """

    id: str
    url: str
    account_id: None | str | Unset = UNSET
    events: list[str] | Unset = UNSET
    has_secret: bool | Unset = UNSET
    enabled: bool | Unset = UNSET
    created_at: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET
    deliveries: WebhookDeliveryCounts | Unset = UNSET
    last_error: None | str | Unset = UNSET
    last_error_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        account_id: None | str | Unset
        if isinstance(self.account_id, Unset):
            account_id = UNSET
        else:
            account_id = self.account_id

        events: list[str] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = self.events

        has_secret = self.has_secret

        enabled = self.enabled

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = self.updated_at

        deliveries: dict[str, Any] | Unset = UNSET
        if not isinstance(self.deliveries, Unset):
            deliveries = self.deliveries.to_dict()

        last_error: None | str | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        last_error_at: None | str | Unset
        if isinstance(self.last_error_at, Unset):
            last_error_at = UNSET
        else:
            last_error_at = self.last_error_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
            }
        )
        if account_id is not UNSET:
            field_dict["accountId"] = account_id
        if events is not UNSET:
            field_dict["events"] = events
        if has_secret is not UNSET:
            field_dict["hasSecret"] = has_secret
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if updated_at is not UNSET:
            field_dict["updatedAt"] = updated_at
        if deliveries is not UNSET:
            field_dict["deliveries"] = deliveries
        if last_error is not UNSET:
            field_dict["lastError"] = last_error
        if last_error_at is not UNSET:
            field_dict["lastErrorAt"] = last_error_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_delivery_counts import WebhookDeliveryCounts

        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        def _parse_account_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_id = _parse_account_id(d.pop("accountId", UNSET))

        events = cast(list[str], d.pop("events", UNSET))

        has_secret = d.pop("hasSecret", UNSET)

        enabled = d.pop("enabled", UNSET)

        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("createdAt", UNSET))

        def _parse_updated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        updated_at = _parse_updated_at(d.pop("updatedAt", UNSET))

        _deliveries = d.pop("deliveries", UNSET)
        deliveries: WebhookDeliveryCounts | Unset
        if isinstance(_deliveries, Unset):
            deliveries = UNSET
        else:
            deliveries = WebhookDeliveryCounts.from_dict(_deliveries)

        def _parse_last_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_error = _parse_last_error(d.pop("lastError", UNSET))

        def _parse_last_error_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_error_at = _parse_last_error_at(d.pop("lastErrorAt", UNSET))

        webhook_summary = cls(
            id=id,
            url=url,
            account_id=account_id,
            events=events,
            has_secret=has_secret,
            enabled=enabled,
            created_at=created_at,
            updated_at=updated_at,
            deliveries=deliveries,
            last_error=last_error,
            last_error_at=last_error_at,
        )

        webhook_summary.additional_properties = d
        return webhook_summary

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
