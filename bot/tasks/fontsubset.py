"""Development tool, not used at run time: cut the chart font down to the chart's vocabulary.

    apt-get install fonts-wqy-microhei && pip install fonttools
    python -m bot.tasks.fontsubset /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

writes bot/tasks/data/chart-font.ttf with exactly the characters of bot.tasks.chart.CHARSET.
"""
from __future__ import annotations

import sys
from pathlib import Path

from bot.tasks.chart import CHARSET

OUT = Path(__file__).resolve().parent / "data" / "chart-font.ttf"


def main(argv: list[str]) -> int:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = argv[0] if argv else "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    font = TTFont(source, fontNumber=0)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(CHARSET)))
    subsetter.subset(font)
    font.save(OUT)
    missing = [ch for ch in CHARSET if ord(ch) not in font.getBestCmap()]
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(CHARSET)} characters, missing {missing!r}")
    return 1 if missing else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
