"""Who may do what: the bot's permission decisions, as pure functions over people, tickets and grids."""
from __future__ import annotations

from dataclasses import dataclass

from bot.model.domain import Assignment, Grid, Person
from bot.model.elders import Elder, Responder
from bot.model.roles import Role
from bot.model.tasks import Notice, Task
from bot.model.tickets import SPECIALIST_FOR, Ticket
from bot.model.desk import TicketScope


def is_admin_of(person: Person | None, community_id: int) -> bool:
    """A community administrator (社区管理员) of this community."""
    return person is not None and any(
        a.role is Role.ADMIN and a.community_id == community_id for a in person.roles)


def is_grid_worker_of(person: Person | None, community_id: int, grid_id: int | None) -> bool:
    """The paid grid worker (网格员) of this very grid."""
    return person is not None and grid_id is not None and any(
        a.role is Role.GRID_WORKER and a.community_id == community_id and a.grid_id == grid_id
        for a in person.roles)


def runs_grid(person: Person | None, grid: Grid) -> bool:
    """The grid's own worker or an administrator of its community: the people who answer for it."""
    return is_admin_of(person, grid.community_id) or is_grid_worker_of(person, grid.community_id, grid.id)



def is_staff(person: Person | None, community_id: int, grid_id: int | None = None) -> bool:
    """An admin of the community, or a grid worker of it (of the grid, when one is given)."""
    if person is None:
        return False
    for a in person.roles:
        if a.community_id != community_id:
            continue
        if a.role is Role.ADMIN:
            return True
        if a.role is Role.GRID_WORKER and (grid_id is None or a.grid_id == grid_id):
            return True
    return False


def staff_grids(person: Person) -> list[int]:
    """The grids a person is the grid worker of, in the order of their roles."""
    return list(dict.fromkeys(a.grid_id for a in person.roles if a.role is Role.GRID_WORKER and a.grid_id))


def grids_run_by(person: Person, grids: list[Grid]) -> list[Grid]:
    """Of these grids, those a person answers for: every one for an administrator of its community, else their own."""
    mine = set(staff_grids(person))
    return [g for g in grids if g.id in mine or is_admin_of(person, g.community_id)]


# -- tasks, notices, stats, points ------------------------------------------------------------

def may_publish_to(person: Person | None, grid: Grid) -> bool:
    """Publish a task or a notice to a grid's groups: its grid worker or an administrator."""
    return is_staff(person, grid.community_id, grid.id)


def may_manage_task(person: Person | None, task: Task) -> bool:
    """Correct, remind about or close a task: who published it, its grid's worker, the community's admins."""
    if person is None:
        return False
    return person.id == task.creator_person_id or is_staff(person, task.community_id, task.grid_id)


def may_see_who_has_not_read(person: Person | None, notice: Notice) -> bool:
    """Who has not yet said 收到 to a notice: who sent it, its grid's worker, the community's admins."""
    return person is not None and (person.id == notice.creator_person_id
                                   or is_staff(person, notice.community_id, notice.grid_id))


def may_see_grid_stats(person: Person | None, grid: Grid) -> bool:
    """A grid's 收到 tallies, completion rates and exports: its grid worker or an administrator."""
    return is_staff(person, grid.community_id, grid.id)


def may_see_community_stats(person: Person, community_id: int) -> bool:
    """The whole community's figures at once: its administrators."""
    return is_admin_of(person, community_id)


def may_award_points(person: Person | None, community_id: int) -> bool:
    """Give or take points: the community's grid workers and administrators."""
    return is_staff(person, community_id)

# -- tickets --------------------------------------------------------------------------------

def may_see_ticket(ticket: Ticket, person: Person | None, user_id: int | None) -> bool:
    """Its reporter, its owner, the grid worker of its grid and the community's administrators.

    A ticket holds a home's problem and the reporter's phone: nobody else reads it.
    """
    if user_id is not None and user_id == ticket.reporter_tg:
        return True
    if person is None:
        return False
    if person.id == ticket.assignee_person_id:
        return True
    return is_admin_of(person, ticket.community_id) or is_grid_worker_of(
        person, ticket.community_id, ticket.grid_id)


def may_act_on_ticket(ticket: Ticket, person: Person | None) -> bool:
    """Accept, resolve, transfer or return it: its owner, or an administrator who takes it over."""
    if person is None:
        return False
    return person.id == ticket.assignee_person_id or is_admin_of(person, ticket.community_id)


