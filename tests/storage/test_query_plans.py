"""The queries that grow with the data stay on their indexes: EXPLAIN QUERY PLAN, read as SQLite says it.

A plan line "SCAN <table>" (without an index) over a table that grows with the years is a query that
gets slower every month; each test names the query the bot runs and the index that must serve it.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from storage import Store
from storage.stats import Stats
from storage.timefmt import to_db

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
async def store(tmp_path):
    s = await Store.open(tmp_path / "plans.sqlite3", clock=lambda: NOW)
    yield s
    await s.close()


async def plan(store: Store, sql: str, args: tuple = ()) -> str:
    async with store.read() as r:
        cur = await r.db.execute("EXPLAIN QUERY PLAN " + sql, args)
        return "\n".join(row[3] for row in await cur.fetchall())


def scans(text: str, table: str) -> bool:
    """Whether the plan reads every row of `table` (a SCAN that no index narrows)."""
    return re.search(rf"SCAN {table}\b(?! USING (COVERING )?INDEX)", text) is not None


class Spy:
    """Records the SQL a repository runs, to explain exactly that."""

    def __init__(self, db) -> None:
        self.db = db
        self.statements: list[tuple[str, tuple]] = []

    async def execute(self, sql, args=()):
        self.statements.append((sql, tuple(args)))
        return await self.db.execute(sql, args)

    async def executemany(self, sql, rows):
        return await self.db.executemany(sql, rows)


async def statements_of(store: Store, call) -> list[tuple[str, tuple]]:
    """The statements `call(tx)` runs, with the repositories bound to a spying connection."""
    from storage.db import Tx

    async with store.read() as r:
        spy = Spy(r.db)
        tx = Tx(spy, r.now)
        await call(tx)
    return spy.statements


async def plans_of(store: Store, call) -> list[str]:
    return [await plan(store, sql, args) for sql, args in await statements_of(store, call)]


async def test_stats_by_time_read_only_the_window_for_a_grid_or_the_community(store):
    start, end = NOW - timedelta(days=30), NOW
    for community, grid in ((1, 7), (1, None)):
        # What /stats counts comes from ticket_facts: a grid's window from its covering index, a
        # community's from a range of the table's key; no ticket and no history row is read.
        from bot.tasks.stats import STATUS_ORDER, rating_values, sla_limits

        tally = lambda tx: tx.stats.ticket_tally(community, grid, start, end, end, sla_limits(),  # noqa: E731
                                                 STATUS_ORDER, rating_values(), by_grid=True)
        for call in (lambda tx: tx.stats.ticket_facts(community, grid, start, end), tally):
            texts = await plans_of(store, call)
            assert texts, texts
            for text in texts:
                assert not scans(text, "f") and "tickets" not in text and "ticket_events" not in text, text
                if grid:
                    assert "COVERING INDEX ticket_facts_grid (grid_id=? AND created_s>? AND created_s<?)" in text, text
                else:
                    assert "PRIMARY KEY (community_id=? AND created_s>? AND created_s<?)" in text, text
        for text in await plans_of(store, lambda tx: tx.stats.responder_counts(community, grid, start, end)):
            assert not scans(text, "k") and not scans(text, "x"), text
            assert ("tasks_grid" if grid else "tasks_community_created") in text, text
        for name in ("tickets", "ticket_events", "tasks", "task_lines", "notices", "notice_acks"):
            sql, args = getattr(Stats(None), f"_{name}_sql")(community, grid, start, end)
            text = await plan(store, sql, args)
            for alias in ("t", "k", "n"):
                assert not scans(text, alias), (name, text)


async def test_the_ticket_of_a_replied_to_message_is_found_by_its_source_message(store):
    for text in await plans_of(store, lambda tx: tx.tickets.ticket_for_message(-100, 42)):
        assert not scans(text, "tickets") and not scans(text, "ticket_watchers"), text
        assert "tickets_source" in text and "ticket_watchers_message" in text, text


async def test_people_are_found_by_name_and_by_phone_in_any_community(store):
    for call, index in ((lambda tx: tx.people.by_name("李红"), "people_by_name"),
                        (lambda tx: tx.people.by_phone("13800000005"), "people_by_phone")):
        text = (await plans_of(store, call))[0]
        assert not scans(text, "people") and index in text, text


async def test_a_chats_queued_rows_and_the_senders_queue_use_the_pending_index(store):
    from bot.model.messages import edit_text

    async with store.tx() as tx:  # an edit looks for the edit still waiting in its chat
        spy = Spy(tx.db)
        from storage.outbox import Outbox

        await Outbox(spy, NOW).enqueue(edit_text(-100, "k1:card", "任务 1/3"))
    coalesce = await plan(store, *spy.statements[0])
    assert "outbox_queue" in coalesce and not scans(coalesce, "outbox"), coalesce
    waiting = (await plans_of(store, lambda tx: tx.outbox.waiting(skip={5})))[0]
    assert re.search("outbox_(queue|pending)", waiting) and not scans(waiting, "outbox"), waiting
    due = (await plans_of(store, lambda tx: tx.outbox.next_due_at()))[0]
    assert not scans(due, "outbox"), due
    reply = (await plans_of(store, lambda tx: tx.outbox.ref_of(-100, 42)))[0]
    assert "outbox_message" in reply, reply
    failed = (await plans_of(store, lambda tx: tx.outbox.failures()))[0]
    assert not scans(failed, "outbox"), failed  # only the failed rows, however many were sent


async def test_my_lists_and_the_hourly_sweep_use_their_indexes(store):
    mine = (await plans_of(store, lambda tx: tx.tickets.assigned_ids(3, 1000)))[0]
    assert "tickets_assignee" in mine, mine
    count = (await plans_of(store, lambda tx: tx.tickets.assigned_count(3)))[0]
    assert "COVERING INDEX tickets_assignee" in count, count  # the true length of a list cut at 1000
    texts = await plans_of(store, lambda tx: tx.tickets.reported_ids(7000, 1000))
    assert "tickets_reporter" in texts[0] and "ticket_watchers_person" in texts[0], texts[0]
    sweep = (await plans_of(store, lambda tx: tx.points.volunteer_help_on_resolved_tickets(NOW - timedelta(days=7))))[0]
    assert not scans(sweep, "t") and not scans(sweep, "pe") and "AUTOMATIC" not in sweep, sweep
    assert sweep.splitlines()[0].startswith("SEARCH pr"), sweep  # from the volunteers, not every ticket
    month = (await plans_of(store, lambda tx: tx.points.total(3, NOW - timedelta(days=30), NOW)))
    assert month and all("points_person" in p for p in month), month


async def test_a_tickets_jobs_are_cancelled_without_reading_every_job(store):
    async with store.tx() as tx:
        await tx.jobs.add("ticket_sla", NOW, {}, key="t23:accept:1:1")
        await tx.jobs.add("ticket_sla", NOW, {}, key="t230:accept:1:1")
        await tx.jobs.add("ticket_sla", NOW, {}, key="t2:accept:1:1")
    async with store.tx() as tx:
        assert await tx.jobs.cancel("t23:") == 1  # not t230, not t2
        assert await tx.jobs.cancel("t23:") == 0
    text = (await plans_of(store, lambda tx: tx.jobs.cancel("t23:")))[0]
    assert not scans(text, "jobs"), text
