from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.contact_card import ContactCard


T = TypeVar("T", bound="SendContact")


@_attrs_define
class SendContact:
    """
    Attributes:
        to (str): A WhatsApp JID or an international phone number
        contacts (list[ContactCard]):
    """

    to: str
    contacts: list[ContactCard]

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        contacts = []
        for contacts_item_data in self.contacts:
            contacts_item = contacts_item_data.to_dict()
            contacts.append(contacts_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
                "contacts": contacts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contact_card import ContactCard

        d = dict(src_dict)
        to = d.pop("to")

        contacts = []
        _contacts = d.pop("contacts")
        for contacts_item_data in _contacts:
            contacts_item = ContactCard.from_dict(contacts_item_data)

            contacts.append(contacts_item)

        send_contact = cls(
            to=to,
            contacts=contacts,
        )

        return send_contact
