"""The web desk over 10,000 requests: how fast the pages an office opens all day come back.

A playground (the example roster, the fake Telegram) gets a year of 10,000 tickets with their
history; an admin logs in through /desk and each page is fetched several times over HTTP.
Target (issue 14): the 诉求 list of 10,000 tickets opens in under 1 s.

Run: .venv/bin/python tests/bench/bench_desk.py [--tickets 10000]   (or tests/bench/run)
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx  # noqa: E402

from bot.nlu import CATEGORY_LABELS  # noqa: E402
from sandbox.playground import Playground  # noqa: E402
from bot.model.tickets import NewTicket  # noqa: E402
from tests.desk.client import desk_client  # noqa: E402

WORDS = ["漏水", "楼道灯不亮", "电梯坏了", "垃圾没人清", "噪音扰民", "暖气不热", "车位被占", "门禁坏了"]
ROUNDS = 7


async def fill(pg: Playground, count: int) -> None:
    rng = random.Random(14)
    async with pg.services.store.read() as r:
        grids = await r.places.grids()
        buildings = [(b.name, b.grid_id) for g in grids for b in [await r.places.building(g.community_id, n)
                     for n in ("1", "2", "3", "5")] if b and b.grid_id == g.id]
        people = [p for p in await r.people.all() if p.active]
    community = grids[0].community_id
    categories = list(CATEGORY_LABELS)
    start = pg.clock.now - timedelta(days=365)
    async with pg.services.store.tx() as tx:
        for i in range(count):
            building, grid = rng.choice(buildings)
            tx.now = start + timedelta(seconds=i * 365 * 86400 / count)
            tx.tickets._now = tx.now
            ticket_id = await tx.tickets.create(NewTicket(
                community_id=community, grid_id=grid, building=building, unit=str(rng.randint(1, 3)),
                room=str(rng.randint(1, 6) * 100 + rng.randint(1, 4)), category=rng.choice(categories),
                urgent=rng.random() < 0.03, text=f"{rng.choice(WORDS)}, 第{i}件, 请尽快处理",
                reporter_tg=None, reporter_person_id=None, reporter_name=rng.choice(people).name,
                source_chat_id=-1, source_message_id=None, assignee_person_id=rng.choice(people).id))
            await tx.tickets.log(ticket_id, "created", None, "居民", "…")
            roll = rng.random()
            if roll < 0.85:
                await tx.tickets.set_status(ticket_id, "accepted")
                await tx.tickets.log(ticket_id, "accepted", None, "网格员")
            if roll < 0.75:
                await tx.tickets.set_status(ticket_id, "resolved")
                await tx.tickets.log(ticket_id, "resolved", None, "网格员")
                if rng.random() < 0.5:
                    await tx.tickets.rate(ticket_id, rng.choice(["满意", "基本满意", "不满意"]))


async def timed(client: httpx.AsyncClient, path: str) -> tuple[float, float, int]:
    spans = []
    size = 0
    for _ in range(ROUNDS):
        began = time.perf_counter()
        answer = await client.get(path)
        spans.append(time.perf_counter() - began)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        size = len(answer.content)
    return statistics.median(spans), max(spans), size


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with Playground(Path(tmp) / "desk.sqlite3") as pg:
            began = time.perf_counter()
            await fill(pg, count)
            print(f"{count} tickets with history written in {time.perf_counter() - began:.1f} s")
            async with desk_client(pg, "赵淑芬") as admin:
                pages = [
                    ("诉求 list, first page (all)", "/desk/tickets"),
                    ("诉求 list, 未办结 + 类别 + 楼栋", "/desk/tickets?status=active&category=water&building=1"),
                    ("诉求 list, words 「电梯」", "/desk/tickets?q=%E7%94%B5%E6%A2%AF"),
                    ("诉求 list, 超时 only", "/desk/tickets?overdue=1"),
                    ("诉求 list, last page, oldest first", f"/desk/tickets?sort=old&page={-(-count // 50)}"),
                    ("one 诉求", "/desk/tickets/5000"),
                    ("统计 (12 months)", "/desk/stats"),
                    (f"download all {count} (XLSX)", "/desk/tickets.xlsx"),
                ]
                print(f"{'page':40} {'median':>8} {'max':>8} {'bytes':>10}")
                for label, path in pages:
                    median, worst, size = await timed(admin, path)
                    print(f"{label:40} {median * 1000:7.0f}ms {worst * 1000:7.0f}ms {size:>10,}")
            async with desk_client(pg, "祝兰红") as worker:
                median, worst, size = await timed(worker, "/desk/tickets")
                print(f"{'诉求 list as a grid worker':40} {median * 1000:7.0f}ms {worst * 1000:7.0f}ms {size:>10,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    args, _ = parser.parse_known_args()
    asyncio.run(main(args.tickets))
