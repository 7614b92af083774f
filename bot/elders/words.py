"""Reading a visit in words: which elders a message names, and whether what it says is worrying. Pure."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.model.elders import Elder, bare_name, given_name, surname
from bot.nlu.addresses import fold

# How people address elders after the surname: 王奶奶, 刘大爷, 陈老师.
HONORIFICS: tuple[str, ...] = (
    "老太太", "老爷子", "老奶奶", "老爷爷", "老大爷", "老人家", "老太", "老头", "老师", "老人",
    "奶奶", "爷爷", "大爷", "大妈", "大娘", "阿姨", "婆婆", "姥姥", "姥爷", "外婆", "外公", "阿婆", "阿公",
    "伯伯", "大伯", "叔叔", "婶婶", "婶子", "嬢嬢", "师傅", "姨", "婶", "伯", "叔", "爷", "奶",
)
_HONORIFIC_RE = "|".join(sorted(map(re.escape, HONORIFICS), key=len, reverse=True))

# What makes a visit worrying: nobody answered, a fall, pain, not seen for days, gone missing.
_WORRY = re.compile(
    r"没人(?:应|开门|答应|回应|理|接)|敲[^,。!?]{0,6}没(?:人)?(?:应|开|动静)|叫门没|不开门|没开门"
    r"|联系不上|打不通|电话没人接|(?:[0-9]+|[一两二三四五六七八九十几]+|好几)天没(?:见|看|露面|出门|动静|开门|下楼)"
    r"|没见着|没见到(?:人|她|他)|不见人|没动静|摔|跌倒|跌了|倒在|起不来|昏迷|昏倒|晕倒|头晕|晕了|不省人事"
    r"|胸口疼|胸口痛|胸闷|心口疼|喘不上|喘不过|呼吸困难|发烧|高烧|吐血|便血|中风|抽搐|不舒服|难受"
    r"|(?<!心)疼(?!爱)|(?<!心)痛(?!快)|不对劲|糊涂|走丢|走失|找不到(?:人|她|他|老人)|不见了|没吃饭|住院|送医|急救"
    r"|(?:打|叫)了?120"
)
# A worry word right after one of these is denied: "没摔着", "不疼了", "没有不舒服".
_DENIED = re.compile(r"(?:没有|没|不|不再|已经不|也不|并不|一点也不|一点都不)$")
# Said before a worry word to mean it is over or did not happen ("上次摔的已经好了").
_OVER_AFTER = re.compile(r"^[^,。!?]{0,4}(?:好了|好多了|没事|不要紧|无大碍)")


@dataclass(frozen=True)
class Mention:
    """Where a message names an elder, and who it could be: one elder, or several to choose from."""

    said: str
    elders: tuple[Elder, ...]

    @property
    def resolved(self) -> Elder | None:
        return self.elders[0] if len(self.elders) == 1 else None


def worry(text: str) -> str | None:
    """The worrying words of a visit ("没人应", "摔"), None when nothing in it is worrying."""
    s = fold(text)
    for m in _WORRY.finditer(s):
        before = s[max(0, m.start() - 4):m.start()]
        if _DENIED.search(before) and not m.group(0).startswith(("没", "不", "联系", "打不")):
            continue
        if _OVER_AFTER.match(s[m.end():]):
            continue
        return m.group(0)
    return None


# Characters that come before 奶奶/大爷 without being anyone's surname: "看了奶奶", "她家大爷".
NOT_A_SURNAME = frozenset("了的个位看望家去给和跟陪帮老小这那我你他她们户号说是在把被让叫找到问见看跟")
_GENERIC = frozenset({"老人", "老人家"})


def calls_by_name(text: str) -> bool:
    """Whether the message calls someone by a surname (王奶奶, 老王): then it is about that person,
    and a room number in it does not name whoever else lives there."""
    s = fold(text)
    for m in re.finditer(rf"([\u4e00-\u9fff])({_HONORIFIC_RE})", s):
        if m.group(2) not in _GENERIC and m.group(1) not in NOT_A_SURNAME:
            return True
    return re.search(r"老[\u4e00-\u9fff](?![\u4e00-\u9fff]{2})", s) is not None and "老人" not in s


def names_someone(text: str) -> bool:
    """Whether a message calls someone the way elders are called (王奶奶, 老王), before any lookup."""
    return re.search(rf"[\u4e00-\u9fff](?:{_HONORIFIC_RE})|老[\u4e00-\u9fff]", fold(text)) is not None


_HONORIFIC_ANY = re.compile(_HONORIFIC_RE)
_OLD_X = re.compile(r"老([\u4e00-\u9fff])(?![\u4e00-\u9fff]{2})")


def _cues(text: str) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[tuple[int, int]]]]:
    """Where the text calls someone: (what stands before an honorific → spans, X of 老X → spans).

    Read once per message, so matching it against hundreds of elders is only lookups.
    """
    called: dict[str, list[tuple[int, int]]] = {}
    for m in _HONORIFIC_ANY.finditer(text):
        for k in (1, 2, 3):
            if m.start() >= k:
                called.setdefault(text[m.start() - k:m.start()], []).append((m.start() - k, m.end()))
    old = {}
    for m in _OLD_X.finditer(text):
        old.setdefault(m.group(1), []).append((m.start(), m.end()))
    return called, old


@lru_cache(maxsize=4096)
def _forms(name: str) -> tuple[str, str, str]:
    """(full name, surname, given name) as compared: folded, without a namesake's qualifier."""
    return fold(bare_name(name)), fold(surname(name)), fold(given_name(name))


