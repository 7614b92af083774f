"""Deadlines in task messages ("周三之前", "今天下午4点前", "月底前"), resolved against now in Asia/Shanghai."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A deadline given as a day only runs to the end of that day.
END_OF_DAY = time(23, 59)

_DATE = (
    r"(?P<rel>大后天|后天|明天|明日|明儿|今天|今日|今儿|当天)"
    r"|(?P<relp>今晚|明晚|今早|明早|今夜)"
    r"|(?P<wp>下下|下个|下|本|这个|这)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])"
    r"|(?P<wkp>下个|下|本|这个|这)?(?:周|星期|礼拜)(?P<wk>之内|内|末)"
    r"|(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?"
    r"|(?<![\d.])(?P<m2>\d{1,2})[./](?P<d2>\d{1,2})(?=前|之前|以前|日|号)"
    r"|(?P<domp>本月|这个月|下个月|下月)?(?<!\d)(?P<dom>\d{1,2})[号日](?!楼|[\d])"
    r"|(?P<mep>本|这个|下个|下)?月(?P<me>底|末)"
    r"|(?P<ye>年底|年末)"
    r"|(?P<mid>月中)"
    r"|(?<!\d)(?P<nd>\d{1,2})(?:天|日)(?=之内|以内|内)"
    r"|(?<!\d)(?P<nh>\d{1,2}|半)个?(?:小时|钟头)(?=之内|以内|内)"
)
_PERIOD = r"(?P<per>上午|早上|早晨|中午|晌午|下午|午后|傍晚|晚上|夜里|凌晨|下班|晚)"
_CLOCK = r"(?<!\d)(?P<h>\d{1,2})(?:点|时|:(?=\d))(?:(?P<half>半)|(?P<mi>\d{1,2})分?|(?P<q>一刻))?"
_EXPR_RE = re.compile(rf"(?:{_DATE})?(?:{_PERIOD})?(?:{_CLOCK})?")
# Every expression holds one of these; most messages have none and need no scan.
_TRIGGER_RE = re.compile(r"[0-9今明后周星礼月年午晚早凌傍夜班天号日时头晌]")
_MARK_AFTER_RE = re.compile(r"\s?(?:前|之前|以前|之内|以内|内|为止)")
_MARK_BEFORE = ("截止", "截至", "截止到", "截止至", "最迟", "最晚", "不晚于")
_RANGE_AFTER_RE = re.compile(r"\s?(?:到|至|~|-)\s?(?:\d|上午|下午|晚上|中午)")
_EVENT_AFTER_RE = re.compile(r"[^,。;!?]{0,8}?(?:开始|开展|举办|举行|停水|停电|停气|检修|演练|施工|降温|大风|下雨|下雪|封闭)"
                             r"|\s?(?:起|的)")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
             "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_REL_DAYS = {"今天": 0, "今日": 0, "今儿": 0, "当天": 0, "明天": 1, "明日": 1, "明儿": 1, "后天": 2, "大后天": 3}
_REL_PERIOD = {"今晚": (0, "晚上"), "今夜": (0, "晚上"), "明晚": (1, "晚上"), "今早": (0, "早上"), "明早": (1, "早上")}
# What a period alone means as a deadline: "明天上午" runs to noon, "下班前" to half past five.
_PERIOD_END = {"上午": time(12), "早上": time(9), "早晨": time(9), "中午": time(12), "晌午": time(12), "下午": time(18),
               "午后": time(18), "傍晚": time(18), "晚上": END_OF_DAY, "夜里": END_OF_DAY, "晚": END_OF_DAY,
               "凌晨": time(6), "下班": time(17, 30)}
_PM = ("下午", "午后", "傍晚", "晚上", "夜里", "晚")


@dataclass(frozen=True)
class Deadline:
    when: datetime
    phrase: str
    marked: bool  # said with 前/之前/截止…, not just a time in the sentence


def find_deadline(text: str, now: datetime, notice: bool = False) -> Deadline | None:
    """The deadline a task message sets, or None.

    A time said with 前/之前/截止 wins; otherwise the first time that is not an event's time
    ("明天起开展…", "9点到12点停水", "周六上午的义诊"). A notice (通知/公告) names event times,
    so there only a marked time counts.
    """
    if not _TRIGGER_RE.search(text):
        return None
    local_now = now.astimezone(SHANGHAI)
    today = local_now.date()
    context: date | None = None
    unmarked: Deadline | None = None
    for m in _EXPR_RE.finditer(text):
        if m.start() == m.end():
            continue
        resolved = _resolve(m, local_now, today, context)
        if resolved is None:
            continue
        when, day = resolved
        if day is not None:
            context = day
        marked = bool(_MARK_AFTER_RE.match(text, m.end())) or m.group("nd") is not None or m.group("nh") is not None \
            or m.group("wk") in ("内", "之内") or text[max(0, m.start() - 4):m.start()].endswith(_MARK_BEFORE)
        found = Deadline(when, m.group(0), marked)
        if marked:
            return found
        if unmarked is None and not notice and not _is_event(text, m.end()):
            unmarked = found
    return unmarked


def _is_event(text: str, end: int) -> bool:
    return bool(_RANGE_AFTER_RE.match(text, end) or _EVENT_AFTER_RE.match(text, end))


def _resolve(m: re.Match[str], now: datetime, today: date,
             context: date | None) -> tuple[datetime, date | None] | None:
    """The moment an expression names, and the day it named explicitly (for later clock-only times)."""
    g = m.group
    if g("nh"):  # "1小时内", "半小时之内": from now
        hours = 0.5 if g("nh") == "半" else int(g("nh"))
        return (now + timedelta(hours=hours)).replace(second=0, microsecond=0), None
    period = g("per")
    try:
        day, day_end = _day(m, today)
    except ValueError:  # 2月30日 and the like
        return None
    if g("relp"):
        offset, period = _REL_PERIOD[g("relp")][0], period or _REL_PERIOD[g("relp")][1]
        day = today + timedelta(days=offset)
    if g("h") is not None:
        clock = _clock(int(g("h")), _minute(m), period)
        if clock is None:
            return None
        if day is None:
            base = context or today
            moment = datetime.combine(base, clock, SHANGHAI)
            if context is None and moment <= now:
                # A bare "8点前" already past this morning means tonight, else tomorrow.
                later = moment + timedelta(hours=12)
                moment = later if clock.hour < 12 and later.date() == base else moment + timedelta(days=1)
            return moment, None
        return datetime.combine(day, clock, SHANGHAI), day
    if period is not None and period in _PERIOD_END:
        if day is None:
            if m.group(0) != period or period == "晚":
                return None  # a bare "晚" is too vague
            day = context or today
            return datetime.combine(day, _PERIOD_END[period], SHANGHAI), None
        return datetime.combine(day, _PERIOD_END[period], SHANGHAI), day
    if day is None:
        return None
    return datetime.combine(day, day_end, SHANGHAI), day


def _day(m: re.Match[str], today: date) -> tuple[date | None, time]:
    g = m.group
    if g("rel"):
        return today + timedelta(days=_REL_DAYS[g("rel")]), END_OF_DAY
    if g("wd"):
        monday = today - timedelta(days=today.weekday())
        target = monday + timedelta(days=_WEEKDAYS[g("wd")])
        prefix = g("wp")
        if prefix in ("下", "下个"):
            target += timedelta(days=7)
        elif prefix == "下下":
            target += timedelta(days=14)
        elif prefix is None and target < today:
            target += timedelta(days=7)  # a bare 周一 said on a Thursday is next Monday
        elif target < today and today.weekday() >= 5:
            target += timedelta(days=7)  # "这周三" said at the weekend means the coming week's
        return target, END_OF_DAY
    if g("wk"):
        sunday = today + timedelta(days=6 - today.weekday())
        if g("wkp") in ("下", "下个"):
            sunday += timedelta(days=7)
        return sunday, END_OF_DAY
    if g("m"):
        year = int(g("y")) if g("y") else today.year
        target = date(year, int(g("m")), int(g("d")))
        if not g("y") and target < today:
            target = date(year + 1, target.month, target.day)
        return target, END_OF_DAY
    if g("m2"):
        target = date(today.year, int(g("m2")), int(g("d2")))
        if target < today:
            target = date(today.year + 1, target.month, target.day)
        return target, END_OF_DAY
    if g("dom"):
        day_of_month = int(g("dom"))
        if not 1 <= day_of_month <= 31:
            raise ValueError(day_of_month)
        prefix = g("domp")
        year, month = today.year, today.month
        if prefix in ("下个月", "下月"):
            year, month = _next_month(year, month)
        elif prefix is None and day_of_month < today.day:
            year, month = _next_month(year, month)  # "25号之前" said on the 26th is next month's 25th
        return date(year, month, min(day_of_month, calendar.monthrange(year, month)[1])), END_OF_DAY
    if g("me"):
        year, month = today.year, today.month
        if g("mep") in ("下", "下个"):
            year, month = _next_month(year, month)
        return date(year, month, calendar.monthrange(year, month)[1]), END_OF_DAY
    if g("ye"):
        return date(today.year, 12, 31), END_OF_DAY
    if g("mid"):
        year, month = today.year, today.month
        if today.day > 15:
            year, month = _next_month(year, month)
        return date(year, month, 15), END_OF_DAY
    if g("nd"):
        return today + timedelta(days=int(g("nd"))), END_OF_DAY
    return None, END_OF_DAY


def _minute(m: re.Match[str]) -> int:
    if m.group("half"):
        return 30
    if m.group("q"):
        return 15
    return int(m.group("mi")) if m.group("mi") else 0


def _clock(hour: int, minute: int, period: str | None) -> time | None:
    if hour > 24 or minute > 59:
        return None
    if period in _PM and hour < 12:
        hour += 12
    elif period in ("中午", "晌午") and hour <= 3:
        hour += 12
    elif period is None and 1 <= hour <= 6:
        hour += 12  # "3点前交" in a work message means the afternoon
    if hour == 24:
        return END_OF_DAY
    return time(hour, minute)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)
