"""Tasks and notices in the words people really use: helping a neighbour, "搞定✌️", a meeting for all the heads."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.fitting import utf16_len
from bot.playground import MovableClock, Playground, buttons

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
