"""Reading task messages: notices, deadlines written anywhere, a card's title, "我们单元好了"."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.nlu.deadlines import find_deadline
from bot.nlu.normalize import normalize
from bot.nlu.parse import Parsed

_NOTICE_RE = re.compile(r"^\W{0,3}(通知|公告)")
_TITLE_TRIM_RE = re.compile(r"^(?:请|麻烦|辛苦)?(?:各位|各|所有|全体)?(?:单元长|楼栋长|栋长|楼长|三长|大家|同志们)?[,，:：\s]*")
_LEAD_RE = re.compile(r"^[\s,，]*(?:之前|以前|前)?[\s,，]*(?:把|将)?")
_TAIL_RE = re.compile(r"[\s,，。.!！:：;；、]+$")


def is_notice_text(text: str) -> bool:
    """Starts like a notice: "通知: …", "【通知】…", "公告 …"."""
    return bool(_NOTICE_RE.match(text or ""))


def deadline_in(text: str, now: datetime) -> tuple[datetime | None, str | None]:
    """A deadline written anywhere in the text, and the words that said it."""
    found = find_deadline(normalize(text), now)
    return (found.when, found.phrase) if found else (None, None)


def title_from(text: str, parsed: Parsed | None, phrase: str | None = None) -> str:
    """A short title for the card: the task's topic, else the first words of the text."""
    if parsed is not None and parsed.topic and parsed.topic not in _VERBS:
        return with_verb(parsed.topic, text)
    title = text.strip().splitlines()[0] if text.strip() else "任务"
    if phrase is None and parsed is not None and parsed.deadline is not None:
        _, phrase = deadline_in(title, parsed.deadline - timedelta(minutes=1))
    normalized = normalize(title)
    if phrase and phrase in normalized:
        title = normalized.replace(phrase, " ")
    title = _TITLE_TRIM_RE.sub("", title.strip())
    title = _LEAD_RE.sub("", title)
    title = re.sub(r"\s+", " ", title).strip()
    title = _TAIL_RE.sub("", title)
    return (title or text.strip() or "任务")[:30]


# "Done" said without saying what; counted only with a place or "我们" beside it (see the task board).
_DONE = re.compile(r"(好了|弄好了|搞定了?|完成了|齐了|交了|交上去了|填完了|做完了|办完了|弄完了)[了啦!！。~]*\s*$")
_OURS = re.compile(r"我们|咱们|我这边|我这儿|本单元|本栋")


def sounds_done(text: str, parsed: Parsed) -> bool:
    """A short "done" about one's own unit or building, not "水管修好了" about a repair."""
    if len(text) > 30 or not _DONE.search(text.strip()):
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
