from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SendPoll")


@_attrs_define
class SendPoll:
    """
    Attributes:
        to (str): A WhatsApp JID or an international phone number
        question (str):
        options (list[str]):
        multiple (bool | Unset):  Default: False.
    """

    to: str
    question: str
    options: list[str]
    multiple: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        question = self.question

        options = self.options

        multiple = self.multiple

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
                "question": question,
                "options": options,
            }
        )
        if multiple is not UNSET:
            field_dict["multiple"] = multiple

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        to = d.pop("to")

        question = d.pop("question")

        options = cast(list[str], d.pop("options"))

        multiple = d.pop("multiple", UNSET)

        send_poll = cls(
            to=to,
            question=question,
            options=options,
            multiple=multiple,
        )

        return send_poll
