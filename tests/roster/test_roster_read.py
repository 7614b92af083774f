"""Reading the spreadsheets a community secretary actually has: .xlsx and .csv, any column order."""
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.model.roles import Role
from bot.roster.io import RosterFileError, read_roster
from bot.model.roster import RosterRow


def make_xlsx(path: Path, rows: list[list[object]], merge: list[str] = ()) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    for cells in merge:
        wb.active.merge_cells(cells)
    wb.save(path)
    return path


def make_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_a_secretarys_spreadsheet_with_chinese_headers_in_another_order_imports(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "三长名单.xlsx", [
        ["姓名", "角色", "联系电话", "社区", "网格", "楼号", "单元", "备注"],
        ["祝兰红", "网格员", "138 0000 0001", "长山花园社区", "第一网格", None, None, "小祝"],
        ["王敏", "楼栋长", "13800000002", "长山花园社区", "第一网格", "5号楼", None, None],
        ["李红", "单元长", 13800000003, "长山花园社区", "第一网格", 5, 3, None],
    ])

    roster, errors = read_roster(path)

    assert errors == []
    assert roster.rows == [
        RosterRow(line=2, community="长山花园社区", grid="第一网格", role=Role.GRID_WORKER,
                  name="祝兰红", phone="13800000001"),
        RosterRow(line=3, community="长山花园社区", grid="第一网格", building="5",
                  role=Role.BUILDING_HEAD, name="王敏", phone="13800000002"),
        RosterRow(line=4, community="长山花园社区", grid="第一网格", building="5", unit="3",
                  role=Role.UNIT_HEAD, name="李红", phone="13800000003"),
    ]


def test_numbers_typed_into_excel_cells_read_as_text(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "r.xlsx", [
        ["社区", "网格", "楼栋", "单元", "房号", "角色", "姓名", "手机", "telegram_id"],
        ["长山花园社区", "第二网格", 5, 2.0, 301, "居民", "宋玉兰", 13800000001.0, 123456789.0],
    ])

    roster, errors = read_roster(path)

    assert errors == []
    (row,) = roster.rows
    assert (row.building, row.unit, row.room, row.phone, row.telegram_id) == ("5", "2", "301", "13800000001", 123456789)


def test_a_gb18030_csv_saved_by_chinese_excel_imports(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "名单.csv", [
        "社区,网格,楼栋,单元,角色,姓名,手机",
        "长山花园社区,第一网格,五栋,三单元,单元长,李红,13800000001",
    ], encoding="gb18030")

    roster, errors = read_roster(path)

    assert errors == []
    assert roster.rows == [RosterRow(line=2, community="长山花园社区", grid="第一网格", building="5", unit="3",
                                     role=Role.UNIT_HEAD, name="李红", phone="13800000001")]


def test_a_utf8_csv_with_or_without_bom_imports(tmp_path: Path) -> None:
    lines = ["社区,角色,姓名", "长山花园社区,民警,徐卫东"]
    for encoding in ("utf-8", "utf-8-sig"):
        roster, errors = read_roster(make_csv(tmp_path / f"{encoding}.csv", lines, encoding))
        assert errors == []
        assert [(r.role, r.name) for r in roster.rows] == [(Role.POLICE, "徐卫东")]


def test_english_headers_and_headers_with_spaces_are_understood(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "r.csv", [
        "Community, Grid ,Building,Unit,Room,Role,Name,Phone,telegram_id",
        "长山花园社区,第一网格,1,2,301,resident,宋玉兰,+86 138-0000-0001,42",
    ])

    roster, errors = read_roster(path)

    assert errors == []
    assert roster.rows == [RosterRow(line=2, community="长山花园社区", grid="第一网格", building="1", unit="2",
                                     room="301", role=Role.RESIDENT, name="宋玉兰", phone="13800000001",
                                     telegram_id=42)]


def test_blank_lines_are_skipped_but_still_counted(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "r.csv", [
        "社区,角色,姓名",
        "长山花园社区,健康员,杨晓丽",
        ",,",
        "",
        "长山花园社区,法律咨询员,黄志刚",
    ])

    roster, errors = read_roster(path)

    assert errors == []
    assert [(r.line, r.name) for r in roster.rows] == [(2, "杨晓丽"), (5, "黄志刚")]


