"""防走失: a stranger scans a lost elder's code; the family and the community are alerted and talk to them."""
from __future__ import annotations

import re

from bot.model.elders import Elder
from sandbox.playground import buttons
from tests.elders.conftest import deep_links, elder, link_family, texts_in

ALERT = "🚨 王秀兰 的防走失码刚刚被人扫了, 老人可能走失了!"
RESPONDERS = ("王建军", "李红", "祝兰红", "赵淑芬", "徐卫东")  # family, 包保人, grid worker, admin, police
BYSTANDERS = ("孙立新", "杨晓丽", "王敏", "黄志刚")  # the other grid's worker, health, a neighbour's head, legal


def alert_of(pg, who: str):
    found = [m for m in pg.inbox(who) if (m.text or "").startswith(ALERT)]
    assert found, f"{who} got no alert"
    return found[-1]


async def scans(pg, name: str):
    found: Elder = await elder(pg, name)
    async with pg.services.store.read() as r:
        return await r.elders.scans(found.id)


async def test_a_strangers_scan_end_to_end(pg):
    await link_family(pg, "王秀兰", "王建军")
    link = (await deep_links(pg))["王秀兰"]
    payload = link.split("?start=")[1]
    assert re.fullmatch(r"lost-[A-Za-z0-9_-]{22}", payload) and len(payload) <= 64

    # A passer-by scans the code on the old lady's coat and opens the bot.
    finder = pg.newcomer("路人")
    chat = pg.fake.private(finder)
    pg.fake.open_link(finder, link)
    await pg.settle()
    photo, welcome = pg.fake.sent(chat)
    assert photo.get("photo") and photo.caption == "这位老人叫「秀兰」。"
    assert welcome.text.splitlines()[:3] == ["您好, 谢谢您帮忙! 🙏", "这位老人叫「秀兰」。",
                                             "请您陪老人稍等, 家属和社区马上联系您。"]
    assert [b["text"] for row in pg.fake.keyboard(finder)["keyboard"] for b in row] == ["📍 发送我的位置",
                                                                                       "📱 留下我的电话"]
    # The finder sees the given name only: no surname, address, health note or phone.
    for private in ("王秀兰", "1栋", "101", "高血压", "13900000001", "王建军", "李红"):
        assert not any(private in t for t in texts_in(pg, chat)), private

    # The family, the 包保人, the grid worker, the admin and the police are alerted; nobody else.
    for who in RESPONDERS:
        assert "健康备注: 高血压, 腿脚不便" in alert_of(pg, who).text
        assert [label for label, _ in buttons(alert_of(pg, who))] == ["💬 给发现人发消息", "✅ 老人已接到"]
    for who in BYSTANDERS:
        assert not any((m.text or "").startswith(ALERT) for m in pg.inbox(who)), who
    assert "路人" not in alert_of(pg, "李红").text

    # One tap sends where they are.
    pg.fake.tap_keyboard(finder, "发送我的位置", location=(43.8868, 125.3245))
    await pg.settle()
    assert texts_in(pg, chat)[-1] == "收到您的位置了, 谢谢! 家属和社区的人正在赶来。"
    for who in RESPONDERS:
        label, pin = pg.inbox(who)[-2:]
        assert label.text == "📍 发现王秀兰的人发来了位置:"
        assert pin.get("location") == {"latitude": 43.8868, "longitude": 125.3245}
        assert "forward_origin" not in pin.data  # copied: no name of the finder on it
    assert [b["text"] for row in pg.fake.keyboard(finder)["keyboard"] for b in row] == ["📱 留下我的电话"]

    # They talk through the bot, both ways, and nobody's name or account shows.
    pg.fake.send_text(finder, chat, "老人说她想回家, 我们在超市门口")
    await pg.settle()
    assert texts_in(pg, chat)[-1] == "已转告家属和社区。"
    assert pg.inbox("王建军")[-1].text == "💬 发现王秀兰的人说: 老人说她想回家, 我们在超市门口"
    await pg.press("王建军", alert_of(pg, "王建军"), "给发现人发消息")
    assert pg.inbox("王建军")[-1].text.startswith("好的。现在您写的话会转给发现王秀兰的人 (不显示您的名字和电话)。")
    await pg.say("王建军", "太感谢您了! 我十分钟就到")
    assert texts_in(pg, chat)[-1] == "💬 老人家属说: 太感谢您了! 我十分钟就到"
    assert pg.inbox("祝兰红")[-1].text == "💬 王建军 对发现人说: 太感谢您了! 我十分钟就到"
    # A reply to a relayed message goes back to the finder too.
    relayed = next(m for m in pg.inbox("祝兰红") if "老人说她想回家" in (m.text or ""))
    await pg.say("祝兰红", "我是社区的, 也在路上了", reply_to=relayed)
    assert texts_in(pg, chat)[-1] == "💬 社区工作人员说: 我是社区的, 也在路上了"
    # The finder leaves a number.
    pg.fake.tap_keyboard(finder, "留下我的电话", phone="13912345678")
    await pg.settle()
    assert texts_in(pg, chat)[-1] == "收到您的电话了, 他们会打给您。谢谢!"
    assert pg.inbox("李红")[-1].text == "📱 发现王秀兰的人留了电话: 13912345678"

    # The son has her: the case is closed, the finder thanked, the buttons under their input gone.
    assert await pg.press("王建军", alert_of(pg, "王建军"), "老人已接到") == "谢谢您!"
    assert texts_in(pg, chat)[-1] == "老人已经和家人、社区联系上了, 谢谢您的热心帮助! 🙏"
    assert pg.fake.keyboard(finder) is None
    assert pg.inbox("徐卫东")[-1].text == "✅ 王秀兰 已接到 (王建军 确认), 谢谢大家!"
    # The finder's later words are no longer passed on; a responder's are not either.
    await pg.say("路人", "好的")
    assert "好的" not in pg.inbox("王建军")[-1].text
    before = len(texts_in(pg, chat))
    await pg.say("王建军", "再次感谢")
    assert len(texts_in(pg, chat)) == before

    [scan] = await scans(pg, "王秀兰")
    assert (scan.status, scan.latitude, scan.longitude, scan.finder_phone, scan.closed_by) == (
        "closed", 43.8868, 125.3245, "13912345678", "王建军")


