"""Who a task expects, and which task and line a completion message is about."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.tasks.matching import NONE, STRONG, WEAK, Claim, choose, resolve, topic_relation
from bot.model.tasks import Target, Task
from bot.nlu.scope import Places, audience_of, named_places
from bot.tasks.scope import Post, resolve_scope

UNIT_HEADS = [Post("1", "1", 1, "李红"), Post("1", "2", 2, "王敏"), Post("1", "3", 3, "周秀英"),
              Post("2", "1", 4, "吴建华"), Post("2", "2", 5, "郑丽娟")]
BUILDING_HEADS = [Post("1", None, 2, "王敏"), Post("2", None, 6, "刘凤霞")]
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)


def labels(slots):
    return [(s.label, s.person_name) for s in slots]


def test_named_places_reads_lists_ranges_and_chinese_numerals():
    assert named_places("请1栋和2栋的单元长今天下午5点前完成燃气安全排查") == Places(("1", "2"), ())
    assert named_places("请1、2、3单元的单元长") == Places((), ("1", "2", "3"))
    assert named_places("三单元的问卷全部收齐了") == Places((), ("3",))
    assert named_places("请5号楼和6号楼2至4单元") == Places(("5", "6"), ("2", "3", "4"))
    assert named_places("請各樓棟長明天上午10點前上報") == Places()
    assert named_places("今天下午4点前收齐, 201室也要") == Places()
    assert named_places("请各单元长收齐问卷") == Places()  # 单元长 is a role, not a unit


def test_audience_is_building_heads_only_when_the_text_says_so():
    assert audience_of("请各楼栋长明天上午10点前上报独居老人名单") == "building"
    assert audience_of("请各栋长周五前交表") == "building"
    assert audience_of("请各单元长今天下午4点前把本单元的问卷收齐") == "unit"
    assert audience_of("请各楼栋长、单元长配合排查") == "unit"
    assert audience_of("请大家今天把问卷收齐") == "unit"


def test_scope_is_every_head_narrowed_to_the_places_named():
    assert len(resolve_scope("unit", Places(), UNIT_HEADS, BUILDING_HEADS)) == 5
    assert labels(resolve_scope("building", Places(), UNIT_HEADS, BUILDING_HEADS)) == [("1栋", "王敏"), ("2栋", "刘凤霞")]
    assert labels(resolve_scope("unit", Places(("2",), ()), UNIT_HEADS, BUILDING_HEADS)) == [
        ("2栋1单元", "吴建华"), ("2栋2单元", "郑丽娟")]
    assert labels(resolve_scope("unit", Places(("1",), ("3",)), UNIT_HEADS, BUILDING_HEADS)) == [("1栋3单元", "周秀英")]
    assert labels(resolve_scope("unit", Places((), ("1",)), UNIT_HEADS, BUILDING_HEADS)) == [
        ("1栋1单元", "李红"), ("2栋1单元", "吴建华")]
    assert labels(resolve_scope("building", Places(("2",), ()), UNIT_HEADS, BUILDING_HEADS)) == [("2栋", "刘凤霞")]
    # A place the grid does not have is ignored rather than leaving nobody expected.
    assert len(resolve_scope("unit", Places(("9",), ()), UNIT_HEADS, BUILDING_HEADS)) == 5
    assert resolve_scope("unit", Places(), [], BUILDING_HEADS) == []


def task(id_: int, topic: str | None, title: str, text: str, audience: str = "unit") -> Task:
    return Task(id=id_, community_id=1, grid_id=1, chat_id=-100, source_message_id=None, title=title,
                topic=topic, text=text, audience=audience, deadline=None, creator_person_id=9,
                creator_tg=900, creator_name="祝兰红", status="open", card_ref=f"k{id_}:card", version=1,
                created_at=NOW)


def targets(task_id: int, done: tuple[str, ...] = ()) -> list[Target]:
    return [Target(10 * task_id + i, task_id, p.building, p.unit, p.person_id, p.name,
                   NOW if p.name in done else None) for i, p in enumerate(UNIT_HEADS)]


SURVEY = task(1, "问卷", "问卷收齐", "请各单元长今天下午4点前把本单元的问卷收齐")
GAS = task(2, "燃气安全排查", "燃气安全排查", "请各单元长明天中午12点前完成燃气安全排查")


def test_topics_agree_differ_or_are_unknown():
    assert topic_relation("问卷", SURVEY) == STRONG
    assert topic_relation("燃气排查", GAS) == STRONG
    assert topic_relation("问卷", GAS) == NONE
    assert topic_relation(None, GAS) == WEAK


def test_a_unit_head_completes_their_own_line():
    res = resolve(Claim(3, named_places("三单元的问卷全部收齐了"), "问卷", home_buildings=("1",)), SURVEY, targets(1))
    assert [t.label for t in res.complete] == ["1栋3单元"] and not res.help
    res = resolve(Claim(1), SURVEY, targets(1))
    assert [t.label for t in res.complete] == ["1栋1单元"]
    assert resolve(Claim(1), SURVEY, targets(1, done=("李红",))).already_done


def test_someone_not_expected_is_recorded_as_help():
    res = resolve(Claim(6, named_places("2栋1单元的问卷我帮着收齐了"), "问卷"), SURVEY, targets(1))
    assert res.help and not res.complete
    assert resolve(Claim(6), SURVEY, targets(1)).help
    # A unit head answering for another unit is helping, not completing that unit.
    res = resolve(Claim(1, named_places("2栋2单元问卷收齐了"), "问卷", home_buildings=("1",)), SURVEY, targets(1))
    assert res.help and not res.complete


def test_the_grid_worker_may_tick_off_a_named_line():
    res = resolve(Claim(9, named_places("2栋1单元问卷交到办公室了"), staff=True), SURVEY, targets(1))
    assert [t.label for t in res.complete] == ["2栋1单元"]
    assert not resolve(Claim(9, staff=True), SURVEY, targets(1)).actionable


def test_choose_by_topic_then_asks_when_still_unclear():
    t1, t2 = targets(1), targets(2)
    by_topic = choose([resolve(Claim(1, topic="问卷"), SURVEY, t1), resolve(Claim(1, topic="问卷"), GAS, t2)])
    assert [r.task.id for r in by_topic] == [1]
    unclear = choose([resolve(Claim(1), SURVEY, t1), resolve(Claim(1), GAS, t2)])
    assert [r.task.id for r in unclear] == [1, 2]
    # Own line beats helping; a task already done by them is not a candidate.
    done_one = choose([resolve(Claim(1), SURVEY, targets(1, done=("李红",))), resolve(Claim(1), GAS, t2)])
    assert [r.task.id for r in done_one] == [2]
    assert choose([resolve(Claim(1, topic="门禁卡"), SURVEY, t1)]) == []


def test_the_ways_people_name_a_head():
    from bot.tasks.matching import names_person
    for who in ("周秀英", "秀英", "周姐", "老周", "周阿姨", "小周", "周大姐"):
        assert names_person(who, "周秀英"), who
    for who in ("周", "李姐", "英姐", "大家"):
        assert not names_person(who, "周秀英"), who
    assert names_person("李姐", "李红") and not names_person("红", "李红")


def test_lines_done_for_someone_are_hers_narrowed_by_the_place_named():
    from datetime import datetime, timezone

    from bot.tasks.matching import behalf_lines
    from bot.model.tasks import Target
    from bot.tasks.scope import Places
    lines = [Target(1, 1, "1", "3", 6, "周秀英"), Target(2, 1, "2", "3", 7, "周建华"),
             Target(3, 1, "1", "1", 5, "李红", done_at=datetime(2026, 11, 18, tzinfo=timezone.utc))]
    assert [t.id for t in behalf_lines("周姐", Places(), lines)] == [1, 2]
    assert [t.id for t in behalf_lines("周姐", Places(units=("3",)), lines, home=("1",))] == [1]
    assert [t.id for t in behalf_lines("周秀英", Places(), lines)] == [1]
    assert behalf_lines("李姐", Places(), lines) == []  # her line is done already
