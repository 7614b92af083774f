"""Roster columns and checks: header matching, one row's cells to a RosterRow, and cross-row consistency."""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Sequence

from bot.nlu.addresses import fold, normalize_building, normalize_room, normalize_unit
from bot.model.labels import building_label, unit_label
from bot.model.roles import Role, known_role_names, parse_role
from bot.model.roster import Roster, RosterError, RosterRow

# Field → the Chinese header written to files, in file order.
COLUMNS: dict[str, str] = {
    "community": "社区",
    "grid": "网格",
    "building": "楼栋",
    "unit": "单元",
    "room": "房号",
    "role": "角色",
    "name": "姓名",
    "phone": "手机",
    "telegram_id": "telegram_id",
}

# Headers people actually use, compared after fold(), removing spaces and "*" and lower-casing.
_HEADER_ALIASES: dict[str, str] = {
    **{alias: "community" for alias in ("社区", "社区名称", "所属社区", "community")},
    **{alias: "grid" for alias in ("网格", "网格名称", "所属网格", "grid")},
    **{alias: "building" for alias in ("楼栋", "楼号", "楼栋号", "栋号", "楼", "building")},
    **{alias: "unit" for alias in ("单元", "单元号", "unit")},
    **{alias: "room" for alias in ("房号", "房间号", "门牌号", "户号", "室", "room")},
    **{alias: "role" for alias in ("角色", "职务", "身份", "role")},
    **{alias: "name" for alias in ("姓名", "名字", "name")},
    **{alias: "phone" for alias in ("手机", "手机号", "手机号码", "电话", "电话号码", "联系电话",
                                    "联系方式", "phone", "mobile")},
    **{alias: "telegram_id" for alias in ("telegram_id", "telegramid", "telegram", "tg_id", "tgid",
                                          "tg")},
}

_PHONE_RE = re.compile(r"1[0-9]{10}")
_PHONE_NOISE = re.compile(r"[\s\-‐‑–—()（）]+")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def header_key(header: str) -> str:
    return re.sub(r"[\s*＊]+", "", fold(header)).lower()


def column_field(header: str) -> str | None:
    """The field a header stands for ("手机号" → "phone"), None for columns we don't read."""
    return _HEADER_ALIASES.get(header_key(header))


def clean_label(text: str) -> str:
    """Community and grid names: spacing and width differences are typos, not different places."""
    return re.sub(r"\s+", "", fold(text))


def parse_phone(text: str) -> str | None:
    """Digits only ("138 0000-0001", "+86 13800000001" → "13800000001"); None when not a mobile number."""
    s = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", text))
    for prefix in ("+86", "0086", "86"):
        if s.startswith(prefix) and len(s) == len(prefix) + 11:
            s = s[len(prefix):]
            break
    return s if _PHONE_RE.fullmatch(s) else None


def parse_telegram_id(text: str) -> int | None:
    s = unicodedata.normalize("NFKC", text).strip()
    return int(s) if s.isascii() and s.isdigit() else None


def clean_name(text: str) -> str | None:
    # "王  敏": secretaries pad two-character names to line up with three-character ones.
    s = _CJK_GAP.sub("", text.strip())
    return s or None


class Sheet:
    """Column positions and the headers as written, for reading cells and naming them in errors.

    `field_of` maps a header to a field and `names` a field to its header: the roster's by default,
    another sheet (the elders registry) passes its own.
    """

    def __init__(self, header: Sequence[str], field_of: Callable[[str], str | None] | None = None,
                 names: dict[str, str] | None = None) -> None:
        field_of = field_of or column_field
        self.names = names or COLUMNS
        self.index: dict[str, int] = {}
        self.written: dict[str, str] = {}
        self.duplicates: list[tuple[str, str]] = []  # (header, header it repeats)
        for i, cell in enumerate(header):
            written = cell.strip()
            field = field_of(written)
            if field is None:
                continue
            if field in self.index:
                self.duplicates.append((written, self.written[field]))
                continue
            self.index[field] = i
            self.written[field] = written

    def column(self, field: str) -> str:
        return self.written.get(field, self.names[field])

    def cell(self, cells: Sequence[str], field: str) -> str:
        i = self.index.get(field)
        return cells[i].strip() if i is not None and i < len(cells) else ""


