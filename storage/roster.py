"""Writing a checked roster into the database, and reading it back out as rows."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.model.roles import Role
from bot.model.roster import Roster, RosterRow
from storage.db import Tx
from storage.people import RosterPerson


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

    Linear in the file: the communities' people and roles are read once into dictionaries and
    the changes written many rows per statement (110,000 rows take seconds, not minutes).
    """
    changes = RosterChanges()
    before = await tx.places.counts()
    place_ids: dict[tuple, tuple] = {}
    community_ids: dict[str, int] = {}
    grid_ids: dict[tuple, int | None] = {}
    building_ids: dict[tuple, int | None] = {}

    async def resolve(row: RosterRow) -> tuple:
        key = (row.community, row.grid, row.building, row.unit)
        if key in place_ids:
            return place_ids[key]
        if row.community not in community_ids:
            community_ids[row.community] = await tx.places.community_id(row.community, create=True)
        community_id = community_ids[row.community]
        grid_id = None
        if row.grid:
            if (community_id, row.grid) not in grid_ids:
                grid_ids[(community_id, row.grid)] = await tx.places.grid_id(community_id, row.grid, create=True)
            grid_id = grid_ids[(community_id, row.grid)]
        building_id = unit_id = None
        if row.building:
            if (community_id, row.building, grid_id) not in building_ids:
                building_ids[(community_id, row.building, grid_id)] = await tx.places.building_id(
                    community_id, row.building, grid_id, create=True)
            building_id = building_ids[(community_id, row.building, grid_id)]
            if row.unit:
                unit_id = await tx.places.unit_id(building_id, row.unit, create=True)
        place_ids[key] = (community_id, grid_id, building_id, unit_id)
        return place_ids[key]

    resolved = [(row, await resolve(row)) for row in roster.rows]
    communities = sorted({ids[0] for _, ids in resolved})
    for row, _ in resolved:
        if row.community not in changes.communities:
            changes.communities.append(row.community)

    known = {p.id: p for p in await tx.people.roster_people(communities)}
    by_phone = {(p.community_id, p.phone): p for p in known.values() if p.phone}
    by_name: dict[tuple, list[RosterPerson]] = {}
    for p in known.values():
        by_name.setdefault((p.community_id, p.name), []).append(p)
    phones_in_file = {row.phone for row in roster.rows if row.phone}
    next_id = await tx.people.next_id()
    added: list[tuple] = []
    updated: list[tuple] = []
    wanted: dict[int, set[tuple]] = {}
    for row, (community_id, grid_id, building_id, unit_id) in resolved:
        if not row.is_person:
            continue
        if row.phone:
            person = by_phone.get((community_id, row.phone))
        else:
            person = next((p for p in by_name.get((community_id, row.name), []) if p.phone is None), None)
        if person is None and row.phone:
            # A changed phone number: the same name, whose old number the file no longer has.
            same_name = [p for p in by_name.get((community_id, row.name), [])
                         if p.active and p.phone not in phones_in_file]
            person = same_name[0] if len(same_name) == 1 else None
        if person is None:
            person = RosterPerson(next_id, community_id, row.name, row.phone, row.telegram_id, True)
            next_id += 1
            added.append(person)
            known[person.id] = person
            if person.phone:
                by_phone[(community_id, person.phone)] = person
            by_name.setdefault((community_id, person.name), []).append(person)
            changes.people_added += 1
        elif person.id not in wanted and person.differs(row.name, row.phone, row.telegram_id):
            updated.append((person.id, row.name, row.phone, row.telegram_id))
            changes.people_updated += 1
            # Later rows of the same person find them as the file now has them.
            person.name, person.active = row.name, True
            if row.phone and row.phone != person.phone:
                person.phone = row.phone
                by_phone[(community_id, row.phone)] = person
        room = row.room if row.role is Role.RESIDENT else None
        wanted.setdefault(person.id, set()).add(
            (row.role.value, community_id, grid_id, building_id, unit_id, room)
        )
    await tx.people.add_many(added)
    await tx.people.update_many(updated)

    have = await tx.people.role_keys_of(communities)
    add_roles: list[tuple] = []
    remove_roles: list[tuple] = []
    for person_id, keys in wanted.items():
        mine = have.get(person_id, set())
        add_roles += [(person_id, *key) for key in keys - mine]
        remove_roles += [(person_id, *key) for key in mine - keys]
    gone = [pid for pid in await _rostered_ids(tx, communities) if pid not in wanted]
    for person_id in gone:
        remove_roles += [(person_id, *key) for key in have.get(person_id, set())]
    await tx.people.remove_roles(remove_roles)
    await tx.people.add_roles(add_roles)
    await tx.people.deactivate_many(gone)
    changes.roles_added = len(add_roles)
    changes.roles_removed = len(remove_roles)
    changes.people_removed = len(gone)

    after = await tx.places.counts()
    changes.places_added = sum(after[k] - before[k] for k in after)
    return changes


async def _rostered_ids(tx: Tx, communities: list[int]) -> list[int]:
    """Active people of these communities who came from a roster (not self-registered residents)."""
    found: list[int] = []
    for community_id in communities:
        found += await tx.people.ids_in_community(community_id)
    return found


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
