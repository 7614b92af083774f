"""Tallies, the 台账 export, the weekly digest with its chart, points and regular days."""
from __future__ import annotations

import asyncio
import io
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from sandbox.playground import MovableClock, Playground, buttons

MONDAY = datetime(2026, 11, 9, 2, 0, tzinfo=timezone.utc)  # Monday 9 November 2026, 10:00 in Shanghai


async def later(pg, **delta) -> None:
    pg.clock.advance(**delta)
    await pg.services.jobs.run_due()
    await pg.settle()



def ticket_card(pg, name: str):
    cards = [m for m in pg.inbox(name) if m.text and m.text.startswith(("#", "🚨")) and "报告人" in m.text]
    assert cards, f"{name} got no ticket card"
    return cards[-1]


async def rate(pg, reporter: str, label: str) -> None:
    ask = pg.inbox(reporter)[-1]
    assert any(label == b for b, _ in buttons(ask)), ask.text
    await pg.press(reporter, ask, label)


async def known_month(pg) -> None:
    """The data set: three tickets, one task and one notice in November 2026, all in 第一网格.

    Last week: #1 给排水, accepted after 60 min, resolved after 73 h (late), rated 基本满意.
    This week (Wed 18th): #2 电力照明, accepted after 20 min, resolved after 60 min, rated 满意;
    #3 环境卫生, accepted after 60 min, still open; a task for the five unit heads, two of them done.
    """
    group = pg.group()
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=group)
    pg.clock.advance(minutes=60)
    await pg.press("祝兰红", ticket_card(pg, "祝兰红"), "接单")
    pg.clock.advance(hours=72)  # Thursday 12th, 11:00
    await pg.press("祝兰红", ticket_card(pg, "祝兰红"), "已办结")
    await rate(pg, "李红", "基本满意")

    pg.clock.now = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)  # Wednesday 18th, 10:00
    await pg.services.jobs.run_due()
    await pg.say("祝兰红", "请各单元长今天下午4点前把本单元的问卷收齐", where=group)
    card = pg.fake.sent(group)[-1]
    await pg.say("祝兰红", "通知: 明天上午9点到12点停水", where=group)
    await pg.say("王敏", "2单元楼道灯坏了", where=group)
    pg.clock.advance(minutes=20)
    await pg.press("祝兰红", ticket_card(pg, "祝兰红"), "接单")
    await pg.press("李红", card, "完成")
    await pg.press("王敏", card, "完成")
    await pg.say("李红", "收到", where=group)
    pg.clock.advance(minutes=40)  # 11:00
    await pg.press("祝兰红", ticket_card(pg, "祝兰红"), "已办结")
    await rate(pg, "王敏", "满意")
    await pg.say("周秀英", "1栋门口垃圾好几天没人清理了", where=group)
    pg.clock.advance(minutes=60)  # 12:00
    await pg.press("钱永明", ticket_card(pg, "钱永明"), "接单")
    await pg.flush()


@pytest.fixture
async def month(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(MONDAY)) as pg:
        await known_month(pg)
        yield pg


async def test_stats_for_this_week_and_this_month(month):
    pg = month
    replies = await pg.say("祝兰红", "/stats", where=pg.group())
    assert replies[-1].text.splitlines() == [
        "📊 第一网格 统计 (11月18日 12:00)",
        "",
        "本周 (11月16日起)",
        "诉求 2 件: 电力照明 1 · 环境卫生 1",
        "状态: 处理中 1 · 已办结 1",
        "接单用时中位数 40分钟 · 办结用时中位数 1小时",
        "超时 0 件",
        "满意度: 满意 1 (满意率 100%)",
        "任务 1 项, 完成 2/5 (40%)",
        "各人完成率: 李红 1/1 · 王敏 1/1 · 周秀英 0/1 · 吴建华 0/1 · 郑丽娟 0/1",
        "",
        "本月 (11月)",
        "诉求 3 件: 给排水 1 · 电力照明 1 · 环境卫生 1",
        "状态: 处理中 1 · 已办结 2",
        "接单用时中位数 1小时 · 办结用时中位数 37小时",
        "超时 1 件",
        "满意度: 满意 1 · 基本满意 1 (满意率 100%)",
        "任务 1 项, 完成 2/5 (40%)",
        "各人完成率: 李红 1/1 · 王敏 1/1 · 周秀英 0/1 · 吴建华 0/1 · 郑丽娟 0/1",
    ]
    # The admin sees the whole community in private; a unit head is told no.
    admin = await pg.say("赵淑芬", "/stats")
    assert admin[-1].text.startswith("📊 长山花园社区 统计")
    assert "诉求 3 件" in admin[-1].text
    refused = await pg.say("李红", "/stats", where=pg.group())
    # Told privately, not in front of the whole group.
    assert [(m.chat_id, m.text) for m in refused] == [
        (pg.user("李红").id, "您在「第一网格三长群」发的命令没有执行: 只有网格员和社区管理员可以查看统计。")]
    other = await pg.say("孙立新", "/stats")
    assert "本周 (11月16日起)\n诉求: 0 件\n任务: 0 项" in other[-1].text


