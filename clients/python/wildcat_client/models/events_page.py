from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.events_page_events_item import EventsPageEventsItem


T = TypeVar("T", bound="EventsPage")


@_attrs_define
class EventsPage:
    """
    Attributes:
        ok (bool): Always true on success
        events (list[EventsPageEventsItem]): Events in cursor order, each the webhook body plus its `cursor`
        next_ (int): Pass as `after` for the next page (or to /ws?after=)
        has_more (bool):
    """

    ok: bool
    events: list[EventsPageEventsItem]
    next_: int
    has_more: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        next_ = self.next_

        has_more = self.has_more

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "events": events,
                "next": next_,
                "hasMore": has_more,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.events_page_events_item import EventsPageEventsItem

        d = dict(src_dict)
        ok = d.pop("ok")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = EventsPageEventsItem.from_dict(events_item_data)

            events.append(events_item)

        next_ = d.pop("next")

        has_more = d.pop("hasMore")

        events_page = cls(
            ok=ok,
            events=events,
            next_=next_,
            has_more=has_more,
        )

        events_page.additional_properties = d
        return events_page

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
