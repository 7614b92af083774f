"""Which open task a completion message is about, and which lines of it it completes. Pure functions."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.model.tasks import Target, Task
from bot.tasks.scope import Places

STRONG, WEAK, NONE = 2, 1, 0


@dataclass(frozen=True)
class Claim:
    """Someone says they did something: who, where (as written), about what."""

    person_id: int | None
    places: Places = field(default_factory=Places)
    topic: str | None = None
    text: str = ""
    staff: bool = False
    # Buildings the person serves in, to read "3单元" from a head of 1栋 as 1栋3单元.
    home_buildings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """What a claim does to one task: lines it completes, or help from someone not expected."""

    task: Task
    complete: tuple[Target, ...] = ()
    help: bool = False
    already_done: bool = False
    topic: int = WEAK
    helped: bool = False  # the lines are someone else's, done by the claimant for them ("我帮周姐收齐了")

    @property
    def actionable(self) -> bool:
        return bool(self.complete) or self.help


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if not c.isspace()]
    grams = {"".join(chars[i:i + 2]) for i in range(len(chars) - 1)}
    return grams or set(chars)


def topic_relation(claim_topic: str | None, task: Task) -> int:
    """STRONG when the topics agree, NONE when both are known and share nothing, else WEAK."""
    if not claim_topic:
        return WEAK
    subjects = [s for s in (task.topic, task.title) if s]
    if any(claim_topic in s or s in claim_topic for s in subjects):
        return STRONG
    grams = _bigrams(claim_topic)
    if any(grams & _bigrams(s) for s in subjects) or any(g in task.text for g in grams if len(g) == 2):
        return STRONG
    return NONE


def resolve(claim: Claim, task: Task, targets: list[Target]) -> Resolution:
    """The lines of `task` the claim completes; help when the claimant is not the one expected."""
    relation = topic_relation(claim.topic, task)
    named = _named_targets(claim, task, targets)
    if named is not None:
        mine = [t for t in named if _may_complete(claim, t)]
        open_mine = [t for t in mine if not t.done]
        if open_mine:
            return Resolution(task, tuple(open_mine), topic=relation)
        if mine:
            return Resolution(task, already_done=True, topic=relation)
        if named and claim.person_id is not None:
            return Resolution(task, help=True, topic=relation)
    own = [t for t in targets if claim.person_id is not None and t.person_id == claim.person_id]
    if own:
        open_own = [t for t in own if not t.done]
        if open_own:
            return Resolution(task, tuple(open_own), topic=relation)
        return Resolution(task, already_done=True, topic=relation)
    if claim.staff:
        return Resolution(task, topic=relation)  # the grid worker saying "完成" names no line: nothing to do
    return Resolution(task, help=claim.person_id is not None, topic=relation)


def _named_targets(claim: Claim, task: Task, targets: list[Target]) -> list[Target] | None:
    """Lines matching the places the message names, or None when it names none."""
    places = claim.places
    if not places:
        return None
    if task.audience == "building":
        if not places.buildings:
            return None
        return [t for t in targets if t.building in places.buildings]
    if not places.units:
        if places.buildings:
            return [t for t in targets if t.building in places.buildings]
        return None
    buildings = places.buildings or claim.home_buildings
    return [t for t in targets if t.unit in places.units and (not buildings or t.building in buildings)]


def _may_complete(claim: Claim, target: Target) -> bool:
    if claim.person_id is not None and target.person_id == claim.person_id:
        return True
    # The grid worker may tick a line off for someone (the forms were handed in at the office);
    # a line nobody holds can be ticked by staff too.
    return claim.staff


def choose(resolutions: list[Resolution]) -> list[Resolution]:
    """The best candidates: one means act, several means ask, none means stay silent.

    Tasks whose topic plainly differs are out; then a task where the claimant completes their own
    line beats one where they would only be helping; then agreeing topics beat unknown ones.
    """
    live = [r for r in resolutions if r.topic != NONE]
    if not live:
        return []
    for pick in (lambda r: bool(r.complete), lambda r: r.help):
        group = [r for r in live if pick(r)]
        if group:
            best = max(r.topic for r in group)
            return [r for r in group if r.topic == best]
    return []


# How people name a neighbour: "周姐", "老周", "周阿姨", "秀英", "周秀英".
_HONORIFICS = ("姐", "大姐", "姨", "阿姨", "叔", "大叔", "叔叔", "哥", "大哥", "爷", "大爷", "奶奶", "婶", "大妈",
               "老师", "主任", "书记")


def names_person(who: str, name: str | None) -> bool:
    """Whether `who` (as written after 帮/替/代) is a way of naming `name`."""
    if not who or not name:
        return False
    if who.startswith(name):
        return True
    surname, given = name[0], name[1:]
    aliases = {f"老{surname}", f"小{surname}"} | {surname + h for h in _HONORIFICS}
    if len(given) >= 2:
        aliases.add(given)
    return who in aliases


def behalf_lines(who: str, places: Places, targets: list[Target], home: tuple[str, ...] = ()) -> list[Target]:
    """The open lines of the person named by `who`, narrowed by the places the message names
    ("三单元的我帮周姐收齐了": 周姐's line in 3单元, read in the speaker's building when there is only one)."""
    lines = [t for t in targets if not t.done and names_person(who, t.person_name)]
    if places.buildings:
        lines = [t for t in lines if t.building in places.buildings]
    if places.units:
        narrowed = [t for t in lines if t.unit in places.units]
        if home and len({t.building for t in narrowed}) > 1:
            narrowed = [t for t in narrowed if t.building in home] or narrowed
        lines = narrowed
    return lines
