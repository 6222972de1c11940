from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.participants_action import ParticipantsAction

T = TypeVar("T", bound="Participants")


@_attrs_define
class Participants:
    """
    Attributes:
        action (ParticipantsAction):
        participants (list[str]):
    """

    action: ParticipantsAction
    participants: list[str]

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        participants = self.participants

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "participants": participants,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        action = ParticipantsAction(d.pop("action"))

        participants = cast(list[str], d.pop("participants"))

        participants = cls(
            action=action,
            participants=participants,
        )

        return participants
