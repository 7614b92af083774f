"""Requests reach the responsible person, and the reporter hears back."""
from __future__ import annotations

import copy
import re
from datetime import datetime, timezone

from sandbox.playground import buttons, find_button

# SLA tests set the date as well as the hour: quiet hours, weekends and month ends stay where they are.
WEDNESDAY_10 = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)  # Wednesday 18 November, 10:00 in Shanghai


def card_for(pg, name: str):
    """The newest ticket card in someone's private chat."""
    cards = [m for m in pg.inbox(name) if m.text and m.text.startswith(("#", "🚨")) and "报告人" in m.text]
    assert cards, f"{name} got no ticket card: {[m.text for m in pg.inbox(name)]}"
    return cards[-1]


async def test_a_unit_head_reports_a_leak_in_the_group_and_the_grid_worker_handles_it(pg):
    group = pg.group()
    replies = await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=group)
    assert len(replies) >= 1
    line = replies[0]
    assert line.chat_id == group.id
    assert line.text.startswith("已记录 #1 给排水 · 1栋3单元201")
    assert "网格员祝兰红" in line.text
    assert "13800000005" not in line.text  # no private details in the group

    card = card_for(pg, "祝兰红")
    assert "#1 给排水 · 1栋3单元201" in card.text
    assert "李红 13800000005" in card.text  # the owner sees who to call
    assert [label for label, _ in buttons(card)] == ["接单", "已办结", "转派", "退回(不属于我)"]

    toast = await pg.press("祝兰红", card, "接单")
    assert "已接单" in toast
    news = pg.inbox("李红")[-1]
    assert news.text == "#1 给排水 · 1栋3单元201 已由祝兰红接单, 正在处理。"
    card = pg.fake.message(card.chat_id, card.message_id)
    assert "[处理中]" in card.text and [b for b, _ in buttons(card)] == ["已办结", "转派"]
    stale = copy.deepcopy(card)  # as a second phone still shows it

    await pg.press("祝兰红", card, "已办结")
    ask = pg.inbox("李红")[-1]
    assert "已由祝兰红办结" in ask.text
    assert [b for b, _ in buttons(ask)] == ["满意", "基本满意", "不满意"]
    thanks = await pg.press("李红", ask, "满意")
    assert "满意" in thanks
    assert buttons(pg.fake.message(ask.chat_id, ask.message_id)) == []

    detail = await pg.say("祝兰红", "/ticket 1")
    history = detail[-1].text
    for step in ("登记", "派给", "接单", "办结", "评价: 满意"):
        assert step in history
    # An old copy of the card pressed again says plainly where the request stands.
    press = pg.fake.forge_press(pg.user("祝兰红"), stale, find_button(stale, "已办结"))
    await pg.settle()
    assert next(c for c in pg.fake.callbacks if c.id == press.id).answer["text"] == "#1 已办结了, 不用再点了。"


