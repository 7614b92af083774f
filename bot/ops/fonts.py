"""Cutting a font down to the characters a picture prints (development tools for the chart and QR card fonts)."""
from __future__ import annotations

from pathlib import Path

DEFAULT_SOURCE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def subset_font(source: str, text: str, out: Path) -> int:
    """Write `out` with exactly the characters of `text` from `source`; 1 when any is missing."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, fontNumber=0)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    font.save(out)
    missing = [ch for ch in set(text) if ord(ch) not in font.getBestCmap()]
    print(f"{out}: {out.stat().st_size} bytes, {len(set(text))} characters, missing {missing!r}")
    return 1 if missing else 0
