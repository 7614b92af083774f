"""A streaming XLSX writer: rows go straight into the zip on disk, a few microseconds a cell.

openpyxl's write-only mode costs 20–50 µs a cell here, so a month of a street office's 台账
(about three million cells) took minutes; this writes the same workbook (bold frozen header,
column widths, dates as dates, one sheet continued on the next past Excel's row limit) in seconds,
in constant memory. openpyxl reads it back in the tests.
"""
from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROW_LIMIT = 1_048_576  # Excel's rows per sheet, the header included
_EPOCH = datetime(1899, 12, 30)
_DAY = timedelta(days=1)
# XML's three special characters escaped; control characters XML cannot hold dropped.
_XML = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
        **{c: None for c in (*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF)}}
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_DATE, _BOLD = 1, 2


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    return value.translate(_XML)


class Sheet:
    """Rows appended one at a time; the first few decide the column widths, then rows stream out."""

    SAMPLE = 200

    def __init__(self, book: "Workbook", name: str, header: Sequence[str]) -> None:
        self._book = book
        self.name = name
        self._header = list(header)
        self._letters = [column_letter(i) for i in range(len(header))]
        self._sample: list[Sequence[Any]] | None = []
        self._widths: list[float] | None = None
        self._out = None
        self._part = 0
        self._number = 0
        self._buffer: list[str] = []
        self.rows = 0

    def append(self, row: Sequence[Any]) -> None:
        self.rows += 1
        if self._sample is not None:
            self._sample.append(row)
            if len(self._sample) >= self.SAMPLE:
                self._start_streaming()
            return
        self._write(row)

    def close(self) -> None:
        if self._sample is not None:
            self._start_streaming()
        self._end_part()

    def _start_streaming(self) -> None:
        sample, self._sample = self._sample or [], None
        self._widths = _widths(self._header, sample)
        self._begin_part()
        for row in sample:
            self._write(row)

    def _begin_part(self) -> None:
        self._part += 1
        title = self.name if self._part == 1 else f"{self.name} ({self._part})"
        self._out = self._book._open_sheet(title)
        head = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2"'
                ' activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>']
        if self._widths:
            head.append("<cols>" + "".join(
                f'<col min="{i + 1}" max="{i + 1}" width="{w:g}" customWidth="1"/>'
                for i, w in enumerate(self._widths)) + "</cols>")
        head.append('<sheetData><row r="1">' + "".join(
            f'<c r="{self._letters[i]}1" t="inlineStr" s="{_BOLD}"><is><t>{_text(str(h))}</t></is></c>'
            for i, h in enumerate(self._header)) + "</row>")
        self._out.write("".join(head).encode())
        self._number = 1

    def _end_part(self) -> None:
        if self._buffer:
            self._out.write("".join(self._buffer).encode())
            self._buffer.clear()
        self._out.write(b"</sheetData></worksheet>")
        self._out.close()

    def _write(self, row: Sequence[Any]) -> None:
        if self._number >= ROW_LIMIT:  # Excel's last row: go on in "name (2)"
            self._end_part()
            self._begin_part()
        self._number += 1
        # Cells in order without references (an empty one as <c/>): half the bytes, and readers
        # place them by position as Excel does.
        cells = []
        for value in row:
            kind = type(value)
            if kind is str:
                cells.append(f'<c t="inlineStr"><is><t xml:space="preserve">{value.translate(_XML)}</t></is></c>'
                             if value else "<c/>")
            elif value is None:
                cells.append("<c/>")
            elif kind is int or kind is float:
                cells.append(f"<c><v>{value!r}</v></c>")
            elif kind is datetime:
                serial = ((value if value.tzinfo is None else value.replace(tzinfo=None)) - _EPOCH) / _DAY
                cells.append(f'<c s="{_DATE}"><v>{serial!r}</v></c>')
            elif kind is bool:
                cells.append(f'<c t="b"><v>{int(value)}</v></c>')
            else:
                cells.append(f'<c t="inlineStr"><is><t xml:space="preserve">{str(value).translate(_XML)}</t></is></c>')
        self._buffer.append(f'<row r="{self._number}">{"".join(cells)}</row>')
        if len(self._buffer) >= 2000:
            self._out.write("".join(self._buffer).encode())
            self._buffer.clear()


def _widths(header: Sequence[str], sample: list[Sequence[Any]]) -> list[float]:
    """Wide enough for the header and the sampled rows (CJK counted double), within 8–62."""
    widths = []
    for i, title in enumerate(header):
        values = [r[i] for r in sample if i < len(r)]
        if any(isinstance(v, datetime) for v in values):
            widths.append(17)
            continue
        widest = max([len(str(title)) * 2] + [min(len(str(v if v is not None else "")) * 2, 60) for v in values])
        widths.append(max(8, min(widest + 2, 62)))
    return widths


class Workbook:
    """Sheets written one after another: sheet() each (append its rows, close it), then close()."""

    def __init__(self, path: Path, title: str = "") -> None:
        self.path = Path(path)
        self.title = title
        # The lightest deflate: a month's sheets compress to about the same size (XML repeats
        # itself) at a fraction of the CPU of the default level.
        self._zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[str] = []

    def sheet(self, name: str, header: Sequence[str]) -> Sheet:
        return Sheet(self, name, header)

    def _open_sheet(self, title: str):
        self._sheets.append(title)
        return self._zip.open(f"xl/worksheets/sheet{len(self._sheets)}.xml", "w", force_zip64=True)

    def close(self) -> None:
        sheets = "".join(f'<sheet name="{_text(name[:31])}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(self._sheets, start=1))
        z = self._zip
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.styles+xml"/>'
                   '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
                   'package.core-properties+xml"/>'
                   + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                             f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                             for i in range(1, len(self._sheets) + 1))
                   + "</Types>")
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                   'metadata/core-properties" Target="docProps/core.xml"/></Relationships>')
        z.writestr("docProps/core.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                   'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                   f'<dc:title>{_text(self.title)}</dc:title></cp:coreProperties>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   f"<sheets>{sheets}</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
                             f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, len(self._sheets) + 1))
                   + f'<Relationship Id="rId{len(self._sheets) + 1}" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
        z.writestr("xl/styles.xml", _STYLES)
        z.close()

