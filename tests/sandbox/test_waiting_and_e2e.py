"""settle()/wait_sent()/redeliver(), and an unmodified PTB Application polling the fake end to end."""
from __future__ import annotations

import asyncio
import time

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from sandbox import FakeTelegram, SandboxTimeout, serve


async def test_settle_requires_confirmation(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("吴")
    fake.send_text(user, None, "你好")
    with pytest.raises(SandboxTimeout, match="pending updates: \\[1\\]"):
        await fake.settle(quiet=0.05, timeout=0.3)
    updates = await bot.get_updates()
    with pytest.raises(TimeoutError):  # fetched but not confirmed yet
        await fake.settle(quiet=0.05, timeout=0.3)
    await bot.get_updates(offset=updates[-1].update_id + 1)
    await fake.settle(quiet=0.05, timeout=1)


async def test_settle_ignores_a_busy_short_poller(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("卫")
    fake.send_text(user, None, "hi")

    async def poll_forever() -> None:
        offset = 0
        while True:
            updates = await bot.get_updates(offset=offset, timeout=0)
            if updates:
                offset = updates[-1].update_id + 1
            await asyncio.sleep(0.01)

    poller = asyncio.create_task(poll_forever())
    try:
        await fake.settle(quiet=0.2, timeout=2)
        assert len(fake.calls("getUpdates")) > 3
    finally:
        poller.cancel()


async def test_settle_waits_for_quiet(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("郑")
    fake.send_text(user, None, "hi")

    async def late_reply() -> None:
        await asyncio.sleep(0.2)
        await bot.send_message(user.id, "迟到的回复")

    # Timed from the start of the late reply's sleep, so slow polling calls cannot eat the margin.
    began = time.monotonic()
    task = asyncio.create_task(late_reply())
    await bot.get_updates(offset=-1)
    await bot.get_updates(offset=fake.pending_updates[-1]["update_id"] + 1)
    await fake.settle(quiet=0.3, timeout=3)
    assert time.monotonic() - began >= 0.49  # 0.2 s until the call, then 0.3 s of quiet
    assert [m.text for m in fake.sent(user)] == ["迟到的回复"]
    await task


async def test_wait_sent_returns_new_messages_only(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("冯")
    fake.send_text(user, None, "hi")
    await bot.send_message(user.id, "一")

    async def later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(user.id, "二")
        await bot.send_message(user.id, "三")

    task = asyncio.create_task(later())
    assert [m.text for m in await fake.wait_sent(user)] == ["一"]
    assert [m.text for m in await fake.wait_sent(fake.private(user), count=2)] == ["二", "三"]
    await task
    with pytest.raises(SandboxTimeout, match=r"expected 1 new bot message\(s\).*got 0"):
        await fake.wait_sent(user, timeout=0.2)


async def test_wait_for_reports_on_timeout(fake: FakeTelegram, bot: telegram.Bot) -> None:
    with pytest.raises(SandboxTimeout, match="condition not met within 0.1s"):
        await fake.wait_for(lambda: False, timeout=0.1)
    task = asyncio.create_task(bot.get_me())
    await fake.wait_for(None, timeout=2)  # the next API call
    await task


async def test_redeliver_keeps_the_update_id(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("陈")
    fake.send_text(user, None, "一次")
    first = await bot.get_updates()
    await bot.get_updates(offset=first[-1].update_id + 1)
    assert fake.pending_updates == []
    fake.redeliver(first[-1].update_id)
    again = await bot.get_updates(offset=first[-1].update_id + 1)  # delivered although below offset
    assert [u.update_id for u in again] == [first[-1].update_id]
    assert again[0].message.text == "一次"
    await bot.get_updates(offset=again[-1].update_id + 1)
    assert fake.pending_updates == []


async def test_user_edits_and_raw_updates(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("褚")
    original = fake.send_text(user, None, "原文")
    fake.edit_text(user, original, "改过了 /help")
    raw = fake.inject_update({"message": {**original.data, "text": "注入"}})
    updates = await bot.get_updates()
    assert updates[1].edited_message.text == "改过了 /help"
    assert updates[1].edited_message.entities[0].type == "bot_command"
    assert updates[2].update_id == raw["update_id"] and updates[2].message.text == "注入"
    assert fake.message(user, original.message_id).edit_count == 1


async def test_ptb_application_end_to_end(fake: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_html(
            f"<b>你好，{update.effective_user.first_name}</b>",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("报事", callback_data="report")]]))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("收到")
        await update.callback_query.edit_message_text("请描述问题")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"复述：{update.effective_message.text}")

    app = (Application.builder().token(fake.token).base_url(fake.base_url).base_file_url(fake.file_base_url)
           .build())
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    user = fake.add_user("小王")
    group = fake.add_group("一号楼", [user])
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=2)
        await app.start()
        try:
            fake.send_text(user, None, "/start")
            [welcome] = await fake.wait_sent(user)
            assert welcome.text == "你好，小王" and welcome["entities"][0]["type"] == "bold"
            fake.press_button(user, welcome, "report")
            await fake.settle(quiet=0.2)
            assert fake.message(user, welcome.message_id).text == "请描述问题"
            assert [c.answer["text"] for c in fake.callback_answers] == ["收到"]
            fake.send_text(user, group, "/start@sanzhang_bot")
            fake.send_text(user, group, "/start@other_bot")  # not for us: no reply
            [reply] = await fake.wait_sent(group)
            assert reply["reply_to_message"]["text"] == "/start@sanzhang_bot"
            await fake.settle(quiet=0.2)
            assert len(fake.sent(group)) == 1
        finally:
            await app.updater.stop()
            await app.stop()
    assert all(c.ok for c in fake.calls() if c.method != "getUpdates")


async def test_stop_releases_long_polls_quickly() -> None:
    fake = await FakeTelegram().start()
    bot = telegram.Bot(fake.token, base_url=fake.base_url)
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_for(lambda: fake.calls("getUpdates"))
    began = time.monotonic()
    await fake.stop()
    assert time.monotonic() - began < 2
    assert await poll == ()


async def test_serve_runs_until_cancelled() -> None:
    ready: asyncio.Future[FakeTelegram] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve("127.0.0.1", 0, on_ready=ready.set_result, bot_username="demo_bot"))
    fake = await asyncio.wait_for(ready, 5)
    async with telegram.Bot(fake.token, base_url=fake.base_url) as bot:
        assert (await bot.get_me()).username == "demo_bot"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
