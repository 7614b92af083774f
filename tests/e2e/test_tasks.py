"""Tasks: the grid worker hands out work in the group, the bot keeps the list and chases the missing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sandbox.playground import MovableClock, Playground, buttons

# Wednesday 18 November 2026, 10:00 in Shanghai.
START = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
TASK = "请各单元长今天下午4点前把本单元的问卷收齐"


@pytest.fixture
async def pg(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(START)) as playground:
        yield playground



async def later(pg, **delta) -> None:
    pg.clock.advance(**delta)
    await pg.services.jobs.run_due()
    await pg.settle()


def mentioned(message) -> list[int]:
    return [ent["user"]["id"] for ent in message.data.get("entities", []) if ent["type"] == "text_mention"]


def current(pg, message):
    return pg.fake.message(message.chat_id, message.message_id)


async def new_task(pg, text: str = TASK, who: str = "祝兰红"):
    replies = await pg.say(who, text, where=pg.group())
    assert replies, "no task card"
    return replies[-1]


async def test_a_task_in_words_is_counted_edited_in_place_chased_and_summed_up(pg):
    group = pg.group()
    card = await new_task(pg)
    assert card.chat_id == group.id
    assert card.data["reply_to_message"]["text"] == TASK
    assert card.text.splitlines() == [
        "📋 问卷收齐",
        "祝兰红 发布 · 各单元长 · 截止 11月18日 16:00",
        "完成 0/5",
        "⏳ 1栋1单元 李红",
        "⏳ 1栋2单元 王敏",
        "⏳ 1栋3单元 周秀英",
        "⏳ 2栋1单元 吴建华",
        "⏳ 2栋2单元 郑丽娟",
        "做完了请点「✅ 完成」, 或回复本消息「完成」。",
    ]
    assert [label for label, _ in buttons(card)] == ["✅ 完成", "✏️ 修改", "取消任务"]

    # Three ways to say it is done, and a neighbour who helped; the group hears nothing more.
    before = len(pg.fake.sent(group))
    pg.clock.advance(minutes=32)
    assert await pg.say("周秀英", "三单元的问卷全部收齐了", where=group) == []
    assert await pg.say("李红", "完成了", where=group, reply_to=card) == []
    toast = await pg.press("王敏", card, "完成")
    assert toast == "已记下: 1栋2单元 完成, 辛苦了!"
    assert await pg.say("刘凤霞", "2栋1单元的问卷我帮着收齐了", where=group) == []
    assert await pg.press("王敏", card, "完成") == "已经记下了, 谢谢!"
    assert current(pg, card).edit_count == 0  # gathered for a few seconds, then one edit
    await pg.flush()
    card_now = current(pg, card)
    assert card_now.edit_count == 1
    assert len(pg.fake.sent(group)) == before  # edited in place, never re-posted
    assert card_now.text.splitlines()[2:9] == [
        "完成 3/5",
        "✅ 1栋1单元 李红 10:32",
        "✅ 1栋2单元 王敏 10:32",
        "✅ 1栋3单元 周秀英 10:32",
        "⏳ 2栋1单元 吴建华",
        "⏳ 2栋2单元 郑丽娟",
        "🤝 帮忙: 刘凤霞 10:32",
    ]

    # Halfway (13:00): one message, naming exactly the two still missing.
    await later(pg, hours=2, minutes=28)
    reminder = pg.fake.sent(group)[-1]
    assert reminder.text.startswith("⏰ 「问卷收齐」还差 2 个, 截止 16:00 (还有3小时)")
    assert mentioned(reminder) == [pg.user("吴建华").id, pg.user("郑丽娟").id]
    assert reminder.data["reply_to_message"]["message_id"] == card.message_id

    await pg.press("吴建华", card, "完成")
    await later(pg, hours=2)  # 15:00, one hour before
    reminder = pg.fake.sent(group)[-1]
    assert reminder.text.startswith("⏰ 「问卷收齐」还差 1 个")
    assert mentioned(reminder) == [pg.user("郑丽娟").id]
    assert sum(m.text.startswith("⏰") for m in pg.fake.sent(group)) == 2

    await later(pg, hours=1)  # 16:00: the summary goes to the one who asked
    summary = pg.inbox("祝兰红")[-1].text
    assert summary == ("📋 任务「问卷收齐」到截止时间了: 完成 4/5。\n未完成: 2栋2单元 郑丽娟\n帮忙: 刘凤霞")
    assert "(已截止)" in current(pg, card).text
    await later(pg, hours=1)
    assert pg.inbox("祝兰红")[-1].text == summary  # once


async def test_all_done_early_tells_the_creator_and_stops_the_reminders(pg):
    card = await new_task(pg, "请2栋的单元长今天下午5点前完成燃气安全排查")
    assert "完成 0/2" in card.text and "吴建华" in card.text and "李红" not in card.text
    await pg.say("吴建华", "燃气排查做完了", where=pg.group())
    await pg.say("郑丽娟", "我们单元燃气安全排查已完成", where=pg.group())
    await pg.flush()
    final = current(pg, card)
    assert final.text.startswith("🎉 全部完成 · 📋 燃气安全排查")
    assert buttons(final) == []
    assert pg.inbox("祝兰红")[-1].text.startswith("🎉 任务「燃气安全排查」全部完成 2/2")
    await later(pg, hours=8)
    assert not any((m.text or "").startswith("⏰") for m in pg.fake.sent(pg.group()))


async def test_building_heads_when_the_text_says_so(pg):
    card = await new_task(pg, "请各楼栋长明天上午10点前上报独居老人名单")
    lines = card.text.splitlines()
    assert lines[0] == "📋 上报独居老人名单"
    assert lines[1] == "祝兰红 发布 · 各楼栋长 · 截止 11月19日 10:00"
    assert lines[2:5] == ["完成 0/2", "⏳ 1栋 王敏", "⏳ 2栋 刘凤霞"]
    # 王敏 is also a unit head: for this task she answers for her building.
    assert await pg.press("王敏", card, "完成") == "已记下: 1栋 完成, 辛苦了!"


async def test_a_task_from_someone_who_is_not_staff_is_just_chat(pg):
    assert await pg.say("李红", TASK, where=pg.group()) == []
    assert await pg.say("李红", "完成了", where=pg.group()) == []


async def test_task_command_with_a_deadline(pg):
    replies = await pg.say("祝兰红", "/task 收集签名 明天17点", where=pg.group())
    card = replies[-1]
    assert card.text.splitlines()[:3] == ["📋 收集签名", "祝兰红 发布 · 各单元长 · 截止 11月19日 17:00", "完成 0/5"]
    private = await pg.say("孙立新", "/task 楼栋长 周五前交消防检查表")
    assert private[-1].text == "已在第二网格三长群发布任务「交消防检查表」, 共 2 个楼栋长。"
    second = pg.fake.sent(pg.group("第二网格"))[-1]
    assert second.text.splitlines()[:5] == ["📋 交消防检查表", "孙立新 发布 · 各楼栋长 · 截止 11月20日 23:59",
                                            "完成 0/2", "⏳ 3栋 陈玉梅", "⏳ 5栋 张桂荣"]
    refused = await pg.say("李红", "/task 收集签名", where=pg.group())
    # Told privately, not in front of the whole group.
    assert [(m.chat_id, m.text) for m in refused] == [
        (pg.user("李红").id, "您在「第一网格三长群」发的命令没有执行: 只有本网格的网格员或社区管理员可以发布任务。")]


async def test_an_ambiguous_completion_is_asked_about_with_buttons(pg):
    first = await new_task(pg)
    second = await new_task(pg, "请各单元长明天中午12点前完成燃气安全排查")
    # The topic says which: no question.
    assert await pg.say("周秀英", "问卷收齐了", where=pg.group()) == []
    # Nothing says which: ask, with one button per task.
    ask = (await pg.say("李红", "已完成", where=pg.group()))[-1]
    assert ask.text == "李红, 您完成的是哪个任务?"
    assert [label for label, _ in buttons(ask)] == ["📋 问卷收齐", "📋 燃气安全排查"]
    assert mentioned(ask) == [pg.user("李红").id]
    answer = await pg.press_from_elsewhere("王敏", ask, "燃气")
    assert "问别人的" in answer["text"] and answer["show_alert"]
    assert await pg.press("李红", ask, "燃气") == "已记下: 1栋1单元 完成, 辛苦了!"
    assert current(pg, ask).deleted
    await pg.flush()
    assert "✅ 1栋1单元 李红" in current(pg, second).text
    assert "⏳ 1栋1单元 李红" in current(pg, first).text
    assert "✅ 1栋3单元 周秀英" in current(pg, first).text
    assert "⏳ 1栋3单元 周秀英" in current(pg, second).text


async def test_the_creator_cancels_restores_and_corrects_the_card(pg):
    card = await new_task(pg)
    refused = await pg.press_from_elsewhere("李红", card, "取消任务")
    assert refused["show_alert"] and "只有发布任务的人" in refused["text"]

    assert await pg.press("祝兰红", card, "取消任务") == "任务已取消。"
    cancelled = current(pg, card)
    assert cancelled.text.startswith("❌ 已取消 · 📋 问卷收齐")
    assert [label for label, _ in buttons(cancelled)] == ["↩️ 恢复任务"]
    assert await pg.say("李红", "问卷收齐了", where=pg.group()) == []
    assert await pg.press("祝兰红", card, "恢复任务") == "任务已恢复。"
    assert current(pg, card).text.startswith("📋 问卷收齐")

    assert await pg.press("祝兰红", card, "修改") == "修改选项已私信发给您。"
    menu = pg.inbox("祝兰红")[-1]
    assert menu.text.startswith("修改任务「问卷收齐」")
    assert await pg.press("祝兰红", menu, "改为各楼栋长") == "已改为各楼栋长。"
    lines = current(pg, card).text.splitlines()
    assert lines[1] == "祝兰红 发布 · 各楼栋长 · 截止 11月18日 16:00"
    assert lines[2:5] == ["完成 0/2", "⏳ 1栋 王敏", "⏳ 2栋 刘凤霞"]
    assert await pg.press("祝兰红", menu, "推迟1天") == "截止改为 11月19日 16:00。"
    # Answering the card with a new time moves the deadline too.
    assert await pg.say("祝兰红", "截止改为明天下午5点", where=pg.group(), reply_to=card) == []
    assert "截止 11月19日 17:00" in current(pg, card).text
    # The old reminders lapsed with the old deadline: nothing at the old halfway point.
    await later(pg, hours=3, minutes=1)
    assert not any((m.text or "").startswith("⏰") for m in pg.fake.sent(pg.group()))


async def test_reminders_survive_a_restart_between_card_and_deadline(pg):
    card = await new_task(pg)
    await pg.stop_bot()
    pg.clock.advance(hours=3, minutes=5)  # past halfway while the bot was down
    await pg.start_bot()
    await pg.fake.wait_for(lambda: any((m.text or "").startswith("⏰") for m in pg.fake.sent(pg.group())),
                           timeout=5)
    await later(pg, minutes=1)
    assert sum((m.text or "").startswith("⏰") for m in pg.fake.sent(pg.group())) == 1
    await pg.press("李红", card, "完成")
    await pg.flush()
    assert "✅ 1栋1单元 李红" in current(pg, card).text
    await later(pg, hours=3)
    assert "完成 1/5" in pg.inbox("祝兰红")[-1].text


async def test_reminders_wait_for_the_morning(tmp_path):
    evening = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)  # 20:00 in Shanghai
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(evening)) as pg:
        card = await new_task(pg, "请各单元长明天上午10点前把本单元的问卷收齐")
        assert "截止 11月19日 10:00" in card.text
        await later(pg, hours=7)  # 03:00: halfway, but people sleep
        assert not any((m.text or "").startswith("⏰") for m in pg.fake.sent(pg.group()))
        await later(pg, hours=4, minutes=31)  # 07:31
        assert sum((m.text or "").startswith("⏰") for m in pg.fake.sent(pg.group())) == 1
        await later(pg, hours=1, minutes=30)  # 09:01, one hour before
        assert sum((m.text or "").startswith("⏰") for m in pg.fake.sent(pg.group())) == 2


async def test_a_visit_answers_a_visiting_task_and_nothing_else(pg):
    survey = await new_task(pg)
    visits = await new_task(pg, "请各楼栋长本周内走访独居老人")
    assert "⏳ 2栋 刘凤霞" in visits.text
    assert await pg.say("刘凤霞", "今天走访了2栋的独居老人, 都挺好", where=pg.group()) == []
    assert await pg.say("李红", "今天去看望了3单元的张大爷", where=pg.group()) == []
    await pg.flush()
    assert "✅ 2栋 刘凤霞" in current(pg, visits).text
    assert current(pg, survey).edit_count == 0  # the questionnaire is untouched


async def test_changing_the_audience_keeps_what_was_done_as_help(pg):
    card = await new_task(pg)
    await pg.press("李红", card, "完成")
    await pg.press("祝兰红", card, "修改")
    await pg.press("祝兰红", pg.inbox("祝兰红")[-1], "改为各楼栋长")
    await pg.flush()
    text = current(pg, card).text
    assert "完成 0/2" in text and "🤝 帮忙: 李红" in text


async def test_people_with_a_username_are_mentioned_by_it(pg):
    pg.user("郑丽娟").username = "zhenglijuan"
    await pg.say("郑丽娟", "大家辛苦了", where=pg.group())  # the bot learns the username, and says nothing
    await new_task(pg, "请2栋的单元长今天下午4点前把本单元的问卷收齐")
    await later(pg, hours=3, minutes=1)
    reminder = pg.fake.sent(pg.group())[-1]
    assert "@zhenglijuan (2栋2单元)" in reminder.text
    assert mentioned(reminder) == [pg.user("吴建华").id]


async def test_a_unit_head_saying_just_that_her_unit_is_done_completes_her_line(pg):
    group = pg.group()
    await pg.say("祝兰红", "请各单元长今天下午4点前把本单元的问卷收齐", where=group)
    await pg.say("周秀英", "我们三单元的也好了", where=group)
    await pg.say("李红", "谢谢祝姐, 水管修好了", where=group)  # about a repair, not the task
    await pg.settle(within=5)
    card = [m for m in pg.fake.sent(group) if "问卷" in (m.text or "")][0]
    text = pg.fake.message(card.chat_id, card.message_id).text
    assert "完成 1/5" in text and "✅ 1栋3单元 周秀英" in text


async def test_after_downtime_the_missed_reminders_are_said_once(pg):
    pg.clock.now = datetime(2026, 11, 18, 1, 30, tzinfo=timezone.utc)  # Wednesday 09:30 in Shanghai
    group = pg.group()
    await pg.say("祝兰红", "请各单元长今天下午4点前把本单元的问卷收齐", where=group)
    await pg.stop_bot()
    pg.clock.advance(hours=6)  # 15:30: both the halfway and the one-hour reminder are due
    await pg.start_bot()
    await pg.services.jobs.run_due()
    await pg.settle()
    assert sum("⏰" in (m.text or "") for m in pg.fake.sent(group)) == 1


async def open_tasks(pg, grid: str = "第一网格") -> list:
    async with pg.services.store.read() as r:
        return await r.tasks.open_in_chat(pg.group(grid).id)


async def test_a_new_time_said_without_answering_the_card_moves_the_newest_own_task(pg):
    group = pg.group()
    # Nothing open yet: the words are no task of their own, and the bot says nothing.
    assert await pg.say("祝兰红", "截止改为明天下午5点", where=group) == []
    assert await open_tasks(pg) == []

    first = await new_task(pg)
    second = await new_task(pg, "请各楼栋长明天上午10点前上报独居老人名单")
    assert await pg.say("祝兰红", "截止改为明天下午5点", where=group) == []
    assert [t.title for t in await open_tasks(pg)] == ["问卷收齐", "上报独居老人名单"]  # no task "截止改为"
    assert "截止 11月19日 17:00" in current(pg, second).text
    assert "截止 11月18日 16:00" in current(pg, first).text
    assert await pg.say("祝兰红", "时间改到周五", where=group) == []
    assert "截止 11月20日 23:59" in current(pg, second).text
    assert await pg.say("祝兰红", "推迟到下周一", where=group) == []
    assert "截止 11月23日 23:59" in current(pg, second).text
    assert "截止 11月18日 16:00" in current(pg, first).text
    assert len(await open_tasks(pg)) == 2

    # Someone else's words change nothing: a unit head has no task of her own to move.
    assert await pg.say("李红", "推迟到明天", where=group) == []
    assert "截止 11月23日 23:59" in current(pg, second).text
    # A grid worker with no open task in his group: silence, and no task.
    assert await pg.say("孙立新", "推迟到明天", where=pg.group("第二网格")) == []
    assert await open_tasks(pg, "第二网格") == []


async def test_a_task_command_naming_a_grid_that_does_not_exist_publishes_nothing(pg):
    replies = await pg.say("祝兰红", "/task 第三网格 收齐问卷 周五前")
    assert [m.text for m in replies] == [
        "没有找到「第三网格」。您可以发布任务的网格: 第一网格。例如「/task 第一网格 收齐问卷 明天下午4点前」。"]
    assert await open_tasks(pg) == []
    admin = await pg.say("赵淑芬", "/task 第三网格 收齐问卷 周五前")
    assert "第一网格、第二网格" in admin[-1].text
    assert await open_tasks(pg, "第二网格") == []
    # A grid that is there still works.
    replies = await pg.say("祝兰红", "/task 第一网格 收齐问卷 周五前")
    assert replies[-1].text == "已在第一网格三长群发布任务「收齐问卷」, 共 5 个单元长。"


async def test_titles_keep_the_words_as_written_without_the_deadline(pg):
    group = pg.group()
    for text, title, due in [
        ("/task 收齐问卷 周五前", "收齐问卷", "截止 11月20日 23:59"),
        ("/task 读一遍消防须知 周五之前", "读一遍消防须知", "截止 11月20日 23:59"),
        ("/task 收集签名 截止明天下午五点", "收集签名", "截止 11月19日 17:00"),
        ("/task 收齐昨天发的问卷 周五前", "收齐昨天发的问卷", "截止 11月20日 23:59"),  # 昨天 is no deadline here
        ("/task 打扫一遍楼道", "打扫一遍楼道", "没有截止时间"),
    ]:
        card = (await pg.say("祝兰红", text, where=group))[-1]
        lines = card.text.splitlines()
        assert lines[0] == f"📋 {title}", text
        assert due in lines[1], text
    assert (await new_task(pg, "请各单元长周五前读一遍消防须知")).text.startswith("📋 读一遍消防须知\n")


async def test_a_deadline_already_past_is_refused(pg):
    group = pg.group()
    count = len(await open_tasks(pg))
    for text in ("/task 收齐签名 昨天", "/task 收齐签名 今天上午9点前", "/task 上周五前交消防检查表"):
        replies = await pg.say("祝兰红", text, where=group)
        assert [m.text for m in replies] == ["截止时间已经过了, 请换一个时间。"], text
    private = await pg.say("祝兰红", "/task 收齐签名 昨天下午5点前")
    assert [m.text for m in private] == ["截止时间已经过了, 请换一个时间。"]
    words = await pg.say("祝兰红", "请各单元长今天上午9点前把本单元的问卷收齐", where=group)
    assert [m.text for m in words] == ["截止时间已经过了, 请换一个时间。"]
    assert len(await open_tasks(pg)) == count
