"""The thing a task or a completion is about ("问卷", "燃气安全排查"), so a completion can be matched to its task."""
from __future__ import annotations

import re

from bot.nlu.lexicon import Lexicon
from bot.nlu.signals import Signals

# Words that end a topic when reading leftwards from its head: who, when, and how, not what.
_STOP = frozenset("""
的 把 将 请 各 本 在 和 与 及 或 给 对 向 到 从 于 为 就 都 也 还 再 已 已经 了 着 过 一下 一遍 一个 这 那 这个 那个 这份 每
我 我们 你 你们 他 她 大家 各位 各家 各户 各自 全部 所有 单元 楼栋 楼 栋 单元长 楼栋长 网格员 三长 社区 辖区 网格 内 里 中
今天 明天 后天 大后天 今晚 明早 上午 下午 中午 晚上 前 之前 以前 底 月底 年底 周 本周 下周 点 半 号 日 月 年
完成 上报 提交 开展 收齐 交 报 发 做 填 填写 开始 进行 组织 配合 帮忙 麻烦 务必 注意 要 需要 做好 关于 因 起 即日起
通知 公告 温馨提示 接 街道 重要 截止 时间 抓紧 必须 至少 每人 每户 一次 户 人 位 份
交齐 交回 上交 报送 填报 收回 回收 发给 发到 转发 贴到 拍照 拍 更新 统计 核对 摸 一下 上来 上去 我 您 你
住户 居民 业主 所有 全体
""".split())
# "80岁以上老人": a number is part of the topic when a measure word follows it.
_COUNTED = frozenset({"岁", "周岁", "户", "人", "位"})
_PUNCT_RE = re.compile(r"^[\W\d_]+$")
_MAX_LEFT = 6
_MAX_CHARS = 12


def find_topic(signals: Signals, lexicon: Lexicon) -> str | None:
    """A short noun phrase around the first task word (问卷, 排查, 名单 …), or None."""
    heads = signals.of("topic")
    if not heads:
        return None
    tokens = signals.tokens
    starts: list[int] = []
    pos = 0
    for token in tokens:
        starts.append(pos)
        pos += len(token)
    best: tuple[int, int, str] | None = None  # (strength, length, phrase)
    for hit in heads:
        idx = _token_at(starts, hit.start)
        if idx is None:
            continue
        first = idx
        skip = -1  # the token index of a "的" left out of the phrase
        while first > 0 and idx - first - (skip >= 0) < _MAX_LEFT:
            before = tokens[first - 1]
            if hit.start - starts[first - 1] > _MAX_CHARS:
                break
            if _modifier(before) or (before.isdigit() and tokens[first] in _COUNTED):
                first -= 1
            elif before == "的" and skip < 0 and first > 1 and _modifier(tokens[first - 2]):
                # "加装电梯的签名", "燃气安全的视频": the topic reads without its "的"
                skip = first - 1
                first -= 2
            else:
                break
        phrase_start = min(starts[first], hit.start)
        last_end = max(hit.end, starts[idx] + len(tokens[idx]))
        text = signals.text
        if skip >= 0:
            phrase = text[phrase_start:starts[skip]] + text[starts[skip] + 1:last_end]
        else:
            phrase = text[phrase_start:last_end]
        phrase = phrase[-_MAX_CHARS:]
        strength = 0 if hit.word in lexicon.topic_weak_heads else 1
        candidate = (strength, len(phrase), phrase)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


def _token_at(starts: list[int], offset: int) -> int | None:
    for i in range(len(starts) - 1, -1, -1):
        if starts[i] <= offset:
            return i
    return None


def _modifier(token: str) -> bool:
    return token not in _STOP and not _PUNCT_RE.match(token) and not token.isspace()
