"""The elders registry in the database: a checked sheet matched against the roster and applied, and read back."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.model.elders import Elder, ElderRow
from bot.elders.reminders import schedule_wait
from bot.elders.rules import ElderRules
from bot.elders.sheet import ElderSheet, PhotoFile
from bot.model.labels import building_label
from bot.model.roster import RosterError
from storage import Tx
from storage.elders import ElderRecord

# Same rules as the roster import: every problem named by row and column, nothing imported from a file
# with problems, importing the same file twice changes nothing, an exported file imports unchanged.

PHOTO_FOLDER = "照片"


def new_token() -> str:
    """An unguessable deep-link token: 22 characters of [A-Za-z0-9_-], 128 bits."""
    return secrets.token_urlsafe(16)


@dataclass
class ElderChanges:
    added: int = 0
    updated: int = 0
    removed: int = 0
    without_keeper: list[str] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not (self.added or self.updated or self.removed)


async def resolve(tx: Tx, sheet: ElderSheet) -> tuple[list[ElderRecord], list[RosterError]]:
    """The sheet's rows as records for the database, and every row the roster cannot place."""
    communities = await tx.elders.communities()
    errors: list[RosterError] = []
    records: list[ElderRecord] = []
    if not communities:
        return [], [RosterError(1, None, "数据库里还没有名册: 请先导入名册 (python -m bot roster import 名册.xlsx)")]
    by_name = {name: cid for cid, name in communities}
    valid = {row.line for row in sheet.rows}
    for row in sorted(sheet.rows + sheet.flawed, key=lambda r: r.line):
        count = len(errors)

        def error(field_name: str | None, message: str) -> None:
            errors.append(RosterError(row.line, sheet.column(field_name) if field_name else None, message))

        if row.community is not None:
            community_id = by_name.get(row.community)
            if community_id is None:
                error("community", f"名册里没有「{row.community}」这个社区")
                continue
        elif len(communities) == 1:
            community_id = communities[0][0]
        else:
            error(None, f"名册里有 {len(communities)} 个社区, 请加一列「社区」写明老人属于哪个社区")
            continue
        building = await tx.places.building(community_id, row.building) if row.building else None
        if building is None and row.building:
            error("building", f"名册里没有{building_label(row.building)}: 请先在名册里加上这栋楼和它所属的网格")
        keeper_ids: list[int] = []
        for name in row.keepers:
            people = [p for p in await tx.people.by_name(name) if p.community_id == community_id]
            if not people:
                error("keepers", f"名册里没有「{name}」: 包保人要写名册里的姓名")
            elif len(people) > 1:
                error("keepers", f"名册里有 {len(people)} 位「{name}」, 请在名册里把名字区分开")
            else:
                keeper_ids.append(people[0].id)
        if len(errors) > count or building is None or row.line not in valid:
            continue
        photo: PhotoFile | None = sheet.photos.get(row.line)
        records.append(ElderRecord(
            community_id=community_id, grid_id=building.grid_id, name=row.name, building=row.building,
            unit=row.unit, room=row.room, categories=row.categories, risk=row.risk, family_name=row.family_name,
            family_phone=row.family_phone, health_note=row.health_note,
            photo_name=photo.name if photo else None, photo=photo.data if photo else None,
            photo_sha=photo.sha if photo else None, photo_source_sha=photo.source_sha if photo else None,
            keeper_ids=tuple(keeper_ids),
        ))
    return records, errors


def _same(new: ElderRecord, old: ElderRecord) -> tuple[bool, bool]:
    """(everything the same, the photo the same). A photo is the same picture whatever its file is called."""
    same_photo = (new.photo_source_sha is None and old.photo_sha is None) or (
        new.photo_source_sha is not None and new.photo_source_sha in (old.photo_sha, old.photo_source_sha))
    fields = ("community_id", "grid_id", "name", "building", "unit", "room", "categories", "risk", "family_name",
              "family_phone", "health_note", "keeper_ids")
    return same_photo and all(getattr(new, f) == getattr(old, f) for f in fields), same_photo


