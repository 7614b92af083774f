"""Tasks, notices and points as data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.model.labels import address_label

AUDIENCE_LABELS = {"unit": "单元长", "building": "楼栋长"}
TASK_STATUS_LABELS = {"open": "进行中", "done": "已完成", "cancelled": "已取消"}


@dataclass(frozen=True)
class NewTask:
    """A task as a grid worker hands it out, before it is stored."""

    community_id: int
    grid_id: int | None
    chat_id: int
    source_message_id: int | None
    title: str
    topic: str | None
    text: str
    audience: str
    deadline: datetime | None
    creator_person_id: int | None
    creator_tg: int | None
    creator_name: str


@dataclass(frozen=True)
class Task(NewTask):
    """A task as stored: what was handed out, plus where it stands."""

    id: int
    status: str
    card_ref: str | None
    version: int
    created_at: datetime
    closed_at: datetime | None = None
    summary_sent_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Slot:
    """A place a task expects an answer from, before it is stored: a unit, or a whole building."""

    building: str
    unit: str | None
    person_id: int | None
    person_name: str | None

    @property
    def label(self) -> str:
        return address_label(self.building, self.unit)


@dataclass(frozen=True)
class Target:
    id: int
    task_id: int
    building: str
    unit: str | None
    person_id: int | None
    person_name: str | None
    done_at: datetime | None = None
    done_by_person_id: int | None = None
    done_by_name: str | None = None
    done_how: str | None = None

    @property
    def label(self) -> str:
        return address_label(self.building, self.unit)

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class Completion:
    id: int
    task_id: int
    target_id: int | None
    person_id: int | None
    telegram_id: int | None
    name: str
    how: str
    text: str | None
    at: datetime


@dataclass(frozen=True)
class Notice:
    id: int
    community_id: int
    grid_id: int | None
    chat_id: int
    source_message_id: int | None
    text: str
    creator_person_id: int | None
    creator_tg: int | None
    creator_name: str
    card_ref: str | None
    created_at: datetime
    quoted: bool = True  # the card repeats the text (from /notice) or answers the message that holds it


@dataclass(frozen=True)
class Reader:
    """Someone a notice expects to read it."""

    person_id: int
    name: str
    telegram_id: int | None


@dataclass(frozen=True)
class Ack:
    notice_id: int
    telegram_id: int
    person_id: int | None
    name: str
    how: str
    at: datetime


@dataclass(frozen=True)
class Award:
    person_id: int
    name: str
    amount: int
    reason: str
    source: str
    at: datetime

