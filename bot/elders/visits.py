"""Visits: said in the group or in private, tapped in /visit or under a reminder; /elders; worrying visits."""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.model.domain import GroupBinding, Person
from bot.elders import render
from bot.model.elders import Elder, Visit
from bot.elders.reminders import grid_workers, keepers_of, reachable, schedule_wait
from bot.elders.rules import ElderRules
from bot.elders.words import HONORIFICS, NOT_A_SURNAME, Mention, find_mentions, names_someone, worry
from bot.model.incoming import Incoming
from bot.model.messages import Outgoing, clear_buttons, inline_keyboard, text_message
from bot.nlu import Lexicon, Parsed, parse
from bot.policy import elders_seen_by, may_log_visit, may_see_elder, visits_logged_by
from bot.model.roles import Role
from bot.model.tickets import Ticket
from bot.tickets.service import TicketDesk
from bot.model.messages import Answer
from bot.refusals import EXPIRED
from storage import Store, Tx

# A worrying visit ("没人应", "摔了") raises an urgent ticket through the ticket desk, which reaches the
# grid worker, the health worker and the admins; the elder's private details go to those who may see
# them, and the family, when linked, hears of it in plain words.

log = logging.getLogger(__name__)

NOTE_WINDOW = timedelta(minutes=10)
# A second tap on 平安 for the same elder this soon is the same visit, not another one.
DOUBLE_TAP = timedelta(minutes=10)
PAGE = 6
LIST_PAGE = 15
MAX_SAID = 1000
# Categories of a report that, naming an elder and saying something worrying, is a worrying visit.
_CARE_CATEGORIES = (None, "elderly", "health", "other")


