"""A grid's group: binding it, its contact list, and a bot that keeps quiet on chatter."""
from __future__ import annotations


async def test_the_grid_worker_binds_a_new_group(fresh):
    code = await _link(fresh, "祝兰红")
    assert code
    group = fresh.fake.add_group("一网格工作群", members=[fresh.user("李红")], admins=[fresh.user("祝兰红")])
    await fresh.settle()
    hello = fresh.fake.sent(group)
    assert "/bind 网格名" in hello[-1].text
    replies = await fresh.say("祝兰红", "/bind 一网格", where=group)
    assert "本群已绑定 长山花园社区 第一网格" in replies[-1].text
    contacts = await fresh.say("李红", "/contacts", where=group)
    text = contacts[-1].text
    assert "第一网格 · 一线工作清单" in text
    assert "网格员: 祝兰红" in text and "1栋" in text and "1单元 李红" in text
    assert "民警" in text


async def test_a_unit_head_cannot_bind_a_group(fresh):
    await _link(fresh, "李红")
    group = fresh.fake.add_group("随便一个群", members=[fresh.user("李红")])
    replies = await fresh.say("李红", "/bind 第一网格", where=group)
    assert "只有本网格的网格员或社区管理员可以绑定群" in replies[-1].text
    contacts = await fresh.say("李红", "/contacts", where=group)
    assert "还没有绑定网格" in contacts[-1].text


async def test_a_grid_worker_cannot_bind_another_grid(fresh):
    await _link(fresh, "祝兰红")
    group = fresh.fake.add_group("二网格群", admins=[fresh.user("祝兰红")])
    replies = await fresh.say("祝兰红", "/bind 第二网格", where=group)
    assert "只有本网格的网格员" in replies[-1].text


async def test_an_unknown_grid_name_lists_the_choices(fresh):
    await _link(fresh, "祝兰红")
    group = fresh.fake.add_group("群", admins=[fresh.user("祝兰红")])
    replies = await fresh.say("祝兰红", "/bind 第九网格", where=group)
    assert "没有找到网格「第九网格」" in replies[-1].text and "第一网格" in replies[-1].text


async def test_binding_tells_how_to_turn_off_privacy_mode_when_the_bot_cannot_read(fresh):
    await _link(fresh, "祝兰红")
    fresh.fake.set_privacy(False)
    group = fresh.fake.add_group("一网格", admins=[fresh.user("祝兰红")])
    replies = await fresh.say("祝兰红", "/bind 第一网格", where=group)
    assert "/setprivacy" in replies[-1].text and "Disable" in replies[-1].text
    assert "管理员" in replies[-1].text


async def test_no_privacy_warning_when_the_bot_is_an_admin(fresh):
    await _link(fresh, "祝兰红")
    fresh.fake.set_privacy(False)
    group = fresh.fake.add_group("一网格", admins=[fresh.user("祝兰红")], bot_status="administrator")
    replies = await fresh.say("祝兰红", "/bind 第一网格", where=group)
    assert "已绑定" in replies[-1].text and "/setprivacy" not in replies[-1].text


async def test_the_bot_stays_silent_on_chitchat(pg):
    group = pg.group()
    for text in ("大家早上好", "今天天气真不错啊 ☀️", "哈哈哈", "谢谢祝姐, 水管修好了"):
        replies = await pg.say("李红", text, where=group)
        assert replies == [], text


async def test_a_redelivered_update_is_handled_once(pg):
    replies = await pg.say("李红", "/whoami")
    assert len(replies) == 1
    pg.fake.redeliver(max(pg.fake.world.updates))
    await pg.settle()
    assert len(pg.inbox("李红")) == 1


async def test_a_group_upgraded_to_a_supergroup_keeps_its_grid(fresh):
    await _link(fresh, "祝兰红")
    group = fresh.fake.add_group("一网格", admins=[fresh.user("祝兰红")], supergroup=False)
    await fresh.say("祝兰红", "/bind 第一网格", where=group)
    bigger = fresh.fake.migrate_to_supergroup(group)
    await fresh.settle()
    contacts = await fresh.say("祝兰红", "/contacts", where=bigger)
    assert "第一网格 · 一线工作清单" in contacts[-1].text


async def _link(pg, name: str) -> bool:
    await pg.say(name, "/start")
    replies = await pg.share_phone(name)
    return "已确认身份" in replies[-1].text


async def test_a_question_whether_something_is_fixed_opens_no_ticket(pg):
    for text in ("电梯好了吗", "楼道灯亮了吗？"):
        assert await pg.say("周秀英", text, where=pg.group()) == [], text
