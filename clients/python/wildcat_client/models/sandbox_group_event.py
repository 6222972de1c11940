from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.sandbox_group_event_action import SandboxGroupEventAction
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.update_group import UpdateGroup


T = TypeVar("T", bound="SandboxGroupEvent")


@_attrs_define
class SandboxGroupEvent:
    """
    Attributes:
        by (str): A WhatsApp JID or an international phone number
        action (SandboxGroupEventAction):
        participants (list[str] | Unset):
        changes (UpdateGroup | Unset):
    """

    by: str
    action: SandboxGroupEventAction
    participants: list[str] | Unset = UNSET
    changes: UpdateGroup | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        by = self.by

        action = self.action.value

        participants: list[str] | Unset = UNSET
        if not isinstance(self.participants, Unset):
            participants = self.participants

        changes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.changes, Unset):
            changes = self.changes.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "by": by,
                "action": action,
            }
        )
        if participants is not UNSET:
            field_dict["participants"] = participants
        if changes is not UNSET:
            field_dict["changes"] = changes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.update_group import UpdateGroup

        d = dict(src_dict)
        by = d.pop("by")

        action = SandboxGroupEventAction(d.pop("action"))

        participants = cast(list[str], d.pop("participants", UNSET))

        _changes = d.pop("changes", UNSET)
        changes: UpdateGroup | Unset
        if isinstance(_changes, Unset):
            changes = UNSET
        else:
            changes = UpdateGroup.from_dict(_changes)

        sandbox_group_event = cls(
            by=by,
            action=action,
            participants=participants,
            changes=changes,
        )

        return sandbox_group_event
