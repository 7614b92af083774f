"""Updates in and messages out under Telegram's bad days: unreadable updates, slow answers, outages."""
from __future__ import annotations

import logging

from bot.delivery.intake import UpdateIntake
from storage import Store


async def test_an_update_the_library_cannot_read_is_logged_once_and_skipped(pg, caplog):
    caplog.set_level(logging.WARNING)
    # A poll from a newer Telegram, without fields this version of the library requires.
    pg.fake.world.push_update({"poll": {"id": "5", "question": "今晚开会吗?"}})
    await pg.settle()
    polls_before = len(pg.fake.calls("getUpdates"))
    replies = await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    assert replies[0].text.startswith("已记录 #1")
    # The bot did not fetch the bad update again and again.
    assert len(pg.fake.calls("getUpdates")) - polls_before < 20
    skipped = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(skipped) == 1 and skipped[0].exc_info is None


async def test_a_slow_answer_from_telegram_is_waited_for_not_sent_again(pg):
    # Longer than the library's default read timeout of 5 s.
    pg.fake.fail_next(1, method="sendMessage", mode="slow", hang_seconds=5.5)
    pg.fake.send_text(pg.user("李红"), pg.group(), "3单元201家的厨房管道老化漏水了")
    slow = await pg.fake.wait_for(lambda: next((c for c in pg.fake.calls("sendMessage")
                                                if c.params.get("chat_id") == pg.group().id), None))
    await pg.fake.wait_for(lambda: slow.finished, timeout=15)
    await pg.settle()
    await pg.flush(seconds=60)  # past any retry the sender may have planned
    receipts = [m for m in pg.fake.sent(pg.group()) if "已记录 #1" in (m.text or "")]
    assert len(receipts) == 1


async def test_an_outage_is_one_warning_when_it_starts_and_one_line_when_it_ends(pg, caplog):
    caplog.set_level(logging.DEBUG)
    pg.fake.fail_next(3, method="getUpdates", status=502)
    await pg.fake.wait_for(lambda: not pg.fake.faults.rules, timeout=15)
    replies = await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    assert replies[0].text.startswith("已记录 #1")
    ours = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(" (")[0].split(" after")[0] for r in ours] == [
        "Telegram is unreachable", "Telegram is reachable again"]
    assert not [r for r in caplog.records if r.exc_info and r.levelno >= logging.INFO]


async def test_updates_received_before_a_stop_are_handled_after_the_restart(pg):
    """The process stopped after Telegram was told it has the update, before handling it."""
    await pg.stop_bot()
    # What a killed process leaves behind: the update written down, its offset confirmed.
    record = pg.fake.send_text(pg.user("李红"), pg.group(), "3单元201家的厨房管道老化漏水了")
    raw = pg.fake.world.take_updates(0, 100)
    pg.fake.world.take_updates(raw[-1]["update_id"] + 1, 100)
    assert not pg.fake.world.pending
    store = await Store.open(pg.db)
    await UpdateIntake(store).receive(raw)
    await store.close()
    await pg.start_bot()
    await pg.settle()
    receipts = [m for m in pg.fake.sent(pg.group()) if "已记录 #1" in (m.text or "")]
    assert len(receipts) == 1 and receipts[0]["reply_to_message"]["message_id"] == record.message_id
    # And only once: a second restart does not handle it again.
    await pg.stop_bot()
    await pg.start_bot()
    await pg.settle()
    assert sum("已记录 #" in (m.text or "") for m in pg.fake.sent(pg.group())) == 1


async def test_an_edit_that_changes_nothing_is_done_not_failed(pg, caplog):
    """Telegram refuses an edit to the same text ("Message is not modified"); the message already
    reads as we want, so the row is sent, and the operator's log shows no failure."""
    from bot.model.messages import edit_text, text_message

    chat = pg.user("李红").id
    async with pg.services.store.tx() as tx:
        await tx.outbox.enqueue(text_message(chat, "陈淑珍 平安", ref="card-1"))
        await tx.outbox.enqueue(edit_text(chat, "card-1", "陈淑珍 平安"))
    pg.services.store.outbox_changed.set()
    await pg.settle()
    async with pg.services.store.read() as r:
        counts = await r.outbox.counts()
    assert counts.get("failed", 0) == 0
    assert not [r for r in caplog.records if "failed" in r.getMessage()]
