from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.send_policy import SendPolicy


T = TypeVar("T", bound="UpdateAccount")


@_attrs_define
class UpdateAccount:
    """
    Attributes:
        name (None | str | Unset):
        proxy (None | str | Unset): socks5://[user:pass@]host:port or http(s)://…; null: none. Used for this account's
            WhatsApp connection and media; changing it reconnects. The password is never returned.
        send_policy (None | SendPolicy | Unset):
        reject_calls (bool | Unset): Decline incoming calls (each still publishes a `call` event)
    """

    name: None | str | Unset = UNSET
    proxy: None | str | Unset = UNSET
    send_policy: None | SendPolicy | Unset = UNSET
    reject_calls: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.send_policy import SendPolicy

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        proxy: None | str | Unset
        if isinstance(self.proxy, Unset):
            proxy = UNSET
        else:
            proxy = self.proxy

        send_policy: dict[str, Any] | None | Unset
        if isinstance(self.send_policy, Unset):
            send_policy = UNSET
        elif isinstance(self.send_policy, SendPolicy):
            send_policy = self.send_policy.to_dict()
        else:
            send_policy = self.send_policy

        reject_calls = self.reject_calls

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if proxy is not UNSET:
            field_dict["proxy"] = proxy
        if send_policy is not UNSET:
            field_dict["sendPolicy"] = send_policy
        if reject_calls is not UNSET:
            field_dict["rejectCalls"] = reject_calls

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.send_policy import SendPolicy

        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_proxy(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        proxy = _parse_proxy(d.pop("proxy", UNSET))

        def _parse_send_policy(data: object) -> None | SendPolicy | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                send_policy_type_1 = SendPolicy.from_dict(data)

                return send_policy_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SendPolicy | Unset, data)

        send_policy = _parse_send_policy(d.pop("sendPolicy", UNSET))

        reject_calls = d.pop("rejectCalls", UNSET)

        update_account = cls(
            name=name,
            proxy=proxy,
            send_policy=send_policy,
            reject_calls=reject_calls,
        )

        return update_account
