"""Tallies as numbers: pure computations over rows read by storage.stats."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.nlu import CATEGORY_LABELS
from bot.model.labels import address_label
from bot.tickets.sla import SlaPolicy
from storage.stats import TicketTally

STATUS_ORDER = ("open", "accepted", "resolved", "closed")
RATING_LABELS = {"3": "满意", "2": "基本满意", "1": "不满意"}
_RATING_CODES = {label: code for code, label in RATING_LABELS.items()}


def rating_code(value: str | None) -> str | None:
    """"3" or "满意" → "3": the ticket desk stores the label, older rows may hold the code."""
    if value in RATING_LABELS:
        return value
    return _RATING_CODES.get(value or "")


def median(values: list[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def median_span(spans: list[timedelta]) -> timedelta | None:
    m = median([s.total_seconds() for s in spans])
    return None if m is None else timedelta(seconds=m)


@dataclass(frozen=True)
class TicketNumbers:
    total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    median_accept: timedelta | None = None
    median_resolve: timedelta | None = None
    overdue: int = 0
    ratings: dict[str, int] = field(default_factory=dict)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfaction(self) -> int | None:
        """Percent of rated tickets rated 满意 or 基本满意."""
        if not self.rated:
            return None
        good = self.ratings.get("3", 0) + self.ratings.get("2", 0)
        return round(100 * good / self.rated)


def ticket_numbers(rows: list[dict[str, Any]], now: datetime, sla: SlaPolicy | None = None) -> TicketNumbers:
    """The tally of tickets given as rows with datetimes (storage.stats.tickets)."""
    def seconds(moment: datetime | None) -> float | None:
        return moment.timestamp() if moment is not None else None

    facts = [(r["category"], r["status"], r.get("urgent"), seconds(r["created_at"]),
              seconds(r.get("first_accepted_at") or r.get("accepted_at")), seconds(r.get("resolved_at")),
              r.get("escalations") or 0, r.get("rating")) for r in rows]
    return tally_facts(facts, now, sla)


def tally_facts(facts: list[tuple], now: datetime, sla: SlaPolicy | None = None) -> TicketNumbers:
    """The tally from storage.stats.ticket_facts: (category, status, urgent, created, first accepted,
    resolved, escalations, rating, …), times in seconds since 1970."""
    sla = sla or SlaPolicy()
    now_s = now.timestamp()
    categories: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    ratings: Counter[str] = Counter()
    accept: list[float] = []
    resolve: list[float] = []
    overdue = 0
    limits: dict[tuple[str, bool], tuple[float, float]] = {}
    for category, status, urgent, created, accepted, resolved, escalations, rating, *_ in facts:
        categories[category] += 1
        statuses[status] += 1
        key = (category, bool(urgent))
        if key not in limits:
            found = sla.limits(category, bool(urgent))
            limits[key] = (found.accept.total_seconds(), found.resolve.total_seconds())
        accept_limit, resolve_limit = limits[key]
        if accepted is not None:
            accept.append(accepted - created)
        if resolved is not None:
            resolve.append(resolved - created)
        end = resolved if resolved is not None else now_s
        # Late to accept (still waiting, or accepted after the limit) counts as much as late to resolve.
        waited_until = accepted if accepted is not None else (None if resolved is not None else now_s)
        accept_late = waited_until is not None and waited_until - created > accept_limit
        if escalations or end - created > resolve_limit or accept_late:
            overdue += 1
        code = rating_code(rating)
        if code:
            ratings[code] += 1
    order = {code: i for i, code in enumerate(CATEGORY_LABELS)}
    by_category = dict(sorted(categories.items(), key=lambda kv: (-kv[1], order.get(kv[0], 99))))
    by_status = {s: statuses[s] for s in STATUS_ORDER if statuses.get(s)}

    def span(values: list[float]) -> timedelta | None:
        m = median(values)
        return None if m is None else timedelta(seconds=m)

    return TicketNumbers(sum(categories.values()), by_category, by_status, span(accept), span(resolve), overdue,
                         {k: ratings[k] for k in RATING_LABELS if ratings.get(k)})


def sla_limits(sla: SlaPolicy | None = None) -> list[tuple[str | None, bool, float, float]]:
    """The limits as storage.stats.ticket_tally takes them: per (category, urgent) in seconds, and
    (None, urgent) for a category the policy does not name."""
    sla = sla or SlaPolicy()
    out: list[tuple[str | None, bool, float, float]] = []
    for category in (*CATEGORY_LABELS, None):
        for urgent in (False, True):
            found = sla.limits(category or "", urgent)
            out.append((category, urgent, found.accept.total_seconds(), found.resolve.total_seconds()))
    return out


def rating_values() -> dict[str, tuple[str, ...]]:
    """Each rating code with the values it is stored as (the ticket desk stores the label)."""
    return {code: (code, label) for code, label in RATING_LABELS.items()}


def numbers_from_tally(tally: TicketTally) -> TicketNumbers:
    """tally_facts' numbers from the counts SQLite made (storage.stats.ticket_tally)."""
    order = {code: i for i, code in enumerate(CATEGORY_LABELS)}
    counted = [(category, count) for category, count, *_ in tally.by_category]
    by_category = dict(sorted(counted, key=lambda kv: (-kv[1], order.get(kv[0], 99))))

    def span(seconds: float | None) -> timedelta | None:
        return None if seconds is None else timedelta(seconds=seconds)

    return TicketNumbers(sum(by_category.values()), by_category,
                         {s: tally.by_status[s] for s in STATUS_ORDER if tally.by_status.get(s)},
                         span(tally.median_accept), span(tally.median_resolve),
                         sum(row[2] for row in tally.by_category),
                         {k: tally.by_rating[k] for k in RATING_LABELS if tally.by_rating.get(k)})


