"""Bad input never goes unanswered: huge numbers, buttons nobody made, reports longer than a message."""
from __future__ import annotations

import random
import re
from pathlib import Path

from bot import texts
from bot.model.fitting import TEXT_LIMIT, utf16_len

ROOT = Path(__file__).resolve().parents[2]
HUGE = ("999999999999999999999999999999", str(2**63), str(2**64 + 5))
LONG_REPORT = "3单元201家的厨房管道老化漏水了。" + "水一直往下滴, 楼下邻居家的天花板也湿了, " * 190


def card_for(pg, name: str):
    cards = [m for m in pg.inbox(name) if m.text and "报告人" in m.text]
    assert cards, f"{name} got no ticket card: {[m.text for m in pg.inbox(name)]}"
    return cards[-1]


async def forged(pg, name: str, message, data: str) -> dict | None:
    callback = pg.fake.forge_press(pg.user(name), message, data)
    await pg.settle()
    record = next(c for c in pg.fake.callbacks if c.id == callback.id)
    assert record.answered, f"the press {data!r} was never answered"
    return record.answer


def failed_calls(pg) -> list[tuple[str, str]]:
    return [(c.method, c.description) for c in pg.fake.world.calls
            if not c.ok and not c.injected and c.method != "getUpdates"]


# -- ids out of range -----------------------------------------------------------------------

async def test_a_huge_ticket_number_gets_a_polite_answer(pg, caplog):
    for number in HUGE:
        replies = await pg.say("祝兰红", f"/ticket {number}")
        assert [m.text for m in replies] == [texts.ticket_usage()], number
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_buttons_with_ids_beyond_the_database_are_answered(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    card = card_for(pg, "祝兰红")
    for number in HUGE:
        for data in (f"t:{number}:acc", f"t:1:to:{number}", f"k:{number}:ok", f"n:{number}:ok",
                     f"k:1:pk:{number}"):
            answer = await forged(pg, "祝兰红", card, data)
            assert answer["text"] in (texts.BUTTON_EXPIRED, "这个任务已经不在了。"), (data, answer)
    assert "[待接单]" in pg.fake.message(card.chat_id, card.message_id).text


# -- presses that match nothing -------------------------------------------------------------

async def test_every_press_is_answered_even_one_nobody_made(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    card = card_for(pg, "祝兰红")
    rng = random.Random(8)
    junk = ["zzz", "a:maybe", "t:", "t:1", "k", ":::", "x:1:acc", "t:1:nonsense", "n:1:who:extra",
            "ａ:y", "t:١:acc", "t:²:acc", "t:-1:acc", "t:0:acc"]
    junk += ["".join(rng.choice("tkna:0123456789xyz#-") for _ in range(rng.randint(1, 64))) for _ in range(12)]
    for data in junk:
        answer = await forged(pg, "祝兰红", card, data)
        assert answer and answer.get("text"), data
    assert "[待接单]" in pg.fake.message(card.chat_id, card.message_id).text


def test_the_expired_button_text_is_written_once():
    sources = [p for d in ("bot", "handlers") for p in (ROOT / d).rglob("*.py")]
    places = [str(p.relative_to(ROOT)) for p in sources
              for _ in re.finditer(re.escape(texts.BUTTON_EXPIRED), p.read_text(encoding="utf-8"))]
    assert places == ["bot/texts.py"]


# -- texts longer than Telegram takes -------------------------------------------------------

async def test_a_very_long_report_reaches_its_owner_shortened_and_is_kept_whole(pg):
    assert len(LONG_REPORT) > 3500
    receipt = await pg.say("李红", LONG_REPORT, where=pg.group())
    assert receipt[0].text.startswith("已记录 #1 给排水 · 1栋3单元201") and "网格员祝兰红" in receipt[0].text
    card = card_for(pg, "祝兰红")
    assert "…」\n报告人: 李红 13800000005" in card.text
    assert [b["text"] for row in card.reply_markup["inline_keyboard"] for b in row][:2] == ["接单", "已办结"]
    assert failed_calls(pg) == []  # no card (or anything else) refused as too long
    async with pg.services.store.read() as r:
        assert (await r.tickets.get(1)).text == LONG_REPORT
    # /ticket shows the whole report, over several messages, each within the limit.
    pages = await pg.say("祝兰红", "/ticket 1")
    assert len(pages) >= 2 and all(utf16_len(p.text) <= TEXT_LIMIT for p in pages)
    whole = re.sub(r"\s", "", "".join(p.text for p in pages))  # Telegram trims each page's ends
    assert re.sub(r"\s", "", LONG_REPORT) in whole and "…" not in whole
    assert pages[-1].reply_markup and "处理记录" in pages[-1].text
    # A long comment that escalates reaches the admin as well.
    await pg.press("祝兰红", card, "退回")
    await pg.press("祝兰红", pg.inbox("祝兰红")[-1], "不属于我的职责")
    assert "祝兰红退回" in card_for(pg, "赵淑芬").text
    assert failed_calls(pg) == []


async def test_a_long_follow_up_from_the_reporter_reaches_the_owner(pg):
    await pg.say("宋玉兰", "/start")
    await pg.share_phone("宋玉兰")
    await pg.say("宋玉兰", "厨房水管漏水了, 地上全是水")
    words = "怎么还没人来啊, " + "我从早上等到现在, 一直没人来看, " * 350
    replies = await pg.say("宋玉兰", words)
    assert "已把您的话转给负责人祝兰红" in replies[-1].text
    note = pg.inbox("祝兰红")[-1].text
    assert note.startswith("#1 给排水") and "报告人宋玉兰补充: 「怎么还没人来啊" in note and note.endswith("…」")
    assert failed_calls(pg) == []


async def test_a_receipt_does_not_promise_what_cannot_be_delivered(pg):
    pg.fake.block_bot(pg.user("祝兰红"))
    async with pg.services.store.tx() as tx:
        await tx.groups.blocked(pg.user("祝兰红").id)  # as the sender learnt from an earlier 403
    receipt = await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    assert "已转网格员祝兰红" in receipt[0].text
    assert "祝兰红暂时收不到机器人的消息, 已请社区管理员跟进" in receipt[0].text
    assert any("祝兰红还没有私聊过机器人" in (m.text or "") for m in pg.inbox("赵淑芬"))
