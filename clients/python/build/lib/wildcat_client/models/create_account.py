from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateAccount")


@_attrs_define
class CreateAccount:
    """
    Attributes:
        id (str):
        name (None | str | Unset):
        collection_name (str | Unset):
    """

    id: str
    name: None | str | Unset = UNSET
    collection_name: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        collection_name = self.collection_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if collection_name is not UNSET:
            field_dict["collectionName"] = collection_name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        collection_name = d.pop("collectionName", UNSET)

        create_account = cls(
            id=id,
            name=name,
            collection_name=collection_name,
        )

        return create_account
