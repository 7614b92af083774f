"""Writing a Roster to .xlsx or .csv with Chinese headers, in a form read_roster reads back unchanged."""
from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.model.labels import building_label, unit_label
from bot.roster.check import COLUMNS
from bot.model.roster import Roster, RosterRow

# Column widths in Excel character units; CJK characters count about double.
_WIDTHS: dict[str, int] = {
    "community": 16, "grid": 12, "building": 8, "unit": 8, "room": 8,
    "role": 12, "name": 10, "phone": 14, "telegram_id": 14,
}
# Kept as text in Excel: otherwise a phone number shows as 1.38E+10 and loses its digits on edit.
_TEXT_FIELDS = ("phone", "telegram_id", "room")


def roster_cells(row: RosterRow) -> list[str]:
    """One row as written, in COLUMNS order: places with their 栋/单元 suffix, the role's Chinese name."""
    values = {
        "community": row.community,
        "grid": row.grid or "",
        "building": building_label(row.building) if row.building else "",
        "unit": unit_label(row.unit) if row.unit else "",
        "room": row.room or "",
        "role": row.role.label if row.role else "",
        "name": row.name or "",
        "phone": row.phone or "",
        "telegram_id": str(row.telegram_id) if row.telegram_id is not None else "",
    }
    return [values[field] for field in COLUMNS]


def write_roster(roster: Roster, path: Path) -> None:
    """Write to .xlsx (bold frozen header, sized columns) or .csv (UTF-8 with BOM, so Excel opens it)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(roster, path)
    elif suffix == ".csv":
        _write_csv(roster, path)
    else:
        raise ValueError(f"unsupported roster file type: {path.suffix!r} (use .xlsx or .csv)")


def _write_csv(roster: Roster, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS.values())
        writer.writerows(roster_cells(row) for row in roster.rows)


def _write_xlsx(roster: Roster, path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    sheet.append(list(COLUMNS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    text_columns = [i for i, field in enumerate(COLUMNS, start=1) if field in _TEXT_FIELDS]
    for row in roster.rows:
        # Empty cells stay empty rather than "" so Excel's blank-cell tools behave.
        sheet.append([value or None for value in roster_cells(row)])
        for col in text_columns:
            sheet.cell(row=sheet.max_row, column=col).number_format = "@"
    for i, field in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS[field]
    sheet.freeze_panes = "A2"
    workbook.save(path)
