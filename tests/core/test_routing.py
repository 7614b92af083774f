"""Who gets a request: the routing table, read as the rules a community secretary would state."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.jobs import after_quiet_hours
from bot.model.roles import Role
from bot.tickets.routing import Directory, route
from bot.tickets.sla import SlaPolicy

GRID_1, GRID_2 = 1, 2
ZHU, SUN, ADMIN, NURSE, NURSE_GRID_2, POLICE, PROPERTY, LAWYER = range(10, 18)

COMMUNITY = Directory(
    community_id=1,
    grid_workers={GRID_1: (ZHU,), GRID_2: (SUN,)},
    specialists={
        (Role.HEALTH, None): (NURSE,),
        (Role.HEALTH, GRID_2): (NURSE_GRID_2,),
        (Role.POLICE, None): (POLICE,),
        (Role.PROPERTY, None): (PROPERTY,),
        (Role.LEGAL, None): (LAWYER,),
    },
    admins=(ADMIN,),
)
NO_SPECIALISTS = Directory(community_id=1, grid_workers={GRID_1: (ZHU,)}, admins=(ADMIN,))


@pytest.mark.parametrize(
    "category, grids, owner, reason",
    [
        ("water", [GRID_1], ZHU, "grid_worker"),          # pipes: the building's grid worker
        ("water", [GRID_2, GRID_1], SUN, "grid_worker"),  # the building named wins over the group's grid
        ("health", [GRID_1], NURSE, "specialist"),        # community health worker
        ("health", [GRID_2], NURSE_GRID_2, "specialist"), # the grid's own health worker first
        ("legal", [GRID_1], LAWYER, "specialist"),
        ("safety", [GRID_1], POLICE, "specialist"),
        ("facility", [GRID_1], PROPERTY, "specialist"),   # lifts, doors, roofs: the property company
        ("sanitation", [GRID_1], PROPERTY, "specialist"),
        ("property", [GRID_1], PROPERTY, "specialist"),
        ("noise", [GRID_1], ZHU, "grid_worker"),
        ("other", [], ADMIN, "admin"),                    # no place known: the community decides
    ],
)
def test_a_request_goes_to_its_owner(category, grids, owner, reason):
    decision = route(category, False, grids, COMMUNITY)
    assert (decision.assignee, decision.reason) == (owner, reason)
    assert decision.also_notify == ()


def test_without_a_specialist_the_grid_worker_takes_it():
    assert route("health", False, [GRID_1], NO_SPECIALISTS).assignee == ZHU


def test_urgent_goes_to_the_grid_worker_and_the_admin_at_once():
    decision = route("noise", True, [GRID_1], COMMUNITY)
    assert decision.assignee == ZHU and decision.also_notify == (ADMIN,)


@pytest.mark.parametrize("category, helper", [("heating_gas", PROPERTY), ("facility", PROPERTY),
                                              ("water", PROPERTY), ("elderly", NURSE)])
def test_urgent_also_reaches_whoever_can_act_on_it(category, helper):
    decision = route(category, True, [GRID_1], COMMUNITY)
    assert decision.assignee == ZHU and decision.also_notify == (ADMIN, helper)


def test_urgent_safety_also_alerts_the_police():
    decision = route("safety", True, [GRID_1], COMMUNITY)
    assert decision.assignee == ZHU and decision.also_notify == (ADMIN, POLICE)


def test_someone_who_handed_it_back_does_not_get_it_again():
    assert route("water", False, [GRID_1], COMMUNITY, exclude=frozenset({ZHU})).assignee == ADMIN


def test_nobody_in_the_roster_means_nobody():
    assert route("water", False, [], Directory(community_id=1)).reason == "nobody"


def test_time_limits_default_and_from_config():
    default = SlaPolicy()
    assert default.limits("water", urgent=True).accept == timedelta(minutes=30)
    assert default.limits("water", urgent=False).accept == timedelta(hours=4)
    assert default.limits("water", urgent=False).resolve == timedelta(days=3)
    custom = SlaPolicy.from_config({"accept_hours": 6, "category": {"water": {"accept_hours": 2}}})
    assert custom.limits("water", False).accept == timedelta(hours=2)
    assert custom.limits("noise", False).accept == timedelta(hours=6)
    assert custom.limits("water", False).resolve == timedelta(days=3)


SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "local, expected",
    [
        ("2026-11-18 20:00", "2026-11-18 20:00"),  # evening, still fine
        ("2026-11-18 21:45", "2026-11-19 07:30"),  # after 21:30 waits for the morning
        ("2026-11-19 03:00", "2026-11-19 07:30"),
        ("2026-11-19 07:30", "2026-11-19 07:30"),
    ],
)
def test_quiet_hours_push_reminders_to_the_morning(local, expected):
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI).astimezone(timezone.utc)
    result = after_quiet_hours(moment, SHANGHAI, time(21, 30), time(7, 30)).astimezone(SHANGHAI)
    assert result.strftime("%Y-%m-%d %H:%M") == expected


def test_urgent_with_no_known_place_alerts_every_grid_worker():
    decision = route("noise", True, [], COMMUNITY)
    assert decision.assignee == ADMIN
    assert set(decision.also_notify) == {ZHU, SUN}


@pytest.mark.parametrize(
    "category, text, number",
    [
        ("safety", "家里厨房着火了, 好大的烟", "119"),
        ("heating_gas", "楼道里煤气味很大", "119"),
        ("elderly", "老人在楼梯上摔倒了起不来", "120"),
        ("safety", "有人在楼下打架", "110"),
    ],
)
def test_the_number_to_call_follows_what_happened(category, text, number):
    from bot.tickets.routing import emergency_number

    assert emergency_number(category, text) == number
