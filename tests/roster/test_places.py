"""Place labels as residents and secretaries write them."""
import pytest

from bot.nlu.addresses import normalize_building, normalize_room, normalize_unit, parse_address
from bot.model.labels import address_label, building_label, unit_label


@pytest.mark.parametrize("text, expected", [
    ("5栋", "5"),
    ("5号楼", "5"),
    ("5幢", "5"),
    ("五栋", "5"),
    ("5号", "5"),
    ("5", "5"),
    ("05栋", "5"),
    ("第5栋", "5"),
    ("二十一栋", "21"),
    ("5號樓", "5"),       # traditional, as in one of the source articles
    ("５栋", "5"),        # full-width digits from a Chinese IME
    (" 5 栋 ", "5"),
    ("A座", "A"),
    ("b座", "B"),
    ("综合楼", "综合楼"),  # a proper name stays whole, not "综合"
    ("第一教学楼", "第一教学楼"),
])
def test_normalize_building(text: str, expected: str) -> None:
    assert normalize_building(text) == expected


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_building_is_none(text: str | None) -> None:
    assert normalize_building(text) is None


@pytest.mark.parametrize("text, expected", [
    ("3单元", "3"), ("三单元", "3"), ("第三单元", "3"), ("3", "3"), ("３單元", "3"), ("", None),
])
def test_normalize_unit(text: str, expected: str | None) -> None:
    assert normalize_unit(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("201室", "201"), ("201", "201"), ("201号", "201"), ("二〇一", "201"), ("0201", "0201"), ("", None),
])
def test_normalize_room(text: str, expected: str | None) -> None:
    assert normalize_room(text) == expected


def test_labels_put_the_suffixes_back() -> None:
    assert building_label("5") == "5栋"
    assert building_label("A") == "A座"
    assert building_label("综合楼") == "综合楼"
    assert unit_label("3") == "3单元"


def test_address_label_skips_missing_parts() -> None:
    assert address_label("5", "2", "301") == "5栋2单元301"
    assert address_label("5", None, "301") == "5栋301"
    assert address_label("5") == "5栋"
    assert address_label(None, None, None) == ""


@pytest.mark.parametrize("text", [
    "5栋2单元301",
    "5-2-301",
    "5号楼2单元301室",
    "五栋二单元301",
    "５栋２单元３０１",
    "5 栋 2 单元 301",
    "5栋 2单元 301",
    "5 2 301",
    "5－2－301",
    "5樓2單元301室",
    "第5栋第2单元301",
])
def test_a_resident_can_write_the_same_address_many_ways(text: str) -> None:
    assert parse_address(text) == ("5", "2", "301")


def test_an_address_may_leave_out_unit_or_room() -> None:
    assert parse_address("5栋301") == ("5", None, "301")
    assert parse_address("5栋") == ("5", None, None)
    assert parse_address("A座3单元1202") == ("A", "3", "1202")


@pytest.mark.parametrize("text", ["", "5", "5-2", "hello", "我家漏水了", "5栋2单元301漏水了"])
def test_what_is_not_an_address(text: str) -> None:
    assert parse_address(text) is None