async def test_every_scan_is_logged_and_a_stopped_code_says_so(pg):
    link = (await deep_links(pg))["刘桂芝"]
    first, second = pg.newcomer("甲"), pg.newcomer("乙")
    pg.fake.open_link(first, link)
    await pg.settle()
    pg.fake.open_link(first, link)  # the same person scans again: no second alert
    await pg.settle()
    assert sum((m.text or "").startswith("🚨 刘桂芝") for m in pg.inbox("王敏")) == 1
    # The code is revoked (a lost card): the old one stops working.
    found = await elder(pg, "刘桂芝")
    async with pg.services.store.tx() as tx:
        await tx.elders.revoke_links(found.id, "qr")
    pg.fake.open_link(second, link)
    pg.fake.open_link(second, "https://t.me/sanzhang_bot?start=lost-made-up-token")
    await pg.settle()
    assert texts_in(pg, pg.fake.private(second)) == [
        "这个二维码已经停用了。\n如果您身边有需要帮助的老人, 请拨打 110, 谢谢您!"] * 2
    assert [s.status for s in await scans(pg, "刘桂芝")] == ["open", "repeat", "revoked"]
    async with pg.services.store.read() as r:
        unknown = (await (await r.db.execute(
            "SELECT COUNT(*) FROM elder_scans WHERE status = 'unknown' AND token = 'made-up-token'")).fetchone())[0]
    assert unknown == 1
    assert (await deep_links(pg))["刘桂芝"] != link  # a new code is made for the new card


async def test_only_those_alerted_may_talk_to_the_finder(pg):
    links = await deep_links(pg)
    pg.fake.open_link(pg.newcomer("路人"), links["王秀兰"])  # 第一网格
    pg.fake.open_link(pg.newcomer("行人"), links["孙福贵"])  # 第二网格: 孙立新 is alerted for him only
    await pg.settle()
    [wang] = await scans(pg, "王秀兰")
    own_alert = next(m for m in pg.inbox("孙立新") if (m.text or "").startswith("🚨 孙福贵"))
    # Pressing 已接到 for the other grid's case (a button his client never showed him) is refused.
    callback = pg.fake.forge_press(pg.user("孙立新"), own_alert, f"e:x:{wang.id}")
    await pg.settle()
    answer = next(c for c in pg.fake.callbacks if c.id == callback.id).answer
    assert answer == {"text": "抱歉, 只有收到提醒的家属和社区工作人员可以处理。", "show_alert": True}
    # And from someone else's chat nothing happens at all.
    answer = await pg.press_from_elsewhere("孙立新", alert_of(pg, "祝兰红"), "老人已接到")
    assert answer == {"text": "这个按钮已经失效了。", "show_alert": True}
    [scan] = await scans(pg, "王秀兰")
    assert scan.status == "open"


async def test_a_family_link_works_once(pg):
    link = (await deep_links(pg, family=True))["赵玉芬"]
    son, stranger = pg.newcomer("赵明"), pg.newcomer("别人")
    pg.fake.open_link(son, link)
    pg.fake.open_link(stranger, link)
    await pg.settle()
    assert pg.inbox("赵明")[-1].text.startswith("✅ 您已绑定为 赵玉芬 的家属。")
    assert pg.inbox("别人")[-1].text == "这个家属链接已经用过了。如需再绑定一位家属, 请向社区要一个新的链接。"
    pg.fake.open_link(stranger, "https://t.me/sanzhang_bot?start=kin-nothing")
    await pg.settle()
    assert pg.inbox("别人")[-1].text == "这个链接无效或已停用, 请向社区要一个新的。"
