from tests.desk.client import desk_client


async def test_smoke(pg):
    await pg.say("李红", "3单元201家的厨房管道老化漏水了", where=pg.group())
    async with desk_client(pg, "祝兰红") as c:
        for path in ("/desk/tickets", "/desk/tickets/1", "/desk/tasks", "/desk/elders", "/desk/stats",
                     "/desk/tickets.xlsx?status=open"):
            r = await c.get(path)
            print(path, r.status_code, r.text[:3000] if "xlsx" not in path else len(r.content))
            assert r.status_code == 200
