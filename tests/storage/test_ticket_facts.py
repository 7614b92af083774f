"""ticket_facts (what /stats counts) stays true to the tickets and their history through every change,
and the tally SQLite counts from it is the tally Python counts row by row."""
from __future__ import annotations

import importlib.util
import random
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.tasks.stats import STATUS_ORDER, numbers_from_tally, rating_values, sla_limits, tally_facts
from bot.tickets.sla import Limits, SlaPolicy
from storage import Store

# The benchmarks' generator makes a street office of any size; here a small one.
_spec = importlib.util.spec_from_file_location("bench_scale_generator", Path(__file__).parents[1] / "bench" / "scale.py")
scale = sys.modules.setdefault("bench_scale_generator", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(scale)

# What the tally read from the tickets themselves before ticket_facts: the reference.
REFERENCE = (
    "SELECT t.category, t.status, t.urgent, (julianday(t.created_at) - 2440587.5) * 86400.0,"
    " (julianday(CASE WHEN t.assign_seq = 1 THEN t.accepted_at ELSE COALESCE((SELECT MIN(ev.at)"
    "   FROM ticket_events ev WHERE ev.ticket_id = t.id AND ev.kind = 'accepted'), t.accepted_at) END)"
    "   - 2440587.5) * 86400.0,"
    " (julianday(t.resolved_at) - 2440587.5) * 86400.0,"
    " EXISTS (SELECT 1 FROM ticket_events ev WHERE ev.ticket_id = t.id AND ev.kind = 'escalated'),"
    " t.rating, t.grid_id, t.id FROM tickets t ORDER BY t.id")
FACTS = ("SELECT category, status, urgent, created_s, accepted_s, resolved_s, escalated, rating, grid_id, ticket_id"
         " FROM ticket_facts ORDER BY ticket_id")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    import asyncio

    path = tmp_path_factory.mktemp("facts") / "facts.sqlite3"
    asyncio.run(scale.generate(path, households=400, tickets=3000, grids=3, days=60))
    return path


async def rows(store: Store, sql: str) -> list[tuple]:
    async with store.read() as r:
        cur = await r.db.execute(sql)
        return [tuple(x) for x in await cur.fetchall()]


def close(a: list[tuple], b: list[tuple]) -> bool:
    """Rows equal, times to the microsecond (both computed by the same expression, in SQLite)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        for u, v in zip(x, y):
            if isinstance(u, float) and isinstance(v, float):
                if abs(u - v) > 1e-3:
                    return False
            elif u != v:
                return False
    return True


async def test_facts_follow_every_change_to_a_ticket_and_its_history(generated, tmp_path):
    path = tmp_path / "copy.sqlite3"
    path.write_bytes(generated.read_bytes())
    now = scale.END
    store = await Store.open(path, clock=lambda: now)
    try:
        assert close(await rows(store, FACTS), await rows(store, REFERENCE))
        rng = random.Random(3)
        ids = [r[-1] for r in await rows(store, FACTS)]
        for step in range(200):
            now = scale.END + timedelta(minutes=7 * step)
            tid = rng.choice(ids)
            async with store.tx() as tx:
                what = rng.choice(("accept", "resolve", "assign", "escalate", "rate", "close", "place"))
                status = (await (await tx.db.execute("SELECT status FROM tickets WHERE id = ?", (tid,))).fetchone())[0]
                if what == "accept" and status == "open":  # as the desk does: only a waiting ticket
                    await tx.tickets.set_status(tid, "accepted")
                    await tx.tickets.log(tid, "accepted", 1, "甲")
                elif what == "resolve":
                    await tx.tickets.set_status(tid, "resolved")
                    await tx.tickets.log(tid, "resolved", 1, "甲")
                elif what == "assign":  # handed on: the first acceptance stays in the history
                    await tx.tickets.assign(tid, None)
                    await tx.tickets.log(tid, "assigned", None, None, "转给别人")
                elif what == "escalate":
                    await tx.tickets.log(tid, "escalated", None, None, "超时上报社区")
                elif what == "rate":
                    await tx.tickets.rate(tid, rng.choice(("满意", "不满意")))
                elif what == "close":
                    await tx.tickets.set_status(tid, "closed")
                else:
                    await tx.tickets.set_place(tid, rng.randint(1, 3), "2", "1", "301")
        assert close(await rows(store, FACTS), await rows(store, REFERENCE))
        async with store.tx() as tx:
            await tx.db.execute("DELETE FROM ticket_media WHERE ticket_id = ?", (ids[0],))
            await tx.db.execute("DELETE FROM ticket_watchers WHERE ticket_id = ?", (ids[0],))
            await tx.db.execute("DELETE FROM ticket_events WHERE ticket_id = ?", (ids[0],))
            await tx.db.execute("DELETE FROM tickets WHERE id = ?", (ids[0],))
        assert close(await rows(store, FACTS), await rows(store, REFERENCE))
    finally:
        await store.close()


async def test_the_tally_sqlite_counts_is_the_tally_python_counts(generated):
    store = await Store.open(generated, clock=lambda: scale.END)
    sla = SlaPolicy(accept=timedelta(hours=1), resolve=timedelta(hours=20), urgent_accept=timedelta(minutes=10),
                    per_category={"water": Limits(timedelta(minutes=20), timedelta(hours=30))})
    try:
        windows = [(scale.END - timedelta(days=d), scale.END - timedelta(days=e)) for d, e in
                   ((7, 0), (30, 0), (60, 20), (2, 1))]
        for community, grid in ((1, None), (1, 2)):
            for start, end in windows:
                for policy in (SlaPolicy(), sla):
                    async with store.read() as r:
                        facts = await r.stats.ticket_facts(community, grid, start, end)
                        tally = await r.stats.ticket_tally(community, grid, start, end, end, sla_limits(policy),
                                                           STATUS_ORDER, rating_values(), by_grid=True)
                    assert facts, (grid, start)
                    expected = tally_facts(facts, end, policy)
                    got = numbers_from_tally(tally)
                    assert got == expected, (grid, start, end)
                    grids: dict[int, int] = {}
                    for f in facts:
                        grids[f[8]] = grids.get(f[8], 0) + 1
                    assert dict(tally.by_grid) == grids
    finally:
        await store.close()
