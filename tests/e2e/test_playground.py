"""The stage the other tests stand on: a fixed moment, one clock for everyone, and no sitting out Telegram's limits."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.model.messages import text_message
from sandbox.playground import MovableClock, Playground

START = datetime(2026, 11, 18, 1, 0, tzinfo=timezone.utc)  # Wednesday 18 November 2026, 09:00 in Beijing


async def test_every_playground_starts_at_the_fixed_moment_whatever_the_wall_clock(pg):
    assert timedelta(0) <= pg.clock.now - START < timedelta(minutes=1)
    # Telegram's message dates are on the same clock as the bot.
    reply = (await pg.say("李红", "/whoami"))[-1]
    assert abs(reply["date"] - START.timestamp()) < 60
    assert timedelta(0) <= MovableClock().now - START < timedelta(minutes=1)


def test_the_limits_clock_takes_every_move_forward_and_never_goes_back():
    watch = [100.0]
    clock = MovableClock(START, ticks=lambda: watch[0])
    first = clock.monotonic()
    watch[0] += 2
    assert clock.now == START + timedelta(seconds=2) and clock.monotonic() == first + 2
    clock.advance(hours=1)
    assert clock.monotonic() == first + 2 + 3600
    clock.now = START  # a test goes back to the morning: the date moves, the limits' seconds do not
    assert clock.now == START and clock.monotonic() == first + 2 + 3600
    watch[0] += 1
    assert clock.monotonic() == first + 3 + 3600


async def test_settle_moves_a_standing_clock_over_the_senders_waits(tmp_path):
    # A clock that never runs by itself: only settle() moving it lets paced messages out.
    clock = MovableClock(START, ticks=lambda: 0.0)
    async with Playground(tmp_path / "bot.sqlite3", clock=clock) as pg:
        pg.fake.flood_control = True
        li, group = pg.user("李红"), pg.group()
        async with pg.services.store.tx() as tx:
            for i in range(6):
                await tx.outbox.enqueue(text_message(li.id, f"私聊第{i + 1}条"))
            for i in range(22):
                await tx.outbox.enqueue(text_message(group.id, f"群里第{i + 1}条"))
        await pg.settle()
        private = [m["date"] for m in pg.inbox("李红")]
        in_group = [m["date"] for m in pg.fake.sent(group)]
        assert len(private) == 6 and len(in_group) == 22
        assert not [c for c in pg.fake.calls() if c.status == 429]
        # A private chat: three at once, then about one a second. A group: twenty in its minute, the rest after it.
        assert private[2] == private[0] and private[3] - private[0] >= 3
        assert in_group[19] == in_group[0] and in_group[20] - in_group[0] >= 59
        assert pg.clock.now - START >= timedelta(seconds=59)


async def test_settle_within_moves_the_clock_to_a_debounced_card_edit(tmp_path):
    clock = MovableClock(START, ticks=lambda: 0.0)
    async with Playground(tmp_path / "bot.sqlite3", clock=clock) as pg:
        group = pg.group()
        await pg.say("祝兰红", "/task 收齐问卷 今天下午4点前", where=group)
        await pg.say("李红", "1单元问卷收齐了", where=group)
        card = pg.fake.sent(group)[0]
        assert "完成 0/5" in pg.fake.message(card.chat_id, card.message_id).text
        await pg.settle(within=5)
        assert "完成 1/5" in pg.fake.message(card.chat_id, card.message_id).text
        assert datetime.fromtimestamp(pg.fake.message(card.chat_id, card.message_id)["edit_date"],
                                      timezone.utc) - START >= timedelta(seconds=3)
