"""The example rosters shipped in deploy/: what a new community copies and fills in."""
from collections import Counter
from pathlib import Path

import pytest

from bot.model.roles import Role
from bot.roster.io import read_roster

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.mark.parametrize("name", ["roster.example.xlsx", "roster.example.csv"])
def test_the_example_rosters_are_valid_and_have_every_role(name: str) -> None:
    roster, errors = read_roster(DEPLOY / name)

    assert errors == []
    assert {r.role for r in roster.rows} == set(Role)
    assert {r.community for r in roster.rows} == {"长山花园社区"}
    grid_of = {r.building: r.grid for r in roster.rows if r.building}
    assert grid_of == {"1": "第一网格", "2": "第一网格", "3": "第二网格", "5": "第二网格"}


def test_the_example_has_a_head_for_every_building_and_unit() -> None:
    roster, _ = read_roster(DEPLOY / "roster.example.xlsx")
    rows = roster.rows

    units = {(r.building, r.unit) for r in rows if r.unit}
    assert {(r.building, r.unit) for r in rows if r.role is Role.UNIT_HEAD} == units
    assert {r.building for r in rows if r.role is Role.BUILDING_HEAD} == {"1", "2", "3", "5"}
    assert all(2 <= n <= 4 for n in Counter(b for b, _ in units).values())
    assert {r.grid for r in rows if r.role is Role.GRID_WORKER} == {"第一网格", "第二网格"}
    assert ("祝兰红", "第一网格") in {(r.name, r.grid) for r in rows if r.role is Role.GRID_WORKER}
    assert "李红" in {r.name for r in rows if r.role is Role.UNIT_HEAD}
    # Specialists serve the whole community, not one grid.
    assert all(r.grid is None for r in rows if r.role in {Role.HEALTH, Role.LEGAL, Role.POLICE, Role.PROPERTY})
    assert all(r.building and r.unit and r.room for r in rows if r.role is Role.RESIDENT)


def test_the_example_shows_one_person_with_two_roles_and_fictional_phones() -> None:
    roster, _ = read_roster(DEPLOY / "roster.example.csv")
    rows = roster.rows

    roles_of: dict[str, set[Role]] = {}
    for r in rows:
        roles_of.setdefault(r.name, set()).add(r.role)
    assert any(roles == {Role.BUILDING_HEAD, Role.UNIT_HEAD} for roles in roles_of.values())
    phones = sorted({r.phone for r in rows})
    assert phones == [f"138{i:08d}" for i in range(1, len(phones) + 1)]
    assert all(r.telegram_id is None for r in rows)


def test_the_two_example_files_hold_the_same_roster() -> None:
    assert read_roster(DEPLOY / "roster.example.xlsx") == read_roster(DEPLOY / "roster.example.csv")
