"""The web desk through its HTTP face: login from /desk, scope by URL, each filter, CSRF, the
download, and an action on the web reaching people in Telegram as a button press would."""
from __future__ import annotations

import io
import re
from dataclasses import fields
from datetime import timedelta

import httpx
import openpyxl

from sandbox.playground import Playground
from bot.model.tickets import NewTicket
from tests.desk.client import csrf_of, desk_client, login_link

IDS = re.compile(r'href="/desk/tickets/(\d+)">#')
LEAK = "3单元201家的厨房管道老化漏水了"


def ids_on(html: str) -> list[int]:
    return [int(i) for i in IDS.findall(html)]


async def report(pg: Playground, name: str, text: str, grid: str = "第一网格") -> int:
    await pg.say(name, text, where=pg.group(grid))
    async with pg.services.store.read() as r:
        return (await r.db.execute_fetchall("SELECT MAX(id) FROM tickets"))[0][0]


# -- logging in ------------------------------------------------------------------------------

async def test_desk_link_logs_in_once_with_a_safe_twelve_hour_cookie(pg):
    link = await login_link(pg, "祝兰红")
    assert "10 分钟" in pg.last("祝兰红").text
    async with httpx.AsyncClient(base_url=pg.web_url) as client:
        page = await client.get(link)  # opening the link (or a link preview) spends nothing
        assert page.status_code == 200 and "进入工作台" in page.text
        answer = await client.post(link)
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=43200" in cookie
        assert "Secure" not in cookie  # plain http on this machine; https gets Secure
        assert (await client.get("/desk/tickets")).status_code == 200
    async with httpx.AsyncClient(base_url=pg.web_url) as other:
        again = await other.post(link)  # single use: a forwarded link is worth nothing
        assert again.status_code == 403 and "已经用过" in again.text
        assert (await other.get("/desk/tickets")).status_code == 401


async def test_a_link_older_than_ten_minutes_does_not_log_in(pg):
    link = await login_link(pg, "赵淑芬")
    pg.clock.advance(minutes=11)
    async with httpx.AsyncClient(base_url=pg.web_url) as client:
        assert (await client.post(link)).status_code == 403


async def test_a_session_ends_after_twelve_hours_and_on_logout(pg):
    async with desk_client(pg, "赵淑芬") as c:
        page = await c.get("/desk/tickets")
        refused = await c.post("/desk/logout", data={"csrf": "forged"})
        assert refused.status_code == 403 and (await c.get("/desk/tickets")).status_code == 200
        pg.clock.advance(hours=12, minutes=1)
        assert (await c.get("/desk/tickets")).status_code == 401
    async with desk_client(pg, "赵淑芬") as c:
        page = await c.get("/desk/tickets")
        out = await c.post("/desk/logout", data={"csrf": csrf_of(page.text)})
        assert out.status_code == 303 and (await c.get("/desk/tickets")).status_code == 401


async def test_residents_unit_heads_and_strangers_are_refused_politely(pg):
    for name in ("李红",):  # a unit head: a volunteer resident, not office staff
        sent = await pg.say(name, "/desk")
        assert "社区工作人员" in sent[-1].text and "/login/" not in sent[-1].text
    pg.newcomer("陌生人")
    sent = await pg.say("陌生人", "/desk")
    assert "社区工作人员" in sent[-1].text and "/login/" not in sent[-1].text
    # In a group the command is not answered with a link for all to see.
    sent = await pg.say("祝兰红", "/desk", where=pg.group())
    assert all("/login/" not in m.text for m in sent)


async def test_specialists_and_property_may_log_in(pg):
    for name in ("杨晓丽", "钱永明", "徐卫东", "黄志刚"):
        assert "/login/" in (await login_link(pg, name))


# -- scope and privacy --------------------------------------------------------------------------

async def test_a_grid_worker_sees_their_grid_and_cannot_open_another_by_url(pg):
    mine = await report(pg, "李红", LEAK)
    theirs = await report(pg, "冯国庆", "2单元302卫生间漏水了", grid="第二网格")
    async with desk_client(pg, "祝兰红") as c:
        listed = await c.get("/desk/tickets")
        assert ids_on(listed.text) == [mine]
        assert "2单元302" not in listed.text
        other = await c.get(f"/desk/tickets/{theirs}")
        assert other.status_code == 404 and "卫生间" not in other.text
        nothing = await c.get("/desk/tickets/999999999999999999999")
        assert nothing.status_code == 404
        # Nor by posting an action to it.
        page = await c.get(f"/desk/tickets/{mine}")
        forged = await c.post(f"/desk/tickets/{theirs}", data={"csrf": csrf_of(page.text), "action": "accept"})
        assert forged.status_code == 404
        # Nor in the download.
        book = openpyxl.load_workbook(io.BytesIO((await c.get("/desk/tickets.xlsx")).content))
        assert [row[0] for row in book["诉求"].iter_rows(min_row=2, values_only=True)] == [mine]
    async with desk_client(pg, "赵淑芬") as admin:
        assert sorted(ids_on((await admin.get("/desk/tickets")).text)) == [mine, theirs]