def _name_spans(text: str, cues, elder: Elder) -> list[tuple[int, int, int]]:
    """(strength, start, end) of each way the text names this elder: full name 3, 王奶奶/秀英奶奶/老王 2."""
    called, old = cues
    full, family, given = _forms(elder.name)
    found: list[tuple[int, int, int]] = []
    at = text.find(full)
    while at >= 0:
        found.append((3, at, at + len(full)))
        at = text.find(full, at + 1)
    found += [(2, a, b) for a, b in called.get(family, ())]
    if len(family) == 1:
        found += [(2, a, b) for a, b in old.get(family, ())]
    if len(given) >= 2 and given != full:
        # "秀英奶奶"; a bare given name could be the end of someone else's name ("周秀英").
        found += [(2, a, b) for a, b in called.get(given, ())]
    return found


def _fits(elder: Elder, building: str | None, unit: str | None, room: str | None) -> bool:
    """The place said, if any, does not contradict the elder's home."""
    return ((building is None or building == elder.building)
            and (unit is None or elder.unit is None or unit == elder.unit)
            and (room is None or elder.room is None or room == elder.room))


def _place_score(elder: Elder, building: str | None, unit: str | None, room: str | None) -> int:
    return (building == elder.building) + (unit is not None and unit == elder.unit) + 2 * (
        room is not None and room == elder.room)


def find_mentions(text: str, candidates: list[Elder], building: str | None = None, unit: str | None = None,
                  room: str | None = None) -> list[Mention]:
    """The elders a message names among `candidates`, one Mention per place in the text.

    By name ("王秀英", "王奶奶", "秀英奶奶", "老王"), kept only where the place said does not contradict their
    home; a message that names nobody but gives a room ("502家的门") names the elder living there.
    Where several elders fit one name, the place said picks among them, else all are offered.
    """
    s = fold(text)
    cues = _cues(s)
    hits: list[tuple[int, int, int, Elder]] = []
    for elder in candidates:
        if not _fits(elder, building, unit, room):
            continue
        for strength, start, end in _name_spans(s, cues, elder):
            hits.append((strength, start, end, elder))
    if not hits:
        if room is None or calls_by_name(text):
            return []
        at_room = [e for e in candidates if e.room == room and _fits(e, building, unit, room)]
        if not at_room:
            return []
        said = (building and f"{building}-" or "") + room
        return [Mention(said, tuple(_best_by_place(at_room, building, unit, room)))]
    # Group the hits by where they sit in the text: overlapping spans are one mention.
    hits.sort(key=lambda h: (h[1], -h[2]))
    groups: list[list[tuple[int, int, int, Elder]]] = []
    for hit in hits:
        if groups and hit[1] < max(h[2] for h in groups[-1]):
            groups[-1].append(hit)
        else:
            groups.append([hit])
    mentions = []
    for group in groups:
        strongest = max(h[0] for h in group)
        best = list(dict.fromkeys(h[3] for h in group if h[0] == strongest))
        start = min(h[1] for h in group)
        end = max(h[2] for h in group)
        mentions.append(Mention(s[start:end], tuple(_best_by_place(best, building, unit, room))))
    # One elder named twice ("王奶奶…秀英她") is one mention.
    unique: list[Mention] = []
    for m in mentions:
        if not any(set(m.elders) <= set(u.elders) for u in unique):
            unique.append(m)
    return unique


def _best_by_place(elders: list[Elder], building: str | None, unit: str | None, room: str | None) -> list[Elder]:
    if len(elders) < 2:
        return elders
    scores = {e.id: _place_score(e, building, unit, room) for e in elders}
    top = max(scores.values())
    return [e for e in elders if scores[e.id] == top]
