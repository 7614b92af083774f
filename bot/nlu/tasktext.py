"""Reading task messages: notices, deadlines written anywhere, a card's title, "我们单元好了"."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from bot.nlu.deadlines import find_deadline
from bot.nlu.intents import shortfall
from bot.nlu.lexicon import Lexicon, tokenizer
from bot.nlu.normalize import normalize, to_simplified
from bot.nlu.numerals import NUMERAL_CHARS
from bot.nlu.parse import Parsed

_NOTICE_RE = re.compile(r"^\W{0,3}(通知|公告)")
_TITLE_TRIM_RE = re.compile(r"^(?:请|麻烦|辛苦)?(?:各位|各|所有|全体)?(?:单元长|楼栋长|栋长|楼长|三长|大家|同志们)?[,，:：\s]*")
_LEAD_RE = re.compile(r"^[\s,，]*(?:之前|以前|前)?[\s,，]*(?:把|将)?")
_TAIL_RE = re.compile(r"[\s,，。.!！:：;；、]+$")


def is_bare_ack(text: str, lexicon: Lexicon | None = None) -> bool:
    """"收到", "收到👌", "@祝兰红 收到了", "收到, 下午就去办": an acknowledgement, not a message
    that only happens to contain 收到 ("问卷收到了, 下午交"). The ack words are the lexicon's ([intents.ack])."""
    lexicon = lexicon or Lexicon.default()
    text = (text or "").strip()
    if lexicon.ack_first_re is not None and lexicon.ack_first_re.match(text) and len(text) <= 16:
        return True
    return lexicon.bare_ack_re is not None and bool(lexicon.bare_ack_re.match(text))


def is_notice_text(text: str) -> bool:
    """Starts like a notice: "通知: …", "【通知】…", "公告 …"."""
    return bool(_NOTICE_RE.match(text or ""))


def deadline_in(text: str, now: datetime) -> tuple[datetime | None, str | None]:
    """A deadline written anywhere in the text, and the words that said it."""
    found = find_deadline(normalize(text), now)
    return (found.when, found.phrase) if found else (None, None)


def title_from(text: str, parsed: Parsed | None, phrase: str | None = None) -> str:
    """A short title for the card: the task's topic, else the first words of the text as written
    (numerals untouched: "读一遍通知"), without the deadline and its 前/之前/截止."""
    if parsed is not None and parsed.topic and parsed.topic not in _VERBS and _whole_topic(parsed.topic, text):
        return with_verb(parsed.topic, text)
    title = text.strip().splitlines()[0] if text.strip() else "任务"
    if phrase is None and parsed is not None and parsed.deadline is not None:
        _, phrase = deadline_in(title, parsed.deadline - timedelta(minutes=1))
    if phrase:
        title = without_deadline(title, phrase)
    title = _TITLE_TRIM_RE.sub("", title.strip())
    title = _LEAD_RE.sub("", title)
    title = re.sub(r"\s+", " ", title).strip()
    title = _TAIL_RE.sub("", title)
    return clip_phrase(title or text.strip() or "任务", TITLE_CHARS)


TITLE_CHARS = 30
# Where a phrase may end: punctuation, or before a word that starts a second clause ("…排查一遍并拍照发群里").
_CLAUSE_RE = re.compile(r"[,，、。.!！;；:：\s(（]|(?=并且|并|然后|同时|以及|另外)")


