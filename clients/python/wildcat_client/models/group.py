from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.participant import Participant


T = TypeVar("T", bound="Group")


@_attrs_define
class Group:
    """
    Attributes:
        id (str):
        subject (None | str):
        description (None | str):
        owner (None | str):
        created_at (int | None): Epoch milliseconds
        announce (bool):
        locked (bool):
        participants (list[Participant]):
    """

    id: str
    subject: None | str
    description: None | str
    owner: None | str
    created_at: int | None
    announce: bool
    locked: bool
    participants: list[Participant]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        subject: None | str
        subject = self.subject

        description: None | str
        description = self.description

        owner: None | str
        owner = self.owner

        created_at: int | None
        created_at = self.created_at

        announce = self.announce

        locked = self.locked

        participants = []
        for participants_item_data in self.participants:
            participants_item = participants_item_data.to_dict()
            participants.append(participants_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "subject": subject,
                "description": description,
                "owner": owner,
                "createdAt": created_at,
                "announce": announce,
                "locked": locked,
                "participants": participants,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.participant import Participant

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_subject(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subject = _parse_subject(d.pop("subject"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        def _parse_owner(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        owner = _parse_owner(d.pop("owner"))

        def _parse_created_at(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        created_at = _parse_created_at(d.pop("createdAt"))

        announce = d.pop("announce")

        locked = d.pop("locked")

        participants = []
        _participants = d.pop("participants")
        for participants_item_data in _participants:
            participants_item = Participant.from_dict(participants_item_data)

            participants.append(participants_item)

        group = cls(
            id=id,
            subject=subject,
            description=description,
            owner=owner,
            created_at=created_at,
            announce=announce,
            locked=locked,
            participants=participants,
        )

        group.additional_properties = d
        return group

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
