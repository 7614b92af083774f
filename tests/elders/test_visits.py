"""Visits in words and by button: a unit head says she saw 王奶奶, or taps 平安; a worrying visit raises help."""
from __future__ import annotations

from sandbox.playground import buttons
from tests.elders.conftest import elder, import_with, link_family, texts_in, ticket_cards, visits


async def test_a_visit_said_in_the_group_is_logged_with_one_line(pg):
    replies = await pg.say("李红", "今天去看了1栋1单元的王奶奶, 身体还行", where=pg.group())
    assert [m.text for m in replies] == ["✅ 记下了: 王秀兰 平安。\n下次探访: 最晚明天。"]
    [visit] = await visits(pg, "王秀兰")
    assert (visit.visitor_name, visit.outcome, visit.how) == ("李红", "ok", "group")
    assert visit.said == "今天去看了1栋1单元的王奶奶, 身体还行"
    assert (await elder(pg, "王秀兰")).last_visit_at == visit.at


async def test_chatter_about_someone_who_is_not_in_the_registry_stays_chatter(pg):
    assert await pg.say("李红", "今天去看了我姥姥, 她挺好的", where=pg.group()) == []
    assert await pg.say("李红", "大家早上好", where=pg.group()) == []
    async with pg.services.store.read() as r:
        assert (await (await r.db.execute("SELECT COUNT(*) FROM elder_visits")).fetchone())[0] == 0


async def test_a_visit_said_in_private_takes_an_optional_note(pg):
    replies = await pg.say("王敏", "刚去刘桂芝家坐了坐, 挺好的")
    assert replies[-1].text == ("✅ 记下了: 刘桂芝 平安, 谢谢您!\n下次探访: 最晚11月25日。\n"
                                "想补充一句 (比如「血压有点高」), 直接写给我就行。")
    replies = await pg.say("王敏", "儿子下周回来看她")
    assert replies[-1].text == "已记在刘桂芝的探访记录里, 谢谢您!"
    [visit] = await visits(pg, "刘桂芝")
    assert visit.note == "儿子下周回来看她"
    # After the note window a new message is an ordinary one again.
    pg.clock.advance(minutes=11)
    replies = await pg.say("王敏", "谢谢")
    assert "不客气" in replies[-1].text


async def test_a_worrying_visit_raises_an_urgent_ticket_for_the_grid_worker_health_worker_and_family(pg):
    await link_family(pg, "王秀兰", "王建军")
    group = pg.group()
    replies = await pg.say("李红", "刚敲了101王奶奶家的门, 没人应", where=group)
    assert replies[0].chat_id == group.id
    assert replies[0].text.startswith("🚨紧急 已记录 #1 养老助老 · 1栋1单元101, 已转网格员祝兰红")
    # The grid worker owns it; the health worker and the admin are told at once.
    [card] = ticket_cards(pg, "祝兰红")
    assert "探访王秀兰 (1栋1单元101): 刚敲了101王奶奶家的门, 没人应" in card.text
    assert [label for label, _ in buttons(card)][:2] == ["接单", "已办结"]
    assert ticket_cards(pg, "杨晓丽") and ticket_cards(pg, "赵淑芬")
    # The elder's details go privately to those who may see them.
    details = [t for t in texts_in(pg, pg.private("杨晓丽")) if t.startswith("👵 #1 相关老人")]
    assert details and "健康备注: 高血压, 腿脚不便" in details[0] and "王建军 13900000001" in details[0]
    # The family hears it in plain words, with the grid worker's number.
    family = pg.inbox("王建军")[-1].text
    assert "李红去看望王秀兰: 刚敲了101王奶奶家的门, 没人应" in family
    assert "网格员祝兰红 (13800000002) 已经在处理" in family
    # Nothing private in the group.
    assert not any("高血压" in t or "13900000001" in t for t in texts_in(pg, group))
    [visit] = await visits(pg, "王秀兰")
    assert (visit.outcome, visit.ticket_id) == ("concern", 1)
    # Someone goes again within a day.
    due = (await elder(pg, "王秀兰")).next_due_at
    assert due - visit.at <= __import__("datetime").timedelta(hours=24)


