"""What a message is for: a report, a task handed out, its completion, a visit, an ack, a status query, or chit-chat.

classify() asks a declared list of named rules in order (RULES); the first that can tell decides. The words,
patterns and numbers each rule reads live in the data ([rules] and [intents] in keywords.toml), so a new phrasing is
a line of data; the rule's name says in --explain which one spoke, and its trust ([rules.trust]) how far the
statistical model may overrule it (see parse.py).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from bot.nlu.lexicon import Lexicon
from bot.nlu.signals import Signals, imagined


@dataclass(frozen=True)
class Intent:
    code: str
    reasons: tuple[str, ...]
    keywords: tuple[str, ...]
    rule: str = ""


class Facts:
    """What the rules read about one message, each fact worked out once and only when a rule asks."""

    def __init__(self, signals: Signals, lexicon: Lexicon, *, category_score: float, dangers: list[str],
                 notice: bool, deadline_found: bool, deadline_marked: bool, place_phrase: str | None) -> None:
        self.signals = signals
        self.text = signals.text
        self.lexicon = lexicon
        self.category_score = category_score
        self.dangers = dangers
        self.notice = notice
        self.deadline_found = deadline_found
        self.deadline_marked = deadline_marked
        self.place_phrase = place_phrase

    def words(self, name: str) -> tuple[str, ...]:
        return self.lexicon.rule_words.get(name, ())

    def pattern(self, name: str) -> re.Pattern[str]:
        return self.lexicon.rule_patterns[name]

    def limit(self, name: str) -> float:
        return self.lexicon.rule_limits[name]

    @cached_property
    def problems(self) -> list[str]:
        found = self.signals.words("problem")
        if self.lexicon.problem_any is not None:
            found += _troubles_said(self.lexicon.problem_any, self.text)
        return found

    @cached_property
    def real_problems(self) -> list[str]:
        intensifiers = self.words("intensifiers")
        return [p for p in self.problems if p not in intensifiers]

    @cached_property
    def requests(self) -> list[str]:
        return self.signals.words("request")

    @cached_property
    def asks(self) -> bool:
        return bool(self.pattern("ask").search(self.text) or self.pattern("interrogative").search(self.text))

    def asks_for_something(self) -> bool:
        idle = self.words("idle_requests")
        return any(r not in idle for r in self.requests)

    def again(self) -> bool:
        return any(w in self.text for w in self.words("again"))


def is_notice(signals: Signals, lexicon: Lexicon | None = None) -> bool:
    """Starts like a notice: 【通知】, 通知:, 公告, 温馨提示."""
    text = signals.text
    header = (lexicon or Lexicon.default()).rule_patterns["header"]
    head = header.match(text)
    offset = head.end() if head else 0
    for hit in signals.of("task", "header"):
        if hit.start <= offset + 3:
            after = text[hit.end:hit.end + 1]
            if hit.start <= offset or after in ("", ":", "】", "]", " ", ",", ")"):
                return True
    return False


def is_ack(text: str, lexicon: Lexicon, place_phrase: str | None, signals: Signals | None = None) -> bool:
    """收到 / 已阅 / 👌 with at most a few words of courtesy ("3单元收到", "收到, 下午就去办")."""
    rest = text.lower()
    if place_phrase:
        rest = rest.replace(place_phrase.lower(), " ", 1)
    if rest.strip() == "1":
        return True
    if lexicon.ack_any is not None and not lexicon.ack_any.search(rest):
        return False
    core = False
    for word in lexicon.ack_words:
        if word == "1":
            continue
        if word in rest:
            core = True
            rest = rest.replace(word, " ")
    if not core:
        return False
    for word in lexicon.ack_filler:
        rest = rest.replace(word, " ")
    left = [ch for ch in rest if not (ch.isspace() or unicodedata.category(ch)[0] in "PSZ")]
    if not left:
        return True
    # A short promise after the ack is still an ack; a question or a new problem is not.
    return (len(left) <= lexicon.rule_limits["ack_tail"] and "?" not in text and signals is not None
            and not signals.has("problem") and not signals.has("category") and not signals.has("urgent"))


def task_score(signals: Signals, lexicon: Lexicon, notice: bool, deadline_found: bool,
               deadline_marked: bool) -> tuple[int, list[str]]:
    text = signals.text
    score = 0
    words: list[str] = []
    addressee = signals.words("task", "addressee")
    patterned = [m.group(0) for p in lexicon.task_patterns for m in [p.search(text)] if m]
    if addressee or patterned:
        score += 2
        words += (addressee or patterned)[:2]
    if notice:
        score += 2
        words += signals.words("task", "header")[:1]
    verbs = signals.words("task", "verbs")
    if verbs:
        score += 1
        words += verbs[:2]
    if deadline_found:
        score += 1
    if deadline_marked and ("把" in text or "将" in text or verbs):
        score += 1
    return score, words


# -- the rules, in the order they are asked --------------------------------------------------------------------

def _empty(f: Facts) -> Intent | None:
    return Intent("chitchat", ("空消息",), ()) if not f.text.strip() else None


def _ack(f: Facts) -> Intent | None:
    if is_ack(f.text, f.lexicon, f.place_phrase, f.signals):
        words = tuple(w for w in f.lexicon.ack_words if w in f.text.lower())[:3]
        return Intent("ack", ("只有“收到”一类的回复",), words)
    return None


def _opinion(f: Facts) -> Intent | None:
    # "老人摔倒了要不要扶, 大家怎么看": a question put to the group for discussion, not something happening.
    opinion = f.signals.words("chitchat", "opinion")
    if opinion and not f.notice and not any(r in f.words("report_verbs") for r in f.requests):
        return Intent("chitchat", ("问大家的看法: " + opinion[0],), tuple(opinion[:1]))
    return None


def _danger(f: Facts) -> Intent | None:
    if f.dangers and not f.notice:
        return Intent("report", ("有危险情况: " + "、".join(f.dangers),), tuple(f.dangers))
    return None


def _task(f: Facts) -> Intent | None:
    score, task_words = task_score(f.signals, f.lexicon, f.notice, f.deadline_found, f.deadline_marked)
    reporting = (not f.notice and f.category_score > 0 and f.signals.has("problem")
                 and any(w in f.requests for w in f.words("report_verbs")))
    if score >= f.limit("task_threshold") + (1 if reporting else 0):
        return Intent("task", (f"派活/通知的说法 (得分 {score}): " + "、".join(task_words),), tuple(task_words))
    return None


def _query_status(f: Facts) -> Intent | None:
    signals = f.signals
    earlier = signals.words("query", "earlier")
    status = signals.words("query", "status")
    weak_status = signals.words("query", "weak_status")
    acts = _matches(f.lexicon.query_act_patterns, f.lexicon.query_act_any, f.text)
    # "我上次报的漏水又漏了": something new has gone wrong, it is a report again, not a question about the old one.
    again = bool(f.real_problems) and f.again()
    if status or (weak_status and (earlier or acts)) or (acts and f.asks and not again and not f.dangers):
        words = tuple((acts or earlier)[:1] + (status or weak_status)[:1])
        return Intent("query", ("问先前所报事情的进度: " + "、".join(words),), words)
    return None


def _query_fixed_yet(f: Facts) -> Intent | None:
    # "电梯好了吗", "路灯修了没": asking whether something is fixed yet is a question about it, not a report.
    fixed_yet = f.pattern("fixed_yet").search(f.text)
    if fixed_yet and not f.dangers and not f.again():
        return Intent("query", ("问是否修好: " + fixed_yet.group(0),), (fixed_yet.group(0),))
    return None


def _query_followup(f: Facts) -> Intent | None:
    # "怎么还没人来啊", "到底有没有人管": only pressing, with nothing new named, is about what was reported before.
    followup = f.signals.of("query", "followup")
    if followup and not f.dangers and not _names_something(f, followup):
        return Intent("query", ("催先前报的事: " + followup[0].word,), (followup[0].word,))
    return None


def _visit(f: Facts) -> Intent | None:
    lexicon = f.lexicon
    visit = [m.group(0) for m in _found(lexicon.visit_patterns, lexicon.visit_any, f.text)
             if not _wished(f, m.start())]
    if visit and not (f.category_score and any(w in f.text for w in f.words("visit_finding"))):
        return Intent("visit", ("走访/看望的说法: " + "、".join(visit[:2]),), tuple(visit[:2]))
    return None


def _completion(f: Facts) -> Intent | None:
    lexicon, text, signals = f.lexicon, f.text, f.signals
    done = [m.group(0) for m in _found(lexicon.completion_patterns, lexicon.completion_any, text)
            if not _not_yet(f, m.start())]
    if done and f.pattern("shortfall").search(text):
        done = []
    if done and not f.pattern("question").search(text) and (
            signals.has("topic") or signals.has("task", "verbs") or len(text) <= f.limit("short_done")):
        topic_words = signals.words("topic")[:1]
        return Intent("completion", ("完成反馈: " + "、".join(done[:1] + topic_words),), tuple(done[:1] + topic_words))
    return None


def _sharing(f: Facts) -> Intent | None:
    sharing = f.signals.words("chitchat", "sharing") or f.signals.words("chitchat", "positive")
    if sharing and all(r in f.words("idle_requests") for r in f.requests):
        return Intent("chitchat", ("转发、分享或说笑: " + sharing[0],), tuple(sharing[:1]))
    return None


def _resolved(f: Facts) -> Intent | None:
    resolved = f.signals.words("chitchat", "resolved")
    if resolved and not _new_problem_after_contrast(f.signals):
        return Intent("chitchat", ("事情已经解决: " + resolved[0],), tuple(resolved[:1]))
    return None


def _thanks(f: Facts) -> Intent | None:
    signals = f.signals
    thanks = signals.words("chitchat", "thanks")
    past = signals.words("chitchat", "past") or signals.words("query", "earlier")
    present = signals.has("chitchat", "present")
    if thanks and (not f.real_problems or past and not present and not f.asks_for_something()):
        return Intent("chitchat", ("道谢: " + thanks[0],), tuple(thanks[:1]))
    return None


def _ask_neighbours(f: Facts) -> Intent | None:
    # "有人知道附近哪有修电动车的吗": asking the neighbours, not the community.
    neighbours = f.signals.words("chitchat", "ask_neighbours")
    if neighbours and not f.real_problems:
        return Intent("chitchat", ("问邻居: " + neighbours[0],), tuple(neighbours[:1]))
    return None


def _advice(f: Facts) -> Intent | None:
    # "天冷了, 大家注意保暖": advice to everyone, not a trouble of one's own.
    advice = f.signals.words("chitchat", "advice")
    if advice and f.category_score < f.limit("advice_max_score") and not f.asks_for_something():
        return Intent("chitchat", ("提醒大家: " + advice[0],), tuple(advice[:1]))
    return None


def _only_when_where(f: Facts) -> bool:
    when_where = f.words("when_where")
    return all(r in when_where for r in f.requests)


def _leisure(f: Facts) -> Intent | None:
    # "晚上广场舞几点开始": asking when an activity is on.
    leisure = f.signals.words("chitchat", "leisure")
    if leisure and _only_when_where(f) and not f.real_problems:
        return Intent("chitchat", ("问活动的时间地点: " + leisure[0],), tuple(leisure[:1]))
    return None


def _planned(f: Facts) -> Intent | None:
    # "明天几点停水啊": asking about a notice, to the group.
    planned = f.pattern("planned").search(f.text)
    outages = f.words("outages")
    if planned and f.asks and _only_when_where(f) and all(p in outages for p in f.real_problems):
        return Intent("chitchat", ("问通知里的安排: " + planned.group(0),), (planned.group(0),))
    return None


def _past(f: Facts) -> Intent | None:
    # "上周五那次停电是供电局检修": talk about something over and done with.
    past = f.signals.words("chitchat", "past")
    if past and not f.signals.has("chitchat", "present") and not f.asks_for_something():
        return Intent("chitchat", ("说的是过去的事: " + past[0],), tuple(past[:1]))
    return None


def _report_category(f: Facts) -> Intent | None:
    if f.category_score and (f.problems or f.requests):
        words = tuple((f.problems + f.requests)[:3])
        return Intent("report", ("反映问题或求助: " + "、".join(words),), words)
    return None


def _report_trouble(f: Facts) -> Intent | None:
    if f.real_problems and f.requests:
        words = tuple((f.problems + f.requests)[:3])
        return Intent("report", ("反映问题或求助: " + "、".join(words),), words)
    return None


def _nothing(f: Facts) -> Intent | None:
    return Intent("chitchat", ("没有要处理的事",), ())


RULES: tuple[tuple[str, Callable[[Facts], Intent | None]], ...] = (
    ("empty", _empty),
    ("ack", _ack),
    ("opinion", _opinion),
    ("danger", _danger),
    ("task", _task),
    ("query_status", _query_status),
    ("query_fixed_yet", _query_fixed_yet),
    ("query_followup", _query_followup),
    ("visit", _visit),
    ("completion", _completion),
    ("sharing", _sharing),
    ("resolved", _resolved),
    ("thanks", _thanks),
    ("ask_neighbours", _ask_neighbours),
    ("advice", _advice),
    ("leisure", _leisure),
    ("planned", _planned),
    ("past", _past),
    ("report_category", _report_category),
    ("report_trouble", _report_trouble),
    ("nothing", _nothing),
)
RULE_NAMES = tuple(name for name, _ in RULES)


def classify(signals: Signals, lexicon: Lexicon, *, category_score: float, dangers: list[str], notice: bool,
             deadline_found: bool, deadline_marked: bool, place_phrase: str | None) -> Intent:
    """The intent of a normalised message, with the words that decided it and the rule that spoke."""
    facts = Facts(signals, lexicon, category_score=category_score, dangers=dangers, notice=notice,
                  deadline_found=deadline_found, deadline_marked=deadline_marked, place_phrase=place_phrase)
    for name, rule in RULES:
        intent = rule(facts)
        if intent is not None:
            return Intent(intent.code, intent.reasons, intent.keywords, name)
    raise AssertionError("the last rule always answers")  # pragma: no cover


def shortfall(text: str, lexicon: Lexicon | None = None) -> bool:
    """"还差两户", "就差一户", "还剩3户没交": something still missing, whatever was done (normalised text)."""
    return bool((lexicon or Lexicon.default()).rule_patterns["shortfall"].search(text))


def _not_yet(f: Facts, start: int) -> bool:
    # "还没收齐", "没有填完", "问卷还没发完" (the done word's own verb may stand before the match: "没发完")
    before = f.text[max(0, start - 3):start]
    return any(n in before for n in f.words("not_yet"))


def _names_something(f: Facts, spans: tuple) -> bool:
    """Whether the message names a trouble or a field of its own, outside the words that press ("没人管")."""
    intensifiers = f.words("intensifiers")

    def inside(h) -> bool:
        return any(s.start <= h.start and h.end <= s.end for s in spans)
    return any(not inside(h) for h in f.signals.of("category")) or any(
        not inside(h) and h.word not in intensifiers for h in f.signals.of("problem"))


def _troubles_said(pattern: re.Pattern[str], text: str) -> list[str]:
    # Only what is said as happening: "要是…不亮了" imagines it, and "不漏了" (a trouble word after 不) is fixed.
    return [m.group(0) for m in pattern.finditer(text) if not imagined(text, m.start())]


def _found(patterns: tuple[re.Pattern[str], ...], any_of: re.Pattern[str] | None, text: str) -> list[re.Match[str]]:
    if any_of is not None and not any_of.search(text):
        return []
    return [m for p in patterns for m in [p.search(text)] if m]


def _matches(patterns: tuple[re.Pattern[str], ...], any_of: re.Pattern[str] | None, text: str) -> list[str]:
    return [m.group(0) for m in _found(patterns, any_of, text)]


def _wished(f: Facts, start: int) -> bool:
    text = f.text
    clause_start = max(text.rfind(ch, 0, start) for ch in f.words("clause_end")) + 1
    return bool(f.pattern("wish").search(text, clause_start, start))


def _new_problem_after_contrast(signals: Signals) -> bool:
    # "水管修好了, 但是暖气还是不热": thanks first, then a new problem.
    contrasts = signals.of("chitchat", "contrast")
    if not contrasts:
        return False
    first = min(h.start for h in contrasts)
    resolved_end = max(h.end for h in signals.of("chitchat", "resolved"))
    return first >= resolved_end and any(h.start > first for h in signals.of("problem"))
