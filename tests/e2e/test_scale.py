"""At a street office's size every answer still fits Telegram, lists page, and an export stops nobody.

Each test builds, through the storage layer's bulk loader, just enough data to have overflowed a
message before (250 open tickets, 160 unit heads, 50 grids), then talks to the bot through the fake.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sandbox.playground import MovableClock, Playground, buttons
from bot.paging import EXPIRED, NO_SUCH_PAGE, NOT_YOURS
from storage.timefmt import to_db

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)  # Wednesday 18 November 2026, 10:00 in Shanghai
TELEGRAM_LIMIT = 4096


@pytest.fixture
async def pg(tmp_path):
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(NOW)) as playground:
        yield playground


async def open_tickets(pg, assignee: str, count: int, reporter: str = "李红") -> list[int]:
    """`count` open tickets for `assignee`, reported by `reporter` over the last days."""
    owner = pg.members[assignee].person_id
    who = pg.members[reporter]
    async with pg.services.store.tx() as tx:
        cur = await tx.db.execute("SELECT COALESCE(MAX(id), 0) FROM tickets")
        first = (await cur.fetchone())[0] + 1
        grid = (await tx.places.grids())[0]
        rows = []
        for i in range(count):
            at = to_db(NOW - timedelta(hours=count - i))
            rows.append((first + i, grid.community_id, grid.id, "1", "3", "201", "water", int(i % 50 == 0),
                         f"3单元201家的厨房管道漏水了 ({i})", "open", who.user.id, who.person_id, reporter,
                         pg.group().id, 10_000 + i, owner, at, at, None, None, None))
        await tx.bulk.insert("tickets", rows)
    return [first + i for i in range(count)]


def fits(message) -> None:
    assert message.text and len(message.text) <= TELEGRAM_LIMIT, len(message.text or "")


async def test_a_list_cut_at_a_thousand_says_how_many_there_really_are(pg):
    await open_tickets(pg, "祝兰红", 1234)
    page = (await pg.say("祝兰红", "/mine"))[-1]
    fits(page)
    assert "(共 1234 条, 这里列出前 1000 条, 第 1/100 页)" in page.text
    state = int(buttons(page)[0][1].split(":")[1])
    pg.fake.forge_press(pg.user("祝兰红"), page, f"pg:{state}:99")
    await pg.settle()
    last = pg.fake.message(page.chat_id, page.message_id)
    fits(last)
    assert "(共 1234 条, 这里列出前 1000 条, 第 100/100 页)" in last.text
    assert "其余 234 条没有列出" in last.text and "/export" in last.text
    # The reporter's own list says the same of hers.
    mine = (await pg.say("李红", "/my"))[-1]
    fits(mine)
    assert "(共 1234 条, 这里列出前 1000 条, 第 1/100 页)" in mine.text


async def test_a_grid_worker_with_250_open_tickets_pages_through_them(pg):
    ids = await open_tickets(pg, "祝兰红", 250)
    replies = await pg.say("祝兰红", "/mine")
    page = replies[-1]
    fits(page)
    assert page.text.startswith("<b>") is False and "待您处理" in page.text
    assert "(共 250 条, 第 1/25 页)" in page.text
    assert page.text.count("#") == 10
    assert "🚨紧急" in page.text.splitlines()[1]  # urgent ones first
    assert [label for label, _ in buttons(page)] == ["下一页 ➡️"]
    assert all(len(data.encode()) <= 64 for _, data in buttons(page))

    assert await pg.press("祝兰红", page, "下一页") == "第 2/25 页"
    page = pg.fake.message(page.chat_id, page.message_id)  # the same message, edited in place
    fits(page)
    assert "第 2/25 页" in page.text
    assert [label for label, _ in buttons(page)] == ["⬅️ 上一页", "下一页 ➡️"]
    assert await pg.press("祝兰红", page, "上一页") == "第 1/25 页"

    # Every ticket is on exactly one page.
    shown = set()
    state = int(buttons(pg.fake.message(page.chat_id, page.message_id))[0][1].split(":")[1])
    for n in range(25):
        answer = pg.fake.forge_press(pg.user("祝兰红"), pg.fake.message(page.chat_id, page.message_id),
                                     f"pg:{state}:{n}")
        await pg.settle()
        text = pg.fake.message(page.chat_id, page.message_id).text
        fits(pg.fake.message(page.chat_id, page.message_id))
        shown |= {int(w[1:]) for w in text.split() if w.startswith("#") and w[1:].isdigit()}
        assert answer
    assert shown == set(ids)


async def test_a_page_press_from_elsewhere_or_too_late_gets_a_polite_word(pg):
    await open_tickets(pg, "祝兰红", 30)
    page = (await pg.say("祝兰红", "/mine"))[-1]
    state = int(buttons(page)[0][1].split(":")[1])
    me = pg.user("祝兰红")
    for data, expected in ((f"pg:{state}:99", NO_SUCH_PAGE), (f"pg:{state}:-1", EXPIRED),
                           ("pg:99999999:1", EXPIRED), (f"pg:{state}:1:x", EXPIRED),
                           (f"pg:{state}:{'9' * 30}", EXPIRED)):
        callback = pg.fake.forge_press(me, page, data)
        await pg.settle()
        assert next(c for c in pg.fake.callbacks if c.id == callback.id).answer["text"] == expected
    other = await pg.press_from_elsewhere("孙立新", page, "下一页")
    assert other["text"] == NOT_YOURS and other["show_alert"]
    # A week on, the list is forgotten: its buttons say so instead of failing.
    pg.clock.advance(days=8)
    await pg.services.store.prune()
    assert await pg.press("祝兰红", page, "下一页") == EXPIRED
    assert "第 1/3 页" in pg.fake.message(page.chat_id, page.message_id).text  # left as it was


async def test_a_resident_with_many_requests_pages_through_my(pg):
    await pg.say("李红", "/start")
    await open_tickets(pg, "祝兰红", 120, reporter="李红")
    page = (await pg.say("李红", "/my"))[-1]
    fits(page)
    assert "您的诉求" in page.text and "第 1/12 页" in page.text
    assert "祝兰红" in page.text  # a reporter sees who has it


async def add_unit_heads(pg, count: int, grid: str = "第一网格") -> None:
    """`count` more unit heads in `grid`'s first building, and a task for all of them, half done."""
    async with pg.services.store.tx() as tx:
        g = next(x for x in await tx.places.grids() if x.name == grid)
        building = (await tx.places.buildings_of_grid(g.id))[0]
        cur = await tx.db.execute("SELECT COALESCE(MAX(id), 0) FROM people")
        base = (await cur.fetchone())[0]
        people = [(base + i + 1, g.community_id, f"单元长{i:03d}号", None, None, to_db(NOW), None) for i in range(count)]
        await tx.bulk.insert("people", people)
        units = []
        for i in range(count):
            units.append(await tx.places.unit_id(building.id, str(100 + i), create=True))
        await tx.bulk.insert("person_roles", [(p[0], "unit_head", g.community_id, g.id, building.id, u, None)
                                              for p, u in zip(people, units)])
        await tx.bulk.insert("tasks", [(900, g.community_id, g.id, pg.group(grid).id, "收齐问卷", "请各单元长收齐问卷",
                                        "unit", to_db(NOW + timedelta(days=1)), None, "祝兰红", "open",
                                        to_db(NOW - timedelta(hours=1)), None)])
        await tx.bulk.insert("task_targets", [
            (900, building.name, str(100 + i), p[0], p[2], to_db(NOW) if i % 2 else None, None, None, None)
            for i, p in enumerate(people)])


