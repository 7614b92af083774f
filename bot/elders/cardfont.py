"""Development tool, not used at run time: cut the QR card font down to the words the cards print.

    apt-get install fonts-wqy-microhei && pip install fonttools
    python -m bot.elders.cardfont /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

writes bot/elders/data/card-font.ttf with exactly the characters of CARD_CHARSET.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Everything a card or the print sheet says: the caption, its title and the numbers under each card.
CARD_CHARSET = "防走失老人请扫码联系家属编号第页共张,，。0123456789 "
OUT = Path(__file__).resolve().parent / "data" / "card-font.ttf"


def main(argv: list[str]) -> int:
    from bot.ops.fonts import DEFAULT_SOURCE, subset_font

    return subset_font(argv[0] if argv else DEFAULT_SOURCE, CARD_CHARSET, OUT)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
