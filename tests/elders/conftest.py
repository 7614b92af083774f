"""The example community with the example elders registry imported, at a fixed moment."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.elders.registry import apply_elders, resolve
from bot.elders.sheet import read_elders
from sandbox.playground import MovableClock, Playground

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


async def import_with(pg: Playground, tmp_path: Path, *lines: str) -> None:
    """The example registry plus some rows (CSV lines in its column order)."""
    sheet = tmp_path / "老人.csv"
    sheet.write_text(EXAMPLE.read_text(encoding="utf-8-sig").rstrip("\n") + "\n" + "\n".join(lines) + "\n",
                     encoding="utf-8")
    (tmp_path / "elder-photos").mkdir(exist_ok=True)
    (tmp_path / "elder-photos" / "wang-xiulan.jpg").write_bytes(
        (DEPLOY / "elder-photos" / "wang-xiulan.jpg").read_bytes())
    await import_elders(pg, sheet)


async def deep_links(pg: Playground, family: bool = False) -> dict[str, str]:
    from bot.elders.cli import code_links

    return {name: link for _, name, link in await code_links(pg.services.store, "sanzhang_bot", family)}


async def link_family(pg: Playground, elder_name: str, who: str) -> None:
    """`who` (a newcomer) opens the family link the community gave them."""
    user = pg.newcomer(who)
    pg.fake.open_link(user, (await deep_links(pg, family=True))[elder_name])
    await pg.settle()
    assert "已绑定为" in pg.inbox(who)[-1].text


def texts_in(pg: Playground, chat) -> list[str]:
    return [(m.text or m.caption or "") for m in pg.fake.sent(chat)]


def ticket_cards(pg: Playground, name: str) -> list:
    return [m for m in pg.inbox(name) if m.text and "报告人" in m.text]