async def test_someone_else_pressing_the_buttons_gets_an_alert(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    card = card_for(pg, "祝兰红")
    answer = await pg.press_from_elsewhere("王敏", card, "接单")
    assert "只有负责人或社区管理员" in answer["text"] and answer["show_alert"] is True
    assert "[待接单]" in pg.fake.message(card.chat_id, card.message_id).text


async def test_an_admin_may_take_over_any_ticket(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    card = card_for(pg, "祝兰红")
    view = await pg.say("赵淑芬", "/ticket 1")
    toast = await pg.press("赵淑芬", view[-1], "接单")
    assert "已接单" in toast
    assert "已由赵淑芬接单" in pg.inbox("李红")[-1].text
    old = pg.fake.message(card.chat_id, card.message_id)
    assert "已由赵淑芬接手" in old.text and buttons(old) == []


async def test_a_resident_reports_privately_with_a_photo(pg):
    await pg.say("宋玉兰", "/start")
    await pg.share_phone("宋玉兰")
    replies = await pg.say("宋玉兰", "厨房水管漏水了, 地上全是水")
    receipt = replies[0].text
    assert receipt.startswith("已识别: 给排水 · 1栋2单元301")
    assert "#1" in receipt and "祝兰红" in receipt
    await pg.send_photo("宋玉兰")
    inbox = pg.inbox("祝兰红")
    assert "#1 给排水" in card_for(pg, "祝兰红").text
    copies = [c for c in pg.fake.calls("copyMessage") if c.ok]
    assert copies and copies[-1].params["chat_id"] == pg.user("祝兰红").id
    assert any("补充了材料" in (m.text or "") for m in inbox)


async def test_a_photo_with_a_caption_is_a_report(pg):
    replies = await pg.send_photo("李红", where=pg.group(), caption="2单元楼道水管漏水了")
    assert replies[0].text.startswith("已记录 #1 给排水 · 1栋2单元")
    assert any(c.ok and c.params["chat_id"] == pg.user("祝兰红").id for c in pg.fake.calls("copyMessage"))


async def test_a_request_in_a_specialists_field_goes_to_the_specialist(pg):
    replies = await pg.say("李红", "我们单元有位独居老人血压一直很高, 想请健康员上门给量量血压", where=pg.group())
    assert "健康员杨晓丽" in replies[0].text
    assert "医疗健康" in card_for(pg, "杨晓丽").text


async def test_property_matters_go_to_the_property_company(pg):
    replies = await pg.say("李红", "1栋电梯又坏了, 老人上不了楼", where=pg.group())
    assert "物业钱永明" in replies[0].text
    card_for(pg, "钱永明")


async def test_urgent_danger_goes_to_the_grid_worker_and_the_admin_at_once(pg):
    replies = await pg.say("王敏", "2单元楼道里煤气味特别大, 好像漏气了!", where=pg.group())
    line = replies[0].text
    assert line.startswith("🚨紧急 已记录 #1")
    assert "119" in line
    assert "🚨" in card_for(pg, "祝兰红").text
    alert = card_for(pg, "赵淑芬")
    assert "紧急情况" in alert.text
    assert buttons(alert) == []


async def test_transfer_to_another_grid_worker(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    card = card_for(pg, "祝兰红")
    await pg.press("祝兰红", card, "转派")
    choose = pg.inbox("祝兰红")[-1]
    assert "转给谁" in choose.text
    assert any("孙立新" in label for label, _ in buttons(choose))
    toast = await pg.press("祝兰红", choose, "孙立新")
    assert "已转给孙立新" in toast
    assert "#1 给排水" in card_for(pg, "孙立新").text
    assert "由祝兰红转来" in card_for(pg, "孙立新").text
    old = pg.fake.message(card.chat_id, card.message_id)
    assert "已转给孙立新" in old.text and buttons(old) == []
    assert "已转给孙立新处理" in pg.inbox("李红")[-1].text
    assert pg.fake.message(choose.chat_id, choose.message_id).deleted


async def test_returning_a_ticket_sends_it_to_the_community_admin(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    card = card_for(pg, "祝兰红")
    await pg.press("祝兰红", card, "退回")
    reasons = pg.inbox("祝兰红")[-1]
    await pg.press("祝兰红", reasons, "不属于我的职责")
    assert "#1 给排水" in card_for(pg, "赵淑芬").text
    assert "祝兰红退回: 不属于我的职责" in card_for(pg, "赵淑芬").text
    detail = await pg.say("赵淑芬", "/ticket 1")
    assert "退回: 不属于我的职责" in detail[-1].text


async def test_the_reporter_asks_what_became_of_the_request(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    replies = await pg.say("李红", "我前天报的漏水什么时候来修啊")
    assert "#1 给排水 · 1栋3单元201 现在待接单" in replies[-1].text
    assert "负责人祝兰红" in replies[-1].text
    assert "「我前天报的漏水什么时候来修啊」" in pg.inbox("祝兰红")[-1].text  # the owner is chased too
    listing = await pg.say("李红", "/my")
    assert "#1 给排水 · 1栋3单元201 · 待接单 · 祝兰红" in listing[-1].text
    mine = await pg.say("祝兰红", "/mine")
    assert "#1 给排水" in mine[-1].text


async def test_a_second_report_of_the_same_problem_joins_the_first(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    replies = await pg.say("周秀英", "3单元201那家漏水, 楼下都渗水了", where=pg.group())
    assert "#1 已有人报过, 已转给祝兰红, 还在等待接单" in replies[0].text  # issue 10: the truth, not "正在处理中"
    assert len([m for m in pg.inbox("祝兰红") if "报告人" in (m.text or "")]) == 1
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    assert "已由祝兰红接单" in pg.inbox("周秀英")[-1].text


async def test_resolving_without_accepting_asks_once_more(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "已办结")
    confirm = pg.inbox("祝兰红")[-1]
    assert "确定已经办好了吗" in confirm.text
    await pg.press("祝兰红", confirm, "还没有")
    assert pg.fake.message(confirm.chat_id, confirm.message_id).deleted
    assert not any("办结" in (m.text or "") for m in pg.inbox("李红"))


async def test_unhappy_reporter_reopens_the_ticket_to_the_admin(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "已办结")
    await pg.press("祝兰红", pg.inbox("祝兰红")[-1], "是的")
    await pg.press("李红", pg.inbox("李红")[-1], "不满意")
    await pg.say("李红", "根本没修好, 还在滴水")
    assert any("居民不满意, 已重新打开" in (m.text or "") for m in pg.inbox("赵淑芬"))
    assert "「根本没修好, 还在滴水」" in pg.inbox("赵淑芬")[-1].text
    detail = await pg.say("赵淑芬", "/ticket 1")
    assert "根本没修好" in detail[-1].text and "[待接单]" in detail[-1].text


async def test_a_resident_not_in_the_roster_registers_an_address_and_the_report_is_kept(pg):
    pg.newcomer("刘大爷")
    ask = await pg.say("刘大爷", "我家卫生间下水道堵了, 水排不下去")
    assert "请告诉我您的住址" in ask[-1].text
    confirm = await pg.say("刘大爷", "5-2-301")
    assert "5栋2单元301" in confirm[-1].text
    await pg.press("刘大爷", confirm[-1], "是的")
    texts = [m.text for m in pg.inbox("刘大爷")]
    assert any("登记好了" in t for t in texts)
    assert any(t.startswith("已识别: 给排水 · 5栋2单元301") for t in texts)
    assert "#1 给排水 · 5栋2单元301" in card_for(pg, "孙立新").text


async def test_an_overdue_ticket_reminds_the_owner_then_escalates(pg):
    pg.clock.now = WEDNESDAY_10
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    jobs = pg.services.jobs
    pg.clock.advance(hours=3)
    await jobs.run_due()
    await pg.settle()
    assert not any("还没有接单" in (m.text or "") for m in pg.inbox("祝兰红"))
    pg.clock.advance(hours=1, minutes=1)
    await jobs.run_due()
    await pg.settle()
    assert "⏰ #1 给排水 · 1栋3单元201 还没有接单" in pg.inbox("祝兰红")[-1].text
    pg.clock.advance(hours=4)
    await jobs.run_due()
    await pg.settle()
    assert "超时未接单 (负责人: 祝兰红)" in pg.inbox("赵淑芬")[-1].text
    await jobs.run_due()
    await pg.settle()
    assert sum("超时未接单" in (m.text or "") for m in pg.inbox("赵淑芬")) == 1


async def test_reminders_wait_out_the_quiet_hours(pg):
    pg.clock.now = datetime(2026, 11, 18, 11, 0, tzinfo=timezone.utc)  # Wednesday 19:00 in Shanghai
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    pg.clock.advance(hours=4, minutes=5)  # 23:05: people sleep
    await pg.services.jobs.run_due()
    await pg.settle()
    assert not any("还没有接单" in (m.text or "") for m in pg.inbox("祝兰红"))
    pg.clock.advance(hours=8, minutes=30)  # 07:35
    await pg.services.jobs.run_due()
    await pg.settle()
    assert "还没有接单" in pg.inbox("祝兰红")[-1].text


async def test_a_reminder_due_while_the_bot_was_down_fires_once_after_restart(pg):
    pg.clock.now = WEDNESDAY_10
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    await pg.stop_bot()
    pg.clock.advance(hours=5)
    await pg.start_bot()
    await pg.fake.wait_for(lambda: any("还没有接单" in (m.text or "") for m in pg.inbox("祝兰红")), timeout=5)
    await pg.services.jobs.run_due()
    await pg.settle()
    assert sum("还没有接单" in (m.text or "") for m in pg.inbox("祝兰红")) == 1


async def test_an_accepted_ticket_is_not_chased_for_acceptance(pg):
    pg.clock.now = WEDNESDAY_10
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    pg.clock.advance(hours=5)
    await pg.services.jobs.run_due()
    await pg.settle()
    assert not any("还没有接单" in (m.text or "") for m in pg.inbox("祝兰红"))


async def test_telegram_outage_loses_nothing(pg):
    pg.fake.outage(status=502, method="sendMessage")
    await pg.fake.settle(quiet=0.1)
    pg.fake.send_text(pg.user("李红"), pg.group(), "3单元201家的厨房管道老化漏水了")
    await pg.fake.wait_for(lambda: any(not c.ok for c in pg.fake.calls("sendMessage")), timeout=5)
    await pg.fake.settle(quiet=0.2)  # the sender has noted the failure and waits to retry
    pg.fake.end_outage(method="sendMessage")
    pg.clock.advance(seconds=30)  # past the sender's back-off
    pg.services.store.outbox_changed.set()
    await pg.settle()
    assert sum("已记录 #1" in (m.text or "") for m in pg.fake.sent(pg.group())) == 1
    card_for(pg, "祝兰红")


async def test_a_reporter_the_bot_cannot_write_to_gets_a_link_to_follow_the_ticket(pg):
    pg.newcomer("小张")
    pg.fake.add_member(pg.group(), pg.user("小张"))
    replies = await pg.say("小张", "2栋1单元楼道灯坏了, 晚上黑乎乎的", where=pg.group())
    link = re.search(r"https://t\.me/sanzhang_bot\?start=(\S+)", replies[0].text)
    assert link, replies[0].text
    payload = link.group(1)
    # An unguessable token, not the ticket's number, within Telegram's limit for a start payload.
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", payload) and not payload.startswith("t-")
    follow = await pg.say("小张", f"/start {payload}")
    assert "#1 电力照明 · 2栋1单元 现在待接单, 负责人祝兰红" in follow[-1].text
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    assert "已由祝兰红接单" in pg.inbox("小张")[-1].text


async def test_an_edited_report_does_not_open_a_second_ticket(pg):
    group = pg.group()
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=group)
    original = [m for m in pg.fake.messages(group) if not m.from_bot][-1]
    pg.fake.edit_text(pg.user("李红"), original, "3单元201家的厨房管道老化漏水了, 很急")
    await pg.settle()
    assert sum("已记录" in (m.text or "") for m in pg.fake.sent(group)) == 1


async def test_a_voice_message_and_a_location_right_after_a_report_reach_the_owner(pg):
    group = pg.group()
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=group)
    pg.fake.send_voice(pg.user("李红"), group)
    pg.fake.send_location(pg.user("李红"), group, 43.88, 125.35)
    await pg.settle()
    copies = [c for c in pg.fake.calls("copyMessage") if c.ok and c.params["chat_id"] == pg.user("祝兰红").id]
    assert len(copies) == 2
    detail = await pg.say("祝兰红", "/ticket 1")
    assert "补充材料: 语音" in detail[-1].text and "补充材料: 位置" in detail[-1].text
    assert sum("已记录" in (m.text or "") for m in pg.fake.sent(group)) == 1  # no chatter in the group


async def test_danger_from_someone_the_bot_does_not_know_yet_is_acted_on_at_once(pg):
    pg.newcomer("路过的人")
    replies = await pg.say("路过的人", "5栋2单元楼道里好大的煤气味, 是不是漏气了")
    texts = [m.text for m in replies if m.chat_id == pg.user("路过的人").id]
    # Issue 10: the safety steps come first, and the phone and address are asked now, not "以后".
    assert texts[0].startswith("⚠️ 先保护自己: 马上开窗通风") and "119" in texts[0]
    assert any(t.startswith("已识别: 供暖燃气 · 5栋2单元") and "119" in t for t in texts)
    assert "🚨" in card_for(pg, "孙立新").text
    assert "紧急情况" in card_for(pg, "赵淑芬").text
    assert "请马上把您的电话和详细地址" in texts[-1]


async def test_an_unknown_command_in_private_gets_a_hint_and_in_a_group_silence(pg):
    replies = await pg.say("李红", "/foo")
    assert "没有这个命令" in replies[-1].text
    assert await pg.say("李红", "/foo", where=pg.group()) == []


async def test_a_report_delivered_twice_makes_one_ticket(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    pg.fake.redeliver(max(pg.fake.world.updates))
    await pg.settle()
    assert sum("已记录" in (m.text or "") for m in pg.fake.sent(pg.group())) == 1
    assert sum("报告人" in (m.text or "") for m in pg.inbox("祝兰红")) == 1
    async with pg.services.store.read() as r:
        assert await r.tickets.count_by_status() == {"open": 1}


async def test_a_gas_smell_is_never_folded_into_an_older_heating_request(pg):
    group = pg.group()
    await pg.say("吴建华", "2栋1单元暖气不热", where=group)
    replies = await pg.say("刘凤霞", "2栋1单元楼道里有煤气味", where=group)
    assert replies[0].text.startswith("🚨紧急 已记录 #2") and "119" in replies[0].text
    assert any("#2" in (m.text or "") and "紧急情况" in (m.text or "") for m in pg.inbox("赵淑芬"))


async def test_two_homes_in_one_unit_are_two_requests(pg):
    group = pg.group()
    await pg.say("李红", "1栋1单元101马桶堵了", where=group)
    replies = await pg.say("李红", "1栋1单元502家漏水漏到楼下了", where=group)
    assert replies[0].text.startswith("已记录 #2")


async def test_the_reporter_chasing_her_request_reaches_the_owner(pg):
    await pg.say("宋玉兰", "/start")
    await pg.share_phone("宋玉兰")
    await pg.say("宋玉兰", "厨房水管漏水了, 地上全是水")
    replies = await pg.say("宋玉兰", "怎么还没人来啊")
    assert "已把您的话转给负责人祝兰红" in replies[-1].text and "待接单" in replies[-1].text
    assert "报告人宋玉兰补充: 「怎么还没人来啊」" in pg.inbox("祝兰红")[-1].text
    await pg.send_photo("宋玉兰", caption="漏水的照片")
    assert any(c.ok and c.params["chat_id"] == pg.user("祝兰红").id for c in pg.fake.calls("copyMessage"))
    assert not any("已经有人报过" in (m.text or "") for m in pg.inbox("宋玉兰"))


async def test_danger_without_an_address_alerts_every_grid_worker_and_the_address_follows(pg):
    pg.newcomer("钱奶奶")
    replies = await pg.say("钱奶奶", "我家有煤气味")
    assert any("119" in (m.text or "") for m in replies)
    for worker in ("祝兰红", "孙立新"):
        assert any("🚨" in (m.text or "") for m in pg.inbox(worker)), worker
    confirm = await pg.say("钱奶奶", "5栋1单元101")
    await pg.press("钱奶奶", confirm[-1], "是的")
    assert "补充了地址: 5栋1单元101" in pg.inbox("孙立新")[-1].text
    detail = await pg.say("赵淑芬", "/ticket 1")
    assert "5栋1单元101" in detail[-1].text


async def test_a_building_not_in_the_roster_is_filed_but_questioned(pg):
    replies = await pg.say("李红", "9栋楼道漏水了", where=pg.group())
    assert replies[0].text.startswith("已记录 #1 给排水 · 9栋")
    assert "名册里没有9栋, 请核对一下楼号" in replies[0].text


async def test_a_new_problem_after_a_rating_is_a_new_request_and_the_comment_window_closes(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "已办结")
    await pg.press("李红", pg.inbox("李红")[-1], "满意")
    pg.clock.advance(days=3)
    replies = await pg.say("李红", "家里厨房着火了，好大的烟")
    assert any("119" in (m.text or "") for m in replies)
    assert not any("已记下您的意见" in (m.text or "") for m in replies)


async def test_the_comment_on_an_unhappy_rating_reaches_the_admin(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "已办结")
    await pg.press("李红", pg.inbox("李红")[-1], "不满意")
    await pg.say("李红", "太慢了, 等了一天才来人")
    assert "「太慢了, 等了一天才来人」" in pg.inbox("赵淑芬")[-1].text


async def test_the_last_admin_cannot_hand_a_request_back_to_nobody(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "退回")
    await pg.press("祝兰红", pg.inbox("祝兰红")[-1], "不属于我的职责")
    await pg.press("赵淑芬", card_for(pg, "赵淑芬"), "退回")
    alert = await pg.press("赵淑芬", pg.inbox("赵淑芬")[-1], "不属于我的职责")
    assert "社区没有其他管理员可以接手" in alert
    mine = await pg.say("赵淑芬", "/mine")
    assert "#1 给排水" in mine[-1].text


async def test_urgent_danger_nobody_accepts_is_raised_again_through_the_night(pg):
    pg.clock.now = datetime(2026, 11, 18, 15, 0, tzinfo=timezone.utc)  # Wednesday 23:00 in Shanghai
    await pg.say("王敏", "1栋2单元楼道里有很大的煤气味", where=pg.group())
    assert any("紧急情况" in (m.text or "") for m in pg.inbox("钱永明"))  # the property company too
    for _ in range(4):
        pg.clock.advance(minutes=31)
        await pg.services.jobs.run_due()
        await pg.settle()
    # 23:31 the owner is reminded; 00:02, 00:33 and 01:04 the admin hears it is still not taken.
    assert sum("超时未接单" in (m.text or "") for m in pg.inbox("赵淑芬")) == 3


async def test_a_resident_whose_building_is_missing_from_the_roster_can_still_report(pg):
    pg.newcomer("小周")
    await pg.say("小周", "/start")
    await pg.say("小周", "我住8栋1单元101")
    replies = await pg.say("小周", "楼道里的灯坏了")
    assert any((m.text or "").startswith("已识别: 电力照明 · 8栋1单元101") for m in replies)
    assert "#1 电力照明 · 8栋1单元101" in card_for(pg, "赵淑芬").text


async def test_a_resident_saying_it_is_fixed_tells_the_owner(pg):
    await pg.say("宋玉兰", "/start")
    await pg.share_phone("宋玉兰")
    await pg.say("宋玉兰", "我家马桶堵了")
    replies = await pg.say("宋玉兰", "好了，谢谢，已经通了")
    assert "已把您的话转给负责人祝兰红" in replies[-1].text
    assert "「好了，谢谢，已经通了」" in pg.inbox("祝兰红")[-1].text


async def test_a_complaint_about_the_service_follows_the_request(pg):
    await pg.say("宋玉兰", "/start")
    await pg.share_phone("宋玉兰")
    await pg.say("宋玉兰", "厨房水管漏水了")
    replies = await pg.say("宋玉兰", "太慢了, 等了一天才来人, 师傅态度也不好")
    assert "已把您的话转给负责人祝兰红" in replies[-1].text
    assert not any("#2" in (m.text or "") for m in pg.inbox("宋玉兰"))
