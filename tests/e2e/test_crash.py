"""A bot process killed at any moment loses no report and answers none twice (a real process, SIGKILLed)."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from sandbox.playground import Playground
from sandbox import FakeTelegram
from storage import Store

ROOT = Path(__file__).resolve().parents[2]
UNIT_HEADS = ["李红", "王敏", "周秀英", "刘凤霞", "吴建华", "郑丽娟"]


class BotProcess:
    """`python -m bot run` against the fake, as an operator would start it."""

    def __init__(self, fake: FakeTelegram, db: Path, log: Path) -> None:
        self.env = dict(os.environ, BOT_TOKEN=fake.token, BOT_API_URL=fake.base_url, BOT_DB=str(db),
                        BOT_LOG_LEVEL="WARNING",
                        BOT_WEB_PORT="0")  # any free port: other runs on this machine may hold 8080
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=self.env,
                                         stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


async def until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def confirmed_past(fake: FakeTelegram, update_id: int) -> bool:
    """Telegram has been told the bot has this update (a later getUpdates asked beyond it)."""
    return any((c.params.get("offset") or 0) > update_id for c in fake.calls("getUpdates"))


async def handled(db: Path, update_ids: list[int]) -> int:
    store = await Store.open(db)
    try:
        async with store.read() as r:
            return sum([await r.updates.seen(u) for u in update_ids])
    finally:
        await store.close()


async def test_reports_survive_three_kills_while_they_keep_arriving(tmp_path):
    pg = Playground(tmp_path / "bot.sqlite3")
    pg.fake = FakeTelegram()
    await pg.fake.start()
    await pg._seed()
    group = pg.group()
    bot = BotProcess(pg.fake, pg.db, tmp_path / "bot.log")
    pushed: list[int] = []
    try:
        room = 100
        for round_ in range(4):
            bot.start()
            # A burst arrives while the bot is (re)starting; it is killed right after Telegram was
            # told it has them, while most are still waiting to be handled.
            burst = []
            for i in range(25):
                room += 1
                who = UNIT_HEADS[i % len(UNIT_HEADS)]
                record = pg.fake.send_text(pg.user(who), group, f"1栋{i % 3 + 1}单元{room}家厨房水管漏水了")
                burst.append(record)
            ids = [u for u, upd in pg.fake.world.updates.items()
                   if upd.get("message", {}).get("message_id") in {m.message_id for m in burst}]
            pushed += ids
            if round_ < 3:
                await until(lambda: confirmed_past(pg.fake, max(ids)), 30, "the burst to be confirmed")
                bot.kill()
        await until(lambda: not pg.fake.world.pending, 30, "the last burst to be fetched")
        deadline = time.monotonic() + 60
        while await handled(pg.db, pushed) < len(pushed) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert await handled(pg.db, pushed) == len(pushed), "some reports were lost"
        # Every report became its own ticket, once.
        store = await Store.open(pg.db)
        try:
            async with store.read() as r:
                tickets = [await r.tickets.get(n) for n in range(1, len(pushed) + 2)]
        finally:
            await store.close()
        assert sum(t is not None for t in tickets) == len(pushed)
        # The group's limit (20 a minute) paces the receipts; of those sent, a message may go out
        # twice only when the process died between Telegram's answer and the commit that records
        # it: at most once per kill.
        receipts = [re.search(r"已记录 #(\d+)", m.text).group(1) for m in pg.fake.sent(group)
                    if "已记录 #" in (m.text or "")]
        assert receipts and len(receipts) - len(set(receipts)) <= 3
    finally:
        bot.stop()
        await pg.fake.stop()
