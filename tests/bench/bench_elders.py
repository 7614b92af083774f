"""Elders at the scale of a large community: 700 elders and a year of daily visits.

Measures the registry import, the 探访 tallies and lists over a year of visits, matching a visit said
in words against every elder, and a visit said in the group through the fake, end to end.

Run: .venv/bin/python tests/bench/bench_elders.py   (or tests/bench/run)
"""
from __future__ import annotations

import asyncio
import csv
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.elders.registry import apply_elders, resolve  # noqa: E402
from bot.elders.sheet import read_elders  # noqa: E402
from bot.elders.words import find_mentions  # noqa: E402
from sandbox.playground import Playground  # noqa: E402
from storage.timefmt import to_db  # noqa: E402

ELDERS = 700
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "秀兰桂英玉珍淑芬德明国华福贵春生建军玉兰凤英素珍桂芝金花志强"
KEEPERS = ["李红", "王敏", "周秀英", "刘凤霞", "吴建华", "郑丽娟", "陈玉梅", "冯国庆", "何春燕", "张桂荣", "马晓东",
           "高淑兰", "林玉珍", "韩雪梅", "曹德胜", "罗小芳"]
BUILDINGS = [("1", 3), ("2", 2), ("3", 2), ("5", 3)]


def write_sheet(path: Path) -> None:
    rng = random.Random(7)
    names: set[str] = set()
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["姓名", "楼栋", "单元", "房号", "类别", "风险等级", "包保人", "家属电话", "健康备注"])
        for i in range(ELDERS):
            building, units = BUILDINGS[i % len(BUILDINGS)]
            name = ""
            while not name or name in names:
                name = rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])
            names.add(name)
            writer.writerow([name, f"{building}栋", f"{1 + i % units}单元", str(101 + i % 1800),
                             rng.choice(["独居", "空巢、高龄", "患病"]), rng.choice(["重点", "一般", "其他"]),
                             rng.choice(KEEPERS), f"139{i:08d}", "高血压"])


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sheet_path = Path(tmp) / "老人.csv"
        write_sheet(sheet_path)
        async with Playground(Path(tmp) / "bench.sqlite3") as pg:
            services = pg.services
            t0 = time.perf_counter()
            sheet, errors = read_elders(sheet_path)
            assert not errors, errors[:3]
            async with services.store.tx() as tx:
                records, problems = await resolve(tx, sheet)
                assert not problems, problems[:3]
                await apply_elders(tx, records, services.elders.rules, services.config.zone)
            import_seconds = time.perf_counter() - t0
            t0 = time.perf_counter()
            async with services.store.tx() as tx:
                changes = await apply_elders(tx, records, services.elders.rules, services.config.zone)
            again_seconds = time.perf_counter() - t0
            assert changes.nothing

            # A year of daily visits for everyone: 255,500 rows.
            async with services.store.tx() as tx:
                elders = await tx.elders.all_active()
                now = tx.now
                rows = []
                for day in range(365):
                    at = now - timedelta(days=365 - day)
                    for e in elders:
                        rows.append((e.id, e.community_id, e.grid_id, e.keeper_ids[0], "李红", to_db(at), "ok",
                                     "group", "去看了", to_db(at + timedelta(hours=20))))
                await tx.db.executemany(
                    "INSERT INTO elder_visits (elder_id, community_id, grid_id, person_id, visitor_name, at, outcome,"
                    " how, said, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            await services.store._db.execute("ANALYZE")

            timings: dict[str, list[float]] = {}

            async def measure(label: str, fn, times: int = 20) -> None:
                for _ in range(times):
                    t = time.perf_counter()
                    async with services.store.read() as r:
                        await fn(r)
                    timings.setdefault(label, []).append((time.perf_counter() - t) * 1000)

            grids = {g.name: g.id for g in await _grids(services)}
            month = now - timedelta(days=30)
            await measure("探访 tally, community, 30 days", lambda r: r.elders.visit_counts(1, None, month, now))
            await measure("探访 tally, one grid, 7 days",
                          lambda r: r.elders.visit_counts(1, grids["第一网格"], now - timedelta(days=7), now))
            await measure("/elders page for a grid worker",
                          lambda r: r.elders.in_scope(1, frozenset({grids["第一网格"]}), None, 15, 0))
            await measure("last visits of a page (15 elders)",
                          lambda r: r.elders.last_visits([e.id for e in elders[:15]]))
            await measure("a keeper's own elders", lambda r: r.elders.of_keeper(elders[0].keeper_ids[0]))
            await measure("探访记录 sheet rows, one grid, 30 days",
                          lambda r: r.elders.visit_rows(1, grids["第一网格"], month, now), times=3)

            t = time.perf_counter()
            n = 200
            for i in range(n):
                find_mentions(f"今天去看了{elders[i].name[:1]}奶奶, 挺好", elders)
            mention_ms = (time.perf_counter() - t) * 1000 / n

            # A visit said in the group, through the fake, until the bot's one-line answer arrives.
            group = pg.group()
            li = pg.user("李红")
            own = [e for e in elders if e.keeper_ids and e.keeper_ids[0] == pg.members["李红"].person_id]
            latencies = []
            for e in own[:15]:
                before = len(pg.fake.sent(group))
                t = time.perf_counter()
                pg.fake.send_text(li, group, f"今天去看了{e.name}, 身体还行")
                await pg.fake.wait_for(lambda: len(pg.fake.sent(group)) > before, timeout=10)
                latencies.append((time.perf_counter() - t) * 1000)
    print(f"import {ELDERS} elders (read, check against the roster, apply): {import_seconds:.2f} s; "
          f"the same file again: {again_seconds:.2f} s")
    for label, values in timings.items():
        print(f"{label:40s} p50 {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms")
    print(f"matching a visit in words against {ELDERS} elders: {mention_ms:.2f} ms")
    latencies.sort()
    print(f"visit said in the group to the bot's answer ({len(latencies)}): p50 {statistics.median(latencies):.0f} ms,"
          f" max {latencies[-1]:.0f} ms")


async def _grids(services):
    async with services.store.read() as r:
        return await r.places.grids()


if __name__ == "__main__":
    asyncio.run(main())
