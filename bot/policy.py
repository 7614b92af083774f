"""Who may do what: the bot's permission decisions, as pure functions over people, tickets and grids."""
from __future__ import annotations

from bot.domain import Grid, Person
from bot.roles import Role
from bot.tickets.model import Ticket


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