async def test_a_specialist_sees_their_field(pg):
    water = await report(pg, "李红", LEAK)
    health = await report(pg, "周秀英", "3单元302的老人最近血压一直很高, 想请健康员上门看看")
    async with desk_client(pg, "杨晓丽") as c:
        assert ids_on((await c.get("/desk/tickets")).text) == [health]
        assert (await c.get(f"/desk/tickets/{water}")).status_code == 404


async def test_phones_only_where_the_bot_would_show_them(pg):
    ticket = await report(pg, "李红", LEAK)  # 李红 is in the roster with 13800000005
    async with desk_client(pg, "祝兰红") as owner:
        assert "13800000005" in (await owner.get(f"/desk/tickets/{ticket}")).text
    async with desk_client(pg, "赵淑芬") as admin:
        page = await admin.get(f"/desk/tickets/{ticket}")
        assert "13800000005" in page.text
        await admin.post(f"/desk/tickets/{ticket}", data={
            "csrf": csrf_of(page.text), "action": "transfer", "to": str(pg.members["钱永明"].person_id)})
    async with desk_client(pg, "祝兰红") as grid_worker:
        # Still her grid's request, but no longer hers to handle: the phone is the owner's to see.
        page = await grid_worker.get(f"/desk/tickets/{ticket}")
        assert page.status_code == 200 and "13800000005" not in page.text
        assert "13800000005" not in (await grid_worker.get("/desk/tickets")).text
        assert 'name="action"' not in page.text  # no buttons she may not press


async def test_pages_are_not_cached_and_allow_no_scripts(pg):
    await report(pg, "李红", LEAK)
    async with desk_client(pg, "赵淑芬") as c:
        for path in ("/desk/tickets", "/desk/tickets/1", "/desk/tasks", "/desk/elders", "/desk/stats",
                     "/desk/tickets.xlsx"):
            answer = await c.get(path)
            assert answer.status_code == 200, path
            assert answer.headers["Cache-Control"] == "no-store"
            csp = answer.headers["Content-Security-Policy"]
            assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
        assert "<script" not in (await c.get("/desk/tickets")).text
        unknown = await c.get("/desk/nothing-here")
        assert unknown.status_code == 404 and unknown.headers["Cache-Control"] == "no-store"
    async with httpx.AsyncClient(base_url=pg.web_url) as stranger:
        for path in ("/login/%22%3E%3Cb%3Ex", "/login/short"):
            odd = await stranger.get(path)
            assert odd.status_code == 403 and "<b>x" not in odd.text and "已失效" in odd.text
        assert (await stranger.post("/desk/tickets/1", data={"action": "resolve"})).status_code == 401


# -- filters ---------------------------------------------------------------------------------------

async def test_each_filter_narrows_the_list(pg):
    old = await report(pg, "李红", LEAK)                                     # day 0, 1栋, water
    pg.clock.advance(days=2)
    lamp = await report(pg, "王敏", "2单元楼道灯坏了好几天了, 晚上看不见")       # day 2, 1栋
    gas = await report(pg, "刘凤霞", "1单元楼道里有很浓的煤气味")              # day 2, 2栋, urgent
    other_grid = await report(pg, "冯国庆", "2单元302卫生间漏水了", grid="第二网格")
    async with desk_client(pg, "赵淑芬") as c:
        async def listed(query: str) -> set[int]:
            answer = await c.get("/desk/tickets?" + query)
            assert answer.status_code == 200
            return set(ids_on(answer.text))

        assert await listed("") == {old, lamp, gas, other_grid}
        assert await listed("category=water") == {old, other_grid}
        assert await listed("category=electric") == {lamp}
        assert await listed("urgent=1") == {gas}
        async with pg.services.store.read() as r:
            grids = {g.name: g.id for g in await r.places.grids()}
        assert await listed(f"grid={grids['第二网格']}") == {other_grid}
        assert await listed("building=2") == {gas}
        assert await listed("building=2栋") == {gas}  # as people write it
        assert await listed("q=煤气") == {gas}
        assert await listed("q=楼道 灯") == {lamp}
        start = (pg.clock.now).astimezone(pg.services.config.zone).date()
        assert await listed(f"from={start}") == {lamp, gas, other_grid}
        assert await listed(f"to={start - timedelta(days=1)}") == {old}
        assert await listed("overdue=1") == {old}  # two days without being accepted
        # Status, after one is accepted on the web.
        page = await c.get(f"/desk/tickets/{lamp}")
        await c.post(f"/desk/tickets/{lamp}", data={"csrf": csrf_of(page.text), "action": "accept"})
        assert await listed("status=accepted") == {lamp}
        assert await listed("status=open") == {old, gas, other_grid}
        assert await listed("status=active") == {old, lamp, gas, other_grid}
        # Sorting and counts.
        assert ids_on((await c.get("/desk/tickets?sort=old")).text)[0] == old
        assert ids_on((await c.get("/desk/tickets?sort=urgent")).text)[0] == gas
        counted = (await c.get("/desk/tickets?status=open")).text
        assert "共 <strong>3</strong> 件" in counted and "处理中 (1)" in counted
        # Nonsense is said back, never a traceback.
        odd = await c.get("/desk/tickets?status=%3Cb%3E&grid=abc&from=yesterday&page=-1")
        assert odd.status_code == 200 and "已忽略" in odd.text and "<b>" not in odd.text


