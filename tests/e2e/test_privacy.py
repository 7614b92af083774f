"""Privacy and permissions: each story is an attempt that used to succeed and must now be refused."""
from __future__ import annotations

import re

from bot import texts
from sandbox.playground import buttons

LEAK = "3单元201家的厨房管道老化漏水了"
LI_HONG_PHONE = "13800000005"


def card_for(pg, name: str):
    cards = [m for m in pg.inbox(name) if m.text and "报告人" in m.text]
    assert cards, f"{name} got no ticket card"
    return cards[-1]


async def forged(pg, name: str, message, data: str) -> dict | None:
    """`name` sends a press with `data` on `message`, as a modified client could."""
    callback = pg.fake.forge_press(pg.user(name), message, data)
    await pg.settle()
    return next(c for c in pg.fake.callbacks if c.id == callback.id).answer


async def ticket(pg, ticket_id: int = 1):
    async with pg.services.store.read() as r:
        return await r.tickets.get(ticket_id)


def follow_payload(receipt_text: str) -> str:
    link = re.search(r"https://t\.me/sanzhang_bot\?start=(\S+)", receipt_text)
    assert link, receipt_text
    return link.group(1)


# -- following a ticket ---------------------------------------------------------------------

async def test_a_stranger_guessing_ticket_numbers_learns_nothing_and_hears_no_news(pg):
    await pg.say("李红", LEAK, where=pg.group())
    pg.newcomer("陌生人")
    for payload in ("t-1", "t-2", "t-99999999999999999999999"):
        replies = await pg.say("陌生人", f"/start {payload}")
        # One and the same answer whether the request exists or not: nothing about anyone's home.
        assert [m.text for m in replies] == [texts.follow_refused()]
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    assert [m.text for m in pg.inbox("陌生人")] == [texts.follow_refused()] * 3


async def test_only_the_reporter_follows_with_the_link_posted_in_the_group(pg):
    for name in ("小张", "邻居"):
        pg.newcomer(name)
        pg.fake.add_member(pg.group(), pg.user(name))
    receipt = await pg.say("小张", "2栋1单元楼道灯坏了, 晚上黑乎乎的", where=pg.group())
    payload = follow_payload(receipt[0].text)
    # The whole group can read the link; holding it proves nothing.
    refused = await pg.say("邻居", f"/start {payload}")
    assert [m.text for m in refused] == [texts.follow_refused()]
    follow = await pg.say("小张", f"/start {payload}")
    assert "#1 电力照明 · 2栋1单元 现在待接单" in follow[-1].text
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    assert "已由祝兰红接单" in pg.inbox("小张")[-1].text
    assert [m.text for m in pg.inbox("邻居")] == [texts.follow_refused()]


async def test_an_old_number_link_still_works_for_its_own_reporter(pg):
    pg.newcomer("小张")
    pg.fake.add_member(pg.group(), pg.user("小张"))
    await pg.say("小张", "2栋1单元楼道灯坏了", where=pg.group())
    follow = await pg.say("小张", "/start t-1")
    assert "#1 电力照明 · 2栋1单元 现在待接单" in follow[-1].text


async def test_follow_tokens_are_unguessable_and_fit_a_start_link(pg):
    async with pg.services.store.tx() as tx:
        first = await tx.tickets.follow_token(await _new_ticket(tx))
        second = await tx.tickets.follow_token(await _new_ticket(tx))
        again = await tx.tickets.follow_token(1)
    assert first == again and first != second
    for token in (first, second):
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token)
        assert len("f_" + token) <= 64


async def _new_ticket(tx) -> int:
    from bot.model.tickets import NewTicket

    return await tx.tickets.create(NewTicket(
        community_id=1, grid_id=1, building="1", unit="1", room=None, category="other", urgent=False,
        text="x", reporter_tg=1, reporter_person_id=None, reporter_name="x", source_chat_id=1,
        source_message_id=None, assignee_person_id=None))


# -- /ticket in a group ---------------------------------------------------------------------

async def test_ticket_details_are_never_posted_to_a_group(pg):
    await pg.say("李红", LEAK, where=pg.group())
    for who in ("祝兰红", "李红", "王敏"):
        replies = await pg.say(who, "/ticket 1", where=pg.group())
        assert len(replies) == 1 and replies[0].chat_id == pg.group().id
        line = replies[0].text
        assert "\n" not in line and "私聊" in line and "/ticket 1" in line
        assert LI_HONG_PHONE not in line and "漏水" not in line and "201" not in line
    detail = await pg.say("祝兰红", "/ticket 1")
    assert LEAK in detail[-1].text  # in private the owner still sees it all


# -- binding a group ------------------------------------------------------------------------

