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
    subsetter.populate(text=CARD_CHARSET)
    subsetter.subset(font)
    font.save(OUT)
    missing = [ch for ch in CARD_CHARSET if ord(ch) not in font.getBestCmap()]
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(CARD_CHARSET)} characters, missing {missing!r}")
    return 1 if missing else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