async def apply_elders(tx: Tx, records: list[ElderRecord], rules: ElderRules, zone: ZoneInfo) -> ElderChanges:
    """Make the database say what the sheet says, for the communities it covers.

    An elder is the same person when name and home match; failing that, the one elder of that name
    the file does not otherwise account for (someone who moved). Elders the file no longer lists are
    kept with their history but leave the lists and reminders.
    """
    changes = ElderChanges()
    existing: dict[int, Elder] = {}
    for community_id in {r.community_id for r in records} or {cid for cid, _ in await tx.elders.communities()}:
        for elder in await tx.elders.in_community(community_id, active_only=False):
            existing[elder.id] = elder
    by_key = {(x.community_id, x.name, x.building, x.unit, x.room): x for x in existing.values()}
    matched: dict[int, int] = {}  # record index → elder id
    for i, record in enumerate(records):
        found = by_key.get((record.community_id, record.name, record.building, record.unit, record.room))
        if found is not None and found.id not in matched.values():
            matched[i] = found.id
    taken = set(matched.values())
    for i, record in enumerate(records):
        if i in matched:
            continue
        namesakes = [x for x in existing.values() if x.community_id == record.community_id
                     and x.name == record.name and x.id not in taken]
        if len(namesakes) == 1:
            matched[i] = namesakes[0].id
            taken.add(namesakes[0].id)

    for i, record in enumerate(records):
        if not record.keeper_ids:
            changes.without_keeper.append(record.name)
        elder_id = matched.get(i)
        if elder_id is None:
            due = rules.next_due(record.risk, tx.now, zone)
            elder_id = await tx.elders.add(record, tx.now, due)
            await schedule_wait(tx, elder_id, 1, due)
            await tx.elders.open_link(elder_id, "qr", new_token())
            changes.added += 1
            continue
        stored = await tx.elders.record(elder_id)
        assert stored is not None
        old, active = stored
        same, same_photo = _same(record, old)
        if same and active:
            continue
        if same_photo and old.photo_name:
            record = replace(record, photo_name=old.photo_name)
        await tx.elders.update(elder_id, record, keep_photo=same_photo)
        elder = existing[elder_id]
        if not active or record.risk != old.risk:
            # A new level, or an elder back on the list: the wait is counted again from its start.
            since = elder.cycle_start_at if active else tx.now
            due = rules.next_due(record.risk, since, zone)
            cycle = await tx.elders.start_wait(elder_id, since, due, visited=False)
            await schedule_wait(tx, elder_id, cycle, due)
        await tx.elders.open_link(elder_id, "qr", new_token())
        changes.updated += 1

    kept = set(matched.values())
    for elder in existing.values():
        if elder.active and elder.id not in kept:
            await tx.elders.deactivate(elder.id)
            await tx.jobs.cancel(f"e{elder.id}:")
            changes.removed += 1
    return changes


async def elder_rows(tx: Tx, folder: Path | None = None) -> tuple[list[ElderRow], bool]:
    """Every active elder as a sheet row (photos written into `folder`/照片), and whether to name communities."""
    communities = dict(await tx.elders.communities())
    rows: list[ElderRow] = []
    line = 2
    for elder in await tx.elders.all_active():
        keepers = []
        for person_id in elder.keeper_ids:
            person = await tx.people.get(person_id)
            if person is not None:
                keepers.append(person.name)
        photo = None
        if elder.has_photo and folder is not None:
            data = await tx.elders.photo(elder.id)
            photo = f"{PHOTO_FOLDER}/{elder.id}-{elder.photo_name or 'photo.jpg'}"
            (folder / PHOTO_FOLDER).mkdir(parents=True, exist_ok=True)
            (folder / photo).write_bytes(data or b"")
        rows.append(ElderRow(
            line=line, name=elder.name, building=elder.building, unit=elder.unit, room=elder.room, risk=elder.risk,
            categories=elder.categories, keepers=tuple(keepers), family_name=elder.family_name,
            family_phone=elder.family_phone, health_note=elder.health_note, photo=photo,
            community=communities.get(elder.community_id),
        ))
        line += 1
    return rows, len(communities) > 1
