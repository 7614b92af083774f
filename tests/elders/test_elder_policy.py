"""bot.policy for elders, as a table: who may see an elder's record, log a visit, answer a lost-elder alert."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.model.domain import Assignment, Person
from bot.model.elders import Elder, Responder
from bot.policy import (ElderScope, elders_seen_by, is_lost_responder, may_log_visit, may_see_elder,
                        may_talk_to_finder, visits_logged_by)
from bot.model.roles import Role

C, OTHER_C = 1, 2  # community ids
G1, G2 = 11, 12  # grid ids of community 1
NOW = datetime(2026, 11, 18, tzinfo=timezone.utc)
ELDER = Elder(id=7, community_id=C, grid_id=G1, name="王秀兰", building="1", unit="1", room="101", risk="high",
              next_due_at=NOW, cycle_start_at=NOW, keeper_ids=(100,))


def person(pid: int, *roles: tuple, community: int = C, active: bool = True) -> Person:
    assignments = tuple(Assignment(role, community, "社区", grid_id=grid, building=building)
                        for role, grid, building in roles)
    return Person(pid, community, f"p{pid}", None, pid * 10, active, assignments)


KEEPER = person(100, (Role.UNIT_HEAD, G1, "1"))
CASES = [
    # who,                                                     see,   log
    (KEEPER,                                                   True,  True),
    (person(101, (Role.GRID_WORKER, G1, None)),                True,  True),
    (person(102, (Role.GRID_WORKER, G2, None)),                False, False),
    (person(103, (Role.HEALTH, None, None)),                   True,  True),
    (person(104, (Role.HEALTH, G2, None)),                     False, False),
    (person(105, (Role.ADMIN, None, None)),                    True,  True),
    (person(106, (Role.ADMIN, None, None), community=OTHER_C), False, False),
    (person(107, (Role.UNIT_HEAD, G1, "1")),                   False, True),   # same building
    (person(108, (Role.BUILDING_HEAD, G1, "2")),               False, False),  # another building
    (person(109, (Role.VOLUNTEER, None, None)),                False, True),   # 天天敲门组
    (person(110, (Role.POLICE, None, None)),                   False, False),
    (person(111, (Role.LEGAL, None, None)),                    False, False),
    (person(112, (Role.RESIDENT, G1, "1")),                    False, False),  # a neighbour
    (person(100, (Role.UNIT_HEAD, G1, "1"), active=False),     False, False),  # a keeper who left the roster
    (None,                                                     False, False),
]


@pytest.mark.parametrize("who, sees, logs", CASES)
def test_who_may_see_an_elder_and_log_a_visit(who, sees, logs):
    assert may_see_elder(who, ELDER) is sees
    assert may_log_visit(who, ELDER) is logs


@pytest.mark.parametrize("role, grid, alerted", [
    (Role.ADMIN, None, True), (Role.POLICE, None, True), (Role.POLICE, G1, True), (Role.POLICE, G2, False),
    (Role.GRID_WORKER, G1, True), (Role.GRID_WORKER, G2, False), (Role.HEALTH, None, False),
    (Role.UNIT_HEAD, G1, False), (Role.VOLUNTEER, None, False), (Role.RESIDENT, G1, False),
])
def test_who_is_alerted_when_the_code_is_scanned(role, grid, alerted):
    assert is_lost_responder(Assignment(role, C, "社区", grid_id=grid), ELDER) is alerted
    assert not is_lost_responder(Assignment(role, OTHER_C, "社区", grid_id=grid), ELDER)


def test_only_the_alerted_may_talk_to_the_finder():
    responders = [Responder(1, 555, 100, "李红", "community")]
    assert may_talk_to_finder(555, responders)
    assert not may_talk_to_finder(556, responders)
    assert not may_talk_to_finder(None, responders)


@pytest.mark.parametrize("who, seen, logged", [
    (person(105, (Role.ADMIN, None, None)), ElderScope(C), ElderScope(C)),
    (person(101, (Role.GRID_WORKER, G1, None)), ElderScope(C, frozenset({G1})), ElderScope(C, frozenset({G1}))),
    (person(107, (Role.UNIT_HEAD, G1, "1")), None, ElderScope(C, frozenset(), frozenset({"1"}))),
    (person(109, (Role.VOLUNTEER, None, None)), None, ElderScope(C)),
    (person(112, (Role.RESIDENT, G1, "1")), None, None),
])
def test_which_elders_someone_may_look_through(who, seen, logged):
    assert elders_seen_by(who) == seen
    assert visits_logged_by(who) == logged