async def exported(pg) -> None:
    """The workbook is written by a worker process; wait for it and for its sending."""
    await pg.services.jobs.idle()
    await pg.settle()


def workbook_of(pg, message):
    stored = pg.fake.files[message.data["document"]["file_id"]]
    return load_workbook(io.BytesIO(stored.data)), stored


async def test_export_opens_in_a_spreadsheet(month, tmp_path, monkeypatch):
    pg = month
    answer = await pg.say("祝兰红", "/export 2026-11-01 2026-11-30", where=pg.group())
    assert answer[0].text == "正在生成台账, 稍后私信发给您。"
    await exported(pg)
    document = pg.inbox("祝兰红")[-1]
    book, stored = workbook_of(pg, document)
    assert stored.filename == "台账-第一网格-20261101-20261130.xlsx"
    assert document.caption == "第一网格 台账 · 2026-11-01至2026-11-30\n诉求 3 件 · 任务 1 项 · 通知 1 条"
    assert book.sheetnames == ["诉求", "诉求记录", "任务", "任务完成", "通知", "通知回执", "老人", "探访记录"]
    tickets = list(book["诉求"].iter_rows(values_only=True))
    assert tickets[0][:6] == ("编号", "登记时间", "网格", "地点", "类别", "紧急")
    assert [r[0] for r in tickets[1:]] == [1, 2, 3]
    first = dict(zip(tickets[0], tickets[1]))
    assert first["登记时间"] == datetime(2026, 11, 9, 10, 0)
    assert (first["地点"], first["类别"], first["状态"], first["评价"]) == ("1栋3单元201", "给排水", "已办结", "基本满意")
    assert first["办结时间"] == datetime(2026, 11, 12, 11, 0)
    events = [r[3] for r in book["诉求记录"].iter_rows(min_row=2, values_only=True) if r[0] == 1]
    assert events[:4] == ["登记", "派给", "接单", "办结"]
    task = dict(zip(*list(book["任务"].iter_rows(values_only=True))[:2]))
    assert (task["任务"], task["应完成"], task["已完成"], task["完成率"]) == ("问卷收齐", 5, 2, "40%")
    lines = list(book["任务完成"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3], r[4]) for r in lines] == [
        ("1栋1单元", "李红", "已完成"), ("1栋2单元", "王敏", "已完成"), ("1栋3单元", "周秀英", "未完成"),
        ("2栋1单元", "吴建华", "未完成"), ("2栋2单元", "郑丽娟", "未完成")]
    notice = list(book["通知"].iter_rows(min_row=2, values_only=True))
    assert notice[0][3] == "通知: 明天上午9点到12点停水" and notice[0][5:8] == (6, 1, 0)
    acks = list(book["通知回执"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[4]) for r in acks] == [("李红", "是")]

    # A narrower window, and the same from the command line.
    answer = await pg.say("祝兰红", "/export 2026-11-16 2026-11-22")
    assert answer[0].text == "正在生成台账, 稍后发给您。"
    await exported(pg)
    book, _ = workbook_of(pg, pg.inbox("祝兰红")[-1])
    assert [r[0] for r in book["诉求"].iter_rows(min_row=2, values_only=True)] == [2, 3]
    from bot import cli

    out = tmp_path / "台账.xlsx"
    monkeypatch.setenv("BOT_DB", str(pg.db))
    code = await asyncio.to_thread(cli.main, ["export", "--from", "2026-11-01", "--to", "2026-11-30", str(out),
                                              "--grid", "第一网格"])
    assert code == 0
    book = load_workbook(out)
    assert [r[0] for r in book["诉求"].iter_rows(min_row=2, values_only=True)] == [1, 2, 3]
    assert book["任务"].max_row == 2


