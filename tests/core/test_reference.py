"""Rules for what a message names: ticket numbers, subjects, and words about how a request went."""
from __future__ import annotations

from bot.tickets.emergency import kind_of, safety_steps
from bot.tickets.reference import (
    content_pairs, named_number, says_done, says_not_fixed, says_service)


def test_numbers_are_tickets_only_in_the_forms_people_use_for_them():
    assert named_number("#2 怎么样了") == 2
    assert named_number("＃12有人管吗") == 12
    assert named_number("2号单子怎么样了") == 2
    assert named_number("第3单呢") == 3
    assert named_number("2号怎么样了") == 2
    assert named_number("2号怎么样了", bare=False) is None  # in a group only the plain forms
    for not_a_ticket in ("2号楼漏水", "11月3号来修", "3号门坏了", "我们3号开会, 大家记得来参加一下啊"):
        assert named_number(not_a_ticket) is None, not_a_ticket


def test_two_problems_at_one_door_share_no_subject_words():
    assert not content_pairs("1单元门口垃圾桶满了") & content_pairs("1单元门口化粪池冒了 一股臭味")
    assert content_pairs("天台上堆了好多杂物") & content_pairs("刚才说的天台杂物有人管没啊")


def test_words_about_how_it_went():
    assert says_not_fixed("根本没修好😤") and not says_done("根本没修好😤")
    assert says_done("已修好 楼上水管接头松了") and says_done("燃气那个…已经处理好了")
    assert not says_done("302那家漏水的我明天上午过去看看")
    assert says_service("太慢了, 等了一天才来人, 师傅态度也不好")


def test_safety_steps_by_kind():
    assert kind_of("我家厨房一股很浓的煤气味") == "gas"
    assert kind_of("楼道里冒烟了 好像着火了") == "fire"
    assert kind_of("电梯困人了 有个孩子在里面") == "lift"
    assert kind_of("我妈在家摔倒了起不来") == "fall"
    assert "119" in safety_steps("heating_gas", "煤气味") and "开窗" in safety_steps("heating_gas", "煤气味")
    assert "120" in safety_steps("elderly", "摔倒了") and "拉起来" in safety_steps("elderly", "摔倒了")
    assert "不要扒门" in safety_steps("facility", "电梯困人了")
