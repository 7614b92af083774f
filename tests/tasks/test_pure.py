"""Pure parts: tallies against a known data set, points in words, timing of reminders and schedules."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.tasks.digest import DigestSettings, digest_text, period_label, week_before
from bot.nlu.awards import parse_add_command, parse_award
from bot.tasks.points import PointRules
from bot.tasks.regular_days import moments, read_regular_days
from bot.nlu.tasktext import title_from
from bot.tasks.service import reminder_plan
from bot.tasks.stats import median, place_rates, responder_rates, task_totals, ticket_numbers
from bot.tickets.service import QuietHours

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


TICKETS = [
    # accepted after 30 min, resolved after 2 h, 满意
    dict(category="water", status="resolved", urgent=0, created_at=at(0), accepted_at=at(30), resolved_at=at(120),
         rating="满意", escalations=0),
    # accepted after 90 min, resolved after 4 days: late; 不满意 stored as a code
    dict(category="water", status="resolved", urgent=0, created_at=at(0), accepted_at=at(90),
         resolved_at=at(4 * 24 * 60), rating="1", escalations=0),
    # accepted after 10 min, open
    dict(category="electric", status="accepted", urgent=0, created_at=at(60), accepted_at=at(70), resolved_at=None,
         rating=None, escalations=0),
    # never accepted, escalated: late
    dict(category="noise", status="open", urgent=0, created_at=at(60), accepted_at=None, resolved_at=None,
         rating=None, escalations=1),
    # re-assigned: the first acceptance counts
    dict(category="electric", status="resolved", urgent=0, created_at=at(0), accepted_at=at(300),
         first_accepted_at=at(50), resolved_at=at(360), rating="基本满意", escalations=0),
]


def test_median():
    assert median([]) is None
    assert median([5]) == 5
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5


def test_ticket_numbers_on_a_known_data_set():
    n = ticket_numbers(TICKETS, now=at(2 * 24 * 60))
    assert n.total == 5
    assert n.by_category == {"water": 2, "electric": 2, "noise": 1}
    assert n.by_status == {"open": 1, "accepted": 1, "resolved": 3}
    assert n.median_accept == timedelta(minutes=40)  # 30, 90, 10, 50 → (30 + 50) / 2
    assert n.median_resolve == timedelta(minutes=360)  # 120, 5760, 360
    assert n.overdue == 2
    assert n.ratings == {"3": 1, "2": 1, "1": 1}
    assert n.satisfaction == 67


TARGETS = [
    dict(task_id=1, building="1", unit="1", person_name="李红", done_at=at(10)),
    dict(task_id=1, building="1", unit="2", person_name="王敏", done_at=None),
    dict(task_id=1, building="2", unit="1", person_name="吴建华", done_at=at(20)),
    dict(task_id=2, building="1", unit="1", person_name="李红", done_at=at(30)),
    dict(task_id=2, building="1", unit="2", person_name="王敏", done_at=at(40)),
    dict(task_id=2, building="2", unit="1", person_name="吴建华", done_at=None),
    dict(task_id=3, building="10", unit=None, person_name="刘凤霞", done_at=None),
]


def test_completion_rates_per_responder_and_per_place():
    assert task_totals(TARGETS) == (3, 4, 7)
    assert [(r.label, r.done, r.expected, r.percent) for r in responder_rates(TARGETS)] == [
        ("李红", 2, 2, 100), ("王敏", 1, 2, 50), ("吴建华", 1, 2, 50), ("刘凤霞", 0, 1, 0)]
    assert [(r.label, r.done, r.expected) for r in place_rates(TARGETS)] == [
        ("1栋1单元", 2, 2), ("1栋2单元", 1, 2), ("2栋1单元", 1, 2), ("10栋", 0, 1)]


def test_points_in_words():
    award = parse_award("给刘凤霞记5分 照顾独居老人")
    assert (award.name, award.amount, award.reason) == ("刘凤霞", 5, "照顾独居老人")
    award = parse_award("给曹德胜加十分: 帮忙扫雪")
    assert (award.name, award.amount, award.reason) == ("曹德胜", 10, "帮忙扫雪")
    award = parse_award("请给韩雪梅记 3 个积分")
    assert (award.name, award.amount, award.reason) == ("韩雪梅", 3, "")
    assert parse_award("给罗小芳扣2分 未到岗").amount == -2
    assert parse_award("给刘凤霞记0分") is None
    assert parse_award("我给孩子记了5分钟的时间") is None
    assert parse_award("今天天气不错") is None
    award = parse_add_command("add 刘凤霞 5 照顾独居老人")
    assert (award.name, award.amount, award.reason) == ("刘凤霞", 5, "照顾独居老人")
    assert parse_add_command("add 刘凤霞 五") .amount == 5
    assert parse_add_command("刘凤霞 5") is None
    # Above the limit the award is read, so the answer can say the limit.
    assert parse_award("给刘凤霞记500分").too_large and parse_add_command("add 刘凤霞 500").too_large
    assert parse_award("给罗小芳扣101分").too_large
    assert not parse_award("给刘凤霞记100分").too_large
    assert PointRules.from_config({"task_help": 0}) == PointRules(task_done=1, task_help=0, ticket_help=3)


def test_reminders_halfway_and_an_hour_before_outside_quiet_hours():
    quiet = QuietHours(time(21, 30), time(7, 30))
    start = datetime(2026, 11, 18, 10, 0, tzinfo=SH)
    plan = reminder_plan(start, datetime(2026, 11, 18, 16, 0, tzinfo=SH), SH, quiet)
    assert [(w, m.astimezone(SH).strftime("%H:%M")) for w, m in plan] == [("half", "13:00"), ("hour", "15:00")]
    # Close together: only the hour-before one.
    plan = reminder_plan(start, datetime(2026, 11, 18, 12, 0, tzinfo=SH), SH, quiet)
    assert [w for w, _ in plan] == ["hour"]
    # Too close for either.
    assert reminder_plan(start, start + timedelta(minutes=20), SH, quiet) == []
    # Halfway at night waits for the morning.
    evening = datetime(2026, 11, 18, 20, 0, tzinfo=SH)
    plan = reminder_plan(evening, datetime(2026, 11, 19, 10, 0, tzinfo=SH), SH, quiet)
    assert [(w, m.astimezone(SH).strftime("%d %H:%M")) for w, m in plan] == [("half", "19 07:30"), ("hour", "19 09:00")]


def test_card_titles():
    from bot.nlu import parse

    now = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
    for text, title in [("请各单元长今天下午4点前把本单元的问卷收齐", "问卷收齐"),
                        ("请各楼栋长明天上午10点前上报独居老人名单", "上报独居老人名单")]:
        assert title_from(text, parse(text, now)) == title
    assert title_from("收集签名 明天17点", None, "明天17点") == "收集签名"
    # Without the 前 of the deadline, and with the numbers as they were written.
    assert title_from("收齐问卷 周五前", None, "周五") == "收齐问卷"
    assert title_from("读一遍通知 周五之前", None, "周五") == "读一遍通知"
    assert title_from("收集签名 截止明天下午五点", None, "明天下午5点") == "收集签名"
    text = "请各单元长周五前读一遍通知"
    assert title_from(text, parse(text, now)) == "读一遍通知"


def test_edits_and_past_deadlines_in_words():
    from bot.nlu.tasktext import edit_request, past_deadline

    now = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)  # Wednesday, 10:00 in Shanghai
    for text in ("截止改为明天下午5点", "时间改到周五", "推迟到明天", "截止时间改成周五下午3点", "改到周五截止", "改为楼栋长"):
        assert edit_request(text, now), text
    for text in ("请各单元长明天下午5点前把问卷收齐", "请各单元长提前把名单交上来 周五前", "明天下午5点截止",
                 "今天改天再说", "水管改好了"):
        assert not edit_request(text, now), text
    for text in ("收齐签名 昨天", "收齐签名 昨天下午5点前", "上周五前交表", "今天上午9点前收齐", "截止昨天"):
        assert past_deadline(text, now), text
    for text in ("收齐昨天发的问卷 周五前", "昨天上报的名单 周五前核对", "收齐问卷 周五前", "收齐问卷"):
        assert not past_deadline(text, now), text


def test_digest_slot_and_text():
    settings = DigestSettings.from_config({"weekday": "friday", "time": "17:00"})
    assert (settings.weekday, settings.at) == (5, time(17, 0))
    default = DigestSettings.from_config(None)
    wednesday = datetime(2026, 11, 18, 12, 0, tzinfo=SH)
    slot = default.next_slot(wednesday, SH)
    assert slot == datetime(2026, 11, 23, 8, 30, tzinfo=SH) and default.is_slot(slot, SH)
    assert default.next_slot(slot, SH) == datetime(2026, 11, 30, 8, 30, tzinfo=SH)
    start, end = week_before(slot, SH)
    assert period_label(start, end, SH) == ("11月16日–11月22日", "11/16-11/22")
    text = digest_text("第一网格", "11月16日–11月22日", ticket_numbers(TICKETS[:3], at(9999)), (1, 2, 3), [], [])
    assert text.splitlines()[:2] == ["📊 <b>第一网格 上周小结</b> (11月16日–11月22日)", "诉求 3 件, 已办结 2 件, 超时 2 件。"]


def test_regular_day_moments():
    days = read_regular_days([{"day": 15, "title": "党员学习日"}, {"day": 31, "title": "月末大扫除", "morning": "09:00"},
                              {"title": "没有日子"}])
    assert [d.title for d in days] == ["党员学习日", "月末大扫除"]
    found = moments(days, datetime(2026, 11, 14, 18, 0, tzinfo=SH), SH, months=1)
    assert [(m.astimezone(SH).strftime("%m-%d %H:%M"), kind) for m, _, kind, _ in found] == [
        ("11-14 19:00", "eve"), ("11-15 08:00", "day"), ("11-29 19:00", "eve"), ("11-30 09:00", "day")]
    assert found[-1][3] == date(2026, 11, 30)  # the 31st in a 30-day month is its last day


def test_mentions_use_the_username_else_a_link_else_the_name():
    from bot.tasks.render import mention

    assert mention("王敏", 5, "wangmin") == "@wangmin"
    assert mention("王<敏>", 5) == '<a href="tg://user?id=5">王&lt;敏&gt;</a>'
    assert mention("王敏", None) == "王敏"


def test_a_ticket_still_waiting_past_its_accept_limit_is_overdue():
    from datetime import datetime, timedelta, timezone

    from bot.tasks.stats import ticket_numbers

    now = datetime(2026, 11, 19, 5, 30, tzinfo=timezone.utc)
    waiting = {"category": "water", "status": "open", "created_at": now - timedelta(hours=20),
               "urgent": 0, "accepted_at": None, "resolved_at": None, "rating": None}
    fresh = dict(waiting, created_at=now - timedelta(hours=1))
    accepted_late = dict(waiting, status="accepted", accepted_at=now - timedelta(hours=10))
    assert ticket_numbers([waiting, fresh, accepted_late], now).overdue == 2
