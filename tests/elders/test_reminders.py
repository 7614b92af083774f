"""Nobody is forgotten: a missed visit reminds the 包保人 in the morning, then the grid worker; /elders, /stats."""
from __future__ import annotations

from datetime import datetime, timezone

from sandbox.playground import buttons
from tests.elders.conftest import import_with, later, texts_in, visits


def reminders_about(pg, who: str, elder: str) -> list[str]:
    return [t for t in texts_in(pg, pg.private(who)) if t.startswith(f"⏰ 该去看看{elder}了")]


def escalations_about(pg, who: str, elder: str) -> list[str]:
    return [t for t in texts_in(pg, pg.private(who)) if t.startswith(f"⏰ {elder} (")]


async def test_a_missed_visit_reminds_the_keeper_in_the_morning_then_tells_the_grid_worker(pg):
    # 王秀兰 is 重点: visited every day. Registered on Wednesday, she is due by the end of Thursday.
    await later(pg, hours=13)  # Wednesday 23:00
    await later(pg, hours=24)  # Thursday 23:00: still Thursday
    assert reminders_about(pg, "李红", "王秀兰") == []
    await later(pg, hours=2)  # Friday 01:00: overdue, but people sleep
    assert reminders_about(pg, "李红", "王秀兰") == []
    await later(pg, hours=6, minutes=31)  # 07:31
    [reminder] = reminders_about(pg, "李红", "王秀兰")
    assert reminder == ("⏰ 该去看看王秀兰了\n1栋1单元101 · 重点 (每天探访)\n还没有探访记录\n"
                        "看过后点下面的按钮, 或者在群里说一声就行。")
    assert escalations_about(pg, "祝兰红", "王秀兰") == []
    await later(pg, hours=8)  # 15:31: still nobody went
    [escalation] = escalations_about(pg, "祝兰红", "王秀兰")
    assert escalation.splitlines() == [
        "⏰ 王秀兰 (1栋1单元101, 重点) 逾期没人探访",
        "下次探访: ⚠️ 已逾期 (最晚应在11月19日去)",
        "还没有探访记录",
        "已提醒过包保人: 李红。",
        "请安排人去看看, 看过后点下面的按钮。",
    ]
    # The other grid's worker hears nothing of it.
    assert escalations_about(pg, "孙立新", "王秀兰") == []
    # The grid worker went herself and says so with one tap.
    message = next(m for m in pg.inbox("祝兰红") if (m.text or "").startswith("⏰ 王秀兰"))
    assert [label for label, _ in buttons(message)] == ["✅ 看过了, 平安", "⚠️ 有情况"]
    assert await pg.press("祝兰红", message, "看过了") == "已记下: 王秀兰 平安, 谢谢您!"
    assert pg.inbox("祝兰红")[-1].text.startswith("✅ 记下了: 王秀兰 平安, 谢谢您!\n下次探访: 最晚明天。")
    [visit] = await visits(pg, "王秀兰")
    assert visit.visitor_name == "祝兰红" and visit.at > visit.due_at  # late, and the ledger says so


async def test_a_visit_in_time_means_no_reminder(pg):
    await later(pg, hours=24)  # Thursday 10:00
    await pg.say("李红", "去看了王奶奶, 挺好", where=pg.group())
    await later(pg, hours=22)  # Friday 08:00
    assert reminders_about(pg, "李红", "王秀兰") == []
    await later(pg, hours=24)  # Saturday 08:00: Friday went by without a visit
    assert len(reminders_about(pg, "李红", "王秀兰")) == 1


async def test_a_restart_with_an_overdue_visit_pending_fires_it_once(pg):
    await pg.stop_bot()
    pg.clock.now = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)  # Friday 09:00, due since midnight
    await pg.start_bot()
    await pg.fake.wait_for(lambda: reminders_about(pg, "李红", "王秀兰"), timeout=5)
    await pg.services.jobs.run_due()
    await pg.settle()
    await later(pg, minutes=5)
    assert len(reminders_about(pg, "李红", "王秀兰")) == 1
    # And after another restart it is not said again.
    await pg.stop_bot()
    await pg.start_bot()
    await pg.services.jobs.run_due()
    await pg.settle()
    assert len(reminders_about(pg, "李红", "王秀兰")) == 1


async def test_an_elder_without_a_keeper_goes_to_the_grid_worker_at_once(pg, tmp_path):
    await import_with(pg, tmp_path, "冯桂兰,2栋,2单元,502,独居,重点,,,,,")
    await later(pg, hours=46)  # Friday 08:00
    [escalation] = escalations_about(pg, "祝兰红", "冯桂兰")
    assert "这位老人还没有包保人。" in escalation


