"""The 台账: the 老人 and 探访记录 sheets of /export, and visits counting as volunteer points."""
from __future__ import annotations

import datetime as dt

import pytest

from sandbox.playground import MovableClock, Playground
from tests.elders.conftest import START, import_elders, later
from tests.elders.test_elder_privacy import sheet_rows


async def test_the_export_has_the_elders_and_every_visit(pg):
    group = pg.group()
    await pg.say("李红", "今天去看了1栋1单元的王奶奶, 身体还行", where=group)
    await later(pg, hours=24)  # Thursday
    await pg.say("吴建华", "陈奶奶家敲门没人应", where=group)
    [page] = await pg.say("李红", "/visit")
    await pg.press("李红", page, "平安")
    await pg.say("祝兰红", "/export")
    visits = await sheet_rows(pg, "祝兰红", "探访记录")
    assert visits[0] == ("时间", "网格", "老人", "住址", "探访人", "情况", "方式", "原话", "补充", "应在此前探访",
                         "是否按时", "诉求编号")
    assert [(r[2], r[4], r[5], r[6], r[10], r[11]) for r in visits[1:]] == [
        ("王秀兰", "李红", "平安", "群里说", "额外", None),
        ("陈淑珍", "吴建华", "有情况", "群里说", "按时", 1),
        ("王秀兰", "李红", "平安", "按钮", "按时", None),
    ]
    assert visits[1][0] == dt.datetime(2026, 11, 18, 10, 0)
    elders = await sheet_rows(pg, "祝兰红", "老人")
    assert elders[0] == ("网格", "姓名", "住址", "类别", "风险等级", "包保人", "家属姓名", "家属电话", "健康备注",
                         "上次探访", "应在此前探访", "状态")
    chen = next(r for r in elders if r[1] == "陈淑珍")
    assert chen[5] == "吴建华、刘凤霞" and chen[11] == "正常"


async def test_visits_count_toward_points_once_a_day_per_elder(pg):
    group = pg.group()
    await pg.say("李红", "今天去看了王奶奶, 挺好", where=group)
    await pg.say("李红", "下午又去看了王奶奶, 还是挺好", where=group)
    await later(pg, hours=24)
    await pg.say("李红", "去看了王奶奶, 挺好", where=group)
    [ranking] = await pg.say("李红", "/points", where=group)
    assert "李红" in ranking.text and "2分" in ranking.text


@pytest.fixture
async def no_points(tmp_path):
    config = {"elders": {"visit_points": 0, "high": {"every_days": 2}}}
    async with Playground(tmp_path / "bot.sqlite3", clock=MovableClock(START), config_extra=config) as playground:
        await import_elders(playground)
        yield playground


async def test_points_and_visit_frequency_are_configurable(no_points):
    pg = no_points
    replies = await pg.say("李红", "今天去看了王奶奶, 挺好", where=pg.group())
    assert replies[-1].text.endswith("下次探访: 最晚11月20日。")  # every two days for 重点 here
    async with pg.services.store.read() as r:
        total = (await (await r.db.execute("SELECT COUNT(*) FROM points")).fetchone())[0]
    assert total == 0