async def test_another_grids_worker_cannot_take_over_a_bound_group(pg):
    group = pg.group("第一网格")
    pg.fake.add_member(group, pg.user("孙立新"))
    replies = await pg.say("孙立新", "/bind 第二网格", where=group)
    assert replies and all(m.chat_id == pg.user("孙立新").id for m in replies)  # told privately
    assert "本群已绑定 长山花园社区 第一网格" in replies[-1].text
    async with pg.services.store.read() as r:
        assert (await r.groups.binding(group.id)).grid.name == "第一网格"
    # Reports in the group still reach grid 1's worker.
    await pg.say("李红", LEAK, where=group)
    card_for(pg, "祝兰红")


async def test_an_admin_moves_a_group_and_the_previous_grid_worker_is_told(pg):
    group = pg.group("第一网格")
    pg.fake.add_member(group, pg.user("赵淑芬"))
    replies = await pg.say("赵淑芬", "/bind 第二网格", where=group)
    assert "本群已绑定 长山花园社区 第二网格" in replies[-1].text
    told = pg.inbox("祝兰红")[-1].text
    assert "第一网格三长群" in told and "赵淑芬改绑到第二网格" in told


# -- invite links ---------------------------------------------------------------------------

async def invite_code(pg, name: str) -> str:
    async with pg.services.store.tx() as tx:
        return await tx.invites.open_code(pg.members[name].person_id)


async def test_an_account_of_one_person_cannot_become_another_by_invite(fresh):
    await fresh.say("李红", "/start")
    await fresh.share_phone("李红")
    code = await invite_code(fresh, "王敏")
    replies = await fresh.say("李红", f"/start {code}")
    refusal = replies[-1].text
    assert "您的账号已经确认为 李红" in refusal and "网格员祝兰红" in refusal
    who = await fresh.say("李红", "/whoami")
    assert who[-1].text.startswith("李红") and "王敏" not in who[-1].text
    # Wang Min's invite was not burnt: she can still use it herself.
    linked = await fresh.say("王敏", f"/start {code}")
    assert "已确认身份: 王敏" in linked[-1].text


async def test_a_resident_who_registered_herself_may_take_the_invite_sent_to_her(fresh):
    confirm = await fresh.say("宋玉兰", "我住1栋2单元301")
    await fresh.press("宋玉兰", confirm[-1], "是的")
    code = await invite_code(fresh, "宋玉兰")
    replies = await fresh.say("宋玉兰", f"/start {code}")
    assert "已确认身份: 宋玉兰" in replies[-1].text


# -- rating ---------------------------------------------------------------------------------

async def test_a_forged_rating_on_an_open_ticket_changes_nothing(pg):
    receipt = (await pg.say("李红", LEAK, where=pg.group()))[0]
    answer = await forged(pg, "李红", receipt, "t:1:rate:1")
    assert answer["show_alert"] is True and "还没有办结" in answer["text"]
    still = await ticket(pg)
    assert still.status == "open" and still.rating is None
    assert still.assignee_person_id == pg.members["祝兰红"].person_id
    assert not any("居民不满意" in (m.text or "") for m in pg.inbox("赵淑芬"))


async def test_a_ticket_is_rated_once_by_its_reporter(pg):
    await pg.say("李红", LEAK, where=pg.group())
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "接单")
    await pg.press("祝兰红", card_for(pg, "祝兰红"), "已办结")
    ask = pg.inbox("李红")[-1]
    stranger = await forged(pg, "王敏", ask, "t:1:rate:1")
    assert "只有报告人可以评价" in stranger["text"]
    assert await pg.press("李红", ask, "满意")
    again = await forged(pg, "李红", ask, "t:1:rate:1")
    assert "已经评价过了" in again["text"]
    rated = await ticket(pg)
    assert rated.status == "resolved" and rated.rating == "满意"


# -- refusals in a group --------------------------------------------------------------------

async def test_a_refusal_to_a_command_in_a_group_is_told_privately(pg):
    group = pg.group()
    before = len(pg.fake.sent(group))
    replies = await pg.say("李红", "/bind 第一网格", where=group)
    assert len(pg.fake.sent(group)) == before  # the group reads nothing
    assert [m.chat_id for m in replies] == [pg.user("李红").id]
    assert "只有本网格的网格员或社区管理员可以绑定群" in replies[0].text and "第一网格三长群" in replies[0].text


async def test_a_refusal_to_someone_the_bot_cannot_write_to_is_one_short_line(pg):
    async with pg.services.store.tx() as tx:
        await tx.groups.blocked(pg.user("李红").id)  # she stopped the bot in private
    replies = await pg.say("李红", "/stats", where=pg.group())
    assert [(m.chat_id, m.text) for m in replies] == [(pg.group().id, texts.refused_short())]
    assert replies[0].data.get("reply_to_message", {}).get("from", {}).get("id") == pg.user("李红").id
    assert buttons(replies[0]) == []
