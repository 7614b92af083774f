"""Reading visits: who a message names, whether it is worrying, and when the next visit is due."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError
from bot.model.elders import Elder, given_name, surname
from bot.elders.rules import ElderRules
from bot.elders.words import find_mentions, worry

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
ZONE = ZoneInfo("Asia/Shanghai")


def elder(i: int, name: str, building: str, unit: str | None, room: str | None) -> Elder:
    return Elder(i, 1, 1, name, building, unit, room, "high", NOW, NOW)


WANG = elder(1, "王秀兰", "3", "2", "502")
WANG2 = elder(2, "王德福", "1", "1", "101")
LIU = elder(3, "刘桂芝", "3", "2", "602")
OUYANG = elder(4, "欧阳春兰", "5", "1", "201")
ELDERS = [WANG, WANG2, LIU, OUYANG]


@pytest.mark.parametrize("text, place, named", [
    ("今天去看了王秀兰, 身体还行", {}, [[1]]),
    ("今天去看了王奶奶, 身体还行", {}, [[1, 2]]),                         # two 王: both offered
    ("今天去看了3栋2单元的王奶奶", {"building": "3", "unit": "2"}, [[1]]),  # the place picks
    ("刚敲了502刘奶奶家的门", {"room": "502"}, []),                       # 刘 lives in 602, not 502
    ("刚敲了602刘奶奶家的门", {"room": "602"}, [[3]]),
    ("刚敲了502家的门, 没人应", {"room": "502"}, [[1]]),                  # a room alone names who lives there
    ("刚敲了502老人家的门, 没人应", {"room": "502"}, [[1]]),
    ("去看了秀兰奶奶和老刘", {}, [[1], [3]]),                              # two elders in one message
    ("陪春兰阿姨去了趟医院", {}, [[4]]),                                   # a compound surname's given name
    ("欧阳奶奶挺好", {}, [[4]]),
    ("周秀英说她挺好", {}, []),                                           # 秀英 is not 秀兰, nor her name
    ("今天去看了我姥姥", {}, []),
])
def test_who_a_message_names(text, place, named):
    found = find_mentions(text, ELDERS, place.get("building"), place.get("unit"), place.get("room"))
    assert [[e.id for e in m.elders] for m in found] == named


@pytest.mark.parametrize("text, words", [
    ("刚敲了502刘奶奶家的门, 没人应", "没人应"),
    ("敲了半天门没人开", "敲了半天门没人开"),
    ("王奶奶摔了一跤", "摔"),
    ("她说胸口疼", "胸口疼"),
    ("刘奶奶两天没见着了", "两天没见"),
    ("老人家里电话打不通", "打不通"),
    ("今天去看了王奶奶, 身体还行", None),
    ("腿不疼了, 精神挺好", None),
    ("没摔着, 就是吓了一跳", None),
    ("上次摔的已经好了", None),
    ("挺心疼她的, 一个人住", None),
    ("量了血压120, 正常", None),
])
def test_what_makes_a_visit_worrying(text, words):
    assert worry(text) == words


def test_names_and_given_names():
    assert (surname("王秀兰"), given_name("王秀兰")) == ("王", "秀兰")
    assert (surname("欧阳春兰"), given_name("欧阳春兰")) == ("欧阳", "春兰")
    assert given_name("王秀兰(3栋)") == "秀兰"
    assert given_name("王") == "王"


def test_the_next_visit_is_due_by_the_end_of_a_calendar_day():
    rules = ElderRules()
    wednesday_morning = datetime(2026, 11, 18, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai
    wednesday_night = datetime(2026, 11, 18, 14, 0, tzinfo=timezone.utc)  # 22:00
    end_of_thursday = datetime(2026, 11, 19, 16, 0, tzinfo=timezone.utc)
    assert rules.next_due("high", wednesday_morning, ZONE) == end_of_thursday
    assert rules.next_due("high", wednesday_night, ZONE) == end_of_thursday
    assert rules.next_due("medium", wednesday_morning, ZONE) == end_of_thursday + timedelta(days=6)
    assert rules.next_due("low", wednesday_morning, ZONE) == end_of_thursday + timedelta(days=29)
    # After something worrying, within 24 hours whatever the level.
    assert rules.next_due("low", wednesday_morning, ZONE, concern=True) == wednesday_morning + timedelta(hours=24)


@pytest.mark.parametrize("section, message", [
    ({"high": {"every_days": 0}}, "every_days 应是不小于 1 的数字"),
    ({"medium": {"every_days": 1.5}}, "every_days 应是整数天"),
    ({"low": {"escalate_hours": "two"}}, "escalate_hours 应是不小于 0 的数字"),
    ({"visit_points": -1}, "visit_points 应是不小于 0 的数字"),
    ({"high": 3}, "[elders.high] (重点) 应是一节设置"),
])
def test_a_wrong_setting_is_named_in_one_line(section, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")
                       .replace(")", r"\)")):
        ElderRules.from_config(section)


def test_settings_per_level():
    rules = ElderRules.from_config({"high": {"every_days": 2, "escalate_hours": 4}, "visit_points": 3})
    assert rules.levels["high"].every_days == 2 and rules.escalate_after("high") == timedelta(hours=4)
    assert rules.levels["medium"].every_days == 7 and rules.visit_points == 3
