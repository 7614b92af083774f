"""Grid group chats: binding a group to its grid, the grid's contact list, staying quiet."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot import policy, texts
from bot.model.domain import Grid, GroupBinding, Person
from bot.model.incoming import Incoming
from bot.model.messages import text_message
from bot.nlu.numerals import to_int
from bot.paging import Pager
from bot.refusals import refuse
from bot.model.roles import SPECIALISTS, Role
from storage import Store, Tx


@dataclass(frozen=True)
class GroupAccess:
    """What the bot can see in a group, as Telegram told the adapter."""

    reads_all: bool
    bot_username: str


def grid_key(name: str) -> str:
    """"第一网格", "1网格", "一网格" and "第1网格" are the same grid when people type them."""
    key = re.sub(r"\s+", "", name).removeprefix("第")
    match = re.match(r"^([0-9零〇一二两三四五六七八九十百]+)(.*)$", key)
    if match and (value := to_int(match.group(1))) is not None:
        key = f"{value}{match.group(2)}"
    return key.removesuffix("网格") or key


def match_grids(query: str, grids: list[Grid]) -> list[Grid]:
    words = query.split()
    community = None
    if len(words) >= 2:
        community, query = " ".join(words[:-1]), words[-1]
    key = grid_key(query)
    found = [g for g in grids if grid_key(g.name) == key]
    if community:
        found = [g for g in found if community in g.community]
    return found


# Contact lists of several grids longer than this go one grid a page (bot/paging.py).
CONTACTS_IN_ONE = 3500


class Groups:
    def __init__(self, store: Store, pager: Pager | None = None) -> None:
        self._store = store
        self._pager = pager or Pager(store)
        self._pager.kind("contacts", self._contact_pages, size=1, unit="个网格")

    async def bind(self, msg: Incoming, query: str, access: GroupAccess) -> None:
        async with self._store.tx(msg.update_id) as tx:
            grids = await tx.places.grids()
            person = await tx.people.by_telegram_id(msg.user_id)
            current = await tx.groups.binding(msg.chat_id)
            reply, refused = await self._bind(tx, msg, query.strip(), grids, person, current, access)
            if refused:
                await refuse(tx, msg, reply)
            else:
                await tx.outbox.enqueue(text_message(msg.chat_id, reply, reply_to=msg.message_id))

    async def _bind(self, tx: Tx, msg: Incoming, query: str, grids: list[Grid], person: Person | None,
                    current: GroupBinding | None, access: GroupAccess) -> tuple[str, bool]:
        """The answer, and whether it is a refusal (those are not for the whole group to read)."""
        if not policy.works_a_grid(person):
            return texts.bind_refused(), True
        mine = [g for g in grids if policy.runs_grid(person, g)]
        if not query:
            return texts.bind_usage(mine), False
        found = match_grids(query, grids)
        if not found:
            return texts.bind_unknown_grid(query, mine), False
        allowed = [g for g in found if policy.runs_grid(person, g)]
        if not allowed:
            return texts.bind_refused(), True
        if len(allowed) > 1:
            return texts.bind_ambiguous(allowed), False
        grid = allowed[0]
        bound_to = current.grid if current else None
        if not policy.may_bind_group(person, grid, bound_to):
            return texts.bind_taken(bound_to), True
        await tx.groups.bind(msg.chat_id, grid.id, msg.chat_title, msg.user_id)
        if bound_to is not None and bound_to.id != grid.id:
            await self._tell_previous_grid(tx, msg, bound_to, grid, person)
        reply = texts.bound(grid)
        if not access.reads_all:
            reply += "\n\n" + texts.privacy_warning(access.bot_username)
        return reply, False

    async def _tell_previous_grid(self, tx: Tx, msg: Incoming, old: Grid, new: Grid, actor: Person) -> None:
        """A group moved to another grid: its old grid's worker hears it at once, not from a resident."""
        for worker in await tx.people.holding(Role.GRID_WORKER, old.community_id, old.id):
            if worker.telegram_id and worker.id != actor.id:
                await tx.outbox.enqueue(text_message(
                    worker.telegram_id, texts.rebound(msg.chat_title, old, new, actor)))

    async def added(self, msg: Incoming, access: GroupAccess) -> None:
        async with self._store.tx(msg.update_id) as tx:
            text = texts.added_to_group()
            if not access.reads_all:
                text += "\n\n" + texts.privacy_warning(access.bot_username)
            await tx.outbox.enqueue(text_message(msg.chat_id, text))

    async def migrated(self, update_id: int, old_chat_id: int, new_chat_id: int) -> None:
        async with self._store.tx(update_id) as tx:
            await tx.groups.migrate(old_chat_id, new_chat_id)

    async def contacts(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            grids = await self._grids_for(tx, msg)
            if not grids:
                text = texts.no_grid_here() if not msg.is_private else texts.not_linked()
                await tx.outbox.enqueue(text_message(msg.chat_id, text, reply_to=msg.message_id))
                return
            parts: list[str] = []
            for g in grids:
                parts.append(await self._contact_list(tx, g))
                if sum(map(len, parts)) > CONTACTS_IN_ONE:  # a whole street office: a grid a page
                    await self._pager.open(tx, "contacts", msg.user_id, msg.chat_id, "各网格一线工作清单",
                                           [x.id for x in grids], reply_to=msg.message_id)
                    return
            await tx.outbox.enqueue(text_message(msg.chat_id, "\n\n".join(parts), reply_to=msg.message_id))

    async def _contact_pages(self, tx: Tx, grid_ids: list[int]) -> list[str]:
        grids = [g for g in [await tx.places.grid(i) for i in grid_ids] if g is not None]
        return [await self._contact_list(tx, g) for g in grids]

    async def _grids_for(self, tx: Tx, msg: Incoming) -> list[Grid]:
        if not msg.is_private:
            binding = await tx.groups.binding(msg.chat_id)
            return [binding.grid] if binding else []
        person = await tx.people.by_telegram_id(msg.user_id)
        if person is None:
            return []
        ids: list[int] = []
        for a in person.roles:
            if a.grid_id is not None and a.grid_id not in ids:
                ids.append(a.grid_id)
        if not ids:  # community-wide roles see every grid of their community
            return await tx.places.grids(person.community_id)
        return [await tx.places.grid(i) for i in ids]

    async def _contact_list(self, tx: Tx, grid: Grid) -> str:
        buildings = [b.name for b in await tx.places.buildings_of_grid(grid.id)]
        heads: dict[str, tuple[list[Person], dict[str, list[Person]]]] = {
            b: ([], {}) for b in buildings
        }
        for p in await tx.people.holding(Role.BUILDING_HEAD, grid.community_id, grid.id):
            for a in p.roles:
                if a.role is Role.BUILDING_HEAD and a.building in heads:
                    heads[a.building][0].append(p)
        for p in await tx.people.holding(Role.UNIT_HEAD, grid.community_id, grid.id):
            for a in p.roles:
                if a.role is Role.UNIT_HEAD and a.building in heads and a.unit:
                    heads[a.building][1].setdefault(a.unit, []).append(p)
        for _, units in heads.values():
            ordered = dict(sorted(units.items(), key=lambda kv: (len(kv[0]), kv[0])))
            units.clear()
            units.update(ordered)
        workers = await tx.people.holding(Role.GRID_WORKER, grid.community_id, grid.id)
        specialists: list[tuple[Role, Person]] = []
        for role in [r for r in Role if r in SPECIALISTS]:
            for p in await self._specialists(tx, role, grid):
                specialists.append((role, p))
        admins = await tx.people.holding(Role.ADMIN, grid.community_id)
        return texts.contacts(grid, buildings, heads, workers, specialists, admins)

    async def _specialists(self, tx: Tx, role: Role, grid: Grid) -> list[Person]:
        """The grid's own specialist where the roster names one, else the community's."""
        people = await tx.people.holding(role, grid.community_id)
        own = [p for p in people if any(a.role is role and a.grid_id == grid.id for a in p.roles)]
        if own:
            return own
        return [p for p in people if any(a.role is role and a.grid_id is None for a in p.roles)]