def may_follow_ticket(ticket: Ticket, person: Person | None, user_id: int | None) -> bool:
    """Receive its news privately from now on: the reporter, and those who may see it anyway.

    A follow link is posted in the group's receipt, so holding the link proves nothing.
    """
    return may_see_ticket(ticket, person, user_id)


def may_show_ticket_in(is_private_chat: bool) -> bool:
    """Ticket details (place, words, the reporter's phone) are shown in a private chat only."""
    return is_private_chat


def may_rate_ticket(ticket: Ticket, user_id: int | None) -> bool:
    """A resolved ticket, rated once, by the person who reported it."""
    return (user_id is not None and user_id == ticket.reporter_tg
            and ticket.status == "resolved" and ticket.rating is None)



def works_a_grid(person: Person | None) -> bool:
    """A grid worker or an administrator, of whichever grid: who may start a staff command at all."""
    return person is not None and person.has(Role.ADMIN, Role.GRID_WORKER)


def may_see_undelivered(person: Person | None) -> bool:
    """The messages the bot could not deliver (names and chats in them): those who work the grids."""
    return works_a_grid(person)


# -- groups ---------------------------------------------------------------------------------

def may_bind_group(person: Person | None, grid: Grid, bound_to: Grid | None = None) -> bool:
    """Bind a group chat to `grid`; a group already bound elsewhere is also its own grid's to give.

    Otherwise any grid worker could take over another grid's group, and its reports with it.
    """
    if not runs_grid(person, grid):
        return False
    return bound_to is None or bound_to.id == grid.id or runs_grid(person, bound_to)


# -- accounts -------------------------------------------------------------------------------

def may_link_account(person: Person, telegram_id: int) -> bool:
    """A roster person takes this Telegram account unless another account is already theirs."""
    return person.telegram_id is None or person.telegram_id == telegram_id


def may_switch_account(account_owner: Person | None, person: Person) -> bool:
    """An account that is already someone in the roster does not silently become someone else.

    A record the bot made itself (a resident who typed their address) is no roster identity to
    lose: its account may move to the roster person the grid worker invited.
    """
    return account_owner is None or account_owner.id == person.id or account_owner.self_registered


# -- elders -------------------------------------------------------------------------------
# An elder's health notes and family phone are for those who answer for them: their 包保人, the grid
# worker of their grid, the health worker and the community's admins. Nobody else, never in a group.


def _serves(a: Assignment, elder: Elder) -> bool:
    return a.community_id == elder.community_id


def is_keeper(person: Person | None, elder: Elder) -> bool:
    return person is not None and person.id in elder.keeper_ids


def may_see_elder(person: Person | None, elder: Elder) -> bool:
    """The elder's whole record: health notes, family name and phone, visits."""
    if person is None or not person.active:
        return False
    if is_keeper(person, elder):
        return True
    for a in person.roles:
        if not _serves(a, elder):
            continue
        if a.role is Role.ADMIN:
            return True
        if a.role is Role.HEALTH and (a.grid_id is None or a.grid_id == elder.grid_id):
            return True
        if a.role is Role.GRID_WORKER and elder.grid_id is not None and a.grid_id == elder.grid_id:
            return True
    return False


def may_log_visit(person: Person | None, elder: Elder) -> bool:
    """Whether someone's "去看了王奶奶" counts as a visit: those who may see the elder, the building's
    heads, and the community's volunteers (the 天天敲门组)."""
    if may_see_elder(person, elder):
        return True
    if person is None or not person.active:
        return False
    for a in person.roles:
        if not _serves(a, elder):
            continue
        if a.role is Role.VOLUNTEER:
            return True
        if a.role in (Role.BUILDING_HEAD, Role.UNIT_HEAD) and a.building == elder.building:
            return True
    return False


@dataclass(frozen=True)
class ElderScope:
    """The elders someone may look through beyond their own: a community, limited to some grids
    (None: every grid) and, for building heads, to some buildings."""

    community_id: int
    grid_ids: frozenset[int] | None = None
    buildings: frozenset[str] | None = None