class ElderCare:
    def __init__(self, store: Store, zone: ZoneInfo, rules: ElderRules, desk: TicketDesk,
                 lexicon: Lexicon | None = None) -> None:
        self._store = store
        self._zone = zone
        self.rules = rules
        self._desk = desk
        self._lexicon = lexicon

    # -- which elders a message is about --------------------------------------------------------

    @staticmethod
    def visit_words(parsed: Parsed, text: str) -> tuple[bool, str | None]:
        """(a visit?, the worrying words if any). An account of a visit, or a worrying report."""
        worrying = worry(text)
        if parsed.intent == "visit":
            return True, worrying
        if parsed.intent == "report" and parsed.category in _CARE_CATEGORIES and (worrying or parsed.urgent):
            return True, worrying or "有情况"
        return False, None

    async def mentions(self, tx: Tx, person: Person, text: str, parsed: Parsed) -> list[Mention]:
        """The elders named, among the speaker's own first, then among those whose visits they may log."""
        own = await tx.elders.of_keeper(person.id)
        found = find_mentions(text, own, parsed.building, parsed.unit, parsed.room)
        if found:
            return found
        scope = visits_logged_by(person)
        if scope is None:
            return []
        own_ids = {x.id for x in own}
        wider = [x for x in await tx.elders.in_scope(scope.community_id, scope.grid_ids, scope.buildings)
                 if x.id not in own_ids and may_log_visit(person, x)]
        return find_mentions(text, wider, parsed.building, parsed.unit, parsed.room)

    # -- group messages -------------------------------------------------------------------------

    async def group_message(self, tx: Tx, msg: Incoming, parsed: Parsed | None, binding: GroupBinding) -> bool:
        """A visit said in the group: logged, answered in one line. False leaves the message to others."""
        if not msg.text or parsed is None or msg.user_id is None:
            return False
        is_visit, worrying = self.visit_words(parsed, msg.text)
        if not is_visit or (parsed.intent != "visit" and not (names_someone(msg.text) or parsed.room)):
            return False
        person = await tx.people.by_telegram_id(msg.user_id)
        if person is None or person.community_id != binding.grid.community_id:
            return False
        found = await self.mentions(tx, person, msg.text, parsed)
        if not found:
            return False
        await self._said(tx, msg, person, found, worrying, binding)
        return True

    # -- private messages ------------------------------------------------------------------------

    async def private_words(self, tx: Tx, msg: Incoming, person: Person, state: str | None, data: dict) -> bool:
        """A note to the visit just logged, or a visit said in private. False leaves the message to others."""
        text = (msg.text or "").strip()
        if not text or msg.media:
            return False
        parsed = parse(text, tx.now, self._lexicon)
        is_visit, worrying = self.visit_words(parsed, text)
        names = parsed.intent == "visit" or names_someone(text) or parsed.room is not None
        found = await self.mentions(tx, person, text, parsed) if is_visit and names else []
        if state == "elder_note":
            fresh = datetime.fromisoformat(data.get("until", "1970-01-01T00:00:00+00:00")) > tx.now
            # Within minutes of a visit, words that name nobody else are about it ("她说腿有点疼"),
            # unless they are a question or, after a calm visit, a new problem ("楼道灯坏了").
            visit = await tx.elders.visit(int(data.get("visit", 0))) if fresh else None
            raised = visit is not None and visit.ticket_id is not None
            new_matter = parsed.intent in ("query", "task") or (parsed.intent == "report" and not worrying and (
                not raised or parsed.category not in _CARE_CATEGORIES))
            if fresh and not found and not new_matter:
                await self._note(tx, msg, person, data, text)
                return True
            await tx.chat_states.clear(msg.user_id)
        if not is_visit or not names:
            return False
        if not found:
            if parsed.intent != "visit":
                return False  # a worry about someone not in the registry: the ticket desk takes it
            await tx.outbox.enqueue(text_message(msg.chat_id, render.not_my_elder(_said_name(text))))
            return True
        await self._said(tx, msg, person, found, worrying, None)
        return True

    async def _said(self, tx: Tx, msg: Incoming, person: Person, found: list[Mention], worrying: str | None,
                    binding: GroupBinding | None) -> None:
        resolved = [m.resolved for m in found if m.resolved is not None]
        unsure = [m for m in found if m.resolved is None]
        said = msg.text[:MAX_SAID]
        how = "private" if msg.is_private else "group"
        visits = []
        for elder in resolved:
            visit = await self.log(tx, elder, person, "concern" if worrying else "ok", how, said)
            visits.append((elder, visit))
            if worrying:
                await self.raise_concern(tx, elder, person, visit, msg, said[:200], binding)
        if visits and not worrying:
            elder = await tx.elders.get(visits[-1][0].id)
            next_due = render.due(elder, self._zone, tx.now) if len(visits) == 1 else None
            await tx.outbox.enqueue(text_message(
                msg.chat_id, render.visit_logged([x.name for x, _ in visits], False, next_due, msg.is_private),
                reply_to=msg.message_id))
        if visits and msg.is_private:
            await self._await_note(tx, msg.user_id, visits[-1][1])
        if unsure:
            mention = unsure[0]
            text, keyboard = render.which_elder(mention.said, list(mention.elders))
            await tx.chat_states.set(msg.user_id, "elder_pick", {
                "said": said, "worry": worrying, "chat": msg.chat_id, "message": msg.message_id,
                "grid": binding.grid.id if binding else None,
                "choices": [x.id for x in mention.elders]})
            await tx.outbox.enqueue(text_message(msg.chat_id, text, keyboard=keyboard, reply_to=msg.message_id))

    async def _await_note(self, tx: Tx, user_id: int, visit_id: int) -> None:
        await tx.chat_states.set(user_id, "elder_note",
                                 {"visit": visit_id, "until": (tx.now + NOTE_WINDOW).isoformat()})

    async def _note(self, tx: Tx, msg: Incoming, person: Person, data: dict, text: str) -> None:
        visit = await tx.elders.visit(int(data["visit"]))
        elder = await tx.elders.get(visit.elder_id) if visit else None
        if visit is None or elder is None:
            await tx.chat_states.clear(msg.user_id)
            return
        await tx.elders.set_visit_note(visit.id, text[:MAX_SAID])
        await self._await_note(tx, msg.user_id, visit.id)
        worrying = worry(text)
        if visit.ticket_id is not None:
            # More words about a worrying visit: they go to whoever has the ticket now.
            await self._desk.chase(tx, msg, quiet_if_none=True, within=timedelta(days=1))
            return
        if worrying and visit.outcome == "ok":
            # "她说腿疼" after 平安: the visit was worrying after all, and someone goes again soon.
            await self.raise_concern(tx, elder, person, visit, msg, text[:200], None)
            if elder.last_visit_at == visit.at:
                due = self.rules.next_due(elder.risk, visit.at, self._zone, concern=True)
                cycle = await tx.elders.start_wait(elder.id, visit.at, due, visited=True)
                await schedule_wait(tx, elder.id, cycle, due)
            return
        await tx.outbox.enqueue(text_message(msg.chat_id, render.note_saved(elder.name)))

    # -- recording a visit -----------------------------------------------------------------------

    async def log(self, tx: Tx, elder: Elder, person: Person | None, outcome: str, how: str,
                  said: str | None, visitor_name: str | None = None) -> int:
        """Record a visit; it ends the current wait and starts the next. A visit that would leave the
        next one due when it already is (a second visit the same day) ends nothing. Returns its id."""
        concern = outcome == "concern"
        due = self.rules.next_due(elder.risk, tx.now, self._zone, concern)
        name = visitor_name or (person.name if person else "有人")
        person_id = person.id if person else None
        if not concern and due == elder.next_due_at:
            visit_id = await tx.elders.add_visit(elder, person_id, name, outcome, how, said, None)
            await tx.elders.saw(elder.id, tx.now)
        else:
            visit_id = await tx.elders.add_visit(elder, person_id, name, outcome, how, said, elder.next_due_at)
            cycle = await tx.elders.start_wait(elder.id, tx.now, due, visited=True)
            await schedule_wait(tx, elder.id, cycle, due)
        if person is not None and self.rules.visit_points:
            today = tx.now.astimezone(self._zone).strftime("%Y%m%d")
            await tx.points.award(elder.community_id, person.id, self.rules.visit_points, f"探访{elder.name}",
                                  "elder_visit", ref=f"ev:{elder.id}:{today}:{person.id}")
        return visit_id

    async def raise_concern(self, tx: Tx, elder: Elder, person: Person, visit_id: int | Visit, msg: Incoming,
                            what: str, binding: GroupBinding | None) -> Ticket | None:
        """An urgent ticket through the desk; the elder's details to those who may see them; the family told."""
        visit_id = visit_id.id if isinstance(visit_id, Visit) else visit_id
        parsed = Parsed("report", category="elderly", urgent=True, building=elder.building, unit=elder.unit,
                        room=elder.room)
        report = replace(msg, text=render.concern_ticket_text(elder, what), media=None)
        ticket = await self._desk.report(tx, report, parsed, person, binding)
        await tx.elders.set_visit_concern(visit_id, ticket.id if ticket else None)
        await self._tell_staff(tx, elder, person, ticket)
        await self._tell_family(tx, elder, person.name, what)
        return ticket

    async def _tell_staff(self, tx: Tx, elder: Elder, reporter: Person, ticket: Ticket | None) -> None:
        keepers = await keepers_of(tx, elder)
        people = list(keepers) + await grid_workers(tx, elder)
        people += await tx.people.holding(Role.HEALTH, elder.community_id)
        people += await tx.people.holding(Role.ADMIN, elder.community_id)
        seen: set[int] = {reporter.id}
        text = render.elder_sheet_for_staff(elder, keepers, ticket.id if ticket else None)
        for person in await reachable(tx, people):
            if person.id in seen or not may_see_elder(person, elder):
                continue
            seen.add(person.id)
            ref = f"ev:t{ticket.id}:{elder.id}:{person.id}" if ticket else None
            await tx.outbox.enqueue(text_message(person.telegram_id, text, ref=ref))

    async def _tell_family(self, tx: Tx, elder: Elder, visitor: str, what: str) -> None:
        family = await tx.elders.family(elder.id)
        if not family:
            return
        workers = await grid_workers(tx, elder)
        community = next((c for cid, c in await tx.elders.communities() if cid == elder.community_id), "社区")
        text = render.family_told(elder, visitor, what, tx.now, self._zone, tx.now,
                                  workers[0] if workers else None, community)
        for telegram_id, _ in family:
            await tx.outbox.enqueue(text_message(telegram_id, text))

    # -- /visit and /elders ----------------------------------------------------------------------

    async def _my_elders(self, tx: Tx, person: Person, page: int, size: int, for_visits: bool = False
                         ) -> tuple[str, list[Elder], int, int]:
        """(title, the page's elders, offset, pages).

        /visit lists one's own elders (failing that, those one may look through), in a fixed order by
        address so a tap never moves the rows under a finger. /elders lists, for staff, the grid's (or
        the community's) elders, else one's own, the most overdue first.
        """
        order = "place" if for_visits else "due"
        first = "按楼栋排" if for_visits else "最该去看的在前"
        scope = elders_seen_by(person)
        own = await tx.elders.count_of_keeper(person.id)
        if own and (for_visits or scope is None):
            page = max(0, min(page, (own - 1) // size))
            elders = await tx.elders.of_keeper(person.id, size, page * size, order)
            return f"👵 <b>您包保的老人</b> (共 {own} 位, {first})", elders, page * size, -(-own // size)
        if scope is None:
            return "", [], 0, 0
        total = await tx.elders.count_in_scope(scope.community_id, scope.grid_ids)
        if not total:
            return "", [], 0, 0
        page = max(0, min(page, (total - 1) // size))
        elders = [x for x in await tx.elders.in_scope(scope.community_id, scope.grid_ids, None, size, page * size,
                                                      order)
                  if may_see_elder(person, x)]
        where = "社区" if scope.grid_ids is None else "本网格"
        overdue = await tx.elders.count_overdue_in(scope.community_id, scope.grid_ids)
        head = f"👵 <b>{where}的老人</b> (共 {total} 位, {first}"
        return head + (f"; 逾期 {overdue} 位)" if overdue else ")"), elders, page * size, -(-total // size)

    async def visit_command(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id) if msg.user_id else None
            if person is None:
                await tx.outbox.enqueue(text_message(msg.chat_id, texts.not_linked()))
                return
            out = await self._visit_page(tx, person, msg.chat_id, 0)
            await tx.outbox.enqueue(out)

    async def _visit_page(self, tx: Tx, person: Person, chat_id: int, page: int,
                          message_id: int | None = None) -> Outgoing:
        title, elders, offset, pages = await self._my_elders(tx, person, page, PAGE, for_visits=True)
        if not elders:
            return text_message(chat_id, render.NOBODY_TO_VISIT)
        lasts = await tx.elders.last_visits([x.id for x in elders])
        text, keyboard = render.visit_list(title, elders, lasts, offset, offset // PAGE, pages, self._zone, tx.now)
        if message_id is None:
            return text_message(chat_id, text, keyboard=keyboard)
        return _edit(chat_id, message_id, text, keyboard)

    async def elders_command(self, msg: Incoming, arg: str) -> None:
        async with self._store.tx(msg.update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id) if msg.user_id else None
            if person is None:
                await tx.outbox.enqueue(text_message(msg.chat_id, texts.not_linked()))
                return
            name = arg.strip()
            if name:
                await self._detail(tx, msg, person, name)
                return
            await tx.outbox.enqueue(await self._list_page(tx, person, msg.chat_id, 0))

    async def _list_page(self, tx: Tx, person: Person, chat_id: int, page: int,
                         message_id: int | None = None) -> Outgoing:
        title, elders, offset, pages = await self._my_elders(tx, person, page, LIST_PAGE)
        if not elders:
            return text_message(chat_id, render.NOBODY_TO_VISIT)
        lasts = await tx.elders.last_visits([x.id for x in elders])
        text, keyboard = render.elders_list(title, elders, lasts, offset, offset // LIST_PAGE, pages, self._zone,
                                            tx.now)
        if message_id is None:
            return text_message(chat_id, text, keyboard=keyboard)
        return _edit(chat_id, message_id, text, keyboard or {"inline_keyboard": []})

    async def _detail(self, tx: Tx, msg: Incoming, person: Person, name: str) -> None:
        """/elders 王秀兰 (or 王奶奶): the whole record, for those who may see it; the same answer otherwise."""
        visible = list(await tx.elders.of_keeper(person.id))
        scope = elders_seen_by(person)
        if scope is not None:
            visible += await tx.elders.in_scope(scope.community_id, scope.grid_ids)
        visible = [x for x in dict((x.id, x) for x in visible).values() if may_see_elder(person, x)]
        found = [x for x in visible if x.name == name]
        if not found:
            found = [x for m in find_mentions(name[:40], visible) for x in m.elders]
        if not found:
            await tx.outbox.enqueue(text_message(msg.chat_id, render.NOT_FOUND))
            return
        lasts = await tx.elders.last_visits([x.id for x in found[:5]])
        for elder in found[:5]:
            keepers = await keepers_of(tx, elder)
            family = await tx.elders.family(elder.id)
            text = render.elder_detail(elder, keepers, len(family), lasts.get(elder.id), self.rules, self._zone,
                                       tx.now)
            await tx.outbox.enqueue(text_message(msg.chat_id, text, keyboard=render.visit_buttons(elder)))

    # -- buttons ---------------------------------------------------------------------------------

    async def press(self, update_id: int, msg: Incoming, data: str) -> Answer:
        """The 探访 buttons: e:ok / e:cc / e:w / e:k / e:vp / e:lp (the finder's are in finder.py)."""
        parts = data.split(":")
        kind = parts[1] if len(parts) > 1 else ""
        numbers = [int(p) for p in parts[2:] if p.isdigit() and len(p) <= 9]
        if len(numbers) != len(parts) - 2 and kind != "w":
            return EXPIRED
        async with self._store.tx(update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id) if msg.user_id else None
            if person is None:
                return Answer("还不知道您是谁, 请先私聊我发 /start。", alert=True)
            if kind in ("vp", "lp") and numbers:
                page = numbers[0]
                out = (await self._visit_page(tx, person, msg.chat_id, page, msg.message_id) if kind == "vp"
                       else await self._list_page(tx, person, msg.chat_id, page, msg.message_id))
                await tx.outbox.enqueue(out)
                return Answer()
            if kind == "k" and numbers:
                return await self._picked(tx, msg, person, numbers[0])
            if not numbers:
                return EXPIRED
            elder = await tx.elders.get(numbers[0])
            if elder is None or not elder.active:
                return Answer("这位老人已经不在名册里了。", alert=True)
            if not may_log_visit(person, elder):
                return Answer("抱歉, 您不照看这位老人, 不能替别人记录。", alert=True)
            if kind == "ok":
                return await self._tapped_ok(tx, msg, person, elder, numbers[1] if len(numbers) > 1 else None)
            if kind == "cc":
                text, keyboard = render.concern_question(elder)
                await tx.outbox.enqueue(text_message(msg.chat_id, text, keyboard=keyboard))
                return Answer()
            if kind == "w" and len(parts) == 4 and parts[3] in render.CONCERNS:
                return await self._tapped_concern(tx, msg, person, elder, parts[3])
        return EXPIRED

    async def _tapped_ok(self, tx: Tx, msg: Incoming, person: Person, elder: Elder, page: int | None) -> Answer:
        last = (await tx.elders.last_visits([elder.id])).get(elder.id)
        if (last is not None and last.person_id == person.id and last.how == "button"
                and tx.now - last.at < DOUBLE_TAP):
            return Answer(f"已经记过了: {elder.name} 平安。")
        visit_id = await self.log(tx, elder, person, "ok", "button", None)
        await self._await_note(tx, msg.user_id, visit_id)
        if page is not None:
            await tx.outbox.enqueue(await self._visit_page(tx, person, msg.chat_id, page, msg.message_id))
        else:
            # Under a reminder or a detail: the buttons have done their job.
            await tx.outbox.enqueue(clear_buttons(msg.chat_id, msg.message_id))
            fresh = await tx.elders.get(elder.id)
            await tx.outbox.enqueue(text_message(
                msg.chat_id, render.visit_logged([elder.name], False, render.due(fresh, self._zone, tx.now), True)))
        return Answer(f"已记下: {elder.name} 平安, 谢谢您!")

    async def _tapped_concern(self, tx: Tx, msg: Incoming, person: Person, elder: Elder, code: str) -> Answer:
        what = render.CONCERNS[code]
        visit_id = await self.log(tx, elder, person, "concern", "button", what)
        await tx.outbox.enqueue(clear_buttons(msg.chat_id, msg.message_id))
        report = replace(msg, message_id=None, reply_to_message_id=None)
        await self.raise_concern(tx, elder, person, visit_id, report, what, None)
        await tx.chat_states.set(msg.user_id, "elder_note",
                                 {"visit": visit_id, "until": (tx.now + NOTE_WINDOW).isoformat()})
        await tx.outbox.enqueue(text_message(msg.chat_id, render.concern_sent(elder, code == "other")))
        return Answer(f"已告诉网格员和健康员: {elder.name} {what}")

    async def _picked(self, tx: Tx, msg: Incoming, person: Person, elder_id: int) -> Answer:
        state, data = await tx.chat_states.get(msg.user_id)
        if state != "elder_pick":
            return Answer("这个问题已经过去了。", alert=True)
        if elder_id == 0 or elder_id not in data.get("choices", []):
            await tx.chat_states.clear(msg.user_id)
            await tx.outbox.enqueue(clear_buttons(msg.chat_id, msg.message_id))
            return Answer("好的, 没有记。")
        elder = await tx.elders.get(elder_id)
        if elder is None or not may_log_visit(person, elder):
            return Answer("抱歉, 您不照看这位老人, 不能替别人记录。", alert=True)
        await tx.chat_states.clear(msg.user_id)
        await tx.outbox.enqueue(clear_buttons(msg.chat_id, msg.message_id))
        worrying = data.get("worry")
        how = "private" if msg.is_private else "group"
        visit_id = await self.log(tx, elder, person, "concern" if worrying else "ok", how, data.get("said"))
        binding = await tx.groups.binding(msg.chat_id) if not msg.is_private else None
        if worrying:
            said = replace(msg, text=data.get("said") or "", message_id=data.get("message"),
                           reply_to_message_id=None)
            await self.raise_concern(tx, elder, person, visit_id, said, (data.get("said") or worrying)[:200],
                                     binding)
        else:
            fresh = await tx.elders.get(elder.id)
            await tx.outbox.enqueue(text_message(
                msg.chat_id, render.visit_logged([elder.name], False, render.due(fresh, self._zone, tx.now),
                                                 msg.is_private)))
        return Answer(f"已记下: {elder.name}")


def _edit(chat_id: int, message_id: int, text: str, keyboard: dict | None) -> Outgoing:
    params = {"message_id": message_id, "text": text, "parse_mode": "HTML",
              "link_preview_options": {"is_disabled": True}, "reply_markup": keyboard or inline_keyboard([])}
    return Outgoing(chat_id, "editMessageText", params)


_CALLED = re.compile("|".join(sorted(map(re.escape, HONORIFICS), key=len, reverse=True)))


def _said_name(text: str) -> str:
    """The name a visit was said about, for "没有找到「王奶奶」": "看了王奶奶" → 王奶奶, "隔壁的老太太" → 老太太."""
    m = _CALLED.search(text)
    if not m:
        return text[:12]
    begin = m.start()
    while begin > max(0, m.start() - 2) and "\u4e00" <= text[begin - 1] <= "\u9fff" \
            and text[begin - 1] not in NOT_A_SURNAME:
        begin -= 1
    return text[begin:m.end()]