def clip_phrase(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut where a phrase ends, never inside a word:
    at a clause break when that keeps at least half, else after the last whole jieba word, with "…"."""
    text = text.strip()
    if len(text) <= limit:
        return text
    breaks = [m.start() for m in _CLAUSE_RE.finditer(text, 0, limit + 1) if m.start() >= limit // 2]
    if breaks:
        return _TAIL_RE.sub("", text[:breaks[-1]])
    end = 0
    for word in tokenizer().lcut(text[:limit + 8], HMM=False):
        if end + len(word) > limit - 1:
            break
        end += len(word)
    return _DANGLING_RE.sub("", _TAIL_RE.sub("", text[:end or limit - 1])) + "…"


_DANGLING_RE = re.compile(r"[的和及与把将或、]+$")


_MARK_AFTER_RE = re.compile(r"^\s*(?:之前|以前|为止|之内|以内|前|内)")
_MARK_BEFORE_RE = re.compile(r"(?:截止到|截止至|截至到|截止|截至|最迟|最晚|不晚于)\s*$")


def _plain(text: str) -> str:
    """Simplified and half-width, numerals as written."""
    s = unicodedata.normalize("NFKC", text)
    return s if s.isascii() else to_simplified(s)


def _whole_topic(topic: str, text: str) -> bool:
    """The topic stands in the text as written, not cut out of a count ("遍通知" of "读一遍通知")."""
    plain = _plain(text)
    at = plain.find(topic)
    return at >= 0 and not (at > 0 and (plain[at - 1].isdigit() or plain[at - 1] in NUMERAL_CHARS))


def _span_of(text: str, phrase: str) -> tuple[int, int] | None:
    """Where in the text as written the (normalised) deadline phrase stands: "下午五点" for "下午5点"."""
    at = text.find(phrase)
    if at >= 0:
        return at, at + len(phrase)
    longest = 3 * len(phrase) + 2
    for i in range(len(text)):
        if text[i].isspace():
            continue
        for j in range(i + 1, min(len(text), i + longest) + 1):
            if normalize(text[i:j]) == phrase:
                return i, j
    return None


def without_deadline(text: str, phrase: str) -> str:
    """The text as written with the deadline words taken out, with their 前/之前/以前 and 截止/最迟."""
    span = _span_of(text, phrase)
    if span is None:
        return text
    before, after = text[:span[0]], text[span[1]:]
    before = _MARK_BEFORE_RE.sub("", before)
    after = _MARK_AFTER_RE.sub("", after)
    return f"{before} {after}"


_PAST_RE = re.compile(r"大前天|前天|昨天|昨日|昨晚|昨夜|昨早|上上?个?(?:周|星期|礼拜)[一二三四五六日天1-7末]?"
                      r"|上个?月(?:底|末|\d{1,2}[号日])?|去年(?:底|年底)?")
_PAST_DEADLINE_AFTER_RE = re.compile(
    r"\s*(?:$|上午|下午|中午|早上|早晨|晚上|傍晚|凌晨|夜里|\d{1,2}\s*[点时:]|之前|以前|前|为止|截止)")


def past_deadline(text: str, now: datetime) -> bool:
    """The deadline the text gives is already behind us: "昨天", "上周五前", "今天上午9点前" said at ten.

    A past day that is not the deadline ("收齐昨天发的问卷 周五前") does not count."""
    t = normalize(text)
    found = find_deadline(t, now)
    if found is not None and found.when <= now:
        return True
    for m in _PAST_RE.finditer(t):
        if _PAST_DEADLINE_AFTER_RE.match(t, m.end()) or _MARK_BEFORE_RE.search(t[:m.start()]):
            return True
    return False


# What is left of "截止改为明天下午5点", "时间改到周五", "推迟到明天" once the new time is taken out.
_EDIT_DEADLINE_RE = re.compile(
    r"^(?:请|麻烦)?(?:把|将)?(?:任务|这个任务|刚才的任务|刚才那个任务)?的?(?:截止|截至|完成|上交|交)?(?:时间|日期|期限)?"
    r"(?:统一|都|就)?(?:改为|改成|改到|改在|改至|改|换到|换成|换为|调整为|调整到|调整成|调到|调成|调为"
    r"|推迟到|推迟至|推迟|延期到|延期至|延期|延后到|延后至|延后|延长到|延长至|提前到|提前至|提前)"
    r"(?:一下)?(?:截止|为止)?(?:吧|了|哈|啊|呀)?$")
_EDIT_AUDIENCE_RE = re.compile(r"^(?:请|麻烦)?(?:把|将)?(?:任务|这个任务)?(?:对象|人员)?(?:改为|改成|改给|换成|换为)"
                               r"(?:发给)?(?:各位|各)?(?:楼栋长|单元长)(?:吧|了)?$")
_FILLER_RE = re.compile(r"[\s,，。.!！~:：;；、]+")


def edit_request(text: str, now: datetime) -> bool:
    """The whole message asks to change a task, not to make one: "截止改为明天下午5点", "推迟到明天", "改为楼栋长"."""
    t = normalize(text or "")
    if len(t) > 40:
        return False
    if _EDIT_AUDIENCE_RE.match(_FILLER_RE.sub("", t)):
        return True
    found = find_deadline(t, now)
    if found is None:
        return False
    rest = _FILLER_RE.sub("", without_deadline(t, found.phrase))
    return bool(_EDIT_DEADLINE_RE.match(rest))


# "Done" said without saying what; counted only with a place or "我们" beside it (see the task board).
_DONE = re.compile(r"(好了|弄好了|搞定了?|完成了|齐了|交了|交上去了|填完了|做完了|办完了|弄完了)[了啦!！。~]*\s*$")
_OURS = re.compile(r"我们|咱们|我这边|我这儿|本单元|本栋")


def sounds_done(text: str, parsed: Parsed) -> bool:
    """A short "done" about one's own unit or building, not "水管修好了" about a repair."""
    done = _DONE.search(text.strip()) if len(text) <= 30 else None
    if done is None:
        return False
    # "我们单元还没弄好了", "还差2户就齐了": not done yet.
    before = text.strip()[max(0, done.start() - 3):done.start()]
    if any(n in before for n in ("没", "未")) or shortfall(normalize(text)):
        return False
    return bool(parsed.unit or parsed.building or _OURS.search(text))


_VERBS = ("收齐", "交齐", "填完", "填好", "填写", "上报", "报上来", "提交", "收集", "统计", "排查", "发放", "发到",
          "签字", "走访", "看望", "通知到")


def with_verb(topic: str, text: str) -> str:
    """"问卷" → "问卷收齐", "独居老人名单" → "上报独居老人名单": the topic with what to do about it."""
    text = normalize(text)
    at = text.find(topic)
    if at < 0:
        return topic
    after = text[at + len(topic):]
    verb = next((v for v in _VERBS if after.startswith(v)), None)
    if verb and verb not in topic:
        return topic + verb
    before = text[:at]
    verb = next((v for v in _VERBS if before.endswith(v)), None)
    if verb and verb not in topic:
        return verb + topic
    return topic