def elders_seen_by(person: Person) -> ElderScope | None:
    """Beyond their own 包保 elders, whose records a person may list; None for nobody else's."""
    grids: set[int] = set()
    for a in person.roles:
        if a.community_id != person.community_id:
            continue
        if a.role is Role.ADMIN or (a.role is Role.HEALTH and a.grid_id is None):
            return ElderScope(person.community_id)
        if a.role in (Role.GRID_WORKER, Role.HEALTH) and a.grid_id is not None:
            grids.add(a.grid_id)
    return ElderScope(person.community_id, frozenset(grids)) if grids else None


def visits_logged_by(person: Person) -> ElderScope | None:
    """Whose visits a person may log beyond their own elders (the widest scope they have)."""
    seen = elders_seen_by(person)
    if seen is not None and seen.grid_ids is None:
        return seen
    if person.has(Role.VOLUNTEER):
        return ElderScope(person.community_id)
    buildings = frozenset(a.building for a in person.roles
                          if a.role in (Role.BUILDING_HEAD, Role.UNIT_HEAD) and a.building)
    if seen is None and not buildings:
        return None
    if seen is None:
        return ElderScope(person.community_id, frozenset(), buildings)
    return ElderScope(person.community_id, seen.grid_ids, buildings or None)


# -- the 防走失 finder flow -------------------------------------------------------------------------
# When a stranger scans an elder's code, the elder's family (if linked), 包保人, the grid worker, the
# admins and the police are alerted. The alert carries the health notes and the family's phone: the
# people who go and fetch the elder need them. The finder only ever sees the given name and photo.

def is_lost_responder(a: Assignment, elder: Elder) -> bool:
    """A role alerted when the elder's code is scanned (besides the family and the 包保人)."""
    if a.community_id != elder.community_id:
        return False
    if a.role in (Role.ADMIN, Role.POLICE):
        return a.grid_id is None or a.grid_id == elder.grid_id
    return a.role is Role.GRID_WORKER and elder.grid_id is not None and a.grid_id == elder.grid_id


def may_talk_to_finder(telegram_id: int | None, responders: list[Responder]) -> bool:
    """Only those who were alerted may write to the finder or say the elder is safe."""
    return telegram_id is not None and any(r.telegram_id == telegram_id for r in responders)


# -- the web desk ------------------------------------------------------------------------------
# The office's web page (web/desk) shows lists of requests with places, words and phones: it is for
# the people who answer for them, never for residents. What each sees there is what the bot would
# let them see in a private chat.

DESK_ROLES = frozenset({Role.ADMIN, Role.GRID_WORKER, Role.HEALTH, Role.LEGAL, Role.POLICE, Role.PROPERTY})


def may_use_desk(person: Person | None) -> bool:
    """/desk gives a login link to the community's staff: admins, grid workers and specialists."""
    return person is not None and person.active and any(
        a.role in DESK_ROLES and a.community_id == person.community_id for a in person.roles)


def desk_scope(person: Person | None) -> TicketScope | None:
    """What the desk lists for someone; None for those who may not use it."""
    if not may_use_desk(person):
        return None
    community = person.community_id
    grids: set[int] = set()
    fields: list[tuple[frozenset[str], int | None]] = []
    for a in person.roles:
        if a.community_id != community:
            continue
        if a.role is Role.ADMIN:
            return TicketScope(community, person.id, everything=True)
        if a.role is Role.GRID_WORKER and a.grid_id is not None:
            grids.add(a.grid_id)
        elif a.role in DESK_ROLES:
            cats = frozenset(c for c, r in SPECIALIST_FOR.items() if r is a.role)
            if cats:
                fields.append((cats, a.grid_id))
    return TicketScope(community, person.id, grid_ids=frozenset(grids), fields=tuple(fields))


def may_see_ticket_on_desk(ticket: Ticket, person: Person | None) -> bool:
    """A ticket's page on the desk: in their scope, or one the bot would show them anyway."""
    scope = desk_scope(person)
    if scope is None:
        return False
    return scope.covers(ticket) or may_see_ticket(ticket, person, person.telegram_id)


def may_see_reporter_phone(ticket: Ticket, person: Person | None) -> bool:
    """The reporter's phone: only on the owner's and the admins' screens, as on the card."""
    return may_act_on_ticket(ticket, person)


def desk_grids(person: Person | None) -> frozenset[int] | None:
    """The grids whose tasks, notices and elders the desk shows someone: None for all (admins)."""
    scope = desk_scope(person)
    if scope is None:
        return frozenset()
    if scope.everything:
        return None
    return scope.grid_ids | frozenset(g for _, g in scope.fields if g is not None)
