"""How often each elder is visited, when a missed visit is escalated, and the other [elders] settings.

Config (all optional):
    [elders]
    visit_points = 1          # points per visit (once per elder per day per visitor); 0 gives none
    after_concern_hours = 24  # after a worrying visit, the next one is due within this many hours
    lost_case_hours = 24      # how long the bot relays between a finder and the family
    [elders.high]             # 重点 (红)
    every_days = 1            # visited at least once on every calendar day
    escalate_hours = 8        # hours after the reminder to the 包保人 before the grid worker hears
    [elders.medium]           # 一般 (黄)
    every_days = 7
    escalate_hours = 24
    [elders.low]              # 其他 (绿)
    every_days = 30
    escalate_hours = 48
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import ConfigError
from bot.model.elders import RISK_LABELS, RISK_LEVELS


@dataclass(frozen=True)
class LevelRule:
    every_days: int
    escalate_hours: float

    @property
    def escalate_after(self) -> timedelta:
        return timedelta(hours=self.escalate_hours)


DEFAULT_LEVELS: dict[str, LevelRule] = {
    "high": LevelRule(every_days=1, escalate_hours=8),
    "medium": LevelRule(every_days=7, escalate_hours=24),
    "low": LevelRule(every_days=30, escalate_hours=48),
}


def _number(section: dict[str, Any], key: str, default: float, where: str, minimum: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ConfigError(f"配置 [{where}] {key} 应是不小于 {minimum:g} 的数字, 现在是 {value!r}")
    return value


@dataclass(frozen=True)
class ElderRules:
    levels: dict[str, LevelRule] = field(default_factory=lambda: dict(DEFAULT_LEVELS))
    after_concern: timedelta = timedelta(hours=24)
    visit_points: int = 1
    lost_case: timedelta = timedelta(hours=24)

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> "ElderRules":
        section = section or {}
        levels = {}
        for level in RISK_LEVELS:
            sub = section.get(level, {})
            if not isinstance(sub, dict):
                raise ConfigError(f"配置 [elders.{level}] ({RISK_LABELS[level]}) 应是一节设置")
            default = DEFAULT_LEVELS[level]
            where = f"elders.{level}"
            every = _number(sub, "every_days", default.every_days, where, 1)
            if int(every) != every:
                raise ConfigError(f"配置 [{where}] every_days 应是整数天, 现在是 {every!r}")
            levels[level] = LevelRule(int(every), float(_number(sub, "escalate_hours", default.escalate_hours,
                                                                 where, 0)))
        return cls(
            levels=levels,
            after_concern=timedelta(hours=_number(section, "after_concern_hours", 24, "elders", 1)),
            visit_points=int(_number(section, "visit_points", 1, "elders", 0)),
            lost_case=timedelta(hours=_number(section, "lost_case_hours", 24, "elders", 1)),
        )

    def next_due(self, risk: str, since: datetime, zone: ZoneInfo, concern: bool = False) -> datetime:
        """When the next visit is due after `since` (a visit, or the day the elder was registered).

        "Every N days" counts calendar days: visited on Monday, a weekly visit is due by the end of the
        next Monday, whatever the hour. After a worrying visit someone goes again within hours.
        """
        day = since.astimezone(zone).date() + timedelta(days=self.levels[risk].every_days + 1)
        regular = datetime.combine(day, time(0), zone).astimezone(since.tzinfo)
        if concern:
            return min(regular, since + self.after_concern)
        return regular

    def escalate_after(self, risk: str) -> timedelta:
        return self.levels[risk].escalate_after
