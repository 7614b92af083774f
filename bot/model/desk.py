"""What the web desk is asked for: whose requests, filtered how, overdue from when. Pure values."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.model.tickets import Ticket


@dataclass(frozen=True)
class TicketScope:
    """The requests someone works with on the desk: a whole community (admins), some grids (grid
    workers), some fields, in a grid or everywhere (specialists), and always those handed to them."""

    community_id: int
    person_id: int
    everything: bool = False
    grid_ids: frozenset[int] = frozenset()
    # (categories, grid or None for the whole community) per specialist role held.
    fields: tuple[tuple[frozenset[str], int | None], ...] = ()

    def covers(self, ticket: Ticket) -> bool:
        if ticket.community_id != self.community_id:
            return False
        if self.everything or ticket.assignee_person_id == self.person_id:
            return True
        if ticket.grid_id is not None and ticket.grid_id in self.grid_ids:
            return True
        return any(ticket.category in cats and (grid is None or grid == ticket.grid_id)
                   for cats, grid in self.fields)


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