async def test_not_seen_for_two_days_is_worrying_too(pg):
    await pg.say("吴建华", "陈奶奶两天没见着了", where=pg.group())
    [visit] = await visits(pg, "陈淑珍")
    assert visit.outcome == "concern" and visit.ticket_id is not None
    assert "探访陈淑珍 (2栋1单元202): 陈奶奶两天没见着了" in ticket_cards(pg, "祝兰红")[-1].text


async def test_own_elders_are_matched_first_then_the_rest_of_the_building(pg, tmp_path):
    # A second 王 in 1栋: 李红 looks after 王秀兰, 王敏 after 王德福.
    await import_with(pg, tmp_path, "王德福,1栋,2单元,201,独居,一般,王敏,,,,")
    await pg.say("李红", "去看了王奶奶, 挺好", where=pg.group())
    assert len(await visits(pg, "王秀兰")) == 1 and await visits(pg, "王德福") == []
    await pg.say("王敏", "去看了王大爷, 挺好", where=pg.group())
    assert len(await visits(pg, "王德福")) == 1
    # 周秀英 looks after neither; in her building both fit, so she is asked which one.
    replies = await pg.say("周秀英", "去看了王奶奶, 挺好", where=pg.group())
    question = replies[-1]
    assert question.text == "您说的「王奶奶」是哪一位?"
    assert [label for label, _ in buttons(question)] == ["王秀兰 · 1栋1单元101", "王德福 · 1栋2单元201", "都不是"]
    assert await pg.press("王敏", question, "王秀兰") == "这个问题已经过去了。"  # not hers to answer
    assert await pg.press("周秀英", question, "王秀兰") == "已记下: 王秀兰"
    assert [v.visitor_name for v in await visits(pg, "王秀兰")] == ["李红", "周秀英"]


async def test_the_visit_list_is_one_tap_per_elder(pg):
    [page] = await pg.say("刘凤霞", "/visit")
    assert page.text.startswith("👵 您包保的老人 (共 1 位, 按楼栋排)")
    assert "1. 陈淑珍 · 2栋1单元202 · 重点" in page.text
    assert [label for label, _ in buttons(page)] == ["✅ 1. 陈淑珍 平安", "⚠️ 有情况"]
    assert await pg.press("刘凤霞", page, "平安") == "已记下: 陈淑珍 平安, 谢谢您!"
    await pg.flush()
    edited = pg.fake.message(page.chat_id, page.message_id)
    assert edited.edit_count == 1 and "上次 今天 10:00 刘凤霞 (平安)" in edited.text
    # A second tap by mistake is not a second visit.
    assert await pg.press("刘凤霞", page, "平安") == "已经记过了: 陈淑珍 平安。"
    assert len(await visits(pg, "陈淑珍")) == 1
    # A note may follow.
    await pg.say("刘凤霞", "她说最近睡得不太好")
    assert (await visits(pg, "陈淑珍"))[0].note == "她说最近睡得不太好"
    # A worrying note turns the visit into a worrying one, and help is raised.
    await pg.say("刘凤霞", "她说腿有点疼")
    [visit] = await visits(pg, "陈淑珍")
    assert visit.outcome == "concern" and visit.ticket_id == 1
    assert "探访陈淑珍 (2栋1单元202): 她说腿有点疼" in ticket_cards(pg, "祝兰红")[-1].text
    # A new problem in the same minutes is a report of its own, not a note.
    await pg.say("刘凤霞", "2栋楼道灯坏了")
    assert pg.last("刘凤霞").text.startswith("已识别: 电力照明 · 2栋")
    assert "楼道灯" not in ((await visits(pg, "陈淑珍"))[0].note or "")


