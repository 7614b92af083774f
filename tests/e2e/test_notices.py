"""Notices: a 收到 roll-call the grid worker does not have to count by hand."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sandbox.playground import MovableClock, Playground, buttons

START = datetime(2026, 11, 18, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai
NOTICE = "通知: 明天上午9点到12点停水, 请大家提前储水"


@pytest.fixture
async def pg(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(START)) as playground:
        yield playground



def current(pg, message):
    return pg.fake.message(message.chat_id, message.message_id)


def mentioned(message) -> list[int]:
    return [ent["user"]["id"] for ent in message.data.get("entities", []) if ent["type"] == "text_mention"]


async def test_a_notice_in_words_counts_who_has_read_it(pg):
    group = pg.group()
    replies = await pg.say("祝兰红", NOTICE, where=group)
    assert len(replies) == 1  # a notice, not a report of 停水
    card = replies[0]
    assert card.data["reply_to_message"]["text"] == NOTICE
    # The card carries the notice itself: it reads on its own, forwarded or found later.
    assert card.text == "📢 通知 · 祝兰红\n明天上午9点到12点停水, 请大家提前储水\n\n已收到 0/6"
    assert [label for label, _ in buttons(card)] == ["收到", "谁还没收到"]

    assert await pg.say("李红", "收到", where=group) == []
    assert await pg.say("王敏", "已阅", where=group, reply_to=card) == []
    assert await pg.say("刘凤霞", "👌", where=group, reply_to=replies[0]) == []
    assert await pg.press("周秀英", card, "收到") == "已记下: 收到, 谢谢!"
    assert await pg.press("周秀英", card, "收到") == "已经记下了, 谢谢!"
    assert await pg.say("李红", "收到", where=group) == []  # twice is once
    await pg.flush()
    final = current(pg, card)
    assert final.text.endswith("\n已收到 4/6")
    assert final.edit_count == 1

    # The sender sees who has not, and may nudge just them.
    assert await pg.press("祝兰红", card, "谁还没收到") == "名单已私信发给您。"
    missing = pg.inbox("祝兰红")[-1]
    assert missing.text == "「明天上午9点到12点停水」还没收到的 2 人: 吴建华、郑丽娟"
    await pg.press("祝兰红", missing, "在群里提醒")
    nudge = pg.fake.sent(group)[-1]
    assert mentioned(nudge) == [pg.user("吴建华").id, pg.user("郑丽娟").id]
    assert nudge.text.endswith("请看一下上面的通知, 看过回复「收到」。")


async def test_notice_command_from_private_goes_to_the_grid_group(pg):
    replies = await pg.say("孙立新", "/notice 本周六上午开展消防演练\n请各楼栋长提前通知到户")
    assert replies[-1].text == "已发到 第二网格三长群, 大家点「收到」后我会记下。"
    card = pg.fake.sent(pg.group("第二网格"))[-1]
    assert card.text == ("📢 通知 · 孙立新\n本周六上午开展消防演练\n请各楼栋长提前通知到户\n\n已收到 0/7")
    await pg.press("陈玉梅", card, "收到")
    await pg.flush()
    assert current(pg, card).text.endswith("已收到 1/7")
    other = await pg.say("李红", "/notice 明天停水", where=pg.group())
    # Told privately, not in front of the whole group.
    assert [(m.chat_id, m.text) for m in other] == [
        (pg.user("李红").id, "您在「第一网格三长群」发的命令没有执行: 只有本网格的网格员或社区管理员可以发通知。")]


async def test_only_the_sender_or_staff_may_see_who_has_not(pg):
    from sandbox import CallbackRecord

    card = (await pg.say("祝兰红", NOTICE, where=pg.group()))[-1]
    data = next(d for label, d in buttons(card) if label == "谁还没收到")
    user, world = pg.user("李红"), pg.fake.world
    query = {"id": world.new_callback_id(), "from": user.to_api(), "message": card.data,
             "chat_instance": "1", "data": data}
    world.callbacks[query["id"]] = CallbackRecord(query["id"], user, card.chat_id, card.message_id, data, query,
                                                  world.clock())
    world.enqueue("callback_query", query)
    await pg.settle()
    answer = world.callbacks[query["id"]].answer
    assert answer["show_alert"] and "只有发通知的人或网格员" in answer["text"]
    # The sender's own 收到 is not counted.
    assert await pg.say("祝兰红", "收到", where=pg.group()) == []
    await pg.flush()
    assert current(pg, card).edit_count == 0


async def test_chit_chat_and_a_bare_ack_without_a_notice_get_no_answer(pg):
    assert await pg.say("李红", "收到", where=pg.group()) == []
    assert await pg.say("王敏", "今天天气真好", where=pg.group()) == []


async def test_a_notice_that_names_the_unit_heads_is_still_a_notice(pg):
    group = pg.group()
    await pg.say("祝兰红", "通知: 今天下午2点社区开会, 各单元长准时参加", where=group)
    card = pg.fake.sent(group)[-1]
    assert "已收到 0/" in card.text and "📋" not in card.text
    await pg.say("李红", "收到", where=group)
    await pg.flush()
    assert "已收到 1/" in pg.fake.message(card.chat_id, card.message_id).text


async def test_a_sentence_that_only_contains_shou_dao_does_not_tick_the_notice(pg):
    group = pg.group()
    await pg.say("祝兰红", "通知: 明天上午9点到12点停水, 请大家提前储水", where=group)
    card = pg.fake.sent(group)[-1]
    await pg.say("王敏", "问卷收到了，下午交", where=group)
    await pg.say("李红", "收到，下午就去办", where=group)
    await pg.flush()
    assert "已收到 1/" in pg.fake.message(card.chat_id, card.message_id).text
