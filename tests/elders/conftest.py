"""The example community with the example elders registry imported, at a fixed moment."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.elders.registry import apply_elders, resolve
from bot.elders.sheet import read_elders
from bot.playground import MovableClock, Playground

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
EXAMPLE = DEPLOY / "elders.example.csv"
# Wednesday 18 November 2026, 10:00 in Shanghai.
START = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)


async def import_elders(pg: Playground, path: Path = EXAMPLE) -> None:
    sheet, errors = read_elders(path)
    assert errors == []
    async with pg.services.store.tx() as tx:
        records, problems = await resolve(tx, sheet)
        assert problems == []
        await apply_elders(tx, records, pg.services.elders.rules, pg.services.config.zone)


@pytest.fixture
async def pg(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(START)) as playground:
        await import_elders(playground)
        yield playground


async def elder(pg: Playground, name: str):
    async with pg.services.store.read() as r:
        found = await r.elders.by_name(None, name)
    assert len(found) == 1, found
    return found[0]


async def visits(pg: Playground, name: str):
    found = await elder(pg, name)
    async with pg.services.store.read() as r:
        cur = await r.db.execute("SELECT id FROM elder_visits WHERE elder_id = ? ORDER BY id", (found.id,))
        return [await r.elders.visit(row["id"]) for row in await cur.fetchall()]


async def later(pg: Playground, **delta) -> None:
    pg.clock.advance(**delta)
    await pg.services.jobs.run_due()
    await pg.settle()
