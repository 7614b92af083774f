"""The elders sheet (老人名册): Chinese headers, one row per elder, read and written like the roster."""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.model.elders import CATEGORIES, CATEGORY_ALIASES, RISK_ALIASES, RISK_LABELS, ElderRow
from bot.nlu.addresses import fold, normalize_building, normalize_room, normalize_unit
from bot.model.labels import address_label, building_label, unit_label
from bot.roster.check import Sheet, clean_label, clean_name, header_key, looks_like_header, parse_phone
from bot.roster.io import RosterFileError, read_table, split_header
from bot.model.roster import RosterError

# Columns: 姓名, 楼栋, 单元, 房号, 类别, 风险等级, 包保人, 家属姓名, 家属电话, 健康备注, 照片 (and 社区 when a
# deployment holds several communities). Several values in one cell are separated by 、 (or ，,;/).
# Reading reuses the roster's table reader and its error form: every problem is named by row and column.

COLUMNS: dict[str, str] = {
    "community": "社区",
    "name": "姓名",
    "building": "楼栋",
    "unit": "单元",
    "room": "房号",
    "categories": "类别",
    "risk": "风险等级",
    "keepers": "包保人",
    "family_name": "家属姓名",
    "family_phone": "家属电话",
    "health_note": "健康备注",
    "photo": "照片",
}
_ALIASES: dict[str, str] = {
    **{a: "community" for a in ("社区", "社区名称", "所属社区", "community")},
    **{a: "name" for a in ("姓名", "老人姓名", "名字", "name")},
    **{a: "building" for a in ("楼栋", "楼号", "楼栋号", "栋号", "楼", "building")},
    **{a: "unit" for a in ("单元", "单元号", "unit")},
    **{a: "room" for a in ("房号", "房间号", "门牌号", "户号", "室", "room")},
    **{a: "categories" for a in ("类别", "类型", "老人类别", "人员类别", "分类", "category")},
    **{a: "risk" for a in ("风险等级", "风险", "等级", "关注等级", "风险级别", "级别", "risk")},
    **{a: "keepers" for a in ("包保人", "包保责任人", "包保", "责任人", "包保干部", "keeper")},
    **{a: "family_name" for a in ("家属姓名", "家属", "紧急联系人", "监护人")},
    **{a: "family_phone" for a in ("家属电话", "家属手机", "家属联系电话", "紧急联系电话", "紧急联系人电话",
                                   "监护人电话")},
    **{a: "health_note" for a in ("健康备注", "健康状况", "病史", "既往病史", "身体状况", "备注")},
    **{a: "photo" for a in ("照片", "照片文件", "相片", "photo")},
}
REQUIRED = ("name", "building", "risk")
SEPARATORS = re.compile(r"[、，,;；/／\n]+")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
HEALTH_NOTE_LIMIT = 500
# Photos up to 20 MB are read; over 1 MB or 1280 px they are shrunk to what a phone shows. Telegram
# refuses a photo whose sides are in a ratio over 20, so such a file is refused here already.
PHOTO_READ_LIMIT = 20 * 1024 * 1024
PHOTO_MAX_SIDE = 1280
_PHOTO_KEEP_BYTES = 1024 * 1024


def column_field(header: str) -> str | None:
    return _ALIASES.get(header_key(header))


def looks_like_elders_header(cells: Sequence[str]) -> bool:
    return looks_like_header(cells, column_field)


def split_values(text: str) -> list[str]:
    """"李红、王敏" / "李红，王敏" / "李红;王敏" → ["李红", "王敏"]."""
    return [v.strip() for v in SEPARATORS.split(unicodedata.normalize("NFKC", text)) if v.strip()]


def parse_family_phone(text: str) -> str | None:
    """A mobile number as digits, or a landline as "0431-88881234"; None when neither."""
    mobile = parse_phone(text)
    if mobile:
        return mobile
    s = re.sub(r"[\s()（）]+", "", unicodedata.normalize("NFKC", text)).replace("—", "-").replace("－", "-")
    if _LANDLINE.fullmatch(s):
        digits = s.replace("-", "")
        area = 3 if digits[:2] in ("01", "02") else 4
        return f"{digits[:area]}-{digits[area:]}"
    return None


