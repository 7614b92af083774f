"""Domain objects the core works with: places, people, their roles, bound groups."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.model.labels import address_label
from bot.model.roles import Role


@dataclass(frozen=True)
class Grid:
    id: int
    community_id: int
    community: str
    name: str


@dataclass(frozen=True)
class Building:
    id: int
    community_id: int
    grid_id: int | None
    name: str


@dataclass(frozen=True)
class Assignment:
    """A role held at a place; unset levels are None."""

    role: Role
    community_id: int
    community: str
    grid_id: int | None = None
    grid: str | None = None
    building_id: int | None = None
    building: str | None = None
    unit_id: int | None = None
    unit: str | None = None
    room: str | None = None

    @property
    def place(self) -> str:
        """Where the role is held, in words: "第一网格", "5栋2单元", "长山花园社区"."""
        if self.building:
            return address_label(self.building, self.unit, self.room)
        return self.grid or self.community


@dataclass(frozen=True)
class Person:
    id: int
    community_id: int
    name: str
    phone: str | None
    telegram_id: int | None
    active: bool = True
    roles: tuple[Assignment, ...] = field(default=())
    # Made by the bot when a resident told it their address, not imported from the roster.
    self_registered: bool = False

    def has(self, *roles: Role) -> bool:
        return any(a.role in roles for a in self.roles)


@dataclass(frozen=True)
class GroupBinding:
    chat_id: int
    grid: Grid
    title: str | None
