"""What the task board asks of a message, read once by parse: a notice?, an award?, a deadline edit?, who for?"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.nlu.awards import AwardWords, parse_award
from bot.nlu.deadlines import find_deadline
from bot.nlu.normalize import normalize
from bot.nlu.scope import BUILDING_WORDS, UNIT_WORDS, Places, named_places
from bot.nlu.tasktext import deadline_in, edit_request, is_notice_text, sounds_done

# A meeting or an event at a time: said to people, it is something to read and answer 收到, not work to tick off.
_EVENT_RE = re.compile(r"开会|会议|例会|参会|集合|培训|讲座|学习会|座谈|见面会|活动|演练")
# Words of handing out work: with them, an event word is only part of a task ("开会前把名单交上来").
_WORK_RE = re.compile(r"收齐|交齐|上交|交上来|提交|填写|填好|填完|上报|报上来|统计|排查|走访|发放|收集|签字|通知到|把|将")
_EDIT_WORDS = ("改", "换", "调整", "推迟", "延期", "延后", "提前")
# "我帮周姐收齐了", "替老周把问卷交了", "帮周秀英的问卷弄好了": the person whose line it is.
_DONE_VERBS = (r"收齐|交齐|收好|收完|交了|交上|交完|填完|填好|弄好|弄完|做完|做好|完成|搞定|办好|办完|统计好|统计完"
               r"|报上|报了|排查完|走访完|送到|发完|发好|签好|齐了|好了")
_BEHALF_RE = re.compile(
    rf"(?:帮|替|代)(?!着|忙|大家|他们|她们|我们)(?P<who>[\u4e00-\u9fffA-Za-z]{{1,5}}?)"
    rf"(?:(?:把|将)[^\s,，。!！]{{0,8}}?|的[^\s,，。!！]{{0,6}}?)?(?:{_DONE_VERBS})")
# "搞定", "搞定✌️", "弄好了", "齐了", "OK了", "完成啦": the whole message says done, of nothing in particular.
_BARE_DONE_RE = re.compile(
    r"^(?:我|我这|我这边|我们|我们这边)?(?:也|都|已经|已)?"
    r"(?:(?:搞定|弄好|弄完|做完|办完|完成|收齐|交齐)(?:了|啦|喽|咯|嘞)?|(?:齐|交|ok)(?:了|啦|喽|咯|嘞))(?:了|啦)?$",
    re.IGNORECASE)
_FILLER_RE = re.compile(r"[\s,，。.!！~～:：;；、✌👌👍🙏💪😊😄🎉✅☑✔\ufe0f\u200d]+")


@dataclass(frozen=True)
class EditWords:
    """A change to a task said in words: "截止改为明天下午5点", "改为楼栋长"."""

    whole: bool  # the whole message asks for the change (not only a reply to a card that mentions one)
    deadline: datetime | None
    audience: str | None


@dataclass(frozen=True)
class BoardFacts:
    notice: bool = False
    announcement: bool = False
    audiences: tuple[str, ...] = ()
    scope: Places = Places()
    award: AwardWords | None = None
    edit: EditWords | None = None
    on_behalf: str | None = None
    bare_done: bool = False
    own_done: bool = False  # "我们三单元的也好了": done, about the speaker's own place


def audiences_of(text: str) -> tuple[str, ...]:
    """The heads a message speaks to, in order: ("building", "unit") for "楼栋长和单元长", both for "三长"."""
    norm = normalize(text)
    out = []
    if "三长" in norm or any(w in norm for w in BUILDING_WORDS):
        out.append("building")
    if "三长" in norm or any(w in norm for w in UNIT_WORDS):
        out.append("unit")
    return tuple(out)


def is_announcement(text: str, now: datetime) -> bool:
    """"楼栋长和单元长明晚7点开会": an event at a time, told to heads, with no work and no 前 deadline."""
    norm = normalize(text)
    if not _EVENT_RE.search(norm) or _WORK_RE.search(norm) or not audiences_of(norm):
        return False
    return find_deadline(norm, now, True) is None  # a time with 前/截止 is a deadline: work, not an event


def edit_words(text: str, now: datetime) -> EditWords | None:
    norm = normalize(text)
    deadline = None
    if any(w in norm for w in _EDIT_WORDS + ("截止",)):
        deadline, _ = deadline_in(text, now)
    audience = None
    if any(w in norm for w in _EDIT_WORDS) and ("楼栋长" in norm or "单元长" in norm):
        audience = "building" if "楼栋长" in norm and "单元长" not in norm else "unit"
    if deadline is None and audience is None:
        return None
    return EditWords(edit_request(text, now), deadline, audience)


def on_behalf(text: str) -> str | None:
    """Whom the speaker did it for: "周姐" in "三单元的我帮周姐收齐了"."""
    m = _BEHALF_RE.search(normalize(text))
    return m.group("who") if m else None


def bare_done(text: str) -> bool:
    return bool(_BARE_DONE_RE.match(_FILLER_RE.sub("", text or "")))


def board_facts(text: str, now: datetime, parsed=None) -> BoardFacts:
    """The board's questions answered for one message (`parsed` gives the place, for own_done)."""
    if len(text) > 600:  # a long message is a notice or a report, never a short board command
        return BoardFacts(notice=is_notice_text(text), audiences=audiences_of(text[:600]))
    announcement = is_announcement(text, now)
    return BoardFacts(
        notice=is_notice_text(text) or announcement, announcement=announcement, audiences=audiences_of(text),
        scope=named_places(text), award=parse_award(text), edit=edit_words(text, now), on_behalf=on_behalf(text),
        bare_done=bare_done(text), own_done=parsed is not None and sounds_done(text, parsed))
