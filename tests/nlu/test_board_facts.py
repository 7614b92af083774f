"""What parse tells the task board: notices, announcements, audiences, awards, edits, help for a named head, 搞定."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.nlu import parse
from bot.nlu.board import audiences_of, bare_done, is_announcement, on_behalf
from bot.nlu.tasktext import clip_phrase

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in Shanghai


@pytest.mark.parametrize("text, who", [
    ("三单元的我帮周姐收齐了", "周姐"),
    ("我帮周秀英把问卷收齐了", "周秀英"),
    ("替老周交了", "老周"),
    ("帮李红的问卷弄好了", "李红"),
    ("2栋1单元的问卷我帮着收齐了", None),
    ("我帮忙收齐了", None),
    ("帮大家收齐了", None),
])
def test_whom_the_speaker_did_it_for(text, who):
    assert on_behalf(text) == who


@pytest.mark.parametrize("text", ["搞定", "搞定✌️", "搞定了👍", "弄好了", "齐了", "OK了", "ok啦", "我这边也交了", "完成!"])
def test_done_in_a_word(text):
    assert bare_done(text)


@pytest.mark.parametrize("text", ["ok", "OK", "好", "好了", "收到", "水管修好了", "还没弄好了", "问卷收齐了吗"])
def test_not_done_in_a_word(text):
    assert not bare_done(text)


def test_who_a_message_speaks_to():
    assert audiences_of("楼栋长和单元长明晚7点开会") == ("building", "unit")
    assert audiences_of("请三长准时参加") == ("building", "unit")
    assert audiences_of("各楼长注意") == ("building",)
    assert audiences_of("请各单元长收齐问卷") == ("unit",)
    assert audiences_of("大家注意") == ()


def test_a_meeting_told_to_heads_is_an_announcement_and_work_before_it_is_a_task():
    assert is_announcement("楼栋长和单元长明晚7点开会", NOW)
    assert is_announcement("各楼栋长明天上午9点到社区开会", NOW)
    assert not is_announcement("请各单元长明天开会前把问卷收齐", NOW)
    assert not is_announcement("明晚7点开会", NOW)  # said to nobody in particular: chat
    assert not is_announcement("请各单元长周五前交名单", NOW)


def test_parse_answers_the_boards_questions():
    facts = parse("楼栋长和单元长明晚7点开会", NOW).board
    assert facts.notice and facts.announcement and facts.audiences == ("building", "unit")
    facts = parse("给刘凤霞记5分 照顾独居老人", NOW).board
    assert facts.award is not None and (facts.award.name, facts.award.amount) == ("刘凤霞", 5)
    facts = parse("截止改为明天下午5点", NOW).board
    assert facts.edit is not None and facts.edit.whole
    assert facts.edit.deadline == datetime(2026, 11, 19, 9, 0, tzinfo=timezone.utc)
    facts = parse("改为楼栋长", NOW).board
    assert facts.edit is not None and facts.edit.audience == "building"
    facts = parse("请1栋和2栋的单元长周五前交名单", NOW).board
    assert facts.scope.buildings == ("1", "2") and facts.audiences == ("unit",) and not facts.notice
    facts = parse("我们三单元的也好了", NOW).board
    assert facts.own_done
    facts = parse("三单元的我帮周姐收齐了", NOW).board
    assert facts.on_behalf == "周姐" and facts.scope.units == ("3",)


def test_a_parse_of_anything_has_board_facts():
    assert parse("", NOW).board is not None
    assert parse("x" * 5000, NOW).board is not None


@pytest.mark.parametrize("text, limit, clipped", [
    ("本单元楼道里、消防通道和地下室堆放杂物的情况排查一遍并拍照发群里", 30, "本单元楼道里、消防通道和地下室堆放杂物的情况排查一遍"),
    ("请各位楼栋长注意本楼道里堆放杂物的情况及时清理", 19, "请各位楼栋长注意本楼道里堆放杂物…"),
    ("本单元楼道里堆放杂物的情况排查一遍", 8, "本单元楼道里…"),
    ("收齐问卷", 30, "收齐问卷"),
])
def test_titles_are_cut_where_a_phrase_ends(text, limit, clipped):
    assert clip_phrase(text, limit) == clipped
    assert len(clip_phrase(text, limit)) <= limit
