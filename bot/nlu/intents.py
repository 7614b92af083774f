"""What a message is for: a report, a task handed out, its completion, a visit, an ack, a status query, or chit-chat."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.nlu.lexicon import Lexicon
from bot.nlu.signals import Signals, imagined

_TASK_THRESHOLD = 3
_HEADER_RE = re.compile(r"^\W{0,2}")
_QUESTION_RE = re.compile(r"[?]|[吗呢么]\W*$|[没]有?\W*$")
# "想请健康员上门给量量血压" asks for a visit; an account of one has no wish before it in its clause.
_WISH_RE = re.compile(r"想|请|希望|能不能|可不可以|可以|麻烦|需要|要求|盼|能否|安排|派|给我|帮我")
_CLAUSE_END = ",。!?;:、 \n"
_VISIT_FINDING = ("发现", "帮他报", "帮她报", "帮忙报", "帮他们报", "联系物业", "需要维修", "需要修")
_SHORT_DONE = 8  # "已完成", "搞定!" alone are completions
_ACK_TAIL = 6  # "收到, 下午就去办"
# Problem words that only intensify ("又", "天天"); alone they do not make a report without a subject.
_INTENSIFIERS = frozenset({"又", "天天", "一直", "总是", "老是", "还在", "随时", "整夜", "好几天", "太多", "太大"})
# Questions that ask nothing of the community ("听说了吗", "有什么安排").
_IDLE_REQUESTS = frozenset({"吗", "?", "有什么", "有没有", "怎么", "多少", "哪里", "看看"})
# Said by someone reporting trouble; a bare "麻烦你们…" or a "周末" in such a message does not make it a task.
_REPORT_VERBS = ("反映", "投诉", "报修", "求助", "举报")
# A question anywhere: a question mark, a clause ending in 吗/呢/没, or "修不修", "有没有".
_ASK_RE = re.compile(r"[?]|[吗呢么嘛没](?:有)?(?=\s?(?:[,.!;:~…。]|$))|(\w)[不没]\1")
_INTERROGATIVE_RE = re.compile(r"什么时候|怎么|多久|几点|哪天|为什么|什么情况|到哪|谁")
_AGAIN = ("又", "再次", "还是", "还在", "仍然", "依然")
_ADVICE_MAX_SCORE = 3.0
# "还没收齐", "没填完", "未发完": a done word denied just before it is work still open.
_NOT_YET = ("没", "未", "不")
# "还差两户", "就差一户", "还剩3户没交": something still missing, whatever was done.
# A named exception ("就差402一户", "就差601没签") is a finished round with one known holdout, and still a completion;
# "还有3户没缴" after a survey is what the survey found.
SHORTFALL_RE = re.compile(r"(?:[还就只]差|[还尚]剩下?)[^,.!?;。\d]{0,3}?(?:\d+|[一两几俩])?[户家个人份张位]")
# Questions that only ask when or where something is on ("广场舞几点开始", "明天几点停水").
_WHEN_WHERE = frozenset({"几点", "什么时候", "哪天", "在哪", "哪里", "哪儿", "?", "吗", "有没有", "多少", "怎么", "有什么"})
# An outage with a day still to come and a question about it: asking about a notice, not reporting a trouble.
_PLANNED_RE = re.compile(r"(?:明天|后天|大后天|下周|下礼拜|下个月|今晚|过两天|过几天|这周[1-7日末]?|周[1-7日末]|星期[1-7日天])"
                         r"[^,.!;。]{0,8}(?:停水|停电|停气|停暖|断水|断电|检修|施工)")
_OUTAGES = frozenset({"停水", "停电", "断电", "停了", "断了"})


@dataclass(frozen=True)
class Intent:
    code: str
    reasons: tuple[str, ...]
    keywords: tuple[str, ...]


def is_notice(signals: Signals) -> bool:
    """Starts like a notice: 【通知】, 通知:, 公告, 温馨提示."""
    text = signals.text
    head = _HEADER_RE.match(text)
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
    return (len(left) <= _ACK_TAIL and "?" not in text and signals is not None
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


def classify(signals: Signals, lexicon: Lexicon, *, category_score: float, dangers: list[str], notice: bool,
             deadline_found: bool, deadline_marked: bool, place_phrase: str | None) -> Intent:
    """The intent of a normalised message, with the words that decided it."""
    text = signals.text
    if not text.strip():
        return Intent("chitchat", ("空消息",), ())
    if is_ack(text, lexicon, place_phrase, signals):
        return Intent("ack", ("只有“收到”一类的回复",), tuple(w for w in lexicon.ack_words if w in text.lower())[:3])
    # "老人摔倒了要不要扶, 大家怎么看": a question put to the group for discussion, not something happening.
    opinion = signals.words("chitchat", "opinion")
    if opinion and not notice and not any(r in _REPORT_VERBS for r in signals.words("request")):
        return Intent("chitchat", ("问大家的看法: " + opinion[0],), tuple(opinion[:1]))
    if dangers and not notice:
        return Intent("report", ("有危险情况: " + "、".join(dangers),), tuple(dangers))

    score, task_words = task_score(signals, lexicon, notice, deadline_found, deadline_marked)
    reporting = (not notice and category_score > 0 and signals.has("problem")
                 and any(w in signals.words("request") for w in _REPORT_VERBS))
    if score >= _TASK_THRESHOLD + (1 if reporting else 0):
        return Intent("task", (f"派活/通知的说法 (得分 {score}): " + "、".join(task_words),), tuple(task_words))

    problems = signals.words("problem")
    if lexicon.problem_any is not None:
        problems += _troubles_said(lexicon.problem_any, text, signals)
    real_problems = [p for p in problems if p not in _INTENSIFIERS]
    requests = signals.words("request")
    asks = bool(_ASK_RE.search(text) or _INTERROGATIVE_RE.search(text))
    earlier = signals.words("query", "earlier")
    status = signals.words("query", "status")
    weak_status = signals.words("query", "weak_status")
    acts = _matches(lexicon.query_act_patterns, lexicon.query_act_any, text)
    # "我上次报的漏水又漏了": something new has gone wrong, it is a report again, not a question about the old one.
    again = bool(real_problems) and any(w in text for w in _AGAIN)
    if status or (weak_status and (earlier or acts)) or (acts and asks and not again and not dangers):
        words = tuple((acts or earlier)[:1] + (status or weak_status)[:1])
        return Intent("query", ("问先前所报事情的进度: " + "、".join(words),), words)
    # "电梯好了吗", "路灯修了没": asking whether something is fixed yet is a question about it, not a report.
    if (fixed_yet := _FIXED_YET.search(text)) and not dangers and not any(w in text for w in _AGAIN):
        return Intent("query", ("问是否修好: " + fixed_yet.group(0),), (fixed_yet.group(0),))
    # "怎么还没人来啊", "到底有没有人管": only pressing, with nothing new named, is about what was reported before.
    followup = signals.of("query", "followup")
    if followup and not dangers and not _names_something(signals, followup):
        return Intent("query", ("催先前报的事: " + followup[0].word,), (followup[0].word,))

    visit = [m.group(0) for m in _found(lexicon.visit_patterns, lexicon.visit_any, text) if not _wished(text, m.start())]
    if visit and not (category_score and any(w in text for w in _VISIT_FINDING)):
        return Intent("visit", ("走访/看望的说法: " + "、".join(visit[:2]),), tuple(visit[:2]))

    done = [m.group(0) for m in _found(lexicon.completion_patterns, lexicon.completion_any, text)
            if not _not_yet(text, m.start())]
    if done and SHORTFALL_RE.search(text):
        done = []
    if done and not _QUESTION_RE.search(text) and (
            signals.has("topic") or signals.has("task", "verbs") or len(text) <= _SHORT_DONE):
        topic_words = signals.words("topic")[:1]
        return Intent("completion", ("完成反馈: " + "、".join(done[:1] + topic_words),), tuple(done[:1] + topic_words))

    sharing = signals.words("chitchat", "sharing") or signals.words("chitchat", "positive")
    if sharing and all(r in _IDLE_REQUESTS for r in requests):
        return Intent("chitchat", ("转发、分享或说笑: " + sharing[0],), tuple(sharing[:1]))
    thanks = signals.words("chitchat", "thanks")
    resolved = signals.words("chitchat", "resolved")
    if resolved and not _new_problem_after_contrast(signals):
        return Intent("chitchat", ("事情已经解决: " + resolved[0],), tuple(resolved[:1]))
    past = signals.words("chitchat", "past")
    present = signals.has("chitchat", "present")
    if thanks and (not real_problems or (past or earlier) and not present and not _asks_for_something(requests)):
        return Intent("chitchat", ("道谢: " + thanks[0],), tuple(thanks[:1]))
    # "有人知道附近哪有修电动车的吗": asking the neighbours, not the community.
    neighbours = signals.words("chitchat", "ask_neighbours")
    if neighbours and not real_problems:
        return Intent("chitchat", ("问邻居: " + neighbours[0],), tuple(neighbours[:1]))
    # "天冷了, 大家注意保暖": advice to everyone, not a trouble of one's own.
    advice = signals.words("chitchat", "advice")
    if advice and category_score < _ADVICE_MAX_SCORE and not _asks_for_something(requests):
        return Intent("chitchat", ("提醒大家: " + advice[0],), tuple(advice[:1]))
    # "晚上广场舞几点开始": asking when an activity is on; "明天几点停水啊": asking about a notice, to the group.
    leisure = signals.words("chitchat", "leisure")
    only_when = all(r in _WHEN_WHERE for r in requests)
    if leisure and only_when and not real_problems:
        return Intent("chitchat", ("问活动的时间地点: " + leisure[0],), tuple(leisure[:1]))
    planned = _PLANNED_RE.search(text)
    if planned and asks and only_when and all(p in _OUTAGES for p in real_problems):
        return Intent("chitchat", ("问通知里的安排: " + planned.group(0),), (planned.group(0),))
    # "上周五那次停电是供电局检修": talk about something over and done with.
    if past and not present and not _asks_for_something(requests):
        return Intent("chitchat", ("说的是过去的事: " + past[0],), tuple(past[:1]))

    if category_score and (problems or requests):
        words = tuple((problems + requests)[:3])
        return Intent("report", ("反映问题或求助: " + "、".join(words),), words)
    if real_problems and requests:
        words = tuple((problems + requests)[:3])
        return Intent("report", ("反映问题或求助: " + "、".join(words),), words)
    return Intent("chitchat", ("没有要处理的事",), ())


def _not_yet(text: str, start: int) -> bool:
    # "还没收齐", "没有填完", "问卷还没发完" (the done word's own verb may stand before the match: "没发完")
    before = text[max(0, start - 3):start]
    return any(n in before for n in _NOT_YET)


_FIXED_YET = re.compile(r"(?:好了|修好了?|修了|弄好了?|通了|来电了|来水了|亮了|不漏了)(?:吗|没有?|么|没呢)[?？。!！\s]*$")


def _names_something(signals: Signals, spans: tuple) -> bool:
    """Whether the message names a trouble or a field of its own, outside the words that press ("没人管")."""
    def inside(h) -> bool:
        return any(s.start <= h.start and h.end <= s.end for s in spans)
    return any(not inside(h) for h in signals.of("category")) or any(
        not inside(h) and h.word not in _INTENSIFIERS for h in signals.of("problem"))


def _troubles_said(pattern: re.Pattern[str], text: str, signals: Signals) -> list[str]:
    # Only what is said as happening: "要是…不亮了" imagines it, and "不漏了" (a trouble word after 不) is fixed.
    found = []
    for m in pattern.finditer(text):
        if not imagined(text, m.start()):
            found.append(m.group(0))
    return found


def _found(patterns: tuple[re.Pattern[str], ...], any_of: re.Pattern[str] | None, text: str) -> list[re.Match[str]]:
    if any_of is not None and not any_of.search(text):
        return []
    return [m for p in patterns for m in [p.search(text)] if m]


def _matches(patterns: tuple[re.Pattern[str], ...], any_of: re.Pattern[str] | None, text: str) -> list[str]:
    return [m.group(0) for m in _found(patterns, any_of, text)]


def _asks_for_something(requests: list[str]) -> bool:
    return any(r not in _IDLE_REQUESTS for r in requests)


def _wished(text: str, start: int) -> bool:
    clause_start = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    return bool(_WISH_RE.search(text, clause_start, start))


def _new_problem_after_contrast(signals: Signals) -> bool:
    # "水管修好了, 但是暖气还是不热": thanks first, then a new problem.
    contrasts = signals.of("chitchat", "contrast")
    if not contrasts:
        return False
    first = min(h.start for h in contrasts)
    resolved_end = max(h.end for h in signals.of("chitchat", "resolved"))
    return first >= resolved_end and any(h.start > first for h in signals.of("problem"))
