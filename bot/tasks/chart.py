"""The digest's picture: horizontal bars for tickets by category and task completion per unit (PNG).

Drawn with Pillow and a font shipped in the package, cut down to exactly the characters below,
so the picture reads the same on a server without fonts. Labels are only ever composed from that
vocabulary; any other character is drawn as "?".
"""
from __future__ import annotations

import io
import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bot.nlu import CATEGORY_LABELS

TITLE = "上周小结"
TICKETS_TITLE = "诉求分类"
TASKS_TITLE = "各单元任务完成率"
COUNT_WORD = "件"
EMPTY = "暂无数据"
PLACE_WORDS = "栋单元座号楼"
PUNCTUATION = "%/·:-()., ?"

CHARSET: frozenset[str] = frozenset(
    "".join(CATEGORY_LABELS.values()) + TITLE + TICKETS_TITLE + TASKS_TITLE + COUNT_WORD + EMPTY + PLACE_WORDS
    + PUNCTUATION + string.digits + string.ascii_letters
)

WIDTH = 720
ROW = 34
BAR_LEFT = 190
BAR_RIGHT = WIDTH - 110
INK = (51, 51, 51)
MUTED = (140, 140, 140)
TICKET_BAR = (66, 133, 244)
TASK_BAR = (52, 168, 83)
TASK_BAR_LOW = (251, 188, 5)
BACKGROUND = (255, 255, 255)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # what is written after the bar: "3件", "80%"


def safe(text: str) -> str:
    """The label as the font can draw it: characters outside the vocabulary become "?"."""
    return "".join(ch if ch in CHARSET else "?" for ch in text)


@lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    data = (resources.files("bot.tasks") / "data" / "chart-font.ttf").read_bytes()
    return ImageFont.truetype(io.BytesIO(data), size)


def render_chart(period: str, tickets: list[Bar], units: list[Bar]) -> bytes:
    """A PNG: the title with the period ("11/2-11/8"), then the two bar groups."""
    from PIL import Image, ImageDraw

    sections = [(TICKETS_TITLE, tickets, TICKET_BAR, max((b.value for b in tickets), default=0) or 1),
                (TASKS_TITLE, units, TASK_BAR, 100)]
    height = 70 + sum(50 + ROW * max(1, len(bars)) for _, bars, _, _ in sections) + 10
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((24, 18), safe(f"{TITLE} {period}"), font=_font(26), fill=INK)
    y = 70
    for title, bars, color, scale in sections:
        draw.text((24, y), safe(title), font=_font(20), fill=INK)
        draw.line((24, y + 32, WIDTH - 24, y + 32), fill=(225, 225, 225), width=1)
        y += 44
        if not bars:
            draw.text((BAR_LEFT, y + 4), safe(EMPTY), font=_font(16), fill=MUTED)
            y += ROW
        for bar in bars:
            draw.text((24, y + 5), safe(bar.label), font=_font(16), fill=INK)
            length = int((BAR_RIGHT - BAR_LEFT) * max(0.0, min(bar.value, scale)) / scale)
            fill = color if color != TASK_BAR or bar.value >= 60 else TASK_BAR_LOW
            draw.rectangle((BAR_LEFT, y + 6, BAR_LEFT + max(length, 2), y + ROW - 8), fill=fill)
            draw.text((BAR_LEFT + max(length, 2) + 8, y + 5), safe(bar.text), font=_font(16), fill=INK)
            y += ROW
        y += 6
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def ticket_bars(by_category: dict[str, int]) -> list[Bar]:
    return [Bar(CATEGORY_LABELS.get(code, CATEGORY_LABELS["other"]), n, f"{n}{COUNT_WORD}")
            for code, n in by_category.items()]


def unit_bars(rates) -> list[Bar]:
    """From bot.tasks.stats.Rate per place: "1栋2单元  80% (4/5)"."""
    return [Bar(r.label, r.percent, f"{r.percent}% ({r.done}/{r.expected})") for r in rates]
