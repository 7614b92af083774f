"""The registry: the community's elders sheet in, checked like the roster, idempotent, exported back."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.elders.registry import apply_elders, elder_rows, resolve
from bot.elders.rules import ElderRules
from bot.elders.sheet import parse_family_phone, read_elders, split_values, write_elders
from bot.roster.io import read_roster
from storage import Store
from storage.roster import apply_roster
from tests.elders.conftest import DEPLOY

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
HEADER = "姓名,楼栋,单元,房号,类别,风险等级,包保人,家属姓名,家属电话,健康备注,照片"


@pytest.fixture
async def store(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3", clock=lambda: NOW)
    roster, _ = read_roster(DEPLOY / "roster.example.csv")
    async with store.tx() as tx:
        await apply_roster(tx, roster)
    yield store
    await store.close()


async def load(store: Store, path: Path):
    """Read, check against the roster and apply; (changes, problems as strings)."""
    sheet, errors = read_elders(path)
    async with store.tx() as tx:
        records, more = await resolve(tx, sheet)
        problems = [str(e) for e in sorted(errors + more, key=lambda e: e.line)]
        if problems:
            return None, problems
        return await apply_elders(tx, records, ElderRules(), ZONE), []


def write(tmp_path: Path, *lines: str, name: str = "老人.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_two_example_sheets_hold_the_same_elders():
    xlsx, errors = read_elders(DEPLOY / "elders.example.xlsx")
    csv, more = read_elders(DEPLOY / "elders.example.csv")
    assert errors == more == []
    assert xlsx.rows == csv.rows and len(csv.rows) == 10
    assert {r.risk for r in csv.rows} == {"high", "medium", "low"}
    assert {c for r in csv.rows for c in r.categories} == {"独居", "空巢", "失能", "失智", "残疾", "患病", "高龄"}
    assert any(len(r.keepers) == 2 for r in csv.rows)
    assert "0431-88881234" in {r.family_phone for r in csv.rows}
    assert [r.name for r in csv.rows if r.photo] == ["王秀兰"] and csv.photos[2].data[:2] == b"\xff\xd8"


async def test_every_problem_is_named_by_row_and_column_and_nothing_is_imported(store, tmp_path):
    path = write(
        tmp_path, HEADER,
        "王秀兰,1栋,1单元,101,独居、孤单,重点,李红,,139000,,",
        ",9栋,1单元,101,独居,重点,张三,,,,",
        "刘桂芝,1栋,2单元,302,空巢,超级,王敏,,,,nope.jpg",
        "刘桂芝,1栋,2单元,302,空巢,一般,王敏,,,,",
        "刘桂芝,1栋,2单元,302,空巢,一般,王敏,,,,",
        "李四,1栋,2单元,303,空巢,一般,王敏、赵六,,,,",
        "赵五,,,,,红,,,,",
        "钱六,1栋,,,,绿,,,,\"" + "很长" * 300 + "\",",
    )
    changes, problems = await load(store, path)
    assert changes is None
    assert problems == [
        "第2行「类别」列: 类别「孤单」不认识, 可用: 独居、空巢、失能、失智、残疾、患病、高龄",
        "第2行「家属电话」列: 家属电话「139000」不对: 应是11位手机号, 或带区号的座机如 0431-88881234",
        "第3行「姓名」列: 没有填姓名",
        "第3行「楼栋」列: 名册里没有9栋: 请先在名册里加上这栋楼和它所属的网格",
        "第3行「包保人」列: 名册里没有「张三」: 包保人要写名册里的姓名",
        "第4行「风险等级」列: 风险等级「超级」不认识, 可用: 重点/一般/其他, 或 红/黄/绿",
        "第4行「照片」列: 找不到照片「nope.jpg」: 请把照片和表格放在同一个文件夹里",
        "第6行「姓名」列: 「刘桂芝」和第5行是同一位老人 (姓名和住址都一样)",
        "第7行「包保人」列: 名册里没有「赵六」: 包保人要写名册里的姓名",
        "第8行「楼栋」列: 「赵五」没有填楼栋",
        "第9行「健康备注」列: 健康备注有 600 个字, 最多 500 个字, 请精简一下",
    ]
    async with store.read() as r:
        assert await r.elders.in_community(1, active_only=False) == []


async def test_missing_columns_are_named_once(store, tmp_path):
    _, problems = await load(store, write(tmp_path, "名字,楼号,包保人", "王秀兰,1栋,李红"))
    assert problems == ["第1行: 缺少「风险等级」列"]


def test_several_values_in_a_cell_may_be_separated_in_the_usual_ways():
    for cell in ("李红、王敏", "李红，王敏", "李红,王敏", "李红;王敏", "李红；王敏", "李红/王敏", "李红／王敏"):
        assert split_values(cell) == ["李红", "王敏"], cell
    assert parse_family_phone("139 0000 0001") == "13900000001"
    assert parse_family_phone("(0431)88881234") == "0431-88881234"
    assert parse_family_phone("010-12345678") == "010-12345678"
    assert parse_family_phone("12345") is None


async def test_importing_twice_changes_nothing_and_an_edited_sheet_updates_in_place(store, tmp_path):
    shutil.copytree(DEPLOY / "elder-photos", tmp_path / "elder-photos")
    shutil.copy(DEPLOY / "elders.example.csv", tmp_path / "老人.csv")
    changes, _ = await load(store, tmp_path / "老人.csv")
    assert (changes.added, changes.updated, changes.removed) == (10, 0, 0)
    changes, _ = await load(store, DEPLOY / "elders.example.xlsx")
    assert changes.nothing
    async with store.read() as r:
        wang = (await r.elders.by_name(None, "王秀兰"))[0]
        zhao = (await r.elders.by_name(None, "赵玉芬"))[0]
    async with store.tx() as tx:
        await tx.elders.add_visit(wang, None, "李红", "ok", "group", "去看了", wang.next_due_at)
    # 王秀兰 moved to 1栋2单元, 赵玉芬 is no longer listed, 刘桂芝 is now 重点 looked after by two.
    lines = (tmp_path / "老人.csv").read_text(encoding="utf-8-sig").splitlines()
    lines = [line.replace("王秀兰,1栋,1单元,101", "王秀兰,1栋,2单元,305")
             .replace("刘桂芝,1栋,2单元,302,空巢,一般,王敏", "刘桂芝,1栋,2单元,302,空巢,重点,王敏、李红")
             for line in lines if not line.startswith("赵玉芬")]
    changes, _ = await load(store, write(tmp_path, *lines))
    assert (changes.added, changes.updated, changes.removed) == (0, 2, 1)
    async with store.read() as r:
        moved = (await r.elders.by_name(None, "王秀兰"))[0]
        assert moved.id == wang.id and moved.address == "1栋2单元305"
        assert len(await r.elders.last_visits([moved.id])) == 1  # the history stayed with her
        liu = (await r.elders.by_name(None, "刘桂芝"))[0]
        assert liu.risk == "high" and len(liu.keeper_ids) == 2
        assert await r.elders.by_name(None, "赵玉芬") == []
        gone = await r.elders.get(zhao.id)
        assert not gone.active
        assert not [j for j in await r.jobs.pending() if j.key.startswith(f"e{zhao.id}:")]
        # 刘桂芝's wait was counted again for 重点: due by the end of tomorrow, not in a week.
        assert liu.next_due_at == datetime(2026, 11, 19, 16, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
async def test_an_export_imports_unchanged_with_its_photos(store, tmp_path, suffix):
    await load(store, DEPLOY / "elders.example.csv")
    out = tmp_path / "导出" / f"老人{suffix}"
    out.parent.mkdir()
    async with store.read() as r:
        rows, with_community = await elder_rows(r, out.parent)
    write_elders(rows, out, with_community)
    assert (out.parent / "照片").is_dir()
    changes, problems = await load(store, out)
    assert problems == [] and changes.nothing
    sheet, _ = read_elders(out)
    assert [r.name for r in sheet.rows] == [r.name for r in read_elders(DEPLOY / "elders.example.csv")[0].rows]


async def test_a_big_photo_is_shrunk_and_a_broken_one_refused(store, tmp_path):
    from PIL import Image

    Image.new("RGB", (4000, 3000), (120, 130, 140)).save(tmp_path / "big.jpg", quality=95)
    (tmp_path / "broken.jpg").write_bytes(b"not a picture")
    Image.new("RGB", (4200, 100)).save(tmp_path / "strip.png")
    path = write(tmp_path, HEADER, "王秀兰,1栋,1单元,101,,重点,李红,,,,big.jpg",
                 "刘桂芝,1栋,2单元,302,,一般,王敏,,,,broken.jpg", "张德明,1栋,3单元,501,,一般,周秀英,,,,strip.png")
    sheet, errors = read_elders(path)
    assert [str(e) for e in errors] == [
        "第3行「照片」列: 「broken.jpg」不是能打开的照片, 请用 JPG 或 PNG",
        "第4行「照片」列: 照片「strip.png」太细长了 (4200×100), 请换一张正常比例的",
    ]
    photo = sheet.photos[2]
    assert len(photo.data) < 1024 * 1024
    with Image.open(__import__("io").BytesIO(photo.data)) as image:
        assert max(image.size) == 1280
