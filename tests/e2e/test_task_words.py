"""Tasks and notices in the words people really use: helping a neighbour, "搞定✌️", a meeting for all the heads."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.model.fitting import utf16_len
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


def current(pg, message):
    return pg.fake.message(message.chat_id, message.message_id)


def mentioned(message) -> list[int]:
    return [ent["user"]["id"] for ent in message.data.get("entities", []) if ent["type"] == "text_mention"]


async def new_task(pg, text: str = TASK, who: str = "祝兰红"):
    replies = await pg.say(who, text, where=pg.group())
    assert replies and replies[-1].text.startswith("📋"), "no task card"
    return replies[-1]


async def test_helping_a_named_head_completes_her_line_and_credits_both(pg):
    group = pg.group()
    card = await new_task(pg)
    pg.clock.advance(minutes=32)
    # 周秀英 is in hospital; her building head collects the forms of her unit for her.
    assert await pg.say("王敏", "三单元的我帮周姐收齐了", where=group) == []
    await pg.flush()
    lines = current(pg, card).text.splitlines()
    assert "完成 1/5" in lines
    assert "✅ 1栋3单元 周秀英 10:32 (王敏帮忙)" in lines
    assert not any(line.startswith("🤝") for line in lines)  # a line done, not vague help

    # The reminders stop chasing her.
    await later(pg, hours=2, minutes=28)
    reminder = pg.fake.sent(group)[-1]
    assert reminder.text.startswith("⏰ 「问卷收齐」还差 4 个")
    assert pg.user("周秀英").id not in mentioned(reminder)

    # Both are credited: the helper for helping, the head for her unit's line.
    ranking = (await pg.say("祝兰红", "/points", where=group))[-1].text
    assert "王敏 2分" in ranking and "周秀英 1分" in ranking


async def test_helping_by_full_name_from_another_building(pg):
    card = await new_task(pg)
    assert await pg.say("刘凤霞", "我帮周秀英把问卷收齐了", where=pg.group()) == []
    await pg.flush()
    assert "✅ 1栋3单元 周秀英 10:00 (刘凤霞帮忙)" in current(pg, card).text.splitlines()


async def test_helping_someone_without_a_line_is_still_only_help(pg):
    card = await new_task(pg)
    assert await pg.say("刘凤霞", "我帮老张收齐了", where=pg.group()) == []
    await pg.flush()
    text = current(pg, card).text
    assert "完成 0/5" in text and "🤝 帮忙: 刘凤霞" in text


@pytest.mark.parametrize("words", ["搞定", "搞定✌️", "弄好了", "齐了", "OK了", "我这边也交了👍"])
async def test_done_in_a_word_completes_the_speakers_line(pg, words):
    card = await new_task(pg)
    assert await pg.say("李红", words, where=pg.group()) == []
    await pg.flush()
    assert "✅ 1栋1单元 李红 10:00" in current(pg, card).text.splitlines()


async def test_done_in_a_word_to_a_ticket_receipt_is_about_the_ticket(pg):
    group = pg.group()
    card = await new_task(pg)
    await pg.say("李红", "1栋2单元301家里厨房水管漏水了", where=group)
    receipt = pg.fake.sent(group)[-1]
    assert receipt.text.startswith("已记录 #")
    await pg.say("王敏", "搞定了", where=group, reply_to=receipt)
    await pg.flush()
    assert "完成 0/5" in current(pg, card).text


async def test_ok_alone_is_still_a_receipt_for_the_notice_not_a_completion(pg):
    group = pg.group()
    card = await new_task(pg)
    notice = (await pg.say("祝兰红", "通知: 明天上午9点到12点停水", where=group))[-1]
    await pg.say("李红", "ok", where=group)
    await pg.flush()
    assert "完成 0/5" in current(pg, card).text
    assert current(pg, notice).text.endswith("已收到 1/6")


async def test_received_said_to_the_nudge_still_counts_for_the_notice(pg):
    group = pg.group()
    card = (await pg.say("祝兰红", "通知: 明天上午9点到12点停水", where=group))[-1]
    await pg.press("祝兰红", card, "谁还没收到")
    await pg.press("祝兰红", pg.inbox("祝兰红")[-1], "在群里提醒")
    nudge = pg.fake.sent(group)[-1]
    assert nudge.text.endswith("看过回复「收到」。")
    await pg.say("李红", "收到", where=group, reply_to=nudge)
    await pg.flush()
    assert current(pg, card).text.endswith("已收到 1/6")


async def test_a_meeting_for_building_and_unit_heads_is_a_notice_for_all_of_them(pg):
    group = pg.group()
    replies = await pg.say("祝兰红", "楼栋长和单元长明晚7点开会", where=group)
    assert len(replies) == 1
    card = replies[0]
    assert card.text == "📢 通知 · 祝兰红\n楼栋长和单元长明晚7点开会\n\n已收到 0/6"
    assert [label for label, _ in buttons(card)] == ["收到", "谁还没收到"]
    await pg.say("刘凤霞", "收到", where=group)   # a building head
    await pg.say("吴建华", "收到", where=group)   # a unit head
    await pg.flush()
    assert current(pg, card).text.endswith("已收到 2/6")


async def test_a_meeting_for_building_heads_counts_only_them(pg):
    card = (await pg.say("祝兰红", "各楼栋长明天上午9点到社区开会", where=pg.group()))[-1]
    assert card.text.endswith("已收到 0/2")
    assert await pg.press("祝兰红", card, "谁还没收到") == "名单已私信发给您。"
    assert pg.inbox("祝兰红")[-1].text.endswith("还没收到的 2 人: 王敏、刘凤霞")


async def test_a_long_notice_card_carries_the_start_of_the_notice_and_its_tally(pg):
    text = "通知: 明天上午9点到12点停水, " + "请大家提前储水, 注意关好水龙头。" * 300
    card = (await pg.say("祝兰红", text, where=pg.group()))[-1]
    assert utf16_len(card.text) <= 4096
    assert card.text.startswith("📢 通知 · 祝兰红\n明天上午9点到12点停水, 请大家提前储水")
    assert card.text.endswith("…\n\n已收到 0/6")


async def test_task_titles_end_where_a_phrase_ends(pg):
    card = await new_task(pg, "请各单元长周五前把本单元六十岁以上独居老人和空巢老人的基本情况摸排清楚并登记造册上报社区")
    assert card.text.splitlines()[0] == "📋 本单元六十岁以上独居老人和空巢老人的基本情况摸排清楚"
    card = await new_task(pg, "请各单元长今天下午4点前把本单元楼道里、消防通道和地下室堆放杂物的情况排查一遍并拍照发群里")
    assert card.text.splitlines()[0] == "📋 本单元楼道里、消防通道和地下室堆放杂物的情况排查一遍"


SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = ("建国", "秀英", "桂兰", "玉梅", "志强")


def big_grid_roster(path) -> None:
    """One grid with 32 buildings of 5 units: 160 unit heads."""
    rows = ["社区,网格,楼栋,单元,房号,角色,姓名,手机,telegram_id", "长山花园社区,第一网格,,,,网格员,祝兰红,13800000002,"]
    n = 0
    for b in range(1, 33):
        for u in range(1, 6):
            n += 1
            name = SURNAMES[b - 1] + GIVEN[u - 1]
            rows.append(f"长山花园社区,第一网格,{b}栋,{u}单元,,单元长,{name},139{n:08d},")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


async def test_a_task_for_160_unit_heads_folds_to_who_is_missing_and_fits(tmp_path):
    big_grid_roster(tmp_path / "roster.csv")
    async with Playground(tmp_path / "bot.sqlite3", roster=tmp_path / "roster.csv",
                          clock=MovableClock(START)) as pg:
        group = pg.group()
        card = await new_task(pg)
        lines = card.text.splitlines()
        assert utf16_len(card.text) <= 4096
        assert lines[2:5] == ["完成 0/160", "⏳ 未完成 160 个:", "1栋: 1单元 赵建国、2单元 赵秀英、3单元 赵桂兰、4单元 赵玉梅、5单元 赵志强"]
        assert "…还有 120 个, 私聊我发「/task 1」看完整名单" in lines
        assert lines[-1] == "做完了请点「✅ 完成」, 或回复本消息「完成」。"

        # 120 heads tick it off; the card keeps to the 40 still missing.
        for b in range(1, 25):
            for u in range(1, 6):
                await pg.press(SURNAMES[b - 1] + GIVEN[u - 1], card, "完成")
        await pg.flush()
        now = current(pg, card).text
        assert utf16_len(now) <= 4096
        assert "完成 120/160" in now and "⏳ 未完成 40 个:" in now
        assert f"25栋: 1单元 {SURNAMES[24]}建国" in now and f"32栋: 1单元 {SURNAMES[31]}建国、2单元 {SURNAMES[31]}秀英" in now
        assert "赵建国" not in now and "还有" not in now

        # The reminder names the missing without passing Telegram's limits.
        await later(pg, hours=3)
        reminder = pg.fake.sent(group)[-1]
        assert reminder.text.startswith("⏰ 「问卷收齐」还差 40 个")
        assert utf16_len(reminder.text) <= 4096 and len(mentioned(reminder)) == 30

        # At the deadline the creator reads the count and the first of those missing.
        await later(pg, hours=3)
        summary = pg.inbox("祝兰红")[-1].text
        assert summary.startswith("📋 任务「问卷收齐」到截止时间了: 完成 120/160。") and utf16_len(summary) <= 4096

        # The whole list, privately, on request.
        pages = await pg.say("祝兰红", "/task 1")
        assert all(utf16_len(p.text) <= 4096 for p in pages)
        full = "\n".join(p.text for p in pages)
        assert full.startswith(f"📋 问卷收齐 · 完成 120/160\n⏳ 25栋1单元 {SURNAMES[24]}建国")
        assert sum(line.startswith(("⏳", "✅")) for line in full.splitlines()) == 160