async def test_a_long_list_pages(pg):
    first_id = await report(pg, "李红", LEAK)
    async with pg.services.store.read() as r:
        ticket = await r.tickets.get(first_id)
    base = {f.name: getattr(ticket, f.name) for f in fields(NewTicket)}
    async with pg.services.store.tx() as tx:
        for i in range(120):
            await tx.tickets.create(NewTicket(**{**base, "text": f"第{i}件", "source_message_id": None}))
    async with desk_client(pg, "赵淑芬") as c:
        first = await c.get("/desk/tickets")
        assert "共 <strong>121</strong> 件" in first.text and len(ids_on(first.text)) == 50
        last = await c.get("/desk/tickets?page=3")
        assert len(ids_on(last.text)) == 21 and "第 3 / 3 页" in last.text


# -- actions ---------------------------------------------------------------------------------------

async def test_a_transfer_on_the_web_reaches_telegram_as_a_button_press_would(pg):
    ticket = await report(pg, "李红", LEAK)
    async with desk_client(pg, "赵淑芬") as c:
        page = await c.get(f"/desk/tickets/{ticket}")
        before = len(pg.inbox("孙立新"))
        moved = await c.post(f"/desk/tickets/{ticket}", data={
            "csrf": csrf_of(page.text), "action": "transfer", "to": str(pg.members["孙立新"].person_id)})
        assert moved.status_code == 303
        await pg.settle()
        card = pg.inbox("孙立新")[before:]
        assert card and "由赵淑芬转来" in card[0].text and "漏水" in card[0].text
        assert any(b["text"] == "接单" for row in card[0].reply_markup["inline_keyboard"] for b in row)
        # The old owner's card loses its buttons, as after a button press.
        assert pg.fake.sent(pg.private("祝兰红"))
        detail = await c.get(moved.headers["location"])
        assert "已转给孙立新" in detail.text and "网页" in detail.text
    async with pg.services.store.read() as r:
        events = await r.tickets.events(ticket)
    assert events[-1].kind == "transferred" and events[-1].via == "网页" and events[-1].actor_name == "赵淑芬"
    # The new owner's buttons work on the card the web sent.
    assert await pg.press("孙立新", card[0], "接单") == f"已接单 #{ticket}"
    # And /ticket in Telegram tells the web's change from a button press.
    shown = await pg.say("赵淑芬", f"/ticket {ticket}")
    assert "赵淑芬 (网页) 转派给: 孙立新" in "".join(m.text for m in shown)


async def test_resolve_with_a_result_recategorize_and_return_on_the_web(pg):
    ticket = await report(pg, "李红", LEAK)
    async with desk_client(pg, "祝兰红") as c:
        page = await c.get(f"/desk/tickets/{ticket}")
        token = csrf_of(page.text)
        await c.post(f"/desk/tickets/{ticket}", data={"csrf": token, "action": "category", "category": "facility"})
        async with pg.services.store.read() as r:
            assert (await r.tickets.get(ticket)).category == "facility"
        await c.post(f"/desk/tickets/{ticket}", data={"csrf": token, "action": "resolve",
                                                      "result": "已更换水管, 不再漏水"})
        await pg.settle()
    news = pg.fake.sent(pg.group())[-1].text + "".join(m.text for m in pg.inbox("李红")[-2:])
    assert "已由祝兰红办结" in news and "已更换水管" in news
    second = await report(pg, "王敏", "2单元楼道灯坏了好几天了")
    async with desk_client(pg, "祝兰红") as c:
        page = await c.get(f"/desk/tickets/{second}")
        await c.post(f"/desk/tickets/{second}", data={"csrf": csrf_of(page.text), "action": "return", "reason": "2"})
        await pg.settle()
    assert "祝兰红退回: 不属于我的职责" in pg.inbox("赵淑芬")[-1].text or any(
        "退回" in m.text for m in pg.inbox("赵淑芬")[-3:])


