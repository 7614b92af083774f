"""Who may do what, read as the rules a community secretary would state."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bot import policy
from bot.model.domain import Assignment, Grid, Person
from bot.model.roles import Role
from bot.model.tickets import Ticket

COMMUNITY, OTHER_COMMUNITY = 1, 2
GRID_1 = Grid(1, COMMUNITY, "长山花园社区", "第一网格")
GRID_2 = Grid(2, COMMUNITY, "长山花园社区", "第二网格")
FAR_GRID = Grid(3, OTHER_COMMUNITY, "别的社区", "第一网格")
REPORTER_TG, STRANGER_TG = 5001, 5002


def person(pid: int, *roles: tuple[Role, int, int | None], telegram_id: int | None = None,
           self_registered: bool = False) -> Person:
    return Person(pid, roles[0][1] if roles else COMMUNITY, f"p{pid}", None, telegram_id,
                  roles=tuple(Assignment(role, community, "c", grid) for role, community, grid in roles),
                  self_registered=self_registered)


ZHU = person(10, (Role.GRID_WORKER, COMMUNITY, 1), telegram_id=10)        # grid 1's worker
SUN = person(11, (Role.GRID_WORKER, COMMUNITY, 2), telegram_id=11)        # grid 2's worker
ADMIN = person(12, (Role.ADMIN, COMMUNITY, None), telegram_id=12)
FAR_ADMIN = person(13, (Role.ADMIN, OTHER_COMMUNITY, None), telegram_id=13)
NURSE = person(14, (Role.HEALTH, COMMUNITY, None), telegram_id=14)        # the owner of TICKET below
LI = person(15, (Role.UNIT_HEAD, COMMUNITY, 1), telegram_id=REPORTER_TG)  # the reporter
WANG = person(16, (Role.UNIT_HEAD, COMMUNITY, 1), telegram_id=16)         # her neighbour, a unit head too
SELF_MADE = person(17, (Role.RESIDENT, COMMUNITY, 1), telegram_id=17, self_registered=True)

TICKET = Ticket(
    community_id=COMMUNITY, grid_id=1, building="1", unit="3", room="201", category="health",
    urgent=False, text="老人血压高", reporter_tg=REPORTER_TG, reporter_person_id=LI.id, reporter_name="李红",
    source_chat_id=-100, source_message_id=7, assignee_person_id=NURSE.id,
    id=23, status="open", created_at=datetime(2026, 11, 18, tzinfo=timezone.utc),
    assigned_at=datetime(2026, 11, 18, tzinfo=timezone.utc),
)
RESOLVED = replace(TICKET, status="resolved")


@pytest.mark.parametrize(
    "who, user_id, sees, acts",
    [
        (LI, REPORTER_TG, True, False),    # the reporter reads her own request, but does not handle it
        (None, REPORTER_TG, True, False),  # even before the bot knows who she is
        (NURSE, 14, True, True),           # the owner
        (ZHU, 10, True, False),            # the grid worker of the ticket's grid keeps an eye on it
        (SUN, 11, False, False),           # another grid's worker does not
        (ADMIN, 12, True, True),           # an administrator may take any ticket over
        (FAR_ADMIN, 13, False, False),     # not another community's
        (WANG, 16, False, False),          # a neighbour never reads someone's home problem
        (None, STRANGER_TG, False, False),
    ],
)
def test_who_sees_and_who_handles_a_ticket(who, user_id, sees, acts):
    assert policy.may_see_ticket(TICKET, who, user_id) is sees
    assert policy.may_follow_ticket(TICKET, who, user_id) is sees
    assert policy.may_act_on_ticket(TICKET, who) is acts


def test_ticket_details_are_for_private_chats_only():
    assert policy.may_show_ticket_in(is_private_chat=True)
    assert not policy.may_show_ticket_in(is_private_chat=False)


@pytest.mark.parametrize(
    "ticket, user_id, allowed",
    [
        (RESOLVED, REPORTER_TG, True),                         # resolved, by its reporter, once
        (TICKET, REPORTER_TG, False),                          # still open: nothing to rate yet
        (replace(TICKET, status="accepted"), REPORTER_TG, False),
        (replace(RESOLVED, rating="满意"), REPORTER_TG, False),  # rated already
        (RESOLVED, STRANGER_TG, False),                        # only the reporter
        (RESOLVED, None, False),
    ],
)
def test_only_the_reporter_rates_a_resolved_ticket_once(ticket, user_id, allowed):
    assert policy.may_rate_ticket(ticket, user_id) is allowed


@pytest.mark.parametrize(
    "who, grid, bound_to, allowed",
    [
        (ZHU, GRID_1, None, True),        # a grid worker binds a new group to her grid
        (ZHU, GRID_2, None, False),       # not to another grid
        (ZHU, GRID_1, GRID_1, True),      # binding again to the same grid changes nothing
        (SUN, GRID_2, GRID_1, False),     # grid 2's worker cannot take grid 1's group
        (ZHU, GRID_2, GRID_1, False),     # nor can grid 1's worker hand it to a grid she does not run
        (ADMIN, GRID_2, GRID_1, True),    # the community administrator may move it
        (FAR_ADMIN, FAR_GRID, GRID_1, False),  # not an administrator of another community
        (LI, GRID_1, None, False),        # a unit head binds nothing
        (None, GRID_1, None, False),
    ],
)
def test_who_binds_a_group(who, grid, bound_to, allowed):
    assert policy.may_bind_group(who, grid, bound_to) is allowed


UNLINKED_WANG = replace(WANG, telegram_id=None)


@pytest.mark.parametrize(
    "invited, account, owner, allowed",
    [
        (UNLINKED_WANG, 999, None, True),         # a new account takes the invite
        (UNLINKED_WANG, REPORTER_TG, LI, False),  # Li's account does not silently become Wang
        (WANG, 16, WANG, True),                   # Wang opening her own link again
        (WANG, 999, None, False),                 # Wang has an account already: no second one takes her
        (UNLINKED_WANG, 17, SELF_MADE, True),     # a record the bot made itself may move to the roster
    ],
)
def test_an_account_is_one_roster_person(invited, account, owner, allowed):
    assert (policy.may_link_account(invited, account) and policy.may_switch_account(owner, invited)) is allowed


# -- tasks, notices, stats, points: one table per question -----------------------------------------

from bot.model.tasks import Notice, Task  # noqa: E402

_AT = datetime(2026, 11, 18, tzinfo=timezone.utc)
TASK = Task(community_id=COMMUNITY, grid_id=1, chat_id=-100, source_message_id=7, title="收齐问卷", topic=None,
            text="收齐问卷", audience="unit_heads", deadline=None, creator_person_id=WANG.id, creator_tg=16,
            creator_name="王", id=4, status="open", card_ref=None, version=1, created_at=_AT)
NOTICE = Notice(id=5, community_id=COMMUNITY, grid_id=1, chat_id=-100, source_message_id=None, text="停水",
                creator_person_id=WANG.id, creator_tg=16, creator_name="王", card_ref=None, created_at=_AT)


@pytest.mark.parametrize(
    "who, publishes_in_grid_1, manages_task, sees_unread, sees_grid_1_stats, sees_community, awards_points",
    [
        (ZHU, True, True, True, True, False, True),            # grid 1's worker: all of it, for grid 1
        (SUN, False, False, False, False, False, True),        # grid 2's worker: not grid 1's
        (ADMIN, True, True, True, True, True, True),           # the community's administrator
        (FAR_ADMIN, False, False, False, False, False, False),  # another community's administrator: nothing
        (WANG, False, True, True, False, False, False),        # a unit head manages what she published herself
        (LI, False, False, False, False, False, False),        # another unit head
        (NURSE, False, False, False, False, False, False),     # a specialist
        (None, False, False, False, False, False, False),      # someone the roster does not know
    ],
)
def test_who_may_publish_manage_and_count(who, publishes_in_grid_1, manages_task, sees_unread,
                                          sees_grid_1_stats, sees_community, awards_points):
    assert policy.may_publish_to(who, GRID_1) is publishes_in_grid_1
    assert policy.may_manage_task(who, TASK) is manages_task
    assert policy.may_see_who_has_not_read(who, NOTICE) is sees_unread
    assert policy.may_see_grid_stats(who, GRID_1) is sees_grid_1_stats
    if who is not None:
        assert policy.may_see_community_stats(who, COMMUNITY) is sees_community
    assert policy.may_award_points(who, COMMUNITY) is awards_points


@pytest.mark.parametrize(
    "who, runs, works",
    [
        (ZHU, [GRID_1], True),
        (SUN, [GRID_2], True),
        (ADMIN, [GRID_1, GRID_2], True),  # an administrator answers for every grid of the community
        (FAR_ADMIN, [], True),            # and for none of another's (though the staff commands are theirs)
        (WANG, [], False),
        (NURSE, [], False),
    ],
)
def test_which_grids_someone_answers_for(who, runs, works):
    assert policy.grids_run_by(who, [GRID_1, GRID_2]) == runs
    assert policy.works_a_grid(who) is works
    assert policy.may_see_undelivered(who) is works
