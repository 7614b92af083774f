"""Writing a checked roster into the database, and reading it back out as rows."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.roles import Role
from bot.roster.model import Roster, RosterRow
from storage.db import Tx


@dataclass
class RosterChanges:
    places_added: int = 0
    people_added: int = 0
    people_updated: int = 0
    people_removed: int = 0
    roles_added: int = 0
    roles_removed: int = 0
    communities: list[str] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not (self.places_added or self.people_added or self.people_updated
                    or self.people_removed or self.roles_added or self.roles_removed)


async def apply_roster(tx: Tx, roster: Roster) -> RosterChanges:
    """Make the database say what the roster says, for the communities the file names.

    People are matched by phone, or by name when the file has no phone for them, so an edited
    file updates in place. Roles the file no longer lists are removed; people left without any
    role are deactivated, keeping their history and Telegram link.
    """
    changes = RosterChanges()
    before = await tx.places.counts()
    place_ids: dict[tuple, tuple] = {}

    async def resolve(row: RosterRow) -> tuple:
        key = (row.community, row.grid, row.building, row.unit)
        if key in place_ids:
            return place_ids[key]
        community_id = await tx.places.community_id(row.community, create=True)
        grid_id = await tx.places.grid_id(community_id, row.grid, create=True) if row.grid else None
        building_id = unit_id = None
        if row.building:
            building_id = await tx.places.building_id(community_id, row.building, grid_id, create=True)
            if row.unit:
                unit_id = await tx.places.unit_id(building_id, row.unit, create=True)
        place_ids[key] = (community_id, grid_id, building_id, unit_id)
        return place_ids[key]

    wanted: dict[int, set[tuple]] = {}
    communities: set[int] = set()
    phones_in_file = {row.phone for row in roster.rows if row.phone}
    for row in roster.rows:
        community_id, grid_id, building_id, unit_id = await resolve(row)
        communities.add(community_id)
        if row.community not in changes.communities:
            changes.communities.append(row.community)
        if not row.is_person:
            continue
        person = await tx.people.by_key(community_id, row.name, row.phone)
        if person is None and row.phone:
            # A changed phone number: the same name, whose old number the file no longer has.
            same_name = [p for p in await tx.people.by_name(row.name)
                         if p.community_id == community_id and p.phone not in phones_in_file]
            person = same_name[0] if len(same_name) == 1 else None
        if person is None:
            person_id = await tx.people.add(community_id, row.name, row.phone, row.telegram_id)
            changes.people_added += 1
        else:
            person_id = person.id
            if person_id not in wanted and await tx.people.update(
                person_id, row.name, row.phone, row.telegram_id
            ):
                changes.people_updated += 1
        room = row.room if row.role is Role.RESIDENT else None
        wanted.setdefault(person_id, set()).add(
            (row.role.value, community_id, grid_id, building_id, unit_id, room)
        )

    for person_id, keys in wanted.items():
        have = await tx.people.role_keys(person_id)
        for key in keys - have:
            await tx.people.add_role(person_id, key)
            changes.roles_added += 1
        for key in have - keys:
            await tx.people.remove_role(person_id, key)
            changes.roles_removed += 1

    for community_id in communities:
        for person_id in await tx.people.ids_in_community(community_id):
            if person_id in wanted:
                continue
            for key in await tx.people.role_keys(person_id):
                await tx.people.remove_role(person_id, key)
                changes.roles_removed += 1
            await tx.people.deactivate(person_id)
            changes.people_removed += 1

    after = await tx.places.counts()
    changes.places_added = sum(after[k] - before[k] for k in after)
    return changes


async def roster_rows(tx: Tx) -> Roster:
    """The database as a roster: places first, then one row per person and role."""
    rows: list[RosterRow] = []
    line = 2
    for place in await tx.places.all_places():
        rows.append(RosterRow(line, *place))
        line += 1
    for person in await tx.people.all():
        if not person.active:
            continue
        for a in person.roles:
            rows.append(RosterRow(
                line, a.community, a.grid, a.building, a.unit, a.room, a.role,
                person.name, person.phone, person.telegram_id,
            ))
            line += 1
    return Roster(rows)