async def test_the_weekly_digest_carries_a_chart(month):
    from PIL import Image

    pg = month
    pg.clock.now = datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)  # Monday 23rd, 08:00
    await later(pg, seconds=1)
    assert not any(m.caption for m in pg.fake.sent(pg.group()))
    await later(pg, minutes=31)  # 08:31
    digest = pg.fake.sent(pg.group())[-1]
    assert digest.caption.splitlines() == [
        "📊 第一网格 上周小结 (11月16日–11月22日)",
        "诉求 2 件, 已办结 1 件, 超时 1 件。",  # #3 has been open for five days by then
        "最多的是: 电力照明 1 · 环境卫生 1",
        "接单用时中位数 40分钟, 办结用时中位数 1小时, 满意率 100%。",
        "任务 1 项, 完成 2/5 (40%)。",
        "还差一点的: 1栋3单元 0/1、2栋1单元 0/1、2栋2单元 0/1",
        "积分: 李红 1分 · 王敏 1分",
        "新的一周, 有事随时在群里说。",
    ]
    photo = pg.fake.files[digest.data["photo"][-1]["file_id"]]
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "PNG" and image.width == 720 and image.height > 200
    assert len(image.getcolors(maxcolors=1 << 16)) > 2  # something was drawn
    second = pg.fake.sent(pg.group("第二网格"))[-1]
    assert "上周没有新的诉求" in second.caption
    await later(pg, hours=1)
    assert sum(1 for m in pg.fake.sent(pg.group()) if m.caption) == 1  # once a week


async def test_points_in_words_by_command_and_by_rule(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(MONDAY)) as pg:
        group = pg.group()
        replies = await pg.say("祝兰红", "给刘凤霞记5分 照顾独居老人", where=group)
        assert replies[-1].text == "✅ 已给刘凤霞记5分 (照顾独居老人), 本月共 5 分。"
        assert await pg.say("李红", "给李红记100分", where=group) == []
        replies = await pg.say("祝兰红", "/points add 曹德胜 3 帮独居老人买菜")
        assert replies[-1].text == "✅ 已给曹德胜记3分 (帮独居老人买菜), 本月共 3 分。"
        replies = await pg.say("祝兰红", "给张三记5分", where=group)
        assert replies[-1].text == "名册里没有找到「张三」, 请检查名字。"
        refused = await pg.say("李红", "/points add 李红 5 自己", where=group)
        # Told privately, not in front of the whole group.
        assert [(m.chat_id, m.text) for m in refused] == [
            (pg.user("李红").id, "您在「第一网格三长群」发的命令没有执行: 只有网格员和社区管理员可以记积分。")]

        # A volunteer's report that gets resolved earns the ticket rule's points, once.
        await pg.say("韩雪梅", "1栋门口路灯不亮了")
        await pg.press("祝兰红", ticket_card(pg, "祝兰红"), "已办结")
        await pg.press("祝兰红", pg.inbox("祝兰红")[-1], "是的")  # never accepted: one more tap
        await later(pg, hours=1, minutes=1)
        await later(pg, hours=1, minutes=1)
        ranking = await pg.say("李红", "/points", where=group)
        assert ranking[-1].text.splitlines() == ["🏅 11月积分榜", "🥇 刘凤霞 5分", "🥈 曹德胜 3分", "🥉 韩雪梅 3分"]


async def test_regular_days_remind_the_evening_before_and_on_the_morning(tmp_path):
    start = datetime(2026, 11, 14, 10, 0, tzinfo=timezone.utc)  # Saturday 14th, 18:00
    extra = {"regular_days": [
        {"day": 15, "title": "党员学习日", "groups": "all", "note": "上午9点, 社区党群服务中心"},
        {"day": 10, "title": "居民恳谈日", "groups": ["第二网格"], "evening": "20:00"},
    ]}
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(start), config_extra=extra) as pg:
        await later(pg, seconds=1)
        assert not any((m.text or "").startswith("📅") for m in pg.fake.sent())
        await later(pg, hours=1, minutes=1)  # 19:01
        for grid in ("第一网格", "第二网格"):
            assert pg.fake.sent(pg.group(grid))[-1].text == \
                "📅 明天 (11月15日) 是党员学习日, 别忘了。\n上午9点, 社区党群服务中心"
        await later(pg, hours=13)  # Sunday 08:01
        assert pg.fake.sent(pg.group())[-1].text == "📅 今天 (11月15日) 是党员学习日。\n上午9点, 社区党群服务中心"
        await later(pg, hours=12)
        assert sum((m.text or "").startswith("📅") for m in pg.fake.sent(pg.group())) == 2
        pg.clock.now = datetime(2026, 12, 9, 12, 1, tzinfo=timezone.utc)  # 9 December, 20:01
        await later(pg, seconds=1)
        assert pg.fake.sent(pg.group("第二网格"))[-1].text == "📅 明天 (12月10日) 是居民恳谈日, 别忘了。"
        assert not any("居民恳谈日" in (m.text or "") for m in pg.fake.sent(pg.group()))


