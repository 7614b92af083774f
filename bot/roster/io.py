"""Reading roster spreadsheets (.xlsx, .csv in UTF-8 or GB18030) into a checked Roster and its errors."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bot.roster.check import check_table, looks_like_header
from bot.roster.export import write_roster
from bot.model.roster import Roster, RosterError

__all__ = ["RosterFileError", "read_roster", "read_table", "split_header", "write_roster"]

# How far down to look for the header: sheets often open with a title line or two.
_HEADER_SEARCH_LINES = 10

Table = list[tuple[int, list[str]]]  # (1-based line in the file, cells), blank lines left out
HeaderTest = Callable[[Sequence[str]], bool]


class RosterFileError(ValueError):
    """The file cannot be read as a table at all (wrong type, damaged); the message is for the user."""


def read_roster(path: Path) -> tuple[Roster, list[RosterError]]:
    """The roster in an .xlsx or .csv file and every problem found in it.

    Any error means the file should be rejected whole; the Roster is returned anyway so a caller
    can show what was understood. Raises RosterFileError when the file is not a readable table.
    """
    table = read_table(path)
    if not table:
        return Roster(), [RosterError(1, None, "文件里没有内容")]
    header_line, header, lines = split_header(table)
    return check_table(header_line, header, lines)


def split_header(table: Table, is_header: HeaderTest = looks_like_header) -> tuple[int, list[str], Table]:
    """(line of the header, the header, the lines below it) of a non-empty table.

    The header is the first line that names at least two known columns; failing that, the first
    line, so the missing-column errors speak about what the user sees at the top.
    """
    head = next((i for i, (_, cells) in enumerate(table[:_HEADER_SEARCH_LINES]) if is_header(cells)), 0)
    header_line, header = table[head]
    return header_line, header, table[head + 1:]


def read_table(path: Path, is_header: HeaderTest = looks_like_header) -> Table:
    """The non-blank lines of an .xlsx (its first sheet with a header), or of a .csv, as stripped strings."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, is_header)
    if suffix == ".csv":
        return _read_csv(path.read_bytes())
    raise RosterFileError(f"不支持「{path.suffix or path.name}」文件, 请用 .xlsx 或 .csv")


def _read_xlsx(path: Path, is_header: HeaderTest) -> Table:
    try:
        # Not read-only: read-only sheets don't expose merged cells, which we need below.
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise RosterFileError("这个 .xlsx 文件打不开, 可能已损坏; 请在 Excel 里另存为 .xlsx 后再发") from exc
    try:
        sheet = next((ws for ws in workbook.worksheets if _sheet_has_header(ws, is_header)),
                     workbook.worksheets[0])
        grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        # A merged 社区 or 网格 cell spanning twenty rows holds its value only in the top-left
        # cell; the secretary sees it on every row, so every row gets it.
        for merged in sheet.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = value
    finally:
        workbook.close()
    return [(i, cells) for i, cells in enumerate(grid, start=1) if any(cells)]


def _sheet_has_header(ws: Any, is_header: HeaderTest) -> bool:
    rows = ws.iter_rows(max_row=_HEADER_SEARCH_LINES, values_only=True)
    return any(is_header([_cell_text(v) for v in row]) for row in rows)


def _cell_text(value: object) -> str:
    """A cell as the user sees it: 5 → "5", 13800000001.0 → "13800000001"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode 文本"
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on a Chinese Windows saves "CSV" in the ANSI code page, GBK; GB18030 is its superset.
        return data.decode("gb18030", errors="replace")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Numbered by record, not by physical line: a quoted cell with a line break is still one
    # spreadsheet row, and the row number is what the user looks up.
    table = [(i, [c.strip() for c in cells]) for i, cells in enumerate(reader, start=1)]
    return [(i, cells) for i, cells in table if any(cells)]
