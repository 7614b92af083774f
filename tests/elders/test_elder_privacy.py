"""Health notes and family phones: for the 包保人, the grid worker, the health worker and admins only."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.elders.conftest import import_with, texts_in

NOT_FOUND = "没有找到这位老人, 或者您没有权限查看。"


@pytest.mark.parametrize("who, sees", [
    ("李红", True),     # her 包保人
    ("祝兰红", True),   # the grid worker of her grid
    ("杨晓丽", True),   # the health worker
    ("赵淑芬", True),   # the community's admin
    ("周秀英", False),  # a unit head of the same building, not her 包保人
    ("刘凤霞", False),  # a building head of the same grid, another building
    ("孙立新", False),  # the other grid's worker
    ("徐卫东", False),  # the police officer
    ("黄志刚", False),  # the legal adviser
    ("韩雪梅", False),  # a volunteer who looks after someone else
])
async def test_who_may_see_an_elders_record(pg, who, sees):
    [reply] = await pg.say(who, "/elders 王秀兰")
    if sees:
        assert "健康备注: 高血压, 腿脚不便" in reply.text and "王建军 13900000001" in reply.text
    else:
        assert reply.text == NOT_FOUND


async def test_a_resident_and_a_stranger_are_refused(pg):
    await pg.say("宋玉兰", "/start")
    await pg.share_phone("宋玉兰")
    assert (await pg.say("宋玉兰", "/elders 王秀兰"))[-1].text == NOT_FOUND
    assert (await pg.say("宋玉兰", "/elders"))[-1].text.startswith("您还没有包保的老人")
    pg.newcomer("陌生人")
    assert (await pg.say("陌生人", "/elders 王秀兰"))[-1].text.startswith("还不知道您是谁")
    # And the same answer for a name that is not there at all: nothing is given away.
    assert (await pg.say("孙立新", "/elders 没这个人"))[-1].text == NOT_FOUND


async def test_an_elder_may_be_looked_up_the_way_people_call_her(pg):
    [reply] = await pg.say("李红", "/elders 王奶奶")
    assert reply.text.startswith("王秀兰 · 1栋1单元101 · 第一网格")
    [reply] = await pg.say("孙立新", "/elders 王奶奶")
    assert reply.text == NOT_FOUND


async def test_a_grid_worker_who_looks_after_someone_still_lists_the_whole_grid(pg, tmp_path):
    await import_with(pg, tmp_path, "马玉珍,2栋,2单元,101,独居,一般,祝兰红,,,,")
    [reply] = await pg.say("祝兰红", "/elders")
    assert reply.text.startswith("👵 本网格的老人 (共 6 位, 最该去看的在前)")
    [page] = await pg.say("祝兰红", "/visit")
    assert page.text.startswith("👵 您包保的老人 (共 1 位, 按楼栋排)")


async def test_the_other_grids_worker_lists_only_her_own_grids_elders(pg):
    [reply] = await pg.say("孙立新", "/elders")
    assert "孙福贵" in reply.text and "王秀兰" not in reply.text and "陈淑珍" not in reply.text


async def test_nothing_private_is_ever_said_in_a_group(pg):
    group = pg.group()
    await pg.say("李红", "今天去看了王奶奶, 身体还行", where=group)
    await pg.say("吴建华", "陈奶奶家敲门没人应", where=group)
    await pg.say("祝兰红", "/stats", where=group)
    await pg.say("刘凤霞", "/elders", where=group)
    await pg.say("刘凤霞", "/elders 陈淑珍", where=group)
    said = "\n".join(texts_in(pg, group))
    for private in ("高血压", "阿尔茨海默", "13900000001", "13900000004", "王建军", "陈刚"):
        assert private not in said, private


async def sheet_rows(pg, who: str, name: str) -> list[tuple]:
    """The rows of one sheet of the 台账 `who` just asked for (written by a worker, then sent)."""
    await pg.services.jobs.idle()
    await pg.settle()
    document = pg.inbox(who)[-1]
    data = pg.fake.files[document.data["document"]["file_id"]].data
    return list(load_workbook(io.BytesIO(data))[name].iter_rows(values_only=True))


async def test_the_export_of_a_grid_holds_only_that_grids_elders(pg):
    await pg.say("孙立新", "/export")
    rows = await sheet_rows(pg, "孙立新", "老人")
    assert rows[0][:3] == ("网格", "姓名", "住址")
    assert sorted(r[1] for r in rows[1:]) == sorted(["孙福贵", "周桂英", "吴秀珍", "郑国华", "钱玉兰"])
    assert all(r[0] == "第二网格" for r in rows[1:])
    await pg.say("祝兰红", "/export")
    rows = await sheet_rows(pg, "祝兰红", "老人")
    wang = next(r for r in rows if r[1] == "王秀兰")
    assert wang[:9] == ("第一网格", "王秀兰", "1栋1单元101", "独居、高龄", "重点", "李红", "王建军", "13900000001",
                        "高血压, 腿脚不便")
    assert "孙福贵" not in [r[1] for r in rows]
