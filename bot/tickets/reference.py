"""What a message is about: the ticket it replies to, names by number, or names by its subject."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.model.ids import parse_id
from bot.nlu import Parsed
from bot.model.tickets import Ticket

# "#2", "＃2", "2号单子", "2号单", "第2单", "2号诉求"; a bare "2号" only when nothing follows that makes it
# a building, a gate or a date ("2号楼", "3号门", "11月3号").
_NUMBERED = re.compile(r"[#＃]\s*(\d{1,9})|第\s*(\d{1,9})\s*[单号]|(\d{1,9})\s*号\s*(?:单子|单|诉求|报事|工单)")
_BARE = re.compile(r"(?<![\d月])(\d{1,9})\s*号(?![\d楼门院线床机口地车栋单室房])")

# Words every message shares; two messages sharing only these are not about the same thing.
_COMMON = set("""那个 这个 那事 这事 什么 时候 怎么 有人 有没 没有 一下 我们 你们 他们 我家 家里 已经 还是
还没 现在 今天 明天 昨天 前天 上午 下午 晚上 刚才 说的 报的 了吗 管没 人管 来修 修啊 问题 情况 麻烦 谢谢 一直
还在 处理 看看 过去 单元 楼道 里面 那家 好了 多了 好多 不了 可以 可能 是不 不是 时间 这里 那里
门口 楼下 楼上 小区 院里 外面 旁边 附近 对面 一股 好几 几天 天了 厉害 特别 非常""".split())
_COMMON_LONGEST_FIRST = sorted(_COMMON | {"单元", "号楼", "栋"}, key=len, reverse=True)
_CJK = re.compile(r"[\u4e00-\u9fff]+")


# A bare "2号" counts only in a short message ("2号怎么样了", "2号修好了"): in a longer one it is
# more likely a date or a door ("我们3号开会").
BARE_MAX = 12


def named_number(text: str, bare: bool = True) -> int | None:
    """The ticket number a message names, if it names one; `bare` also takes a short "2号 …"."""
    text = text or ""
    found = _NUMBERED.search(text) or (_BARE.search(text) if bare and len(text) <= BARE_MAX else None)
    if not found:
        return None
    return parse_id(next(g for g in found.groups() if g))


def content_pairs(text: str) -> set[str]:
    """The two-character words of a text, without the ones every message has: what it is about."""
    pairs: set[str] = set()
    text = text or ""
    for word in _COMMON_LONGEST_FIRST:  # "1单元门口垃圾桶" must not share "元门" with "1单元门口化粪池"
        text = text.replace(word, " ")
    for run in _CJK.findall(text):
        pairs.update(run[i:i + 2] for i in range(len(run) - 1))
    return pairs - _COMMON


@dataclass(frozen=True)
class Match:
    ticket: Ticket
    score: int


def place_conflicts(ticket: Ticket, parsed: Parsed) -> bool:
    """The message names a different building, unit or room than the ticket's."""
    for mine, said in ((ticket.building, parsed.building), (ticket.unit, parsed.unit),
                       (ticket.room, parsed.room)):
        if said is not None and mine is not None and said != mine:
            return True
    return False


def subject_score(ticket: Ticket, text: str, parsed: Parsed | None) -> int:
    """How plainly a message speaks of this ticket: shared words, the same field, the same place."""
    if parsed is not None and place_conflicts(ticket, parsed):
        return 0
    score = 2 * len(content_pairs(text) & content_pairs(ticket.text))
    if parsed is not None:
        if parsed.category and parsed.category == ticket.category and parsed.category != "other":
            score += 2
        if parsed.room and parsed.room == ticket.room:
            score += 2
    return score


def by_subject(tickets: list[Ticket], text: str, parsed: Parsed | None) -> Ticket | None:
    """The one ticket a message names by its subject ("天台杂物那事", "漏水那个"), if exactly one fits best."""
    scored = sorted((Match(t, subject_score(t, text, parsed)) for t in tickets),
                    key=lambda m: (m.score, m.ticket.id), reverse=True)
    scored = [m for m in scored if m.score >= 2]
    if not scored:
        return None
    if len(scored) > 1 and scored[1].score == scored[0].score:
        return None  # two fit as well: asking beats guessing
    return scored[0].ticket


def names_a_subject(text: str, parsed: Parsed | None) -> bool:
    """Whether a question names anything of its own ("漏水那个") or only asks ("怎么还没人来")."""
    if parsed is not None and (parsed.category not in (None, "other") or parsed.building or parsed.room):
        return True
    return bool(content_pairs(text) - _ASKING)


# Pairs of a bare question: "怎么还没人来啊", "什么时候来", "有人管吗".
_ASKING = set("""还没 没人 人来 来啊 么还 怎么 时候 么时 候来 有人 人管 管吗 进展 样了 么样 结果 到底 啥时
候修 来人 没来 等了 多久 一天 太慢 慢了 态度 师傅 傅态 度也 也不 不好 天才 才来 回事 么回 催一 一催""".split())


# Words about how a request is handled rather than a new problem: "太慢了", "师傅态度也不好".
_SERVICE = re.compile(r"太慢|态度|没人来|还没来|没人管|等了.{0,4}(天|小时)|怎么还没|催一下|到底.{0,4}(来|修|管)")
# "根本没修好", "还是漏", "又坏了": it is not over.
_NOT_FIXED = re.compile(r"(没|没有|不)(修|弄|处理|搞|整)?(好|完)|又坏|还是(坏|漏|不|没)|还在(漏|滴|冒|响|堵)|又(漏|堵|停|不亮)")
# "已修好", "处理好了", "搞定": a worker saying the job is done.
_DONE = re.compile(r"(修|弄|处理|办|搞|换|装|清|通|疏通)(好|完)了?|搞定|解决了|已解决|已办结|完成了|已完成|已经通了")


def says_service(text: str) -> bool:
    return bool(_SERVICE.search(text or ""))


def says_not_fixed(text: str) -> bool:
    return bool(_NOT_FIXED.search(text or ""))


def says_done(text: str) -> bool:
    return bool(_DONE.search(text or "")) and not says_not_fixed(text)