async def test_stats_of_a_grid_of_160_unit_heads_names_the_first_ten(pg):
    await add_unit_heads(pg, 160)
    replies = await pg.say("祝兰红", "/stats", where=pg.group())
    fits(replies[-1])
    lines = replies[-1].text.splitlines()
    top = next(line for line in lines if line.startswith("各人完成率前10名"))
    assert "(共 160 人)" in top and top.count("/1") == 10
    assert any(line.startswith("完成最少的10人") for line in lines)
    assert lines[-1] == "完整名单请用 /export 导出台账。"


async def test_stats_of_a_community_of_50_grids_reads_well_on_a_phone(pg):
    async with pg.services.store.tx() as tx:
        community = (await tx.places.grids())[0].community_id
        cur = await tx.db.execute("SELECT MAX(id) FROM grids")
        top = (await cur.fetchone())[0]
        await tx.bulk.insert("grids", [(top + i + 1, community, f"第{i + 3}网格") for i in range(48)])
    await add_unit_heads(pg, 160)
    await open_tickets(pg, "祝兰红", 300)
    replies = await pg.say("赵淑芬", "/stats")
    fits(replies[-1])
    text = replies[-1].text
    assert text.startswith("📊 <b>长山花园社区 统计</b>") is False and "长山花园社区 统计" in text
    assert "诉求最多的网格: 第一网格 300" in text
    assert len(text.splitlines()) < 30


