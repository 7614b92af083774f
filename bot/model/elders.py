"""Elders, their risk levels and categories, visits and scans, as the core sees them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.model.labels import address_label

RISK_LEVELS: tuple[str, ...] = ("high", "medium", "low")
RISK_LABELS: dict[str, str] = {"high": "重点", "medium": "一般", "low": "其他"}
# What people write in the 风险等级 column besides the labels.
RISK_ALIASES: dict[str, str] = {
    "重点": "high", "红": "high", "红色": "high", "高": "high", "重点关注": "high", "high": "high",
    "一般": "medium", "黄": "medium", "黄色": "medium", "中": "medium", "一般关注": "medium", "medium": "medium",
    "其他": "low", "其它": "low", "绿": "low", "绿色": "low", "低": "low", "日常": "low", "low": "low",
}

CATEGORIES: tuple[str, ...] = ("独居", "空巢", "失能", "失智", "残疾", "患病", "高龄")
CATEGORY_ALIASES: dict[str, str] = {
    **{c: c for c in CATEGORIES},
    "孤寡": "独居", "独居老人": "独居", "空巢老人": "空巢", "半失能": "失能", "失能老人": "失能",
    "痴呆": "失智", "认知障碍": "失智", "阿尔茨海默": "失智", "老年痴呆": "失智", "残障": "残疾", "残疾人": "残疾",
    "慢性病": "患病", "重病": "患病", "生病": "患病", "病人": "患病", "大病": "患病", "高龄老人": "高龄",
}

# Two-character surnames: the given name starts after them.
_COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙", "宇文",
    "司徒", "端木", "独孤", "南宫", "西门", "轩辕", "呼延", "百里", "东郭", "万俟", "闻人", "澹台", "申屠",
})
_QUALIFIER = re.compile(r"[(（][^)）]*[)）]\s*$")


def bare_name(name: str) -> str:
    """The name without a qualifier the sheet adds to tell namesakes apart: "王秀英(3栋)" → "王秀英"."""
    return _QUALIFIER.sub("", name).strip() or name


def surname(name: str) -> str:
    name = bare_name(name)
    return name[:2] if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else name[:1]


def given_name(name: str) -> str:
    """What a stranger may be told: "王秀英" → "秀英", "欧阳春兰" → "春兰", a one-character name as it is."""
    name = bare_name(name)
    rest = name[len(surname(name)):]
    return rest or name


@dataclass(frozen=True)
class Elder:
    id: int
    community_id: int
    grid_id: int | None
    name: str
    building: str
    unit: str | None
    room: str | None
    risk: str
    next_due_at: datetime
    cycle_start_at: datetime
    cycle: int = 1
    categories: tuple[str, ...] = ()
    family_name: str | None = None
    family_phone: str | None = None
    health_note: str | None = None
    photo_name: str | None = None
    has_photo: bool = False
    active: bool = True
    last_visit_at: datetime | None = None
    grid: str | None = None
    keeper_ids: tuple[int, ...] = field(default=())

    @property
    def address(self) -> str:
        return address_label(self.building, self.unit, self.room)

    @property
    def risk_label(self) -> str:
        return RISK_LABELS[self.risk]

    @property
    def given_name(self) -> str:
        return given_name(self.name)

    def overdue(self, now: datetime) -> bool:
        return self.active and self.next_due_at <= now


@dataclass(frozen=True)
class Visit:
    id: int
    elder_id: int
    person_id: int | None
    visitor_name: str
    at: datetime
    outcome: str  # "ok" | "concern"
    how: str  # "words" | "button" | "reminder"
    said: str | None = None
    note: str | None = None
    due_at: datetime | None = None
    ticket_id: int | None = None

    @property
    def worrying(self) -> bool:
        return self.outcome == "concern"


@dataclass(frozen=True)
class Scan:
    """One scan of a 防走失 code; an open scan is a case the responders are working on."""

    id: int
    elder_id: int | None
    token: str
    finder_tg: int
    at: datetime
    status: str
    latitude: float | None = None
    longitude: float | None = None
    finder_phone: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Responder:
    scan_id: int
    telegram_id: int
    person_id: int | None
    name: str
    side: str  # "family" | "community" | "police"


@dataclass(frozen=True)
class ElderRow:
    """One checked line of an elders sheet, before it is matched against the roster.

    Places are normalised like the roster's ("5", "2"); keepers are roster names as written.
    """

    line: int
    name: str
    building: str
    unit: str | None
    room: str | None
    risk: str
    categories: tuple[str, ...] = ()
    keepers: tuple[str, ...] = ()
    family_name: str | None = None
    family_phone: str | None = None
    health_note: str | None = None
    photo: str | None = None  # the file name as written in the sheet
    community: str | None = None
