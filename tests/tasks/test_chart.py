"""The digest chart: a PNG drawn with the shipped font, which has every glyph the chart can use."""
from __future__ import annotations

import io
import struct
from importlib import resources

from PIL import Image

from bot.nlu import CATEGORY_LABELS
from bot.tasks import chart
from bot.tasks.stats import Rate


def cmap_of(font: bytes) -> set[int]:
    """The code points of a TrueType font's Unicode cmap (formats 4 and 12), read by hand."""
    num_tables = struct.unpack(">H", font[4:6])[0]
    tables = {font[12 + 16 * i:16 + 16 * i]: struct.unpack(">II", font[20 + 16 * i:28 + 16 * i])
              for i in range(num_tables)}
    base = tables[b"cmap"][0]
    count = struct.unpack(">H", font[base + 2:base + 4])[0]
    found: set[int] = set()
    for i in range(count):
        _, _, offset = struct.unpack(">HHI", font[base + 4 + 8 * i:base + 12 + 8 * i])
        sub = base + offset
        fmt = struct.unpack(">H", font[sub:sub + 2])[0]
        if fmt == 4:
            segs = struct.unpack(">H", font[sub + 6:sub + 8])[0] // 2
            ends = struct.unpack(f">{segs}H", font[sub + 14:sub + 14 + 2 * segs])
            starts = struct.unpack(f">{segs}H", font[sub + 16 + 2 * segs:sub + 16 + 4 * segs])
            for start, end in zip(starts, ends):
                if start != 0xFFFF:
                    found.update(range(start, end + 1))
        elif fmt == 12:
            groups = struct.unpack(">I", font[sub + 12:sub + 16])[0]
            for g in range(groups):
                start, end, _ = struct.unpack(">III", font[sub + 16 + 12 * g:sub + 28 + 12 * g])
                found.update(range(start, end + 1))
    return found


def test_the_font_has_every_character_the_chart_can_draw():
    font = (resources.files("bot.tasks") / "data" / "chart-font.ttf").read_bytes()
    cmap = cmap_of(font)
    for label in CATEGORY_LABELS.values():
        assert all(ord(ch) in cmap for ch in label), label
    missing = sorted(ch for ch in chart.CHARSET if ord(ch) not in cmap and not ch.isspace())
    assert missing == []
    assert (resources.files("bot.tasks") / "data" / "FONT-LICENSE.txt").read_text(encoding="utf-8").count("Apache")


def test_labels_outside_the_vocabulary_fall_back_to_a_question_mark():
    assert chart.safe("1栋2单元") == "1栋2单元"
    assert chart.safe("综合楼A座") == "??楼A座"


def test_the_chart_is_a_png_that_decodes():
    png = chart.render_chart(
        "11/16-11/22",
        chart.ticket_bars({"water": 3, "electric": 1, "other": 2}),
        chart.unit_bars([Rate("1栋1单元", 2, 2), Rate("1栋2单元", 1, 2), Rate("综合楼", 0, 1)]),
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.size[0] == chart.WIDTH and image.size[1] > 300
    colours = {c for _, c in image.getcolors(maxcolors=1 << 16)}
    assert chart.TICKET_BAR in colours and chart.TASK_BAR in colours and chart.TASK_BAR_LOW in colours
    empty = Image.open(io.BytesIO(chart.render_chart("11/16-11/22", [], [])))
    assert empty.size[1] > 100