async def test_another_user_is_answered_while_a_community_export_is_written(pg):
    await open_tickets(pg, "祝兰红", 2000)
    await pg.say("赵淑芬", "/start")
    mark = pg.mark()
    pg.fake.send_text(pg.user("赵淑芬"), pg.private("赵淑芬"), "/export 本月")
    pg.fake.send_text(pg.user("李红"), pg.private("李红"), "/whoami")
    whoami = await pg.fake.wait_for(lambda: any("李红" in (m.text or "") for m in pg.inbox("李红")), timeout=30)
    assert whoami
    # The answer came while the export was still on its way: its job not done, no workbook sent.
    async with pg.services.store.read() as r:
        cur = await r.db.execute("SELECT done_at FROM jobs WHERE kind = 'export'")
        assert [row[0] for row in await cur.fetchall()] == [None]
    assert not any(m == "sendDocument" for m, _ in pg.since(mark))
    await pg.services.jobs.idle()
    await pg.settle()
    sent = [(m, p.get("chat_id")) for m, p in pg.since(mark)]
    assert sent.index(("sendDocument", pg.user("赵淑芬").id)) > sent.index(("sendMessage", pg.user("李红").id))
    document = pg.inbox("赵淑芬")[-1]
    assert document.caption.startswith("长山花园社区 台账 · 2026年11月\n诉求 418 件")  # those since 1 November
    # Telegram has the file: the copy on disk is gone.
    assert not list(pg.services.tally.outgoing.glob("*.xlsx"))


async def test_the_admins_contact_list_of_50_grids_goes_a_grid_a_page(pg):
    async with pg.services.store.tx() as tx:
        community = (await tx.places.grids())[0].community_id
        cur = await tx.db.execute("SELECT MAX(id) FROM grids")
        top = (await cur.fetchone())[0]
        cur = await tx.db.execute("SELECT MAX(id) FROM buildings")
        building = (await cur.fetchone())[0]
        await tx.bulk.insert("grids", [(top + i + 1, community, f"第{i + 3}网格") for i in range(48)])
        await tx.bulk.insert("buildings", [(building + 1 + i * 40 + b, community, top + i + 1, str(100 + i * 40 + b))
                                           for i in range(48) for b in range(40)])
    page = (await pg.say("赵淑芬", "/contacts"))[-1]
    fits(page)
    assert "(共 50 个网格, 第 1/50 页)" in page.text and "第一网格 · 一线工作清单" in page.text
    assert await pg.press("赵淑芬", page, "下一页") == "第 2/50 页"
    assert "第二网格 · 一线工作清单" in pg.fake.message(page.chat_id, page.message_id).text
