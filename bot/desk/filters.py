"""What the 诉求 list on the desk is filtered and sorted by, read from a page's query string."""
from __future__ import annotations

import re
from datetime import date, datetime

from bot.nlu import CATEGORY_LABELS
from bot.nlu.addresses import normalize_building
from bot.model.desk import Cutoffs, TicketFilter
from bot.model.tickets import STATUS_LABELS
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


def filter_from_query(query) -> TicketFilter:
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
    return TicketFilter(
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


def cutoffs_at(now: datetime, sla: SlaPolicy) -> Cutoffs:
    """When a still-open request counts as overdue, by the time limits now."""
    cats = sla.per_category
    return Cutoffs(
        accept={c: now - sla.limits(c, False).accept for c in cats},
        urgent_accept={c: now - sla.limits(c, True).accept for c in cats},
        resolve={c: now - sla.limits(c, False).resolve for c in cats},
        default_accept=now - sla.limits("", False).accept,
        default_urgent_accept=now - sla.limits("", True).accept,
        default_resolve=now - sla.limits("", False).resolve,
    )
