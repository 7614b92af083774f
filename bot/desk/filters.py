"""What the 诉求 list on the desk is filtered and sorted by, read from a page's query string."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.nlu import CATEGORY_LABELS
from bot.places import normalize_building
from bot.tickets.model import STATUS_LABELS
from bot.tickets.sla import SlaPolicy

PAGE_SIZE = 50
MAX_PAGE = 10_000
MAX_WORDS = 5
STATUS_CHOICES = {"active": "未办结", **STATUS_LABELS}
SORTS = {
    "new": "最新登记在前",
    "old": "最早登记在前",
    "urgent": "紧急的在前",
    "category": "按类别",
    "grid": "按网格",
}
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class TicketFilter:
    status: str | None = None
    category: str | None = None
    grid_id: int | None = None
    building: str | None = None
    urgent: bool = False
    overdue: bool = False
    first_day: date | None = None
    last_day: date | None = None
    words: tuple[str, ...] = ()
    sort: str = "new"
    page: int = 1
    # What was typed and could not be used, said back on the page rather than silently dropped.
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, query) -> "TicketFilter":
        """From a page's query string; anything unknown or out of range is left out, and said so."""
        problems: list[str] = []

        def pick(name: str, allowed) -> str | None:
            value = (query.get(name) or "").strip()
            if not value:
                return None
            if value not in allowed:
                problems.append(f"「{value[:20]}」不是可选的值, 已忽略")
                return None
            return value

        def number(name: str, low: int, high: int) -> int | None:
            value = (query.get(name) or "").strip()
            if not value:
                return None
            if not value.isdigit() or not low <= int(value) <= high:
                problems.append(f"「{value[:20]}」不是有效的编号, 已忽略")
                return None
            return int(value)

        def day(name: str) -> date | None:
            value = (query.get(name) or "").strip()
            if not value:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                problems.append(f"日期「{value[:20]}」看不懂, 请写成 2026-11-01")
                return None

        building = (query.get("building") or "").strip()[:20] or None
        if building is not None:
            building = normalize_building(building) or None
        first, last = day("from"), day("to")
        if first and last and last < first:
            problems.append("结束日期早于开始日期, 已对调")
            first, last = last, first
        words = tuple(w[:30] for w in _WORDS.findall((query.get("q") or "")[:200]))[:MAX_WORDS]
        return cls(
            status=pick("status", STATUS_CHOICES),
            category=pick("category", CATEGORY_LABELS),
            grid_id=number("grid", 1, 2**62),
            building=building,
            urgent=query.get("urgent") == "1",
            overdue=query.get("overdue") == "1",
            first_day=first, last_day=last, words=words,
            sort=pick("sort", SORTS) or "new",
            page=number("page", 1, MAX_PAGE) or 1,
            problems=tuple(problems),
        )

    def window(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The date range as [start, end) instants: whole local days."""
        start = datetime.combine(self.first_day, time(0), zone) if self.first_day else None
        end = datetime.combine(self.last_day + timedelta(days=1), time(0), zone) if self.last_day else None
        return start, end

    def query(self, **changes) -> str:
        """This filter as a query string, with some parts changed (another page, another sort)."""
        f = replace(self, **changes)
        pairs = {
            "status": f.status, "category": f.category, "grid": f.grid_id, "building": f.building,
            "urgent": "1" if f.urgent else None, "overdue": "1" if f.overdue else None,
            "from": f.first_day.isoformat() if f.first_day else None,
            "to": f.last_day.isoformat() if f.last_day else None,
            "q": " ".join(f.words) or None, "sort": f.sort if f.sort != "new" else None,
            "page": f.page if f.page != 1 else None,
        }
        return urlencode({k: v for k, v in pairs.items() if v is not None})


@dataclass(frozen=True)
class Cutoffs:
    """When a still-open request counts as overdue, as moments to compare with in the database:
    accepted too late (from its assignment), or not resolved in time (from its report)."""

    accept: dict[str, datetime]
    urgent_accept: dict[str, datetime]
    resolve: dict[str, datetime]
    default_accept: datetime
    default_urgent_accept: datetime
    default_resolve: datetime

    @classmethod
    def at(cls, now: datetime, sla: SlaPolicy) -> "Cutoffs":
        cats = sla.per_category
        return cls(
            accept={c: now - sla.limits(c, False).accept for c in cats},
            urgent_accept={c: now - sla.limits(c, True).accept for c in cats},
            resolve={c: now - sla.limits(c, False).resolve for c in cats},
            default_accept=now - sla.limits("", False).accept,
            default_urgent_accept=now - sla.limits("", True).accept,
            default_resolve=now - sla.limits("", False).resolve,
        )
