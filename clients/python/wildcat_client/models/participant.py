from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.participant_admin_type_1 import ParticipantAdminType1
from ..models.participant_admin_type_2_type_1 import ParticipantAdminType2Type1
from ..models.participant_admin_type_3_type_1 import ParticipantAdminType3Type1

T = TypeVar("T", bound="Participant")


@_attrs_define
class Participant:
    """
    Attributes:
        jid (str):
        phone (None | str):
        lid (None | str):
        admin (None | ParticipantAdminType1 | ParticipantAdminType2Type1 | ParticipantAdminType3Type1):
    """

    jid: str
    phone: None | str
    lid: None | str
    admin: (
        None
        | ParticipantAdminType1
        | ParticipantAdminType2Type1
        | ParticipantAdminType3Type1
    )
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        jid = self.jid

        phone: None | str
        phone = self.phone

        lid: None | str
        lid = self.lid

        admin: None | str
        if (
            isinstance(self.admin, ParticipantAdminType1)
            or isinstance(self.admin, ParticipantAdminType2Type1)
            or isinstance(self.admin, ParticipantAdminType3Type1)
        ):
            admin = self.admin.value
        else:
            admin = self.admin

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jid": jid,
                "phone": phone,
                "lid": lid,
                "admin": admin,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        jid = d.pop("jid")

        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))

        def _parse_lid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lid = _parse_lid(d.pop("lid"))

        def _parse_admin(
            data: object,
        ) -> (
            None
            | ParticipantAdminType1
            | ParticipantAdminType2Type1
            | ParticipantAdminType3Type1
        ):
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                admin_type_1 = ParticipantAdminType1(data)

                return admin_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                admin_type_2_type_1 = ParticipantAdminType2Type1(data)

                return admin_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                admin_type_3_type_1 = ParticipantAdminType3Type1(data)

                return admin_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | ParticipantAdminType1
                | ParticipantAdminType2Type1
                | ParticipantAdminType3Type1,
                data,
            )

        admin = _parse_admin(d.pop("admin"))

        participant = cls(
            jid=jid,
            phone=phone,
            lid=lid,
            admin=admin,
        )

        participant.additional_properties = d
        return participant

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
