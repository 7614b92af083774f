"""Reply keyboards that ask for a location or a contact, deep links, and the photo size rules."""
from __future__ import annotations

import io
import struct

import pytest
import telegram
from telegram.error import BadRequest

from sandbox import FakeTelegram
from sandbox.fake import tiny_png

Key = telegram.KeyboardButton


def started(fake: FakeTelegram, name: str = "李红") -> telegram.User:
    user = fake.add_user(name)
    fake.send_text(user, None, "/start")
    return user


def asking() -> telegram.ReplyKeyboardMarkup:
    return telegram.ReplyKeyboardMarkup([[Key("📍 发送我的位置", request_location=True)],
                                         [Key("📱 留下我的电话", request_contact=True)], [Key("算了")]])


async def test_location_and_contact_buttons_only_in_private_chats(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    group = fake.add_group("三号楼", [user])
    await bot.send_message(user.id, "请点按钮", reply_markup=asking())
    with pytest.raises(BadRequest, match="Button_type_invalid"):
        await bot.send_message(group.id, "请点按钮", reply_markup=asking())
    # Plain reply keyboards are fine in groups.
    await bot.send_message(group.id, "选一个", reply_markup=telegram.ReplyKeyboardMarkup([["好的"]]))
    with pytest.raises(BadRequest, match="only one of the optional fields"):
        await bot.send_message(user.id, "x", reply_markup={"keyboard": [[
            {"text": "两个", "request_contact": True, "request_location": True}]]})


async def test_tapping_a_button_does_what_the_client_does(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    assert fake.keyboard(user) is None
    await bot.send_message(user.id, "请点按钮", reply_markup=asking())
    await bot.send_message(user.id, "还是那些按钮")  # a message without markup leaves the keyboard up
    assert [b["text"] for row in fake.keyboard(user)["keyboard"] for b in row] == ["📍 发送我的位置", "📱 留下我的电话",
                                                                                 "算了"]
    located = fake.tap_keyboard(user, "发送我的位置", location=(43.88, 125.35))
    assert located["location"] == {"latitude": 43.88, "longitude": 125.35} and "text" not in located.data
    contact = fake.tap_keyboard(user, "留下我的电话", phone="13912345678")
    assert contact["contact"]["user_id"] == user.id and contact["contact"]["phone_number"] == "13912345678"
    assert fake.tap_keyboard(user, "算了")["text"] == "算了"
    with pytest.raises(ValueError, match="pass location"):
        fake.tap_keyboard(user, "发送我的位置")
    with pytest.raises(ValueError, match="no keyboard button"):
        fake.tap_keyboard(user, "没有这个")
    updates = await bot.get_updates()
    assert updates[-3].message.location.latitude == pytest.approx(43.88)
    assert updates[-2].message.contact.phone_number == "13912345678"
    await bot.send_message(user.id, "好了", reply_markup=telegram.ReplyKeyboardRemove())
    assert fake.keyboard(user) is None
    await bot.send_message(user.id, "一次", reply_markup=telegram.ReplyKeyboardMarkup([["好"]], one_time_keyboard=True))
    assert fake.keyboard(user) is not None
    fake.tap_keyboard(user, "好")
    assert fake.keyboard(user) is None  # a one-time keyboard hides once used


async def test_a_deep_link_sends_start_with_its_payload(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = fake.add_user("路人")
    sent = fake.open_link(user, "https://t.me/sanzhang_bot?start=lost-AbC_12-x")
    assert sent["text"] == "/start lost-AbC_12-x"
    assert sent["entities"][0] == {"type": "bot_command", "offset": 0, "length": 6}
    # A payload Telegram does not allow is dropped by the client: a plain /start goes.
    assert fake.open_link(user, "https://t.me/sanzhang_bot?start=" + "x" * 65)["text"] == "/start"
    assert fake.open_link(user, "https://t.me/sanzhang_bot?start=王奶奶")["text"] == "/start"
    assert fake.open_link(user, "t.me/sanzhang_bot")["text"] == "/start"
    with pytest.raises(ValueError, match="not a link to @sanzhang_bot"):
        fake.open_link(user, "https://t.me/other_bot?start=x")


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is this large (Telegram, like the fake, reads the size from the header)."""
    data = bytearray(tiny_png(1, 1))
    data[16:24] = struct.pack(">II", width, height)
    return bytes(data)


async def test_photos_too_long_or_too_large_in_total_are_refused(fake: FakeTelegram, bot: telegram.Bot) -> None:
    user = started(fake)
    await bot.send_photo(user.id, io.BytesIO(tiny_png(400, 300)))
    await bot.send_photo(user.id, io.BytesIO(png_header(5000, 5000)))
    for width, height in ((2100, 100), (6000, 4001)):
        with pytest.raises(BadRequest, match="Photo_invalid_dimensions"):
            await bot.send_photo(user.id, io.BytesIO(png_header(width, height)))