async def test_elders_lists_the_keepers_elders_with_the_last_visit_and_the_next_due_date(pg):
    await pg.say("吴建华", "上午去看了陈奶奶, 给她量了血压, 挺好", where=pg.group())
    [reply] = await pg.say("刘凤霞", "/elders")
    assert reply.text.splitlines() == [
        "👵 您包保的老人 (共 1 位, 最该去看的在前)",
        "",
        "1. 陈淑珍 · 2栋1单元202 · 重点",
        "   上次 今天 10:00 吴建华 (平安) · 下次最晚明天",
        "",
        "发 /visit 一键记平安; 发「/elders 名字」看详细情况。",
    ]
    # The grid worker sees the grid's elders, the most overdue first.
    await later(pg, hours=46)  # Friday 08:00
    [reply] = await pg.say("祝兰红", "/elders")
    lines = reply.text.splitlines()
    assert lines[0] == "👵 本网格的老人 (共 5 位, 最该去看的在前; 逾期 2 位)"
    assert lines[2] == "1. 王秀兰 · 1栋1单元101 · 重点"
    assert "⚠️ 已逾期" in lines[3]
    assert "陈淑珍" in reply.text and "孙福贵" not in reply.text  # the other grid's elder


async def test_stats_count_due_done_and_late_visits_per_grid_without_names(pg):
    group = pg.group()
    [stats] = await pg.say("祝兰红", "/stats", where=group)
    assert stats.text.count("探访: 应访 0, 已访 0, 逾期 0") == 2  # this week and month: nothing due yet
    await later(pg, hours=48)  # Friday 10:00: 王秀兰 and 陈淑珍 were due by the end of Thursday
    await pg.say("李红", "去看了王奶奶, 挺好", where=group)  # late, but visited
    [stats] = await pg.say("祝兰红", "/stats", where=group)
    assert stats.text.count("探访: 应访 2, 已访 1, 逾期 2") == 2
    assert not any(name in stats.text for name in ("王秀兰", "陈淑珍", "李红"))
    # The admin sees the community, grid by grid.
    [stats] = await pg.say("赵淑芬", "/stats")
    assert "探访: 应访 4, 已访 1, 逾期 4\n  第一网格: 应访 2, 已访 1, 逾期 2\n  第二网格: 应访 2, 已访 0, 逾期 2" \
        in stats.text


async def test_the_weekly_digest_says_how_the_visits_went(pg):
    await pg.say("李红", "去看了王奶奶, 挺好", where=pg.group())
    pg.clock.now = datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)  # Monday 08:00
    await later(pg, seconds=1)
    await later(pg, minutes=31)  # 08:31: the digest job has run
    await pg.services.jobs.idle()
    await pg.settle()
    digest = pg.fake.sent(pg.group())[-1]
    text = digest.caption or digest.text
    assert "探访: 应访 " in text
    assert "王秀兰" not in text and "李红" not in text.split("积分")[0]


async def test_an_elder_nobody_visits_is_asked_about_again_every_day_not_once(pg):
    # 王秀兰 (重点) is overdue from Friday: the reminder and the escalation come on Friday...
    await later(pg, hours=13 + 24 + 2)  # Friday 01:00
    await later(pg, hours=6, minutes=31)  # 07:31
    await later(pg, hours=8)  # 15:31
    assert len(reminders_about(pg, "李红", "王秀兰")) == 1
    assert len(escalations_about(pg, "祝兰红", "王秀兰")) == 1
    # ...and again the next day, and the day after, while nobody goes.
    await later(pg, hours=24)  # Saturday 15:31
    assert len(reminders_about(pg, "李红", "王秀兰")) == 2
    await later(pg, hours=8)  # 23:31: the grid worker sleeps
    assert len(escalations_about(pg, "祝兰红", "王秀兰")) == 1
    await later(pg, hours=8)  # Sunday 07:31
    assert len(escalations_about(pg, "祝兰红", "王秀兰")) == 2
    await later(pg, hours=24)
    assert len(reminders_about(pg, "李红", "王秀兰")) == 3
    # A visit ends it.
    await pg.say("李红", "去看了王奶奶, 挺好", where=pg.group())
    await later(pg, hours=20)
    assert len(reminders_about(pg, "李红", "王秀兰")) == 3
