from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.presence_state import PresenceState
from ..types import UNSET, Unset

T = TypeVar("T", bound="Presence")


@_attrs_define
class Presence:
    """
    Attributes:
        state (PresenceState):
        to (str | Unset): A WhatsApp JID or an international phone number
    """

    state: PresenceState
    to: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        state = self.state.value

        to = self.to

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "state": state,
            }
        )
        if to is not UNSET:
            field_dict["to"] = to

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        state = PresenceState(d.pop("state"))

        to = d.pop("to", UNSET)

        presence = cls(
            state=state,
            to=to,
        )

        return presence
