"""How fast a request must be accepted and resolved, per category, from config."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class Limits:
    accept: timedelta
    resolve: timedelta


@dataclass(frozen=True)
class SlaPolicy:
    """Defaults from the issue: urgent accepted within 30 min; others within 4 h, resolved in 3 days.

    The TOML file may say, e.g.:
        [sla]
        accept_hours = 4
        resolve_days = 3
        urgent_accept_minutes = 30
        [sla.category.water]
        accept_hours = 2
    """

    accept: timedelta = timedelta(hours=4)
    resolve: timedelta = timedelta(days=3)
    urgent_accept: timedelta = timedelta(minutes=30)
    per_category: dict[str, Limits] = field(default_factory=dict)

    def limits(self, category: str, urgent: bool) -> Limits:
        base = self.per_category.get(category, Limits(self.accept, self.resolve))
        if urgent:
            return Limits(min(self.urgent_accept, base.accept), base.resolve)
        return base

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> "SlaPolicy":
        section = section or {}
        default = cls()

        def read(data: dict[str, Any], base: Limits) -> Limits:
            accept = timedelta(hours=data["accept_hours"]) if "accept_hours" in data else base.accept
            resolve = timedelta(days=data["resolve_days"]) if "resolve_days" in data else base.resolve
            return Limits(accept, resolve)

        base = read(section, Limits(default.accept, default.resolve))
        urgent = (timedelta(minutes=section["urgent_accept_minutes"])
                  if "urgent_accept_minutes" in section else default.urgent_accept)
        per = {name: read(data, base) for name, data in section.get("category", {}).items()}
        return cls(base.accept, base.resolve, urgent, per)