@dataclass(frozen=True)
class Rate:
    label: str
    done: int
    expected: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.expected) if self.expected else 0


def responder_rates(targets: list[dict[str, Any]]) -> list[Rate]:
    """Per responder (the person expected): lines done of lines expected, best first."""
    done: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, t in enumerate(targets):
        name = t.get("person_name") or address_label(t["building"], t.get("unit"))
        first.setdefault(name, i)
        expected[name] += 1
        if t.get("done_at"):
            done[name] += 1
    rates = [Rate(name, done[name], expected[name]) for name in expected]
    return sorted(rates, key=lambda r: (-r.done / r.expected, first[r.label]))


def rates_from_counts(counts: list[dict[str, Any]]) -> list[Rate]:
    """responder_rates from storage.stats.responder_counts: per responder, best first."""
    done: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    first: dict[str, int] = {}
    for c in counts:
        name = c["person_name"] or address_label(c["place_building"], c.get("place_unit"))
        first[name] = min(first.get(name, c["first"]), c["first"])
        expected[name] += c["expected"]
        done[name] += c["done"]
    rates = [Rate(name, done[name], expected[name]) for name in expected]
    return sorted(rates, key=lambda r: (-r.done / r.expected, first[r.label]))


def place_rates(targets: list[dict[str, Any]]) -> list[Rate]:
    """Per unit (or building): lines done of lines expected, in place order."""
    done: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    keys: dict[str, tuple] = {}
    for t in targets:
        label = address_label(t["building"], t.get("unit"))
        keys[label] = (_natural(t["building"]), _natural(t.get("unit") or ""))
        expected[label] += 1
        if t.get("done_at"):
            done[label] += 1
    return [Rate(label, done[label], expected[label]) for label in sorted(expected, key=lambda k: keys[k])]


def task_totals(targets: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(tasks, lines done, lines expected)."""
    return (len({t["task_id"] for t in targets}), sum(1 for t in targets if t.get("done_at")), len(targets))


def _natural(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (1 << 30, name)
