"""The weekly digest: a short, friendly word to each grid group, with a chart.

Config (all optional):
    [digest]
    enabled = true
    weekday = 1          # 1 = Monday … 7 = Sunday (or "monday")
    time = "08:30"
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.nlu import CATEGORY_LABELS
from bot.tasks.stats import Rate, TicketNumbers
from bot.texts import e

DIGEST_JOB = "weekly_digest"
# A digest more than this late (the bot was down) is skipped: last week's news is stale by then.
DIGEST_GRACE = timedelta(hours=12)
_WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
             "周一": 1, "周二": 2, "周三": 3, "周四": 4, "周五": 5, "周六": 6, "周日": 7, "周天": 7}


@dataclass(frozen=True)
class DigestSettings:
    enabled: bool = True
    weekday: int = 1
    at: time = time(8, 30)

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> "DigestSettings":
        section = section or {}
        weekday = section.get("weekday", 1)
        if isinstance(weekday, str):
            weekday = _WEEKDAYS.get(weekday.strip().lower(), int(weekday) if weekday.isdigit() else 1)
        if not 1 <= int(weekday) <= 7:
            weekday = 1
        return cls(bool(section.get("enabled", True)), int(weekday),
                   time.fromisoformat(str(section.get("time", "08:30"))))

    def slot_on(self, day: date, zone: ZoneInfo) -> datetime:
        return datetime.combine(day, self.at, zone)

    def is_slot(self, moment: datetime, zone: ZoneInfo) -> bool:
        local = moment.astimezone(zone)
        return local.isoweekday() == self.weekday and local.time().replace(second=0, microsecond=0) == self.at

    def next_slot(self, after: datetime, zone: ZoneInfo) -> datetime:
        day = after.astimezone(zone).date()
        for i in range(8):
            candidate = self.slot_on(day + timedelta(days=i), zone)
            if candidate.isoweekday() == self.weekday and candidate > after:
                return candidate
        raise AssertionError("no slot within a week")  # pragma: no cover


def week_before(slot: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The seven days before the digest's day: [start, end) in local midnights."""
    end = datetime.combine(slot.astimezone(zone).date(), time(0), zone)
    return end - timedelta(days=7), end


def period_label(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """("11月2日–11月8日", "11/2-11/8"): in words for the text, in digits for the chart."""
    a, b = start.astimezone(zone), (end - timedelta(seconds=1)).astimezone(zone)
    return f"{a.month}月{a.day}日–{b.month}月{b.day}日", f"{a.month}/{a.day}-{b.month}/{b.day}"


def _span(delta: timedelta | None) -> str:
    from bot.tasks.render import span

    return span(delta) if delta is not None else "-"


def digest_text(grid_name: str, period: str, tickets: TicketNumbers, tasks: tuple[int, int, int],
                low: list[Rate], points: list[tuple[int, str, int]], extra: list[str] = ()) -> str:
    lines = [f"📊 <b>{e(grid_name)} 上周小结</b> ({period})"]
    if tickets.total:
        resolved = tickets.by_status.get("resolved", 0) + tickets.by_status.get("closed", 0)
        lines.append(f"诉求 {tickets.total} 件, 已办结 {resolved} 件"
                     + (f", 超时 {tickets.overdue} 件" if tickets.overdue else "") + "。")
        top = " · ".join(f"{CATEGORY_LABELS.get(c, '其他')} {n}" for c, n in list(tickets.by_category.items())[:3])
        lines.append(f"最多的是: {top}")
        lines.append(f"接单用时中位数 {_span(tickets.median_accept)}, 办结用时中位数 {_span(tickets.median_resolve)}"
                     + (f", 满意率 {tickets.satisfaction}%" if tickets.satisfaction is not None else "") + "。")
    else:
        lines.append("上周没有新的诉求, 大家辛苦了。")
    count, done, expected = tasks
    if count:
        rate = round(100 * done / expected) if expected else 0
        lines.append(f"任务 {count} 项, 完成 {done}/{expected} ({rate}%)。")
        if low:
            lines.append("还差一点的: " + "、".join(f"{e(r.label)} {r.done}/{r.expected}" for r in low[:3]))
    if points:
        lines.append("积分: " + " · ".join(f"{e(name)} {total}分" for _, name, total in points[:3]))
    lines += [e(line) for line in extra]  # e.g. "探访: 应访 12, 已访 10, 逾期 2"
    lines.append("新的一周, 有事随时在群里说。")
    return "\n".join(lines)
