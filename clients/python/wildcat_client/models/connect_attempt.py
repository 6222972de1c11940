from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connect_attempt_outcome import ConnectAttemptOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConnectAttempt")


@_attrs_define
class ConnectAttempt:
    """
    Attributes:
        at (int): Epoch ms
        proxy (None | str | Unset): The proxy it connected through (password masked)
        outcome (ConnectAttemptOutcome | Unset):
    """

    at: int
    proxy: None | str | Unset = UNSET
    outcome: ConnectAttemptOutcome | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at

        proxy: None | str | Unset
        if isinstance(self.proxy, Unset):
            proxy = UNSET
        else:
            proxy = self.proxy

        outcome: str | Unset = UNSET
        if not isinstance(self.outcome, Unset):
            outcome = self.outcome.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
            }
        )
        if proxy is not UNSET:
            field_dict["proxy"] = proxy
        if outcome is not UNSET:
            field_dict["outcome"] = outcome

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        at = d.pop("at")

        def _parse_proxy(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        proxy = _parse_proxy(d.pop("proxy", UNSET))

        _outcome = d.pop("outcome", UNSET)
        outcome: ConnectAttemptOutcome | Unset
        if isinstance(_outcome, Unset):
            outcome = UNSET
        else:
            outcome = ConnectAttemptOutcome(_outcome)

        connect_attempt = cls(
            at=at,
            proxy=proxy,
            outcome=outcome,
        )

        connect_attempt.additional_properties = d
        return connect_attempt

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
