"""What a secretary is told when the roster is wrong: the line, the column as she wrote it, in plain Chinese."""
from pathlib import Path

from openpyxl import Workbook

from bot.model.roles import known_role_names
from bot.roster.io import read_roster
from bot.model.roster import RosterError

HEADER = "社区,网格,楼栋,单元,房号,角色,姓名,手机,telegram_id"


def csv_roster(tmp_path: Path, *lines: str, header: str = HEADER) -> list[RosterError]:
    path = tmp_path / "r.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return read_roster(path)[1]


def messages(errors: list[RosterError]) -> list[str]:
    return [str(e) for e in errors]


def test_an_unknown_role_names_the_row_and_column_and_lists_the_roles(tmp_path: Path) -> None:
    lines = [f"长山花园社区,,,,,志愿者,志愿者{i},13800000{i:03d}," for i in range(1, 11)]
    lines.append("长山花园社区,,,,,小区保安,赵强,13800000011,")

    errors = csv_roster(tmp_path, *lines)

    assert messages(errors) == [f"第12行「角色」列: 角色「小区保安」不认识, 可用: {known_role_names()}"]
    assert "网格员、楼栋长、单元长" in str(errors[0])


def test_errors_name_the_column_as_it_is_written_in_the_file(tmp_path: Path) -> None:
    errors = csv_roster(tmp_path, "长山花园社区,志愿者,韩雪梅,1380000", header="社区,职务,姓名,联系电话")

    assert messages(errors) == ["第2行「联系电话」列: 手机号「1380000」不对: 应是以1开头的11位数字"]


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    errors = csv_roster(
        tmp_path,
        "长山花园社区,第一网格,,,,网格员,祝兰红,13800000001,",
        "长山花园社区,,,,,,无角色的人,13800000002,",          # person without a role
        "长山花园社区,,,,,居民,宋玉兰,23800000003,",           # phone does not start with 1
        "长山花园社区,,,,,居民,邓国华,13800000004,tg42",       # telegram_id not a number
        "长山花园社区,第一网格,,2单元,,居民,唐春生,,",          # unit without building
        "长山花园社区,,,,,网格员,孙立新,13800000005,",          # grid worker without a grid
        "长山花园社区,第一网格,,,,楼栋长,刘凤霞,13800000006,",  # building head without a building
        "长山花园社区,第一网格,1栋,,,单元长,周秀英,13800000007,",  # unit head without a unit
    )

    assert [(e.line, e.column) for e in errors] == [
        (3, "角色"), (4, "手机"), (5, "telegram_id"), (6, "单元"), (7, "网格"), (8, "楼栋"), (9, "单元"),
    ]
    assert messages(errors) == [
        "第3行「角色」列: 「无角色的人」没有填角色",
        "第4行「手机」列: 手机号「23800000003」不对: 应是以1开头的11位数字",
        "第5行「telegram_id」列: telegram_id「tg42」应是一个整数",
        "第6行「单元」列: 有2单元但没有填楼栋",
        "第7行「网格」列: 网格员「孙立新」要填所在网格",
        "第8行「楼栋」列: 楼栋长「刘凤霞」要填所管的楼栋",
        "第9行「单元」列: 单元长「周秀英」要填所管的单元",
    ]


