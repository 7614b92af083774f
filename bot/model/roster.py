"""Roster rows as the core sees them, after a spreadsheet has been read and checked."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.model.roles import Role


@dataclass(frozen=True)
class RosterRow:
    """One checked line of a roster file.

    A row without a name only declares a place. Places are normalised: building and unit are
    bare labels ("5", "2"), never "5栋" or "二单元"; empty levels are None.
    """

    line: int  # 1-based line in the file, header included, for messages
    community: str
    grid: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    role: Role | None = None
    name: str | None = None
    phone: str | None = None  # digits only, e.g. "13800000001"
    telegram_id: int | None = None

    @property
    def is_person(self) -> bool:
        return self.name is not None


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)


@dataclass(frozen=True)
class RosterError:
    line: int
    column: str | None  # the header as written in the file, None for whole-row problems
    message: str

    def __str__(self) -> str:
        where = f"第{self.line}行"
        if self.column:
            where += f"「{self.column}」列"
        return f"{where}: {self.message}"
