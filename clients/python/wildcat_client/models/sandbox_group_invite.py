from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxGroupInvite")


@_attrs_define
class SandboxGroupInvite:
    """
    Attributes:
        subject (str | Unset):  Default: 'Sandbox group'.
    """

    subject: str | Unset = "Sandbox group"

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if subject is not UNSET:
            field_dict["subject"] = subject

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        subject = d.pop("subject", UNSET)

        sandbox_group_invite = cls(
            subject=subject,
        )

        return sandbox_group_invite
