"""Conversations, not single messages: every message lands on the right request, and the right people hear it."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from sandbox.playground import buttons


def card_for(pg, name: str):
    cards = [m for m in pg.inbox(name) if m.text and m.text.startswith(("#", "🚨", "<b>")) and "报告人" in m.text]
    assert cards, f"{name} got no ticket card: {[m.text for m in pg.inbox(name)]}"
    return cards[-1]


async def open_count(pg) -> int:
    async with pg.services.store.read() as r:
        counts = await r.tickets.count_by_status()
    return counts.get("open", 0) + counts.get("accepted", 0)


async def resident(pg, name: str = "宋玉兰") -> None:
    await pg.say(name, "/start")
    await pg.share_phone(name)


# -- what a message is about ---------------------------------------------------------------

async def test_a_reply_to_the_receipt_is_about_that_request(pg):
    await resident(pg)
    await pg.say("宋玉兰", "厨房水管漏水了, 地上全是水")
    receipt = next(m for m in pg.inbox("宋玉兰") if "已登记 #1" in (m.text or ""))
    await pg.say("宋玉兰", "楼下停车位被人占了好几天了")
    replies = [m.text for m in await pg.say("宋玉兰", "什么时候来修啊", reply_to=receipt)
               if m.chat_id == pg.user("宋玉兰").id]
    assert "已把您的话转给负责人祝兰红" in replies[-1] and "#1" in replies[-1]
    assert "#1 给排水" in pg.inbox("祝兰红")[-1].text and "「什么时候来修啊」" in pg.inbox("祝兰红")[-1].text
    assert await open_count(pg) == 2


async def test_a_new_problem_from_the_same_person_in_the_same_hour_is_a_new_ticket(pg):
    await resident(pg)
    await pg.say("宋玉兰", "楼下停车位被人占了好几天了")
    replies = await pg.say("宋玉兰", "被狗咬了 腿上流血了")
    assert any("#2" in (m.text or "") for m in replies)
    assert await open_count(pg) == 2


async def test_a_question_names_its_request_by_number_or_subject(pg):
    await resident(pg)
    await pg.say("宋玉兰", "厨房水管漏水了, 地上全是水")
    await pg.say("宋玉兰", "天台上堆了好多杂物, 很危险")
    by_subject = await pg.say("宋玉兰", "刚才说的天台杂物有人管没啊")
    assert "#2" in by_subject[-1].text and "已把您的话转给" in by_subject[-1].text
    by_number = await pg.say("宋玉兰", "1号单子怎么样了")
    assert "#1" in by_number[-1].text and "已把您的话转给" in by_number[-1].text
    by_hash = await pg.say("宋玉兰", "#2 有人来看过吗")
    assert "#2" in by_hash[-1].text


async def test_a_question_naming_nothing_of_hers_gets_her_open_requests(pg):
    await resident(pg)
    await pg.say("宋玉兰", "厨房水管漏水了, 地上全是水")
    await pg.say("宋玉兰", "楼下停车位被人占了好几天了")
    before = len(pg.inbox("祝兰红"))
    replies = await pg.say("宋玉兰", "怎么还没人来啊")
    assert "您在办的报事" in replies[-1].text and "#1" in replies[-1].text and "#2" in replies[-1].text
    assert len(pg.inbox("祝兰红")) == before  # guessed onto no request


# -- emergencies ---------------------------------------------------------------------------

async def test_an_emergency_gets_safety_steps_first_and_every_responder_hears_the_address_and_more(pg):
    pg.newcomer("陌生人")
    replies = [m for m in await pg.say("陌生人", "救命 我家厨房一股很浓的煤气味 怎么办")
               if m.chat_id == pg.user("陌生人").id]
    first = replies[0].text
    assert first.startswith("⚠️ 先保护自己: 马上开窗通风")
    assert "分钟内" not in "".join(m.text or "" for m in replies)
    assert any("需要有人赶过去" in (m.text or "") for m in replies)
    assert not any("以后报事就不用" in (m.text or "") for m in replies)
    responders = ("祝兰红", "赵淑芬", "钱永明")
    for name in responders:
        assert any("🚨" in (m.text or "") for m in pg.inbox(name)), name

    await pg.say("陌生人", "5栋1单元101")
    for name in responders + ("孙立新",):
        assert any("补充了地址: 5栋1单元101" in (m.text or "") for m in pg.inbox(name)), name

    said = await pg.say("陌生人", "我已经开窗了")
    assert not any("有什么需要帮忙" in (m.text or "") for m in said)
    for name in ("赵淑芬", "钱永明"):
        assert "「我已经开窗了」" in pg.inbox(name)[-1].text, name

    await pg.say("陌生人", "电话13912345678")
    assert any("13912345678" in (m.text or "") for m in pg.inbox("钱永明"))


async def test_a_fall_and_a_trapped_lift_get_their_own_first_steps(pg):
    await resident(pg)
    fall = [m for m in await pg.say("宋玉兰", "我妈在家摔倒了起不来") if m.chat_id == pg.user("宋玉兰").id]
    assert fall[0].text.startswith("⚠️ 先别急着把人拉起来") and "120" in fall[0].text
    lift = await pg.say("李红", "1栋电梯困人了 有个孩子在里面", where=pg.group())
    assert "不要扒门" in lift[0].text and "物业" in lift[0].text


# -- staff words and replies ---------------------------------------------------------------

async def test_a_workers_words_about_her_ticket_are_a_note_not_a_new_ticket(pg):
    await pg.say("李红", "1单元302家厨房漏水了", where=pg.group())
    replies = await pg.say("祝兰红", "302那家漏水的我明天上午过去看看")
    assert "已记在 #1" in replies[-1].text
    assert await open_count(pg) == 1
    detail = await pg.say("祝兰红", "/ticket 1")
    assert "备注: 302那家漏水的我明天上午过去看看" in detail[-1].text


async def test_a_workers_reply_to_the_card_offers_to_close_with_her_words_as_the_result(pg):
    await resident(pg)
    await pg.say("宋玉兰", "厨房水管漏水了, 地上全是水")
    card = card_for(pg, "祝兰红")
    replies = await pg.say("祝兰红", "已修好 楼上水管接头松了", reply_to=card)
    ask = replies[-1]
    assert ask.text.startswith("把 #1 标为已办结?")
    assert [b for b, _ in buttons(ask)] == ["办结", "只是备注"]
    assert await open_count(pg) == 1
    await pg.press("祝兰红", ask, "办结")
    news = pg.inbox("宋玉兰")[-1].text
    assert "已由祝兰红办结" in news and "处理结果: 「已修好 楼上水管接头松了」" in news


async def test_just_a_note_leaves_the_ticket_open(pg):
    await resident(pg)
    await pg.say("宋玉兰", "厨房水管漏水了")
    replies = await pg.say("祝兰红", "#1 已经修好了, 明天再去看看", where=pg.private("祝兰红"))
    await pg.press("祝兰红", replies[-1], "只是备注")
    assert await open_count(pg) == 1
    assert not any("办结" in (m.text or "") for m in pg.inbox("宋玉兰"))


async def test_the_property_company_says_it_is_done_in_words(pg):
    await pg.say("王敏", "2单元的燃气表箱门坏了关不上", where=pg.group())
    owner = next(n for n in ("钱永明", "祝兰红") if any("报告人" in (m.text or "") for m in pg.inbox(n)))
    replies = await pg.say(owner, "燃气那个…已经处理好了")
    assert replies[-1].text.startswith("把 #1 标为已办结?")


async def test_closing_by_button_asks_for_one_optional_line_the_reporter_reads(pg):
    await resident(pg)
    await pg.say("宋玉兰", "厨房水管漏水了")
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "已办结")
    assert "想告诉报告人做了什么" in pg.inbox("祝兰红")[-1].text
    await pg.say("祝兰红", "换了角阀")
    assert "处理结果 (祝兰红): 「换了角阀」" in pg.inbox("宋玉兰")[-1].text
    assert await open_count(pg) == 0


# -- the reporter's words -------------------------------------------------------------------

async def test_the_reporter_saying_it_is_fixed_offers_the_owner_to_close_and_stops_the_reminders(pg):
    await resident(pg)
    await pg.say("宋玉兰", "厨房水管漏水了")
    replies = await pg.say("宋玉兰", "已经修好了👍")
    assert "已把您的话转给负责人祝兰红, 会把 #1 办结" in replies[-1].text
    offer = pg.inbox("祝兰红")[-1]
    assert "报告人宋玉兰说: 「已经修好了👍」" in offer.text
    async with pg.services.store.read() as r:
        assert not [j for j in await r.jobs.pending() if j.key.startswith("t1:")]
    await pg.press("祝兰红", offer, "办结")
    assert await open_count(pg) == 0


async def test_the_reporter_saying_it_is_not_fixed_reopens_it_to_the_owner(pg):
    await resident(pg)
    await pg.say("宋玉兰", "厨房水管漏水了")
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "已办结")
    replies = await pg.say("宋玉兰", "根本没修好😤")
    assert "已重新打开 #1" in replies[-1].text
    assert "报告人说还没好: 「根本没修好😤」" in card_for(pg, "祝兰红").text
    assert await open_count(pg) == 1


async def test_the_unhappy_comment_reaches_owner_and_admin_and_the_export(pg):
    await resident(pg)
    await pg.say("宋玉兰", "厨房水管漏水了")
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "已办结")
    await pg.say("祝兰红", "换了角阀")
    await pg.press("宋玉兰", [m for m in pg.inbox("宋玉兰") if buttons(m)][-1], "不满意")
    await pg.say("宋玉兰", "还在漏水, 师傅随便弄了一下就走了")
    for name in ("祝兰红", "赵淑芬"):
        assert "「还在漏水, 师傅随便弄了一下就走了」" in pg.inbox(name)[-1].text, name
    async with pg.services.store.read() as r:
        ticket = await r.tickets.get(1)
    assert ticket.rating_comment == "还在漏水, 师傅随便弄了一下就走了"
    assert await open_count(pg) == 1  # reopened, not a second "duplicate" ticket


# -- duplicates ------------------------------------------------------------------------------

async def test_a_different_problem_in_the_same_unit_is_not_a_duplicate(pg):
    group = pg.group()
    await pg.say("李红", "1单元门口垃圾桶满了", where=group)
    replies = await pg.say("王敏", "1单元门口化粪池冒了 一股臭味", where=group)
    assert "#2" in replies[0].text and "已有人报过" not in replies[0].text


async def test_her_own_second_message_is_never_called_someone_elses_report(pg):
    group = pg.group()
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=group)
    replies = await pg.say("李红", "3单元201漏水越来越厉害了", where=group)
    assert "已有人报过" not in replies[0].text


async def test_the_owner_sees_who_else_reported_and_the_second_reporter_the_truth(pg):
    group = pg.group()
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=group)
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    replies = await pg.say("周秀英", "3单元201那家漏水, 楼下都渗水了", where=group)
    assert "#1 已有人报过, 祝兰红正在处理" in replies[0].text
    assert "周秀英也报告了: 「3单元201那家漏水, 楼下都渗水了」" in pg.inbox("祝兰红")[-1].text


# -- talking with a resident the roster does not know -----------------------------------------

async def test_the_owner_and_a_resident_not_in_the_roster_talk_through_the_bot(pg):
    pg.newcomer("小刘")
    await pg.say("小刘", "/start")
    await pg.say("小刘", "5栋2单元楼道灯坏了, 晚上看不见")
    card = card_for(pg, "孙立新")
    assert "联系报告人" in [b for b, _ in buttons(card)]
    await pg.press("孙立新", card, "联系报告人")
    prompt = pg.inbox("孙立新")[-1]
    await pg.say("孙立新", "您好, 我下午三点过去看, 方便开门吗?", reply_to=prompt)
    relayed = pg.inbox("小刘")[-1]
    assert "负责人孙立新说: 「您好, 我下午三点过去看, 方便开门吗?」" in relayed.text
    assert str(pg.user("孙立新").id) not in relayed.text
    await pg.say("小刘", "可以, 我在家", reply_to=relayed)
    back = pg.inbox("孙立新")[-1]
    assert "「可以, 我在家」" in back.text and str(pg.user("小刘").id) not in back.text
    await pg.say("孙立新", "好的", reply_to=back)
    assert "负责人孙立新说: 「好的」" in pg.inbox("小刘")[-1].text


# -- a busy group --------------------------------------------------------------------------

@pytest.mark.xfail(reason="open (issue 10 item 7): flaky - some runs pass, in others the last lines of the third "
                          "gathered message wait 65-68 s (seen alone on an idle machine too); cause not found yet, "
                          "so it is marked rather than loosened.",
                   strict=False)
async def test_a_hundred_reports_a_minute_in_one_group_are_each_acknowledged_within_a_minute(pg):
    """The clock runs at the reports' pace (0.6 s apart) and never jumps for a queue: what the
    sender may send within Telegram's limits goes out, the rest waits, as it would for real."""
    group = pg.group()
    people = ["李红", "王敏", "周秀英", "刘凤霞", "吴建华", "郑丽娟"]
    sent_at: dict[int, datetime] = {}
    seen_at: dict[int, datetime] = {}

    async def tick(seconds: float) -> None:
        # Every report handled before the clock moves on: a slow machine must not look like a slow bot.
        await pg.fake.settle(quiet=0.05)
        while pg.app.update_queue.qsize() or pg.app.update_processor.current_concurrent_updates:
            await asyncio.sleep(0.01)
        pg.clock.advance(seconds=seconds)
        pg.services.store.outbox_changed.set()
        await pg.fake.settle(quiet=0.05)
        shown = "\n".join(m.text or "" for m in pg.fake.sent(group))
        for number in sent_at:
            if number not in seen_at and f"#{number} " in shown:
                seen_at[number] = pg.clock.now

    for i in range(100):
        sent_at[i + 1] = pg.clock.now
        pg.fake.send_text(pg.user(people[i % len(people)]), group, f"1栋2单元{101 + i}家里水管漏水了")
        await tick(0.6)
    while len(seen_at) < 100 and pg.clock.now - sent_at[100] < timedelta(minutes=5):
        await tick(1)
        await pg.settle()
    assert len(seen_at) == 100, (sorted(set(sent_at) - set(seen_at)), [m.text[:300] for m in pg.fake.sent(group)])
    waits = [(seen_at[n] - sent_at[n]).total_seconds() for n in sent_at]
    assert max(waits) <= 60, sorted(waits)[-5:]
    assert len(pg.fake.sent(group)) <= 12  # a few lines and gathered messages, not 100
    await pg.settle()
