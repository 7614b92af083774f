"""Bot API behaviour driven through PTB's own telegram.Bot, so every result is parsed by PTB."""
from __future__ import annotations

import asyncio
import datetime as dtm
import time
import warnings
from typing import Any

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Inline
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, NetworkError, RetryAfter

from sandbox import FakeTelegram, tiny_png



def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def started(fake: FakeTelegram, name: str = "王明"):
    user = fake.add_user(name)
    fake.send_text(user, None, "/start")
    return user


# ----- getMe and getUpdates -----------------------------------------------------------


async def test_get_me(fake: FakeTelegram, bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (fake.bot_id, "sanzhang_bot", "三长助手", True)
    assert me.can_join_groups and me.can_read_all_group_messages and not me.supports_inline_queries
    fake.set_privacy(False)
    assert (await bot.get_me()).can_read_all_group_messages is False


async def test_long_poll_returns_as_soon_as_an_update_arrives(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("李")
    asyncio.get_running_loop().call_later(0.2, fake.send_text, user, None, "你好")
    began = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    assert time.monotonic() - began < 2
    assert [u.message.text for u in updates] == ["你好"]


async def test_long_poll_waits_for_timeout_when_idle(bot: telegram.Bot) -> None:
    began = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - began < 3


async def test_offset_confirms_updates(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("李")
    for text in ("一", "二", "三"):
        fake.send_text(user, None, text)
    first = await bot.get_updates()
    again = await bot.get_updates()
    assert [u.update_id for u in first] == [u.update_id for u in again]
    assert len(first) == 3
    assert [u.message.text for u in await bot.get_updates(limit=1)] == ["一"]
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [u.message.text for u in rest] == ["二", "三"]
    assert [u.message.text for u in await bot.get_updates()] == ["二", "三"]  # the first one is forgotten
    assert await bot.get_updates(offset=first[-1].update_id + 1) == ()
    for text in ("四", "五", "六"):
        fake.send_text(user, None, text)
    last = await bot.get_updates(offset=-1)
    assert [u.message.text for u in last] == ["六"]
    assert [u.message.text for u in await bot.get_updates()] == ["六"]  # earlier ones were forgotten


async def test_allowed_updates_filter_persists(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    await bot.get_updates(offset=-1)
    confirm = (await bot.get_updates())[-1].update_id + 1
    await bot.get_updates(offset=confirm, allowed_updates=["callback_query"])
    message = await bot.send_message(user.id, "选", reply_markup=Inline([[Button("好", callback_data="ok")]]))
    fake.send_text(user, None, "不会送达")
    fake.press_button(user, message, "ok")
    updates = await bot.get_updates(offset=confirm)  # omitted allowed_updates keeps the filter
    assert [u.callback_query.data for u in updates] == ["ok"]
    await bot.get_updates(offset=updates[-1].update_id + 1, allowed_updates=[])  # back to the default
    fake.send_text(user, None, "送达")
    assert [u.message.text for u in await bot.get_updates(offset=updates[-1].update_id + 1)] == ["送达"]


async def test_webhook_blocks_get_updates(bot: telegram.Bot) -> None:
    await bot.set_webhook("https://example.com/hook")
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_second_poller_terminates_the_first(fake: FakeTelegram, bot: telegram.Bot,
                                                  http: httpx.AsyncClient) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_for(lambda: len(fake.calls("getUpdates")) == 1)
    await asyncio.sleep(0.05)
    # a second bot instance (its own connection) polls too
    second = await http.post("/getUpdates", data={"timeout": 0})
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first
    assert second.json() == {"ok": True, "result": []}


# ----- sending ------------------------------------------------------------------------


async def test_private_chat_needs_start_and_respects_blocking(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("张")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(user.id, "你好")
    fake.send_text(user, fake.private(user), "在吗")
    message = await bot.send_message(user.id, "在")
    assert message.chat.id == user.id and message.from_user.id == fake.bot_id
    fake.block_bot(user)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "你好")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "你好")


async def test_html_messages(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    message = await bot.send_message(
        user.id, '<b>通知</b>：<a href="https://example.com">详情</a> &lt;3号楼&gt; <code>x</code>',
        parse_mode="HTML")
    assert message.text == "通知：详情 <3号楼> x"
    kinds = [(e.type, e.offset, e.length) for e in message.entities]
    assert kinds == [("bold", 0, 2), ("text_link", 3, 2), ("code", 12, 1)]
    assert message.entities[1].url == "https://example.com/"
    for bad, detail in [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("价格 < 10", 'Unsupported start tag "" at byte offset 7'),
        ("<b>粗", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
    ]:
        with pytest.raises(BadRequest) as info:
            await bot.send_message(user.id, bad, parse_mode="HTML")
        # PTB re-capitalises descriptions, so compare the exact text on the recorded call
        assert fake.calls("sendMessage")[-1].description == f"Bad Request: can't parse entities: {detail}"
        assert info.value.message.lower() == f"can't parse entities: {detail}".lower()
    with pytest.raises(BadRequest, match="Unsupported parse_mode"):
        await bot.send_message(user.id, "x", parse_mode="BBCode")
    md = await bot.send_message(user.id, "*粗* \\- _斜_", parse_mode="MarkdownV2")
    assert md.text == "粗 - 斜" and [e.type for e in md.entities] == ["bold", "italic"]


async def test_length_limits(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    assert len((await bot.send_message(user.id, "字" * 4096)).text) == 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "字" * 4097)
    # the limit applies after entity parsing: markup does not count
    assert (await bot.send_message(user.id, "<b>" + "字" * 4096 + "</b>", parse_mode="HTML")).text
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "  \n ")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "<b></b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(user.id, tiny_png(), caption="字" * 1025)


async def test_inline_keyboard_validation(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    ok = "楼" * 21
    assert len(ok.encode()) == 63
    await bot.send_message(user.id, "x", reply_markup=Inline([[Button("a", callback_data=ok)]]))
    too_long = "三号楼二单元水管漏水请物业尽快上门维修谢谢您"
    assert len(too_long) == 22 and len(too_long.encode()) == 66
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "x", reply_markup=Inline([[Button("a", callback_data=too_long)]]))
    with pytest.raises(BadRequest, match="Button_url_invalid"):
        await bot.send_message(user.id, "x", reply_markup=Inline([[Button("a", url="ftp://example.com")]]))
    with pytest.raises(BadRequest, match="text buttons are unallowed in the inline keyboard"):
        await bot.send_message(user.id, "x", reply_markup=Inline([[Button("a")]]))
    keyboard = telegram.ReplyKeyboardMarkup([[telegram.KeyboardButton("发送手机号", request_contact=True)]],
                                            resize_keyboard=True, one_time_keyboard=True, is_persistent=True)
    message = await bot.send_message(user.id, "请分享", reply_markup=keyboard)
    assert message.reply_markup is None  # Telegram echoes only inline keyboards
    assert fake.sent(user)[-1].markup["keyboard"][0][0]["request_contact"] is True
    await bot.send_message(user.id, "好", reply_markup=telegram.ReplyKeyboardRemove())
    await bot.send_message(user.id, "回复我", reply_markup=telegram.ForceReply(input_field_placeholder="写这里"))


async def test_edit_message_text(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    keyboard = Inline([[Button("确认", callback_data="yes")]])
    message = await bot.send_message(user.id, "待确认", reply_markup=keyboard)
    edited = await bot.edit_message_text("已确认", chat_id=user.id, message_id=message.message_id,
                                         reply_markup=keyboard)
    assert edited.text == "已确认" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="Message is not modified: specified new message content and reply "
                                         "markup are exactly the same"):
        await bot.edit_message_text("已确认", chat_id=user.id, message_id=message.message_id, reply_markup=keyboard)
    # omitting reply_markup removes the keyboard, which is a modification
    plain = await bot.edit_message_text("已确认", chat_id=user.id, message_id=message.message_id)
    assert plain.reply_markup is None
    record = fake.message(user, message.message_id)
    assert record.edit_count == 2 and [h["text"] for h in record.history] == ["待确认", "已确认"]
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=9999)
    own = fake.send_text(user, None, "用户的话")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=own.message_id)
    markup_only = await bot.edit_message_reply_markup(user.id, message.message_id, reply_markup=keyboard)
    assert markup_only.reply_markup == keyboard


async def test_edit_caption_and_dates_follow_the_clock(fake: FakeTelegram, bot: telegram.Bot, clock: Any) -> None:
    user = started(fake)
    photo = await bot.send_photo(user.id, tiny_png(), caption="旧")
    assert photo.date.timestamp() == int(clock.now)
    clock.advance(90)
    edited = await bot.edit_message_caption(user.id, photo.message_id, caption="<i>新</i>", parse_mode="HTML")
    assert edited.caption == "新" and edited.caption_entities[0].type == "italic"
    assert edited.edit_date.timestamp() == int(clock.now)
    text = await bot.send_message(user.id, "文字")
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await bot.edit_message_caption(user.id, text.message_id, caption="x")


async def test_delete_message(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    message = await bot.send_message(user.id, "临时")
    assert await bot.delete_message(user.id, message.message_id)
    assert fake.message(user, message.message_id).deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(user.id, message.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=message.message_id)


async def test_callback_query_round_trip(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    message = await bot.send_message(user.id, "选", reply_markup=Inline([[Button("甲", callback_data="a"),
                                                                          Button("乙", callback_data="b")]]))
    with pytest.raises(ValueError, match="no button with callback_data='c'"):
        fake.press_button(user, message, "c")
    pressed = fake.press_button(user, message, "b")
    updates = await bot.get_updates(offset=-1)
    query = updates[-1].callback_query
    assert (query.id, query.data, query.from_user.id) == (pressed.id, "b", user.id)
    assert query.message.message_id == message.message_id and query.chat_instance
    assert await bot.answer_callback_query(query.id, text="已选乙")
    with pytest.raises(BadRequest, match="Query is too old and response timeout expired or query id is invalid"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")
    assert [(c.data, c.answer["text"]) for c in fake.callback_answers] == [("b", "已选乙")]


async def test_reply_to_missing_message(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(user.id, "x", reply_to_message_id=999)
    ok = await bot.send_message(user.id, "x", reply_parameters=telegram.ReplyParameters(
        999, allow_sending_without_reply=True))
    assert ok.reply_to_message is None
    asked = fake.send_text(user, None, "问题")
    answer = await bot.send_message(user.id, "答案", reply_to_message_id=asked.message_id)
    assert answer.reply_to_message.text == "问题"


async def test_photos_by_upload_and_file_id(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    png = tiny_png(40, 30)
    first = await bot.send_photo(user.id, png, caption="<b>现场</b>", parse_mode="HTML")
    size = first.photo[-1]
    assert (size.width, size.height, size.file_size) == (40, 30, len(png))
    assert first.caption == "现场" and first.caption_entities[0].type == "bold"
    again = await bot.send_photo(user.id, size.file_id)
    assert again.photo[-1].file_unique_id == size.file_unique_id
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_photo(user.id, "no-such-file-id")
    file = await bot.get_file(size.file_id)
    assert bytes(await file.download_as_bytearray()) == png
    assert fake.files[size.file_id].data == png
    incoming = fake.send_photo(user, None, caption="漏水")
    got = await bot.get_file(incoming["photo"][-1]["file_id"])
    assert (await got.download_as_bytearray())[:4] == b"\x89PNG"
    voice = fake.send_voice(user, None, duration=5)
    assert (await bot.get_updates(offset=-1))[-1].message.voice.file_id == voice["voice"]["file_id"]
    assert voice["voice"]["mime_type"] == "audio/ogg" and voice["voice"]["duration"] == 5


async def test_other_send_methods(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    group = fake.add_group("三号楼", [user])
    location = await bot.send_location(user.id, 31.23, 121.47)
    assert location.location.latitude == pytest.approx(31.23)
    assert await bot.send_chat_action(user.id, "typing")
    original = fake.send_text(user, group, "原话")
    forwarded = await bot.forward_message(user.id, group.id, original.message_id)
    assert forwarded.text == "原话" and forwarded.forward_origin.sender_user.id == user.id
    copied = await bot.copy_message(user.id, group.id, original.message_id)
    assert fake.message(user, copied.message_id)["text"] == "原话"
    contact = fake.send_contact(user, "+8613800000000")
    assert contact["contact"]["user_id"] == user.id
    other = fake.send_contact(user, "+8613900000000", contact_user_id=None, first_name="邻居")
    assert "user_id" not in other["contact"]
    update = (await bot.get_updates(offset=-1))[-1]
    assert update.message.contact.first_name == "邻居"


async def test_commands_and_menu(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    commands = [telegram.BotCommand("start", "开始"), telegram.BotCommand("help", "帮助")]
    await bot.set_my_commands(commands)
    await bot.set_my_commands([telegram.BotCommand("report", "报事")],
                              scope=telegram.BotCommandScopeAllGroupChats(), language_code="zh")
    assert await bot.get_my_commands() == tuple(commands)
    assert fake.commands() == [{"command": "start", "description": "开始"},
                               {"command": "help", "description": "帮助"}]
    assert [c["command"] for c in fake.commands("all_group_chats", "zh")] == ["report"]
    assert fake.commands("all_group_chats") == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([telegram.BotCommand("Bad-Name", "x")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.set_chat_menu_button(user.id, telegram.MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(user.id), telegram.MenuButtonCommands)


# ----- groups ---------------------------------------------------------------------------


async def test_group_membership_and_admins(fake: FakeTelegram, bot: telegram.Bot) -> None:
    head, resident = fake.add_user("楼长"), fake.add_user("居民")
    group = fake.add_group("五号楼", [resident], admins=[head])
    updates = await bot.get_updates()
    member_update = updates[0].my_chat_member
    assert member_update.new_chat_member.status == "member" and member_update.from_user.id == head.id
    assert updates[1].message.new_chat_members[0].id == fake.bot_id
    admins = await bot.get_chat_administrators(group.id)
    assert [(a.user.id, a.status) for a in admins] == [(head.id, "creator")]
    assert (await bot.get_chat_member(group.id, resident.id)).status == "member"
    assert (await bot.get_chat_member(group.id, fake.bot_id)).status == "member"
    fake.set_bot_status(group, "administrator")
    assert isinstance(await bot.get_chat_member(group.id, fake.bot_id), telegram.ChatMemberAdministrator)
    assert await bot.get_chat_member_count(group.id) == 3
    fake.remove_bot(group)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(group.id, "x")
    outside = fake.add_group("别的群", [resident], supergroup=False, bot_status="left")
    with pytest.raises(Forbidden, match="bot is not a member of the group chat"):
        await bot.send_message(outside.id, "x")


async def test_migration_raises_chat_migrated(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("钱")
    group = fake.add_group("老群", [user], supergroup=False)
    await bot.send_message(group.id, "旧群消息")
    new = fake.migrate_to_supergroup(group)
    with pytest.raises(ChatMigrated) as info:
        await bot.send_message(group.id, "x")
    assert info.value.new_chat_id == new.id
    assert (await bot.send_message(new.id, "新群")).chat.type == "supergroup"
    service = [u.message for u in await bot.get_updates() if u.message]
    assert service[-2].migrate_to_chat_id == new.id and service[-1].migrate_from_chat_id == group.id


async def test_privacy_mode_filters_group_messages(fake: FakeTelegram, bot: telegram.Bot) -> None:
    fake.set_privacy(False)
    user = fake.add_user("孙")
    group = fake.add_group("群", [user])
    mine = await bot.send_message(group.id, "机器人的话")
    fake.send_text(user, group, "闲聊")  # not delivered
    fake.send_text(user, group, "/help")  # bare command
    fake.send_text(user, group, "/help@sanzhang_bot")  # addressed to us
    fake.send_text(user, group, "/help@other_bot")  # addressed to someone else
    fake.send_text(user, group, "回复", reply_to=mine)  # reply to the bot
    fake.send_text(user, fake.private(user), "私聊")  # private: always delivered
    texts = [u.message.text for u in await bot.get_updates() if u.message and u.message.text]
    assert texts == ["/help", "/help@sanzhang_bot", "回复", "私聊"]
    assert len(fake.messages(group)) == 7  # everything still happened in the chat
    fake.set_bot_status(group, "administrator")  # admins see everything
    fake.send_text(user, group, "闲聊2")
    assert (await bot.get_updates(offset=-1))[-1].message.text == "闲聊2"


# ----- flood control and outages ------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_group_limit(fake: FakeTelegram, bot: telegram.Bot, clock: Any) -> None:
    fake.flood_control = True
    user = fake.add_user("周")
    group = fake.add_group("群", [user])
    for i in range(20):
        await bot.send_message(group.id, f"第{i + 1}条")
        clock.advance(1)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(group.id, "第21条")
    assert retry_seconds(info.value) >= 1
    assert fake.calls("sendMessage")[-1].status == 429
    clock.advance(retry_seconds(info.value))
    assert (await bot.send_message(group.id, "第21条")).text == "第21条"
    fake.flood_control = False
    for _ in range(30):
        await bot.send_message(group.id, "不限")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_private_burst(fake: FakeTelegram, bot: telegram.Bot, clock: Any) -> None:
    fake.flood_control = True
    user = started(fake)
    for _ in range(3):
        await bot.send_message(user.id, "连发")
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "太快")
    clock.advance(1)
    await bot.send_message(user.id, "好了")


async def test_outage_fails_n_calls_then_recovers(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    fake.fail_next(2, status=502, method="sendMessage")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(user.id, "x")
    assert (await bot.send_message(user.id, "恢复")).text == "恢复"
    assert [c.injected for c in fake.calls("sendMessage")] == [True, True, False]
    fake.outage(500)
    for _ in range(3):
        with pytest.raises(NetworkError):
            await bot.get_me()
    fake.end_outage()
    assert await bot.get_me()


async def test_outage_can_hang_or_drop(fake: FakeTelegram) -> None:
    user = started(fake)
    fake.drop_pending_updates()  # nobody polls in this test
    request = telegram.request.HTTPXRequest(read_timeout=0.3)
    async with telegram.Bot(fake.token, base_url=fake.base_url, request=request) as bot:
        fake.fail_next(1, method="sendMessage", mode="hang")
        with pytest.raises(telegram.error.TimedOut):
            await bot.send_message(user.id, "x")
        await fake.settle(quiet=0.05, timeout=2)  # the abandoned call no longer counts as in flight
        fake.fail_next(1, method="sendMessage", mode="drop")
        with pytest.raises(NetworkError):
            await bot.send_message(user.id, "x")
        assert (await bot.send_message(user.id, "ok")).text == "ok"