def looks_like_header(cells: Sequence[str], field_of: Callable[[str], str | None] | None = None) -> bool:
    """At least two cells are column names we know: a title line above the table is not."""
    field_of = field_of or column_field
    return len({f for c in cells if (f := field_of(c)) is not None}) >= 2


def check_table(
    header_line: int, header: Sequence[str], lines: Sequence[tuple[int, Sequence[str]]]
) -> tuple[Roster, list[RosterError]]:
    """A Roster and every problem found, from a header and the non-blank lines below it."""
    sheet = Sheet(header)
    errors = [
        RosterError(header_line, written, f"「{written}」和「{first}」是同一列, 请只留一个")
        for written, first in sheet.duplicates
    ]
    missing = [COLUMNS[f] for f in ("community", "name") if f not in sheet.index]
    if "role" not in sheet.index and any(sheet.cell(cells, "name") for _, cells in lines):
        missing.append(COLUMNS["role"])
    errors += [RosterError(header_line, None, f"缺少「{m}」列") for m in missing]
    if missing:
        # Without these columns every row would repeat the same complaint.
        return Roster(), errors

    rows: list[RosterRow] = []
    for line, cells in lines:
        row = _check_row(sheet, line, cells, errors)
        if row is not None:
            rows.append(row)
    rows = _check_places(sheet, rows, errors)
    _check_people(sheet, rows, errors)
    errors.sort(key=lambda e: e.line)
    return Roster(rows), errors


def _check_row(sheet: Sheet, line: int, cells: Sequence[str], errors: list[RosterError]) -> RosterRow | None:
    def error(field: str, message: str) -> None:
        errors.append(RosterError(line, sheet.column(field), message))

    community = clean_label(sheet.cell(cells, "community"))
    grid = clean_label(sheet.cell(cells, "grid")) or None
    building = normalize_building(sheet.cell(cells, "building"))
    unit = normalize_unit(sheet.cell(cells, "unit"))
    room = normalize_room(sheet.cell(cells, "room"))
    name = clean_name(sheet.cell(cells, "name"))

    role: Role | None = None
    role_text = sheet.cell(cells, "role")
    if role_text:
        role = parse_role(fold(role_text))
        if role is None:
            error("role", f"角色「{role_text}」不认识, 可用: {known_role_names()}")
    elif name:
        error("role", f"「{name}」没有填角色")
    if role is not None and not name:
        error("name", f"填了角色「{role.label}」但没有姓名")

    phone: str | None = None
    if phone_text := sheet.cell(cells, "phone"):
        phone = parse_phone(phone_text)
        if phone is None:
            error("phone", f"手机号「{phone_text}」不对: 应是以1开头的11位数字")
    telegram_id: int | None = None
    if tg_text := sheet.cell(cells, "telegram_id"):
        telegram_id = parse_telegram_id(tg_text)
        if telegram_id is None:
            error("telegram_id", f"telegram_id「{tg_text}」应是一个整数")

    if not community:
        error("community", "没有填社区")
    if unit and not building:
        error("unit", f"有{unit_label(unit)}但没有填楼栋")
    if role is Role.GRID_WORKER and not grid:
        error("grid", f"{role.label}「{name}」要填所在网格")
    if role is Role.BUILDING_HEAD and not building:
        error("building", f"{role.label}「{name}」要填所管的楼栋")
    if role is Role.UNIT_HEAD and not unit:
        error("unit", f"{role.label}「{name}」要填所管的单元")
    if not community:
        return None
    return RosterRow(line=line, community=community, grid=grid, building=building, unit=unit, room=room,
                     role=role, name=name, phone=phone, telegram_id=telegram_id)