async def test_a_worrying_visit_by_button_asks_what_happened_and_raises_help(pg):
    await link_family(pg, "陈淑珍", "陈刚")
    [page] = await pg.say("吴建华", "/visit")
    await pg.press("吴建华", page, "有情况")
    question = pg.inbox("吴建华")[-1]
    assert question.text == "陈淑珍 怎么了? 点一下, 我马上告诉网格员、健康员和家属。"
    assert [label for label, _ in buttons(question)] == ["🚪 敲门没人应", "🤕 摔倒了", "😣 身体不舒服", "✏️ 别的情况"]
    assert await pg.press("吴建华", question, "摔倒了") == "已告诉网格员和健康员: 陈淑珍 摔倒了"
    texts = texts_in(pg, pg.private("吴建华"))
    assert any(t.startswith("已识别: 养老助老 · 2栋1单元202") for t in texts)
    assert any("请立即拨打 120" in t for t in texts)
    assert "探访陈淑珍 (2栋1单元202): 摔倒了" in ticket_cards(pg, "祝兰红")[-1].text
    assert "吴建华去看望陈淑珍: 摔倒了" in pg.inbox("陈刚")[-1].text
    # What she adds goes to the grid worker.
    await pg.say("吴建华", "腿上擦破了皮, 人是清醒的")
    assert "腿上擦破了皮" in pg.inbox("祝兰红")[-1].text


async def test_nobody_can_tap_for_an_elder_they_do_not_look_after(pg, tmp_path):
    [page] = await pg.say("刘凤霞", "/visit")
    # Presses a client would never send, from someone else's private chat, change nothing there.
    for who in ("宋玉兰", "孙立新", "赵淑芬"):
        answer = await pg.press_from_elsewhere(who, page, "平安")
        assert answer == {"text": "这个按钮已经失效了。", "show_alert": True}
    assert pg.fake.message(page.chat_id, page.message_id).edit_count == 0
    assert await visits(pg, "陈淑珍") == []
    # 王敏 looked after 马玉珍 in 2栋 until the sheet gave her to 郑丽娟: the old list no longer counts.
    await import_with(pg, tmp_path, "马玉珍,2栋,2单元,101,独居,一般,王敏,,,,")
    [page] = await pg.say("王敏", "/visit")
    await import_with(pg, tmp_path, "马玉珍,2栋,2单元,101,独居,一般,郑丽娟,,,,")
    assert await pg.press("王敏", page, "马玉珍") == "抱歉, 您不照看这位老人, 不能替别人记录。"
    assert await visits(pg, "马玉珍") == []


async def test_someone_with_nobody_to_look_after_is_told_how_to_say_a_visit(pg):
    [reply] = await pg.say("陈玉梅", "/elders")
    assert reply.text.startswith("您还没有包保的老人") and "今天去看了3栋2单元的王奶奶" in reply.text
    replies = await pg.say("刘凤霞", "/visit", where=pg.group())
    assert replies[-1].text == "这个命令请私聊我使用。"


async def test_a_visit_also_answers_a_visiting_task(pg):
    group = pg.group()
    [card] = await pg.say("祝兰红", "请各楼栋长本周内走访独居老人", where=group)
    replies = await pg.say("刘凤霞", "今天走访了2栋的陈奶奶, 挺好", where=group)
    assert [m.text for m in replies] == ["✅ 记下了: 陈淑珍 平安。\n下次探访: 最晚明天。"]
    await pg.flush()
    assert "✅ 2栋 刘凤霞" in pg.fake.message(card.chat_id, card.message_id).text


async def test_a_visit_to_someone_not_in_the_registry_quotes_the_name_as_said(pg):
    """"看了黄奶奶" names 黄奶奶, not "了黄奶奶": the answer repeats what she said, then how to say it."""
    [reply] = await pg.say("刘凤霞", "今天去看了2栋1单元201的黄奶奶, 身体还行")
    assert reply.text.startswith("没有找到「黄奶奶」。请写上楼栋和房号")
    [reply] = await pg.say("刘凤霞", "刚看了隔壁的老太太 挺好的")
    assert reply.text.startswith("没有找到「老太太」。")