async def test_a_post_without_the_csrf_token_changes_nothing(pg):
    ticket = await report(pg, "李红", LEAK)
    async with desk_client(pg, "赵淑芬") as c:
        mark = pg.mark()
        for data in ({"action": "resolve"}, {"action": "resolve", "csrf": "x" * 32}):
            refused = await c.post(f"/desk/tickets/{ticket}", data=data)
            assert refused.status_code == 403
        await pg.settle()
        assert pg.since(mark) == []
    async with pg.services.store.read() as r:
        assert (await r.tickets.get(ticket)).status == "open"


async def test_someone_who_may_see_but_not_act_is_told_so(pg):
    ticket = await report(pg, "李红", LEAK)
    async with desk_client(pg, "赵淑芬") as admin:
        page = await admin.get(f"/desk/tickets/{ticket}")
        await admin.post(f"/desk/tickets/{ticket}", data={
            "csrf": csrf_of(page.text), "action": "transfer", "to": str(pg.members["钱永明"].person_id)})
    async with desk_client(pg, "祝兰红") as c:
        page = await c.get(f"/desk/tickets/{ticket}")
        answer = await c.post(f"/desk/tickets/{ticket}", data={"csrf": csrf_of(page.text), "action": "resolve"},
                              follow_redirects=True)
        assert "只有负责人或社区管理员" in answer.text
    async with pg.services.store.read() as r:
        assert (await r.tickets.get(ticket)).status == "open"


# -- the download -----------------------------------------------------------------------------------

async def test_the_download_is_what_is_on_screen(pg):
    leak = await report(pg, "李红", LEAK)
    await report(pg, "王敏", "2单元楼道灯坏了好几天了")
    async with desk_client(pg, "赵淑芬") as c:
        answer = await c.get("/desk/tickets.xlsx?category=water")
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in answer.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["诉求", "诉求记录"]
    rows = list(book["诉求"].iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "登记时间", "网格", "地点", "类别")
    assert [r[0] for r in rows[1:]] == [leak] and rows[1][4] == "给排水" and "漏水" in rows[1][6]
    assert {r[0] for r in book["诉求记录"].iter_rows(min_row=2, values_only=True)} == {leak}


# -- the other pages -------------------------------------------------------------------------------

async def test_tasks_elders_and_stats_pages(pg):
    await pg.say("祝兰红", "请各单元长今天下午4点前把本单元的问卷收齐", where=pg.group())
    await pg.say("李红", "1单元问卷收齐了", where=pg.group())
    await report(pg, "李红", LEAK)
    async with desk_client(pg, "祝兰红") as c:
        tasks = await c.get("/desk/tasks")
        assert "问卷" in tasks.text and "1/5" in tasks.text
        task_id = re.search(r'href="/desk/tasks/(\d+)"', tasks.text).group(1)
        detail = await c.get(f"/desk/tasks/{task_id}")
        assert "1栋1单元" in detail.text and "李红" in detail.text and "未完成" in detail.text
        stats = await c.get("/desk/stats")
        assert "<svg" in stats.text and "给排水" in stats.text
        assert (await c.get("/desk/elders")).status_code == 200
    async with desk_client(pg, "孙立新") as other:
        assert (await other.get(f"/desk/tasks/{task_id}")).status_code == 404


async def test_behind_https_the_cookie_is_secure(pg):
    pg.services.desk.base_url = "https://desk.example.org"  # BOT_WEB_URL behind nginx
    sent = await pg.say("赵淑芬", "/desk")
    link = re.search(r"https://desk\.example\.org(/login/[A-Za-z0-9_-]+)", sent[-1].text).group(1)
    async with httpx.AsyncClient(base_url=pg.web_url) as client:
        answer = await client.post(link)
    assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]


async def test_a_reports_photo_is_shown_to_those_who_may_see_it(pg):
    from sandbox import tiny_png

    ticket = await report(pg, "李红", LEAK)
    picture = tiny_png(40, 30, (10, 120, 200))
    pg.fake.send_photo(pg.user("李红"), pg.group(), data=picture)  # just after the report: it belongs to it
    await pg.settle()
    async with desk_client(pg, "祝兰红") as c:
        page = await c.get(f"/desk/tickets/{ticket}")
        found = re.search(rf'<img src="(/desk/tickets/{ticket}/photo/\d+)"', page.text)
        assert found, page.text
        shown = await c.get(found.group(1))
        assert shown.status_code == 200 and shown.content == picture
        assert shown.headers["Content-Type"] == "image/png" and shown.headers["Cache-Control"] == "no-store"
        assert (await c.get(f"/desk/tickets/{ticket}/photo/999")).status_code == 404
    async with desk_client(pg, "孙立新") as other_grid:
        assert (await other_grid.get(found.group(1))).status_code == 404
