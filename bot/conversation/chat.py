"""Ordinary messages: what the bot does with text and media in a grid group and in a private chat."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from bot import policy, texts
from bot.model.domain import Person
from bot.model.incoming import Incoming
from bot.conversation.menus import menu_keyboard
from bot.model.messages import Button, clear_buttons, inline_keyboard, reply_keyboard, text_message
from bot.understanding.assist import Assistant
from bot.nlu import Lexicon, Parsed, parse
from bot.nlu.assist import Advice, apply_advice
from bot.nlu.model import TextModel
from bot.nlu.phrases import is_thanks, says_fixed
from bot.nlu.addresses import parse_address
from bot.model.labels import address_label
from bot.model.roles import Role
from bot.tickets.emergency import ASK_PHONE_AND_ADDRESS_NOW
from bot.model.tickets import Ticket
from bot.tickets.reference import by_subject, named_number, names_a_subject, says_not_fixed, subject_score
from bot.tickets.service import TicketDesk
from storage import Store, Tx

# How far back a person's words may reach for one of their own requests.
REFERENCE_WINDOW = timedelta(days=7)
# How long after an emergency the reporter's other words are about it.
EMERGENCY_TALK = timedelta(hours=2)
# How long after closing a request "根本没修好" still reopens it.
REOPEN_WINDOW = timedelta(days=7)

if TYPE_CHECKING:
    from bot.elders.service import ElderWing
    from bot.tasks.service import TaskBoard

class Chat:
    def __init__(self, store: Store, desk: TicketDesk, lexicon: Lexicon | None = None,
                 board: TaskBoard | None = None, assistant: Assistant | None = None,
                 elders: ElderWing | None = None) -> None:
        self._store = store
        self._desk = desk
        self._lexicon = lexicon
        self._board = board  # tasks, notices, 收到 and points said in the group
        self._assistant = assistant  # the optional large model, asked about unsure messages
        self._elders = elders  # visits to elders, and the 防走失 finder's conversation
        # Told how long each parse took (the composition root points it at the metrics).
        self.observe_parse: Callable[[float], None] | None = None

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon or Lexicon.default()

    def use_model(self, model: TextModel) -> None:
        """Read with a retrained model from now on."""
        self._lexicon = self.lexicon.with_model(model)

    def warm_up(self) -> None:
        """Load the segmenter now, so the first message of the day is not the slow one."""
        parse("你好", datetime.now(timezone.utc), self._lexicon)

    def understand(self, text: str, tx: Tx, advice: Advice | None = None) -> Parsed:
        started = time.perf_counter()
        parsed = parse(text, tx.now, self._lexicon)
        if self.observe_parse is not None:
            self.observe_parse(time.perf_counter() - started)
        return apply_advice(parsed, advice) if advice is not None else parsed

    async def _advice(self, msg: Incoming) -> Advice | None:
        """The large model's reading of an unsure message: asked before the transaction opens (network I/O)."""
        if self._assistant is None or not msg.text:
            return None
        return await self._assistant.consult(msg.text, "private" if msg.is_private else "group", self._lexicon)

    # -- groups ----------------------------------------------------------------------------

    async def group_message(self, msg: Incoming) -> None:
        """A report becomes a ticket with one short line; everything else gets no answer."""
        advice = await self._advice(msg)
        async with self._store.tx(msg.update_id) as tx:
            binding = await tx.groups.binding(msg.chat_id)
            if binding is None:
                return
            parsed = self.understand(msg.text, tx, advice) if msg.text else None
            # A visit is logged, and may still answer a visiting task on the board.
            if msg.text and msg.user_id and await self._group_reference(tx, msg, parsed):
                return
            visit = self._elders is not None and await self._elders.group_message(tx, msg, parsed, binding)
            board = self._board is not None and await self._board.group_message(tx, msg, parsed, binding)
            if visit or board:
                return
            if parsed is not None and parsed.intent == "report":
                person = await tx.people.by_telegram_id(msg.user_id) if msg.user_id else None
                await self._desk.report(tx, msg, parsed, person, binding)
            elif parsed is not None and parsed.intent == "query" and msg.user_id:
                # Only someone with an open request gets an answer; a question to neighbours does not.
                await self._desk.chase(tx, msg, quiet_if_none=True)
            elif msg.media:
                await self._desk.attach_media(tx, msg)

    # -- private chat ----------------------------------------------------------------------

    async def private_message(self, msg: Incoming) -> None:
        advice = await self._advice(msg)
        async with self._store.tx(msg.update_id) as tx:
            await tx.groups.saw_private(msg.user_id)
            person = await tx.people.by_telegram_id(msg.user_id)
            state, data = await tx.chat_states.get(msg.user_id)
            if state == "rating_comment" and msg.text and not msg.media:
                # We just asked for their words on the rating: the next text is that comment,
                # unless it is a new problem, or it comes long after.
                fresh = _fresh(data, tx.now)
                parsed = self.understand(msg.text, tx)
                rated = await tx.tickets.get(data["ticket"])
                if fresh and rated is not None and not _new_problem(parsed, rated):
                    await self._desk.comment(tx, msg, data["ticket"], data.get("owner"))
                    return
                await tx.chat_states.clear(msg.user_id)
            if state == "ticket_result" and msg.text and not msg.media and person is not None:
                # A worker just closed a ticket and was asked for one line on what was done.
                closed = await tx.tickets.get(data["ticket"])
                parsed = self.understand(msg.text, tx)
                if (_fresh(data, tx.now) and closed is not None and not msg.text.startswith("/")
                        and named_number(msg.text) in (None, closed.id)
                        and not (parsed.intent == "report" and parsed.confidence >= 0.9)
                        and msg.text.strip() not in (texts.MENU_REPORT, texts.MENU_MINE, texts.MENU_CONTACT)):
                    await self._desk.result(tx, msg, closed, person)
                    return
                await tx.chat_states.clear(msg.user_id)
            if self._elders is not None and await self._elders.private_message(tx, msg, person, state, data):
                return
            if person is None:
                await self._stranger(tx, msg)
                return
            await self._known(tx, msg, person, data if state == "pending_media" else None, advice)

    async def _known(self, tx: Tx, msg: Incoming, person: Person, pending_media: dict | None,
                     advice: Advice | None = None) -> None:
        text = msg.text.strip()
        if text == texts.MENU_REPORT:
            await tx.outbox.enqueue(text_message(msg.chat_id, texts.how_to_report()))
            return
        if text == texts.MENU_MINE:
            await self._desk.my_tickets(tx, msg)
            return
        if text == texts.MENU_CONTACT:
            await self._my_grid_worker(tx, msg, person)
            return
        parsed = self.understand(text, tx, advice) if text else None
        if text and await self._about_ticket(tx, msg, person, parsed):
            return
        if parsed is not None and parsed.intent == "report":
            ticket = await self._desk.report(tx, msg, parsed, person, None)
            if ticket and pending_media:
                for message_id in pending_media.get("messages", []):
                    await self._desk.attach_media(
                        tx, replace(msg, message_id=message_id, media="photo", reply_to_message_id=msg.message_id))
                await tx.chat_states.clear(msg.user_id)
            return
        if msg.media:
            if await self._desk.attach_media(tx, msg) is None:
                messages = (pending_media or {}).get("messages", []) + [msg.message_id]
                await tx.chat_states.set(msg.user_id, "pending_media", {"messages": messages})
                await tx.outbox.enqueue(text_message(msg.chat_id, texts.media_needs_words()))
            return
        if parsed is not None and parsed.intent == "query":
            # Nothing it names matched one of theirs: a question naming a subject gets the list.
            await self._desk.chase(tx, msg, listed=names_a_subject(text, parsed))
            return
        if says_fixed(text, self._lexicon) and not says_not_fixed(text) and await self._desk.chase(tx, msg, quiet_if_none=True,
                                                          within=timedelta(days=3)):
            return  # "好了, 已经通了": the owner should know before going out for nothing
        if is_thanks(text, self._lexicon):
            await tx.outbox.enqueue(text_message(msg.chat_id, texts.you_are_welcome()))
            return
        await tx.outbox.enqueue(text_message(msg.chat_id, texts.private_chitchat(person.name),
                                             keyboard=menu_keyboard()))

    # -- what a message is about ------------------------------------------------------------

    async def _find_ticket(self, tx: Tx, msg: Incoming, person: Person | None, parsed: Parsed | None,
                           by_subject_too: bool = True) -> tuple[Ticket | None, str | None]:
        """The ticket a message is about, in this order: the message it replies to; a number it names
        ("#2", "2号单子"); a subject among the speaker's own requests and, for staff, their queue;
        a reporter's words right after their emergency. (None, None) when it is about nothing open."""
        ticket, kind = await self._desk.replied_ticket(tx, msg)
        if ticket is not None:
            return ticket, kind
        if (number := named_number(msg.text, bare=msg.is_private)) is not None:
            named = await tx.tickets.get(number)
            if named is not None and policy.may_see_ticket(named, person, msg.user_id):
                return named, "number"
        if not by_subject_too:
            return None, None
        mine = await tx.tickets.recent_of_reporter(msg.user_id, REFERENCE_WINDOW)
        queue = await tx.tickets.assigned_to(person.id) if person is not None else []
        report = parsed is not None and parsed.intent == "report"
        if report and parsed.urgent:
            return None, None  # danger is its own ticket, whatever it resembles
        candidates = [t for t in mine if t.is_open or says_not_fixed(msg.text)] + \
            [t for t in queue if t.reporter_tg != msg.user_id]
        found = by_subject(candidates, msg.text, parsed)
        if found is not None and (not report or subject_score(found, msg.text, parsed) >= 4):
            return found, "subject"
        if says_not_fixed(msg.text) and not (report and parsed.building):
            # "根本没修好😤": the one request just closed, when there is exactly one.
            closed = [t for t in mine if t.resolved_at and not t.is_open and tx.now - t.resolved_at < REOPEN_WINDOW]
            if len(closed) == 1:
                return closed[0], "only"
        if (says_not_fixed(msg.text) or says_fixed(msg.text, self._lexicon)) and not (report and parsed.building):
            # "已经修好了👍", "根本没修好😤" from someone with one request open or just closed: that one.
            recent = [t for t in mine if t.is_open or (t.resolved_at and tx.now - t.resolved_at < REOPEN_WINDOW)]
            if len(recent) == 1:
                return recent[0], "only"
        if not report:
            # "我已经开窗了" a minute after "煤气味": it belongs to the emergency.
            danger = [t for t in mine if t.urgent and t.is_open and tx.now - t.created_at < EMERGENCY_TALK]
            if danger:
                return danger[0], "emergency"
        return None, None

    async def _about_ticket(self, tx: Tx, msg: Incoming, person: Person | None, parsed: Parsed | None) -> bool:
        """Words about an existing ticket go to it: a worker's note or action, a reporter's news."""
        ticket, kind = await self._find_ticket(tx, msg, person, parsed)
        if ticket is None:
            return False
        if (kind in ("fwd", "ask") and person is not None and msg.user_id != ticket.reporter_tg
                and person.id in {p.id for p in await self._desk.responders(tx, ticket)}):
            # Everyone responding to an emergency may answer the reporter, not only its owner.
            await self._desk.relay_to_reporter(tx, msg, ticket, person)
            return True
        if msg.user_id != ticket.reporter_tg and policy.may_act_on_ticket(ticket, person):
            if kind in ("fwd", "ask", "relay"):
                await self._desk.relay_to_reporter(tx, msg, ticket, person)
            elif kind == "result":
                await self._desk.result(tx, msg, ticket, person)
            else:
                await self._desk.staff_words(tx, msg, ticket, person)
            return True
        if msg.user_id == ticket.reporter_tg:
            if parsed is not None and parsed.intent == "report" and parsed.urgent and not ticket.urgent:
                return False  # a new danger, even as a reply: its own ticket
            await self._desk.reporter_words(tx, msg, ticket)
            return True
        return False

    async def _group_reference(self, tx: Tx, msg: Incoming, parsed: Parsed | None) -> bool:
        """In a group only a reply or a number names a ticket; a worker's words go to it quietly."""
        person = await tx.people.by_telegram_id(msg.user_id)
        ticket, kind = await self._find_ticket(tx, msg, person, parsed, by_subject_too=False)
        if ticket is None:
            return False
        if msg.user_id != ticket.reporter_tg and policy.may_act_on_ticket(ticket, person):
            await self._desk.staff_words(tx, msg, ticket, person)
            return True
        if msg.user_id == ticket.reporter_tg and not (parsed is not None and parsed.urgent and not ticket.urgent):
            await self._desk.reporter_words(tx, msg, ticket)
            return True
        return False

    async def _my_grid_worker(self, tx: Tx, msg: Incoming, person: Person) -> None:
        grid_ids = [a.grid_id for a in person.roles if a.grid_id]
        workers: list[Person] = []
        for grid_id in dict.fromkeys(grid_ids):
            workers += await tx.people.holding(Role.GRID_WORKER, person.community_id, grid_id)
        await tx.outbox.enqueue(text_message(msg.chat_id, texts.your_grid_worker(workers)))

    async def unknown_command(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            await tx.outbox.enqueue(text_message(msg.chat_id, texts.unknown_command()))

    async def wrong_place(self, msg: Incoming) -> None:
        """A command used where it does not work: say where it does, in one line."""
        async with self._store.tx(msg.update_id) as tx:
            text = texts.group_only() if msg.is_private else texts.private_only()
            await tx.outbox.enqueue(text_message(msg.chat_id, text, reply_to=msg.message_id))

    # -- residents who are not in the roster ------------------------------------------------

    async def _stranger(self, tx: Tx, msg: Incoming) -> None:
        """Someone the roster does not know: learn their address, keeping what they reported."""
        address = parse_address(msg.text) if msg.text else None
        if msg.text and await self._desk.details_for_emergency(tx, msg, address):
            # The address or phone for an emergency goes to everyone responding at once.
            if address is not None:
                await self._confirm_address(tx, msg, address)
            return
        if address is not None:
            await self._confirm_address(tx, msg, address)
            return
        parsed = self.understand(msg.text, tx) if msg.text else None
        if msg.text and await self._about_ticket(tx, msg, None, parsed):
            return
        state, data = await tx.chat_states.get(msg.user_id)
        if parsed is not None and parsed.intent == "report":
            if data.get("unknown") and not parsed.building:
                # They told us an address the roster lacks: file it there rather than ask again.
                building, unit, room = data["unknown"]
                parsed = replace(parsed, building=building, unit=parsed.unit or unit,
                                 room=parsed.room or room)
            if parsed.urgent or parsed.building:
                # Danger, or a place we can route by, does not wait for a registration.
                if await self._desk.report(tx, msg, parsed, None, None) is not None:
                    if parsed.urgent:
                        # Someone must come: the phone and the address now, not "next time".
                        await tx.outbox.enqueue(text_message(
                            msg.chat_id, ASK_PHONE_AND_ADDRESS_NOW,
                            keyboard=reply_keyboard([], contact_button=texts.CONTACT_BUTTON)))
                    elif not data.get("unknown"):
                        await tx.outbox.enqueue(text_message(msg.chat_id, texts.ask_address_later()))
                    return
            data = dict(data) if state == "address" else {}
            data["pending"] = {"text": msg.text, "message_id": msg.message_id}
            await tx.chat_states.set(msg.user_id, "address", data)
            await tx.outbox.enqueue(text_message(msg.chat_id, texts.ask_address_first()))
            return
        await tx.outbox.enqueue(text_message(
            msg.chat_id, texts.ask_for_phone(msg.sender.first_name),
            keyboard=reply_keyboard([], contact_button=texts.CONTACT_BUTTON)))

    async def _confirm_address(self, tx: Tx, msg: Incoming, address: tuple) -> None:
        building, unit, room = address
        matches = []
        for grid in await tx.places.grids():
            known = await tx.places.building(grid.community_id, building)
            if known and (grid.community_id, grid.community) not in matches:
                matches.append((grid.community_id, grid.community))
        if len(matches) != 1:
            _, data = await tx.chat_states.get(msg.user_id)
            pending = data.pop("pending", None)
            data["unknown"] = list(address)
            await tx.chat_states.set(msg.user_id, "address", data)
            await tx.outbox.enqueue(text_message(msg.chat_id, texts.address_unknown(address_label(*address))))
            if pending:
                original = replace(msg, text=pending["text"], message_id=pending["message_id"], media=None)
                parsed = replace(self.understand(original.text, tx), building=building, unit=unit, room=room)
                await self._desk.report(tx, original, parsed, None, None)
            return
        community_id, community = matches[0]
        _, data = await tx.chat_states.get(msg.user_id)
        data.update({"community_id": community_id, "building": building, "unit": unit, "room": room})
        await tx.chat_states.set(msg.user_id, "address", data)
        keyboard = inline_keyboard([[Button("是的, 没错", "a:y"), Button("重新输入", "a:n")]])
        await tx.outbox.enqueue(text_message(
            msg.chat_id, texts.confirm_address(community, address_label(*address)), keyboard=keyboard))

    async def address_answer(self, update_id: int, msg: Incoming, yes: bool) -> str:
        """The resident pressed 是的 or 重新输入 under their address."""
        async with self._store.tx(update_id) as tx:
            state, data = await tx.chat_states.get(msg.user_id)
            if state != "address" or "building" not in data:
                return texts.BUTTON_EXPIRED
            await tx.outbox.enqueue(clear_buttons(msg.chat_id, msg.message_id))
            if not yes:
                data = {k: v for k, v in data.items() if k == "pending"}
                await tx.chat_states.set(msg.user_id, "address", data)
                await tx.outbox.enqueue(text_message(msg.chat_id, texts.ask_address_again()))
                return "请重新输入"
            person = await self._register(tx, msg, data)
            await self._desk.place_found(tx, person)
            await tx.chat_states.clear(msg.user_id)
            await tx.outbox.enqueue(text_message(
                msg.chat_id, texts.registered(address_label(data["building"], data["unit"], data["room"])),
                keyboard=menu_keyboard()))
            pending = data.get("pending")
            if pending:
                original = replace(msg, text=pending["text"], message_id=pending["message_id"],
                                   media=None, reply_to_message_id=None)
                parsed = self.understand(original.text, tx)
                if parsed.intent == "report":
                    await self._desk.report(tx, original, parsed, person, None)
            return "已登记"

    async def _register(self, tx: Tx, msg: Incoming, data: dict) -> Person:
        community_id = data["community_id"]
        building = await tx.places.building(community_id, data["building"])
        unit_id = await tx.places.unit_id(building.id, data["unit"], create=True) if data["unit"] else None
        person_id = await tx.people.register_resident(community_id, msg.sender.display_name, msg.user_id)
        await tx.people.add_role(person_id, (Role.RESIDENT.value, community_id, building.grid_id,
                                             building.id, unit_id, data["room"]))
        return await tx.people.get(person_id)



def _fresh(data: dict, now: datetime) -> bool:
    return datetime.fromisoformat(data.get("until", "1970-01-01T00:00:00+00:00")) > now


def _new_problem(parsed: Parsed, rated: Ticket) -> bool:
    """After a rating: is this a new problem, or words on the one just rated ("根本没修好, 还在滴水")?"""
    if parsed.intent != "report":
        return False
    if parsed.urgent:
        return True
    return parsed.category not in (None, "other", rated.category)
