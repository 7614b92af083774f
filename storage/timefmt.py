"""How times are written to the database: UTC, ISO 8601, sortable as text."""
from __future__ import annotations

from datetime import datetime, timezone


def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the database")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str | None) -> datetime | None:
    if text is None:
        return None
    # fromisoformat reads the trailing Z as UTC, and is many times quicker than strptime.
    return datetime.fromisoformat(text)
