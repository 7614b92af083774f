"""Bar charts as inline SVG, drawn on the server: no script, readable on an old office PC."""
from __future__ import annotations

from markupsafe import Markup, escape

BAR = "#2f6db5"
WARN = "#c0392b"


def hbars(items: list[tuple[str, float]], unit: str = "", width: int = 560, label_width: int = 120,
          marks: dict[str, float] | None = None) -> Markup:
    """One row per item: label, bar, number. `marks` draws a second, red bar (e.g. overdue)."""
    if not items:
        return Markup('<p class="muted">没有数据</p>')
    top = max(v for _, v in items) or 1
    row = 26
    bar_room = width - label_width - 70
    parts = [f'<svg class="chart" viewBox="0 0 {width} {row * len(items) + 6}" role="img"'
             f' xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        w = max(1, round(bar_room * value / top)) if value else 0
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" font-size="13">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{w}" height="17" fill="{BAR}"/>')
        if marks and marks.get(label):
            mw = max(1, round(bar_room * marks[label] / top))
            parts.append(f'<rect x="{label_width}" y="{y + 14}" width="{mw}" height="5" fill="{WARN}"/>')
        parts.append(f'<text x="{label_width + w + 6}" y="{y + 15}" font-size="13">{_num(value)}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def vbars(items: list[tuple[str, float]], width: int = 640, height: int = 200) -> Markup:
    """Columns left to right (months): label under each, number on top."""
    if not items:
        return Markup('<p class="muted">没有数据</p>')
    top = max(v for _, v in items) or 1
    slot = width / len(items)
    chart = height - 40
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(items):
        h = round(chart * value / top) if value else 0
        x = i * slot + slot * 0.15
        w = slot * 0.7
        y = 18 + chart - h
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{h}" fill="{BAR}"/>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{y - 4}" text-anchor="middle" font-size="12">{_num(value)}</text>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="12">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