@dataclass(frozen=True)
class PhotoFile:
    """An elder's picture as it will be stored: shrunk to what a phone shows, with fingerprints."""

    name: str
    data: bytes
    sha: str  # of `data`, what an export writes back
    source_sha: str  # of the file as imported


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_photo(path: Path) -> PhotoFile:
    """Read and, when large, shrink a photo; ValueError with a message for the user when it is not one."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = path.stat().st_size
    if size > PHOTO_READ_LIMIT:
        raise ValueError(f"照片「{path.name}」太大 ({size // (1024 * 1024)} MB), 请换一张 20 MB 以内的")
    raw = path.read_bytes()
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValueError(f"「{path.name}」不是能打开的照片, 请用 JPG 或 PNG") from None
    width, height = image.size
    if max(width, height) > 20 * min(width, height):
        raise ValueError(f"照片「{path.name}」太细长了 ({width}×{height}), 请换一张正常比例的")
    if image.format in ("JPEG", "PNG") and len(raw) <= _PHOTO_KEEP_BYTES and max(width, height) <= PHOTO_MAX_SIDE:
        return PhotoFile(path.name, raw, _sha(raw), _sha(raw))
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    data = out.getvalue()
    return PhotoFile(Path(path.name).with_suffix(".jpg").name, data, _sha(data), _sha(raw))


@dataclass
class ElderSheet:
    rows: list[ElderRow]  # the rows without a problem
    photos: dict[int, PhotoFile]  # by line
    columns: dict[str, str]  # field → the header as written, for naming columns in errors
    flawed: list[ElderRow] = field(default_factory=list)  # rows with a problem, still checked further

    def column(self, field: str) -> str:
        return self.columns.get(field, COLUMNS[field])


def read_elders(path: Path) -> tuple[ElderSheet, list[RosterError]]:
    """The elders in an .xlsx or .csv and every problem found in the file itself.

    Problems that need the roster (an unknown building or 包保人) are found when it is applied.
    Photos are read from the folder the sheet is in. Raises RosterFileError when the file is not a table.
    """
    table = read_table(path, looks_like_elders_header)
    if not table:
        return ElderSheet([], {}, {}), [RosterError(1, None, "文件里没有内容")]
    header_line, header, lines = split_header(table, looks_like_elders_header)
    sheet, errors = check_elder_table(header_line, header, lines)
    photos: dict[int, PhotoFile] = {}
    for row in sheet.rows + sheet.flawed:
        if row.photo is None:
            continue
        file = (path.parent / row.photo)
        if not file.is_file():
            errors.append(RosterError(row.line, sheet.column("photo"),
                                      f"找不到照片「{row.photo}」: 请把照片和表格放在同一个文件夹里"))
            continue
        try:
            photos[row.line] = load_photo(file)
        except ValueError as exc:
            errors.append(RosterError(row.line, sheet.column("photo"), str(exc)))
    sheet.photos = photos
    errors.sort(key=lambda e: e.line)
    return sheet, errors


def check_elder_table(header_line: int, header: Sequence[str], lines: Sequence[tuple[int, Sequence[str]]]
                      ) -> tuple[ElderSheet, list[RosterError]]:
    """Rows and every problem in them, from a header and the non-blank lines below it. Pure."""
    sheet = Sheet(header, column_field, COLUMNS)
    errors = [RosterError(header_line, written, f"「{written}」和「{first}」是同一列, 请只留一个")
              for written, first in sheet.duplicates]
    missing = [COLUMNS[f] for f in REQUIRED if f not in sheet.index]
    errors += [RosterError(header_line, None, f"缺少「{m}」列") for m in missing]
    if missing:
        return ElderSheet([], {}, sheet.written), errors
    rows: list[ElderRow] = []
    flawed: list[ElderRow] = []
    first_line: dict[tuple, int] = {}
    for line, cells in lines:
        count = len(errors)
        row = _check_row(sheet, line, cells, errors)
        if len(errors) > count:
            # Checked against the roster too, so one import names every problem of the row.
            flawed.append(row)
            continue
        key = (row.community, row.name, row.building, row.unit, row.room)
        if key in first_line:
            errors.append(RosterError(line, sheet.column("name"),
                                      f"「{row.name}」和第{first_line[key]}行是同一位老人 (姓名和住址都一样)"))
            continue
        first_line[key] = line
        rows.append(row)
    errors.sort(key=lambda e: e.line)
    return ElderSheet(rows, {}, sheet.written, flawed), errors


def _check_row(sheet: Sheet, line: int, cells: Sequence[str], errors: list[RosterError]) -> ElderRow:
    """The row as far as it can be read; any problem is added to `errors`."""

    def error(field: str, message: str) -> None:
        errors.append(RosterError(line, sheet.column(field), message))

    name = clean_name(sheet.cell(cells, "name"))
    building = normalize_building(sheet.cell(cells, "building"))
    unit = normalize_unit(sheet.cell(cells, "unit"))
    room = normalize_room(sheet.cell(cells, "room"))
    who = f"「{name}」" if name else "这位老人"
    if not name:
        error("name", "没有填姓名")
    if not building:
        error("building", f"{who}没有填楼栋")
    if unit and not building:
        error("unit", "有单元但没有填楼栋")

    categories: list[str] = []
    for word in split_values(sheet.cell(cells, "categories")):
        category = CATEGORY_ALIASES.get(fold(word))
        if category is None:
            error("categories", f"类别「{word}」不认识, 可用: {'、'.join(CATEGORIES)}")
        elif category not in categories:
            categories.append(category)
    categories.sort(key=CATEGORIES.index)

    risk_text = sheet.cell(cells, "risk")
    risk = RISK_ALIASES.get(fold(risk_text).replace("级", "").strip().lower()) if risk_text else None
    if not risk_text:
        error("risk", f"{who}没有填风险等级 (重点/一般/其他, 或 红/黄/绿)")
    elif risk is None:
        error("risk", f"风险等级「{risk_text}」不认识, 可用: 重点/一般/其他, 或 红/黄/绿")

    keepers: list[str] = []
    for word in split_values(sheet.cell(cells, "keepers")):
        keeper = clean_name(word)
        if keeper and keeper not in keepers:
            keepers.append(keeper)

    family_phone = None
    if phone_text := sheet.cell(cells, "family_phone"):
        family_phone = parse_family_phone(phone_text)
        if family_phone is None:
            error("family_phone", f"家属电话「{phone_text}」不对: 应是11位手机号, 或带区号的座机如 0431-88881234")
    note = sheet.cell(cells, "health_note") or None
    if note and len(note) > HEALTH_NOTE_LIMIT:
        error("health_note", f"健康备注有 {len(note)} 个字, 最多 {HEALTH_NOTE_LIMIT} 个字, 请精简一下")
    community = clean_label(sheet.cell(cells, "community")) or None
    return ElderRow(
        line=line, name=name or "", building=building or "", unit=unit, room=room, risk=risk or "medium",
        categories=tuple(categories),
        keepers=tuple(keepers), family_name=clean_name(sheet.cell(cells, "family_name")), family_phone=family_phone,
        health_note=note, photo=sheet.cell(cells, "photo") or None, community=community,
    )


# -- writing ---------------------------------------------------------------------------------------

_WIDTHS = {"community": 16, "name": 10, "building": 8, "unit": 8, "room": 8, "categories": 14, "risk": 10,
           "keepers": 16, "family_name": 10, "family_phone": 15, "health_note": 30, "photo": 18}
_TEXT_FIELDS = ("room", "family_phone")


def elder_cells(row: ElderRow, fields: Sequence[str]) -> list[str]:
    values = {
        "community": row.community or "",
        "name": row.name,
        "building": building_label(row.building),
        "unit": unit_label(row.unit) if row.unit else "",
        "room": row.room or "",
        "categories": "、".join(row.categories),
        "risk": RISK_LABELS[row.risk],
        "keepers": "、".join(row.keepers),
        "family_name": row.family_name or "",
        "family_phone": row.family_phone or "",
        "health_note": row.health_note or "",
        "photo": row.photo or "",
    }
    return [values[f] for f in fields]


def write_elders(rows: list[ElderRow], path: Path, with_community: bool = False) -> None:
    """Write to .xlsx (bold frozen header, sized columns) or .csv (UTF-8 with BOM, so Excel opens it)."""
    fields = [f for f in COLUMNS if with_community or f != "community"]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([COLUMNS[f] for f in fields])
            writer.writerows(elder_cells(row, fields) for row in rows)
        return
    if suffix != ".xlsx":
        raise RosterFileError(f"不支持「{path.suffix or path.name}」文件, 请用 .xlsx 或 .csv")
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "老人名册"
    sheet.append([COLUMNS[f] for f in fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    text_columns = [i for i, f in enumerate(fields, start=1) if f in _TEXT_FIELDS]
    for row in rows:
        sheet.append([value or None for value in elder_cells(row, fields)])
        for col in text_columns:
            sheet.cell(row=sheet.max_row, column=col).number_format = "@"
    for i, f in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS[f]
    sheet.freeze_panes = "A2"
    book.save(path)


def describe(row: ElderRow) -> str:
    """"王秀英 (3栋2单元502)", for messages about a row."""
    return f"{row.name} ({address_label(row.building, row.unit, row.room)})"