def _check_places(sheet: Sheet, rows: list[RosterRow], errors: list[RosterError]) -> list[RosterRow]:
    """Every building belongs to exactly one grid; rows that leave the grid out get it filled in.

    A secretary lists the grid once per building (on the 楼栋长's row, say) and leaves it blank
    for the residents: that is fine as long as some row says which grid the building is in.
    """
    grid_of: dict[tuple[str, str], tuple[str, int]] = {}
    for row in rows:
        if row.building is None or row.grid is None:
            continue
        key = (row.community, row.building)
        if key not in grid_of:
            grid_of[key] = (row.grid, row.line)
        elif grid_of[key][0] != row.grid:
            first_grid, first_line = grid_of[key]
            errors.append(RosterError(
                row.line, sheet.column("grid"),
                f"{building_label(row.building)}在第{first_line}行属于「{first_grid}」, "
                f"这里又写成「{row.grid}」: 一栋楼只能属于一个网格",
            ))

    filled: list[RosterRow] = []
    reported: set[tuple[str, str]] = set()
    for row in rows:
        if row.building is not None and row.grid is None:
            key = (row.community, row.building)
            if key in grid_of:
                row = dataclasses.replace(row, grid=grid_of[key][0])
            elif key not in reported:
                # Once per building: a building of 200 residents would otherwise fill the screen.
                reported.add(key)
                errors.append(RosterError(
                    row.line, sheet.column("building"),
                    f"{building_label(row.building)}不属于任何网格: 请至少在一行给它填上网格",
                ))
        filled.append(row)
    return filled


def _check_people(sheet: Sheet, rows: list[RosterRow], errors: list[RosterError]) -> None:
    """One person, one phone and one telegram_id, however many roles (rows) they hold.

    Rows with the same name in a community are taken as one person: two real namesakes must be
    told apart in the name column, or the bot could not tell them apart either.
    """
    phone_of: dict[tuple[str, str], tuple[str, int]] = {}  # (community, name) → first phone
    tg_of: dict[tuple[str, str], tuple[int, int]] = {}  # (community, name) → first telegram_id
    name_of_phone: dict[str, tuple[str, int]] = {}
    name_of_tg: dict[int, tuple[str, int]] = {}
    for row in rows:
        if row.name is None:
            continue
        person = (row.community, row.name)
        if row.phone is not None:
            first = phone_of.setdefault(person, (row.phone, row.line))
            if first[0] != row.phone:
                errors.append(RosterError(
                    row.line, sheet.column("phone"),
                    f"「{row.name}」在第{first[1]}行的手机是{first[0]}, 这里是{row.phone}: "
                    f"同一个人只能有一个手机号; 若是两个同名的人, 请在姓名上区分, 如「{row.name}(3栋)」",
                ))
            owner = name_of_phone.setdefault(row.phone, (row.name, row.line))
            if owner[0] != row.name:
                errors.append(RosterError(
                    row.line, sheet.column("phone"),
                    f"手机号{row.phone}在第{owner[1]}行是「{owner[0]}」的, 这里又给了「{row.name}」",
                ))
        if row.telegram_id is not None:
            first_tg = tg_of.setdefault(person, (row.telegram_id, row.line))
            if first_tg[0] != row.telegram_id:
                errors.append(RosterError(
                    row.line, sheet.column("telegram_id"),
                    f"「{row.name}」在第{first_tg[1]}行的telegram_id是{first_tg[0]}, 这里是{row.telegram_id}",
                ))
            owner = name_of_tg.setdefault(row.telegram_id, (row.name, row.line))
            if owner[0] != row.name:
                errors.append(RosterError(
                    row.line, sheet.column("telegram_id"),
                    f"telegram_id {row.telegram_id}在第{owner[1]}行是「{owner[0]}」的, 这里又给了「{row.name}」",
                ))
