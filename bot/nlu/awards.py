"""Points said in words or typed after /points: "给刘凤霞记5分 照顾独居老人", "add 刘凤霞 5 …"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.numerals import to_int

_NUM = r"[0-9]+|[零〇一二两三四五六七八九十百]+"
# "给刘凤霞记5分 照顾独居老人", "给刘凤霞加五分: 帮忙买菜", "给曹德胜扣2分 未按时到岗"
_AWARD_RE = re.compile(
    rf"^\s*(?:请)?给\s*(?P<name>[^\s\d,，:：。]{{1,10}}?)\s*(?P<verb>记|加|积|奖励|奖|扣|减)\s*(?P<n>{_NUM})\s*个?\s*(?:积分|分)"
    r"[\s,，:：、。.!！]*(?P<reason>.*?)\s*$",
    re.S,
)


# The most one award may give or take: "给刘凤霞记500分" is a slip of the keyboard, not an award.
MAX_AWARD = 100


@dataclass(frozen=True)
class AwardWords:
    name: str
    amount: int
    reason: str

    @property
    def too_large(self) -> bool:
        return abs(self.amount) > MAX_AWARD


def parse_award(text: str) -> AwardWords | None:
    """An award said in words, or None. Amounts are positive (negative with 扣/减); above MAX_AWARD
    the award is still read, so that the answer can say the limit (see AwardWords.too_large)."""
    m = _AWARD_RE.match(text or "")
    if not m:
        return None
    n = int(m.group("n")) if m.group("n").isdigit() else to_int(m.group("n"))
    if n is None or n <= 0:
        return None
    sign = -1 if m.group("verb") in ("扣", "减") else 1
    return AwardWords(m.group("name"), sign * n, m.group("reason").strip()[:100])


def parse_add_command(arg: str) -> AwardWords | None:
    """"add 刘凤霞 5 照顾独居老人" (the words after /points)."""
    parts = arg.split(maxsplit=3)
    if len(parts) < 3 or parts[0].lower() not in ("add", "加", "记"):
        return None
    amount = parts[2].lstrip("+")
    sign = -1 if amount.startswith("-") else 1
    amount = amount.lstrip("-")
    # isascii: "²" and "٣" pass str.isdigit but int() refuses them.
    n = int(amount) if amount.isascii() and amount.isdigit() else to_int(amount)
    if n is None or n <= 0:
        return None
    return AwardWords(parts[1], sign * n, parts[3].strip()[:100] if len(parts) > 3 else "")