def test_phones_may_have_spaces_dashes_and_a_country_code(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("社区,角色,姓名,手机\n"
                    "长山花园社区,志愿者,甲,138 0000 0001\n"
                    "长山花园社区,志愿者,乙,138-0000-0002\n"
                    "长山花园社区,志愿者,丙,+86 13800000003\n", encoding="utf-8")

    roster, errors = read_roster(path)

    assert errors == []
    assert [r.phone for r in roster.rows] == ["13800000001", "13800000002", "13800000003"]


def test_a_building_belongs_to_one_grid_only(tmp_path: Path) -> None:
    errors = csv_roster(
        tmp_path,
        "长山花园社区,第一网格,5栋,,,楼栋长,张桂荣,13800000001,",
        "长山花园社区,第二网格,5号楼,1单元,,单元长,马晓东,13800000002,",
    )

    assert messages(errors) == [
        "第3行「网格」列: 5栋在第2行属于「第一网格」, 这里又写成「第二网格」: 一栋楼只能属于一个网格",
    ]


def test_a_building_no_row_puts_in_a_grid_is_reported_once(tmp_path: Path) -> None:
    errors = csv_roster(
        tmp_path,
        "长山花园社区,,7栋,1单元,101,居民,甲,,",
        "长山花园社区,,7栋,1单元,102,居民,乙,,",
    )

    assert messages(errors) == ["第2行「楼栋」列: 7栋不属于任何网格: 请至少在一行给它填上网格"]


def test_one_person_cannot_have_two_phones(tmp_path: Path) -> None:
    errors = csv_roster(
        tmp_path,
        "长山花园社区,第一网格,1栋,,,楼栋长,王敏,13800000004,",
        "长山花园社区,第一网格,1栋,2单元,,单元长,王敏,13800000005,",
    )

    assert [(e.line, e.column) for e in errors] == [(3, "手机")]
    assert "「王敏」在第2行的手机是13800000004, 这里是13800000005" in errors[0].message
    assert "请在姓名上区分" in errors[0].message  # namesakes are told how to get through


def test_one_person_cannot_have_two_telegram_ids(tmp_path: Path) -> None:
    errors = csv_roster(
        tmp_path,
        "长山花园社区,,,,,志愿者,韩雪梅,13800000021,1001",
        "长山花园社区,,,,,居民,韩雪梅,,1002",
    )

    assert messages(errors) == ["第3行「telegram_id」列: 「韩雪梅」在第2行的telegram_id是1001, 这里是1002"]


def test_one_phone_cannot_belong_to_two_names(tmp_path: Path) -> None:
    errors = csv_roster(
        tmp_path,
        "长山花园社区,,,,,健康员,杨晓丽,13800000017,",
        "长山花园社区,,,,,法律咨询员,黄志刚,13800000017,",
    )

    assert messages(errors) == ["第3行「手机」列: 手机号13800000017在第2行是「杨晓丽」的, 这里又给了「黄志刚」"]


def test_a_role_without_a_name_and_a_row_without_a_community(tmp_path: Path) -> None:
    errors = csv_roster(tmp_path, "长山花园社区,,,,,物业,,,", ",,,,,居民,宋玉兰,,")

    assert messages(errors) == ["第2行「姓名」列: 填了角色「物业」但没有姓名", "第3行「社区」列: 没有填社区"]


def test_missing_required_columns_are_named_once(tmp_path: Path) -> None:
    errors = csv_roster(tmp_path, "长山花园社区,13800000001", header="社区,电话")
    assert messages(errors) == ["第1行: 缺少「姓名」列"]

    errors = csv_roster(tmp_path, "祝兰红,13800000001", header="姓名,手机")
    assert messages(errors) == ["第1行: 缺少「社区」列", "第1行: 缺少「角色」列"]


def test_the_role_column_is_only_required_when_there_are_people(tmp_path: Path) -> None:
    errors = csv_roster(tmp_path, "长山花园社区,第一网格,1栋,", header="社区,网格,楼栋,姓名")
    assert errors == []


def test_two_columns_meaning_the_same_thing_are_reported(tmp_path: Path) -> None:
    errors = csv_roster(tmp_path, "长山花园社区,民警,徐卫东,13800000019,13800000019",
                        header="社区,角色,姓名,手机,电话")

    assert messages(errors) == ["第1行「电话」列: 「电话」和「手机」是同一列, 请只留一个"]


def test_an_xlsx_error_names_the_excel_row(tmp_path: Path) -> None:
    wb = Workbook()
    for row in (["名单"], ["社区", "角色", "姓名"], ["长山花园社区", "清洁工", "某人"]):
        wb.active.append(row)
    wb.save(tmp_path / "r.xlsx")

    _, errors = read_roster(tmp_path / "r.xlsx")

    assert [(e.line, e.column) for e in errors] == [(3, "角色")]


def test_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_bytes(b"")
    assert messages(read_roster(tmp_path / "r.csv")[1]) == ["第1行: 文件里没有内容"]
