"""People link their Telegram accounts to the roster and ask who they are."""
from __future__ import annotations

from bot.model.roles import Role

LI_HONG_PHONE = None  # read from the roster through the playground


async def invite_link_code(fresh, name: str) -> str:
    async with fresh.services.store.tx() as tx:
        return await tx.invites.open_code(fresh.members[name].person_id)


async def test_a_unit_head_opens_her_invite_link_and_is_recognised(fresh):
    code = await invite_link_code(fresh, "李红")
    replies = await fresh.say("李红", f"/start {code}")
    assert "已确认身份: 李红" in replies[-1].text
    assert "单元长" in replies[-1].text and "1栋1单元" in replies[-1].text
    who = await fresh.say("李红", "/whoami")
    assert "李红" in who[-1].text and "单元长" in who[-1].text


async def test_an_invite_link_works_once(fresh):
    code = await invite_link_code(fresh, "李红")
    await fresh.say("李红", f"/start {code}")
    replies = await fresh.say("王敏", f"/start {code}")
    assert "已经用过" in replies[-1].text
    who = await fresh.say("王敏", "/whoami")
    assert "还不知道您是谁" in who[-1].text


async def test_an_unknown_invite_code_is_answered_politely(fresh):
    replies = await fresh.say("李红", "/start nosuchcode")
    assert "邀请链接无效" in replies[-1].text


async def test_sharing_your_own_phone_links_you(fresh):
    first = await fresh.say("王敏", "/start")
    assert "分享手机号" in first[-1].text
    keyboard = fresh.fake.message(first[-1].chat_id, first[-1].message_id).markup
    assert keyboard["keyboard"][0][0]["request_contact"] is True
    replies = await fresh.share_phone("王敏")
    assert "已确认身份: 王敏" in replies[-1].text
    assert "楼栋长" in replies[-1].text and "单元长" in replies[-1].text


async def test_someone_elses_contact_is_refused(fresh):
    await fresh.say("王敏", "/start")
    replies = await fresh.share_phone("王敏", own=False)
    assert "只能分享您自己的手机号" in replies[-1].text
    who = await fresh.say("王敏", "/whoami")
    assert "还不知道您是谁" in who[-1].text


async def test_a_phone_not_in_the_roster_is_told_who_to_ask(fresh):
    await fresh.say("王敏", "/start")
    replies = await fresh.share_phone("王敏", phone="13999999999")
    admin = next(m.name for m in fresh.members.values() if Role.ADMIN in m.roles)
    assert "名册里没有找到这个手机号" in replies[-1].text
    assert admin in replies[-1].text


async def test_a_roster_telegram_id_links_directly(tmp_path):
    from sandbox.playground import Playground
    from bot.roster.io import read_roster
    from bot.roster.export import write_roster
    from dataclasses import replace

    roster, _ = read_roster(Playground.roster)
    async with Playground(tmp_path / "a.sqlite3", link_everyone=False) as pg:
        li = pg.user("李红")
        rows = [replace(r, telegram_id=li.id) if r.name == "李红" else r for r in roster.rows]
        edited = tmp_path / "名册.xlsx"
        write_roster(type(roster)(rows), edited)
        from storage.roster import apply_roster

        again, errors = read_roster(edited)
        assert not errors
        async with pg.services.store.tx() as tx:
            await apply_roster(tx, again)
        who = await pg.say("李红", "/whoami")
        assert "单元长" in who[-1].text


async def test_help_explains_in_plain_chinese(pg):
    private = await pg.say("李红", "/help")
    assert "三长助手能做什么" in private[-1].text
    group = await pg.say("李红", "/help", where=pg.group())
    assert "平常聊天, 我不说话" in group[-1].text


async def test_the_command_menu_is_registered_in_chinese(pg):
    private = {c["command"]: c["description"] for c in pg.fake.commands("all_private_chats")}
    group = {c["command"]: c["description"] for c in pg.fake.commands("all_group_chats")}
    assert private["whoami"] == "我的身份"
    assert "bind" in group and "bind" not in private
    assert "task" not in private  # residents see a short menu


async def test_a_grid_worker_who_links_gets_the_working_menu_and_a_resident_does_not(fresh):
    await fresh.say("祝兰红", "/start")
    await fresh.share_phone("祝兰红")
    await fresh.say("宋玉兰", "/start")
    await fresh.share_phone("宋玉兰")
    own = fresh.fake.commands({"type": "chat", "chat_id": fresh.user("祝兰红").id})
    assert {"mine", "task", "stats", "export"} <= {c["command"] for c in own}
    assert fresh.fake.commands({"type": "chat", "chat_id": fresh.user("宋玉兰").id}) == []


async def test_after_linking_a_resident_sees_large_buttons_for_the_common_things(fresh):
    await fresh.say("宋玉兰", "/start")
    replies = await fresh.share_phone("宋玉兰")
    keyboard = fresh.fake.message(replies[-1].chat_id, replies[-1].message_id).markup
    labels = [b["text"] for row in keyboard["keyboard"] for b in row]
    assert labels == ["报事报修", "我的诉求", "联系网格员"]
    answer = await fresh.say("宋玉兰", "联系网格员")
    assert "祝兰红 13800000002" in answer[-1].text
    answer = await fresh.say("宋玉兰", "报事报修")
    assert "请直接写下您遇到的问题" in answer[-1].text


async def test_whoami_in_the_group_keeps_the_phone_private(pg):
    group = await pg.say("李红", "/whoami", where=pg.group())
    assert "13800000005" not in group[-1].text and "单元长" in group[-1].text
    private = await pg.say("李红", "/whoami")
    assert "13800000005" in private[-1].text


async def test_a_command_in_the_wrong_place_says_where_it_works(pg):
    assert "请私聊我" in (await pg.say("祝兰红", "/mine", where=pg.group()))[-1].text
    assert "请在网格群里发" in (await pg.say("祝兰红", "/bind 第一网格"))[-1].text


async def test_a_thank_you_gets_a_short_answer(pg):
    replies = await pg.say("李红", "好的谢谢👍")
    assert replies[-1].text == "不客气! 有事随时写给我。"


async def test_a_resident_can_say_where_she_lives_in_her_own_words(pg):
    pg.newcomer("老王")
    replies = await pg.say("老王", "我住5栋2单元302")
    assert "您的住址是 长山花园社区 5栋2单元302 吗?" in replies[-1].text
