"""The ticket and its history as data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.model.labels import address_label
from bot.model.roles import Role

STATUS_LABELS = {
    "open": "待接单",
    "accepted": "处理中",
    "resolved": "已办结",
    "closed": "已关闭",
}
OPEN_STATUSES = ("open", "accepted")


@dataclass(frozen=True)
class NewTicket:
    """A request as reported and routed, before it has a number."""

    community_id: int
    grid_id: int | None
    building: str | None
    unit: str | None
    room: str | None
    category: str
    urgent: bool
    text: str
    reporter_tg: int | None
    reporter_person_id: int | None
    reporter_name: str
    source_chat_id: int
    source_message_id: int | None
    assignee_person_id: int | None


@dataclass(frozen=True)
class Ticket(NewTicket):
    """A request as stored: what was reported, plus where it stands."""

    id: int
    status: str
    created_at: datetime
    assigned_at: datetime
    assign_seq: int = 1
    card_ref: str | None = None
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    rating: str | None = None
    rating_comment: str | None = None

    @property
    def place(self) -> str:
        return address_label(self.building, self.unit, self.room)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class TicketEvent:
    at: datetime
    actor_name: str | None
    kind: str
    detail: str | None
    via: str | None = None  # "网页" for a change made on the web desk


# A request in these fields goes to the field's specialist where the roster has one.
SPECIALIST_FOR: dict[str, Role] = {
    "health": Role.HEALTH,
    "legal": Role.LEGAL,
    "safety": Role.POLICE,
    "property": Role.PROPERTY,
    "facility": Role.PROPERTY,
    "sanitation": Role.PROPERTY,
}