async def test_a_date_that_does_not_exist_is_not_understood(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(MONDAY)) as pg:
        for text in ("/export 2026-13-01 2026-11-30", "/export 2026-11-01 2026-02-30"):
            replies = await pg.say("祝兰红", text)
            assert [m.text for m in replies] == ["日期没看懂。例如「/export 2026-11-01 2026-11-30」, 或「/export 上月」。"]
        replies = await pg.say("祝兰红", "/export 2026-13-01 2026-11-30", where=pg.group())
        assert replies[-1].text.startswith("日期没看懂")


async def test_a_grid_that_does_not_exist_is_said_so_with_the_choices(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(MONDAY)) as pg:
        admin = await pg.say("赵淑芬", "/stats 第三网格")
        assert [m.text for m in admin] == ["没有找到「第三网格」。您可以查看的网格: 第一网格、第二网格。"]
        worker = await pg.say("祝兰红", "/stats 第三网格")
        assert [m.text for m in worker] == ["没有找到「第三网格」。您可以查看的网格: 第一网格。"]
        export = await pg.say("赵淑芬", "/export 2026-11-01 2026-11-30 第三网格")
        assert [m.text for m in export] == ["没有找到「第三网格」。您可以查看的网格: 第一网格、第二网格。"]
        assert not any(m.data.get("document") for m in pg.inbox("赵淑芬"))
        in_group = await pg.say("祝兰红", "/stats 第三网格", where=pg.group())
        assert [m.text for m in in_group] == ["没有找到「第三网格」。在这个群里查看的是第一网格的统计。"]
        # The grids that are there still answer.
        assert (await pg.say("赵淑芬", "/stats 第二网格"))[-1].text.startswith("📊 第二网格 统计")


async def test_an_award_above_the_limit_is_refused_and_says_the_limit(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(MONDAY)) as pg:
        limit = "每次最多记 100 分, 500 分超过了上限, 没有记。请改成 100 分以内再记。"
        replies = await pg.say("祝兰红", "给刘凤霞记500分", where=pg.group())
        assert [m.text for m in replies] == [limit]
        replies = await pg.say("祝兰红", "/points add 刘凤霞 500 照顾独居老人")
        assert [m.text for m in replies] == [limit]
        replies = await pg.say("祝兰红", "给罗小芳扣500分", where=pg.group())
        assert [m.text for m in replies] == [limit]
        replies = await pg.say("祝兰红", "给刘凤霞记100分", where=pg.group())
        assert replies[-1].text == "✅ 已给刘凤霞记100分, 本月共 100 分。"
        ranking = await pg.say("祝兰红", "/points", where=pg.group())
        assert ranking[-1].text.splitlines() == ["🏅 11月积分榜", "🥇 刘凤霞 100分"]


async def test_a_grids_ranking_shows_its_own_people_not_another_grids(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(MONDAY)) as pg:
        await pg.say("祝兰红", "给李红记5分 收齐问卷", where=pg.group())
        await pg.say("祝兰红", "/points add 曹德胜 3 帮独居老人买菜")  # a volunteer of the whole community
        own = await pg.say("李红", "/points", where=pg.group())
        assert own[-1].text.splitlines() == ["🏅 11月积分榜", "🥇 李红 5分", "🥈 曹德胜 3分"]
        other = await pg.say("孙立新", "/points", where=pg.group("第二网格"))
        assert other[-1].text.splitlines() == ["🏅 11月积分榜", "🥇 曹德胜 3分"]


async def test_a_grid_worker_in_another_grids_group_is_told_it_is_not_his_grid(month):
    month.fake.add_member(month.group(), month.user("孙立新"))
    refused = await month.say("孙立新", "/stats", where=month.group())
    assert [m.text for m in refused] == [
        "您在「第一网格三长群」发的命令没有执行: 您只能查看自己网格的统计。"]


def test_an_export_range_written_backwards_is_the_same_range():
    from bot.tasks.tally import parse_range
    from zoneinfo import ZoneInfo

    now = datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc)
    zone = ZoneInfo("Asia/Shanghai")
    assert parse_range("2026-11-30 2026-11-01", now, zone) == parse_range("2026-11-01 2026-11-30", now, zone)
    assert parse_range("2026-11-01 2026-11-30", now, zone)[2] == "2026-11-01至2026-11-30"
