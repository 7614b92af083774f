"""Development tool, not used at run time: cut the chart font down to the chart's vocabulary.

    apt-get install fonts-wqy-microhei && pip install fonttools
    python -m bot.tasks.fontsubset /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

writes bot/tasks/data/chart-font.ttf with exactly the characters of bot.tasks.chart.CHARSET.
"""
from __future__ import annotations

import sys
from pathlib import Path

from bot.ops.fonts import DEFAULT_SOURCE, subset_font
from bot.tasks.chart import CHARSET

OUT = Path(__file__).resolve().parent / "data" / "chart-font.ttf"


def main(argv: list[str]) -> int:
    return subset_font(argv[0] if argv else DEFAULT_SOURCE, "".join(CHARSET), OUT)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
