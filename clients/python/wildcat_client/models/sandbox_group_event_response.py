from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sandbox_group_event_response_changes import (
        SandboxGroupEventResponseChanges,
    )


T = TypeVar("T", bound="SandboxGroupEventResponse")


@_attrs_define
class SandboxGroupEventResponse:
    """
    Attributes:
        ok (bool): Always true on success
        participants (list[str] | Unset):
        changes (SandboxGroupEventResponseChanges | Unset):
    """

    ok: bool
    participants: list[str] | Unset = UNSET
    changes: SandboxGroupEventResponseChanges | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        participants: list[str] | Unset = UNSET
        if not isinstance(self.participants, Unset):
            participants = self.participants

        changes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.changes, Unset):
            changes = self.changes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
            }
        )
        if participants is not UNSET:
            field_dict["participants"] = participants
        if changes is not UNSET:
            field_dict["changes"] = changes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.sandbox_group_event_response_changes import (
            SandboxGroupEventResponseChanges,
        )

        d = dict(src_dict)
        ok = d.pop("ok")

        participants = cast(list[str], d.pop("participants", UNSET))

        _changes = d.pop("changes", UNSET)
        changes: SandboxGroupEventResponseChanges | Unset
        if isinstance(_changes, Unset):
            changes = UNSET
        else:
            changes = SandboxGroupEventResponseChanges.from_dict(_changes)

        sandbox_group_event_response = cls(
            ok=ok,
            participants=participants,
            changes=changes,
        )

        sandbox_group_event_response.additional_properties = d
        return sandbox_group_event_response

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
