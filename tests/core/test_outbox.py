"""The outbox: what is queued is sent once, in order, within limits, whatever Telegram answers."""
from __future__ import annotations

import asyncio

from datetime import datetime, timedelta, timezone

import pytest

from bot.model.messages import edit_text, text_message
from bot.delivery.outbox import Failed, Moved, RetryLater, Sender, Sent
from bot.delivery.ratelimit import RateLimits
from storage import Store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 18, 1, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Telegram:
    """Answers each call with the next scripted result, recording what was asked."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[int, str, dict, int | None]] = []
        self.next_id = 100

    async def __call__(self, row, message_id):
        self.calls.append((row.chat_id, row.method, row.params, message_id))
        if self.answers:
            answer = self.answers.pop(0)
            if answer is not None:
                return answer
        self.next_id += 1
        return Sent(self.next_id)


@pytest.fixture
async def store(tmp_path):
    clock = Clock()
    s = await Store.open(tmp_path / "o.sqlite3", clock=clock)
    s.clock = clock
    yield s
    await s.close()


async def queue(store, *messages):
    async with store.tx() as tx:
        for m in messages:
            await tx.outbox.enqueue(m)


async def test_a_queued_message_is_sent_once(store):
    telegram = Telegram()
    await queue(store, text_message(42, "您好"))
    sender = Sender(store, telegram)
    assert await sender.drain() == 1
    assert await sender.drain() == 0
    assert [c[2]["text"] for c in telegram.calls] == ["您好"]
    async with store.read() as r:
        assert await r.outbox.counts() == {"sent": 1}


async def test_nothing_is_queued_when_the_transaction_fails(store):
    with pytest.raises(RuntimeError):
        async with store.tx() as tx:
            await tx.outbox.enqueue(text_message(42, "不该发出"))
            raise RuntimeError("crash before commit")
    telegram = Telegram()
    assert await Sender(store, telegram).drain() == 0


async def test_a_sender_killed_mid_queue_leaves_the_rest_for_the_next_one(store):
    await queue(store, text_message(1, "一"), text_message(2, "二"), text_message(3, "三"))
    delivered = []

    async def killed_on_second(row, message_id):
        if row.params["text"] == "二":
            raise asyncio.CancelledError  # the process is stopped while this call is under way
        delivered.append(row.params["text"])
        return Sent(len(delivered))

    with pytest.raises(asyncio.CancelledError):
        await Sender(store, killed_on_second).drain()
    telegram = Telegram()
    await Sender(store, telegram).drain()
    assert delivered + [c[2]["text"] for c in telegram.calls] == ["一", "二", "三"]


async def test_a_passing_failure_is_retried_with_backoff(store):
    telegram = Telegram(RetryLater("Bad Gateway"), RetryLater("Bad Gateway"))
    await queue(store, text_message(1, "一"))
    sender = Sender(store, telegram)
    await sender.drain()
    store.clock.advance(1)
    await sender.drain()
    store.clock.advance(2)
    await sender.drain()
    assert len(telegram.calls) == 3
    async with store.read() as r:
        assert await r.outbox.counts() == {"sent": 1}


async def test_flood_control_waits_as_long_as_telegram_says(store):
    telegram = Telegram(RetryLater("Too Many Requests: retry after 7", 7))
    await queue(store, text_message(-100, "通知"))
    sender = Sender(store, telegram)
    await sender.drain()
    store.clock.advance(6)
    await sender.drain()
    assert len(telegram.calls) == 1
    store.clock.advance(1)
    await sender.drain()
    assert len(telegram.calls) == 2
    async with store.read() as r:
        assert await r.outbox.counts() == {"sent": 1}


async def test_a_blocked_user_fails_for_good_and_the_queue_goes_on(store):
    telegram = Telegram(Failed("Forbidden: bot was blocked by the user", blocked_user=True))
    async with store.tx() as tx:
        await tx.groups.saw_private(7)
    await queue(store, text_message(7, "您的诉求已受理"), text_message(8, "另一位"))
    await Sender(store, telegram).drain()
    assert [c[0] for c in telegram.calls] == [7, 8]
    async with store.read() as r:
        assert await r.outbox.counts() == {"failed": 1, "sent": 1}
        assert not await r.groups.can_write_to(7)
        assert (await r.outbox.failures())[0]["error"].startswith("Forbidden")


async def test_messages_to_a_migrated_group_follow_it(store):
    telegram = Telegram(Moved(-1009))
    await queue(store, text_message(-5, "群通知"))
    await Sender(store, telegram).drain()
    assert [c[0] for c in telegram.calls] == [-5, -1009]


async def test_an_edit_goes_to_the_message_it_edits_and_only_the_newest_text_is_sent(store):
    telegram = Telegram()
    await queue(store, text_message(-5, "任务 0/3", ref="task:1"))
    await queue(store, edit_text(-5, "task:1", "任务 1/3"))
    await queue(store, edit_text(-5, "task:1", "任务 2/3"))
    await Sender(store, telegram).drain()
    assert [(c[1], c[2]["text"], c[3]) for c in telegram.calls] == [
        ("sendMessage", "任务 0/3", None),
        ("editMessageText", "任务 2/3", 101),
    ]


async def test_a_ref_is_queued_once(store):
    await queue(store, text_message(5, "提醒", ref="remind:1"))
    await queue(store, text_message(5, "提醒", ref="remind:1"))
    telegram = Telegram()
    await Sender(store, telegram).drain()
    assert len(telegram.calls) == 1


async def test_a_group_gets_at_most_20_messages_a_minute_and_others_are_not_held_up(store):
    ticks = [0.0]
    limits = RateLimits(clock=lambda: ticks[0])
    await queue(store, *[text_message(-100, f"第{i}条") for i in range(25)], text_message(9, "私聊"))
    telegram = Telegram()
    sender = Sender(store, telegram, limits)
    await sender.drain()
    assert sum(1 for c in telegram.calls if c[0] == -100) == 20
    assert any(c[0] == 9 for c in telegram.calls)
    ticks[0] = 61.0
    store.clock.advance(61)
    await sender.drain()
    texts = [c[2]["text"] for c in telegram.calls if c[0] == -100]
    assert texts == [f"第{i}条" for i in range(25)]  # order kept


async def test_old_update_ids_are_forgotten_but_recent_ones_kept(store):
    async with store.tx(update_id=1):
        pass
    store.clock.advance(8 * 24 * 3600)
    async with store.tx(update_id=2):
        pass
    assert await store.prune() == 1
    assert not await store.seen_update(1) and await store.seen_update(2)


async def test_flood_control_on_a_chat_holds_all_of_that_chat_but_not_the_others(store):
    telegram = Telegram(RetryLater("Too Many Requests: retry after 7", 7))
    await queue(store, *[text_message(-100, f"第{i}条") for i in range(3)], text_message(9, "私聊"))
    sender = Sender(store, telegram)
    await sender.drain()
    assert [c[0] for c in telegram.calls] == [-100, 9]  # the group's next messages wait too
    store.clock.advance(6)
    await sender.drain()
    assert len(telegram.calls) == 2
    store.clock.advance(1)
    await sender.drain()
    assert [c[2]["text"] for c in telegram.calls if c[0] == -100] == ["第0条", "第0条", "第1条", "第2条"]


async def test_flood_control_heard_by_two_chats_at_once_holds_the_whole_bot(store):
    telegram = Telegram(RetryLater("Too Many Requests: retry after 5", 5),
                        RetryLater("Too Many Requests: retry after 5", 5))
    await queue(store, text_message(-100, "一群"), text_message(-200, "二群"), text_message(9, "私聊"))
    sender = Sender(store, telegram)
    await sender.drain()
    assert [c[0] for c in telegram.calls] == [-100, -200]
    store.clock.advance(5)
    await sender.drain()
    assert sorted(c[0] for c in telegram.calls[2:]) == [-200, -100, 9]


async def test_an_outage_holds_the_queue_and_is_logged_once_with_its_end(store, caplog):
    telegram = Telegram(*[RetryLater("Bad Gateway")] * 3)
    await queue(store, *[text_message(chat, "您好") for chat in (1, 2, 3, 4)])
    ticks = [0.0]
    sender = Sender(store, telegram, RateLimits(clock=lambda: ticks[0]))
    caplog.set_level("DEBUG", logger="bot.delivery.outbox")
    for seconds in (0, 1, 2, 4):
        store.clock.advance(seconds)
        ticks[0] += seconds
        await sender.drain()
    # One try per round while Telegram is down, not one per waiting chat; then everything.
    assert [c[0] for c in telegram.calls] == [1, 1, 1, 1, 2, 3, 4]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 2
    assert warnings[0].startswith("Telegram is not answering") and warnings[1].startswith("Telegram answers sends again")


async def test_an_urgent_card_goes_out_before_a_busy_groups_backlog(store):
    ticks = [0.0]
    await queue(store, *[text_message(-100, f"已记录 #{i}") for i in range(150)])
    async with store.tx() as tx:
        await tx.outbox.enqueue(text_message(7, "🚨紧急 #151 闻到煤气味"), urgent=True)
    telegram = Telegram()
    await Sender(store, telegram, RateLimits(clock=lambda: ticks[0])).drain()
    assert telegram.calls[0][2]["text"] == "🚨紧急 #151 闻到煤气味"
    assert sum(1 for c in telegram.calls if c[0] == -100) == 20  # the group at its own pace


async def test_a_private_answer_is_not_hidden_behind_more_than_100_queued_group_rows(store):
    ticks = [0.0]
    await queue(store, *[text_message(-100, f"第{i}条") for i in range(150)], text_message(9, "私聊"))
    telegram = Telegram()
    await Sender(store, telegram, RateLimits(clock=lambda: ticks[0])).drain()
    assert any(c[0] == 9 for c in telegram.calls)  # no window of "the oldest 100" to fill


class FarTelegram(Telegram):
    """Answers after a round trip, counting how many calls are under way at once."""

    def __init__(self, round_trip: float) -> None:
        super().__init__()
        self.round_trip = round_trip
        self.in_flight = self.most = 0

    async def __call__(self, row, message_id):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(self.round_trip)
        self.in_flight -= 1
        return await super().__call__(row, message_id)


async def test_far_from_telegram_calls_to_different_chats_overlap_and_each_chat_keeps_its_order(store):
    await queue(store, *[text_message(-chat, f"{chat}:{i}") for i in range(3) for chat in range(1, 31)])
    telegram = FarTelegram(0.1)
    sender = Sender(store, telegram)
    assert await sender.drain() == 90
    assert telegram.most > 1  # the round trip is measured and calls overlap
    assert sender.in_flight_limit() <= 5  # 30 a second × 0.1 s, with room: no more than needed
    for chat in range(1, 31):
        assert [c[2]["text"] for c in telegram.calls if c[0] == -chat] == [f"{chat}:{i}" for i in range(3)]


async def test_an_edit_waits_for_its_message_even_with_calls_in_flight(store):
    await queue(store, *[text_message(-chat, "通知") for chat in range(1, 10)],
                text_message(-50, "任务 0/3", ref="task:1"))
    await queue(store, edit_text(-50, "task:1", "任务 1/3"))
    telegram = FarTelegram(0.05)
    await Sender(store, telegram).drain()
    mine = [(c[1], c[3]) for c in telegram.calls if c[0] == -50]
    assert mine[0][0] == "sendMessage" and mine[1] == ("editMessageText", mine[1][1]) and mine[1][1] is not None
def test_a_chats_window_is_a_little_longer_than_telegrams():
    # We count a message when we start sending it, Telegram when it arrives: without a margin the
    # 21st message to a group, sent the instant our minute is up, can arrive inside Telegram's.
    ticks = [0.0]
    limits = RateLimits(clock=lambda: ticks[0])
    for _ in range(20):
        limits.record(-100)
    for _ in range(3):
        limits.record(9)
    ticks[0] = 60.0
    assert limits.chat_wait(-100) > 0
    ticks[0] = 60.5
    assert limits.chat_wait(-100) == 0
    ticks[0] = 3.0
    assert limits.chat_wait(9) > 0