def test_a_title_line_above_the_table_is_not_taken_for_the_header(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "r.xlsx", [
        ["长山花园社区三长名单(2022年3月)"],
        ["社区", "角色", "姓名"],
        ["长山花园社区", "社区管理员", "赵淑芬"],
    ], merge=["A1:C1"])

    roster, errors = read_roster(path)

    assert errors == []
    assert [(r.line, r.role, r.name) for r in roster.rows] == [(3, Role.ADMIN, "赵淑芬")]


def test_a_merged_community_or_grid_cell_applies_to_every_row_it_spans(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "r.xlsx", [
        ["社区", "网格", "楼栋", "角色", "姓名"],
        ["长山花园社区", "第一网格", "1栋", "楼栋长", "王敏"],
        [None, None, "2栋", "楼栋长", "刘凤霞"],
        [None, "第二网格", "3栋", "楼栋长", "陈玉梅"],
    ], merge=["A2:A4", "B2:B3"])

    roster, errors = read_roster(path)

    assert errors == []
    assert [(r.community, r.grid, r.building) for r in roster.rows] == [
        ("长山花园社区", "第一网格", "1"), ("长山花园社区", "第一网格", "2"), ("长山花园社区", "第二网格", "3"),
    ]


def test_one_person_may_hold_several_roles_one_row_each(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "r.csv", [
        "社区,网格,楼栋,单元,角色,姓名,手机",
        "长山花园社区,第一网格,1栋,,楼栋长,王敏,13800000004",
        "长山花园社区,第一网格,1栋,2单元,单元长,王敏,13800000004",
        "长山花园社区,,,,志愿者,王敏,",
    ])

    roster, errors = read_roster(path)

    assert errors == []
    assert [r.role for r in roster.rows if r.name == "王敏"] == [Role.BUILDING_HEAD, Role.UNIT_HEAD, Role.VOLUNTEER]


def test_rows_without_a_name_declare_places_and_residents_inherit_the_grid(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "r.csv", [
        "社区,网格,楼栋,单元,房号,角色,姓名",
        "长山花园社区,第二网格,5栋,,,,",
        "长山花园社区,,5栋,2单元,201,居民,许桂英",
    ])

    roster, errors = read_roster(path)

    assert errors == []
    place, resident = roster.rows
    assert not place.is_person and place.building == "5" and place.grid == "第二网格"
    assert resident.grid == "第二网格"


def test_traditional_characters_and_role_aliases_are_understood(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "r.csv", [
        "社區,網格,樓棟,單元,角色,姓名,手機",
        "長山花園社區,第一網格,5號樓,3單元,樓棟長,王敏,13800000002",
        "長山花園社區,,,,片警,徐卫东,13800000003",
    ])

    roster, errors = read_roster(path)

    assert errors == []
    assert [(r.community, r.grid, r.building, r.role) for r in roster.rows] == [
        ("长山花园社区", "第一网格", "5", Role.BUILDING_HEAD), ("长山花园社区", None, None, Role.POLICE),
    ]


def test_names_padded_with_spaces_to_line_up_are_joined(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "r.csv", ["社区,角色,姓名", "长山花园社区,志愿者,王  敏"])

    assert read_roster(path)[0].rows[0].name == "王敏"


def test_the_sheet_with_the_roster_is_found_behind_an_instructions_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "填写说明"
    wb.active.append(["每人一行, 一人多个角色就写多行"])
    roster_sheet = wb.create_sheet("名单")
    roster_sheet.append(["社区", "角色", "姓名"])
    roster_sheet.append(["长山花园社区", "物业", "钱永明"])
    wb.save(tmp_path / "r.xlsx")

    roster, errors = read_roster(tmp_path / "r.xlsx")

    assert errors == []
    assert [r.name for r in roster.rows] == ["钱永明"]


def test_excels_unicode_text_export_imports(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "r.csv", ["社区\t角色\t姓名", "长山花园社区\t志愿者\t罗小芳"], encoding="utf-16")

    roster, errors = read_roster(path)

    assert errors == []
    assert [r.name for r in roster.rows] == ["罗小芳"]


def test_a_file_that_is_not_a_table_is_refused_with_a_message_for_the_user(tmp_path: Path) -> None:
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RosterFileError, match="打不开"):
        read_roster(tmp_path / "bad.xlsx")
    with pytest.raises(RosterFileError, match=".xlsx 或 .csv"):
        read_roster(tmp_path / "名单.docx")
