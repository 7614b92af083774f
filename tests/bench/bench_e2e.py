"""End-to-end figures through the Bot API fake: reading chatter, answering reports, draining the outbox.

Run: .venv/bin/python tests/bench/bench_e2e.py   (or tests/bench/run)
"""
from __future__ import annotations

import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.model.messages import text_message  # noqa: E402
from sandbox.playground import Playground  # noqa: E402

CHATTER = ["大家早上好", "今天降温了, 大家注意保暖", "哈哈哈 👍", "收到", "谢谢祝姐, 辛苦了"]
REPORTS = ["{}栋{}单元楼道灯不亮了", "{}栋{}单元门口的井盖松了", "{}栋{}单元下水道堵了, 味道很大"]


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with Playground(Path(tmp) / "bench.sqlite3") as pg:
            group = pg.group()
            li = pg.user("李红")

            n = 300
            start = time.perf_counter()
            for i in range(n):
                pg.fake.send_text(li, group, CHATTER[i % len(CHATTER)])
            await pg.settle()
            chatter_rate = n / (time.perf_counter() - start)

            # A group may get 20 messages a minute: 15 reports stay within it.
            latencies = []
            for i in range(15):
                before = len(pg.fake.sent(group))
                t0 = time.perf_counter()
                pg.fake.send_text(li, group, REPORTS[i % 3].format(1 + i % 2, 1 + i % 3) + f" 第{i}次")
                await pg.fake.wait_for(lambda: len(pg.fake.sent(group)) > before, timeout=10)
                latencies.append((time.perf_counter() - t0) * 1000)
            await pg.settle()

            # Bulk notices to 300 people: the sender keeps to about 30 messages a second.
            users = [pg.fake.add_user(f"居民{i}") for i in range(300)]
            async with pg.services.store.tx() as tx:
                for u in users:
                    u.started = True
                    await tx.groups.saw_private(u.id)
                    await tx.outbox.enqueue(text_message(u.id, "停水通知: 明天 9:00–12:00 检修管道。"))
            t0 = time.perf_counter()
            await pg.fake.wait_for(lambda: sum(1 for u in users if pg.fake.sent(pg.fake.private(u))) == len(users),
                                   timeout=60)
            drain_rate = len(users) / (time.perf_counter() - t0)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    latencies.sort()
    print(f"chit-chat read and ignored:   {chatter_rate:.0f} messages/s ({n} messages)")
    print(f"report → group reply latency: p50 {statistics.median(latencies):.0f} ms, max {latencies[-1]:.0f} ms"
          " (15 reports)")
    print(f"outbox drain to 300 chats:    {drain_rate:.1f} messages/s (Telegram's limit: 30/s)")
    print(f"peak memory (bot + fake, one process): {rss:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
