"""Writing a roster back out: what was read comes back the same, and Excel shows it tidily."""
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.model.roles import Role
from bot.roster.export import write_roster
from bot.roster.io import read_roster
from bot.model.roster import Roster, RosterRow

ROSTER = Roster([
    RosterRow(line=2, community="长山花园社区", role=Role.ADMIN, name="赵淑芬", phone="13800000001"),
    RosterRow(line=3, community="长山花园社区", grid="第一网格", role=Role.GRID_WORKER, name="祝兰红",
              phone="13800000002", telegram_id=987654321),
    RosterRow(line=4, community="长山花园社区", grid="第一网格", building="1", role=Role.BUILDING_HEAD,
              name="王敏", phone="13800000004"),
    RosterRow(line=5, community="长山花园社区", grid="第一网格", building="1", unit="2", role=Role.UNIT_HEAD,
              name="王敏", phone="13800000004"),
    RosterRow(line=6, community="长山花园社区", grid="第二网格", building="A", unit="1", room="0201",
              role=Role.RESIDENT, name="许桂英"),
    RosterRow(line=7, community="长山花园社区", grid="第二网格", building="综合楼"),  # a place, no person
    RosterRow(line=8, community="银融社区", role=Role.POLICE, name="徐卫东", phone="13800000019"),
])


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"名册{suffix}"
    write_roster(ROSTER, path)

    roster, errors = read_roster(path)

    assert errors == []
    assert roster == ROSTER


def test_the_csv_has_a_bom_and_chinese_headers_and_labels(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_roster(ROSTER, path)

    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # so Excel on Windows does not show mojibake
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "社区,网格,楼栋,单元,房号,角色,姓名,手机,telegram_id"
    assert lines[4] == "长山花园社区,第一网格,1栋,2单元,,单元长,王敏,13800000004,"


def test_the_xlsx_has_a_bold_frozen_header_and_text_phones(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_roster(ROSTER, path)

    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["社区", "网格", "楼栋", "单元", "房号", "角色", "姓名", "手机", "telegram_id"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 12
    phone = sheet["H2"]
    assert (phone.value, phone.number_format) == ("13800000001", "@")  # never 1.38E+10


def test_an_unknown_file_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_roster(ROSTER, tmp_path / "r.xls")
