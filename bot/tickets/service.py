"""The ticket desk: opening tickets from reports, the owner's buttons, reminders and escalation."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import policy
from bot.model.domain import GroupBinding, Person
from bot.model.ids import parse_callback, parse_id
from bot.model.incoming import Incoming
from bot.delivery.jobs import after_quiet_hours
from bot.understanding.learning import record_example
from bot.model.messages import Answer, clear_buttons, copy_message, delete_message, edit_text, text_message, text_pages
from bot.nlu import CATEGORY_LABELS, Parsed
from bot.paging import MAX_ITEMS, Pager
from bot.model.roles import Role
from bot.texts import follow_refused, ticket_in_private, ticket_usage
from bot.tickets import render
from bot.tickets.acks import acknowledge
from bot.model.tickets import NewTicket, Ticket
from bot.tickets.emergency import ASK_ADDRESS_NOW, safety_steps
from bot.nlu.phrases import says_fixed
from bot.tickets.reference import (
    by_subject, content_pairs, place_conflicts, says_done, says_not_fixed, says_service)
from bot.tickets.routing import SPECIALIST_FOR, URGENT_ALSO, Directory, emergency_number, route
from bot.tickets.sla import SlaPolicy
from bot.refusals import EXPIRED
from storage import Store, Tx
from storage.jobs import Job

log = logging.getLogger(__name__)

DUPLICATE_WINDOW = timedelta(hours=24)
# How many times an urgent request nobody accepted is raised with the admins again.
URGENT_ESCALATIONS = 4
# How long after rating the next words are taken as the comment on it.
COMMENT_WINDOW = timedelta(minutes=30)
# How long after closing a ticket the worker's next words are taken as its result.
RESULT_WINDOW = timedelta(minutes=15)
# How long after an emergency an address or phone number sent by its reporter belongs to it.
EMERGENCY_DETAILS = timedelta(hours=6)
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# A photo sent this soon after a report, by the same person in the same chat, belongs to it.
MEDIA_WINDOW = timedelta(minutes=10)
SLA_JOB = "ticket_sla"
# How the history names a change made on the web desk rather than with a button.
WEB = "网页"
# Paged lists (bot/paging.py): what /mine and /my show.
MINE_LIST = "mine"
MY_LIST = "my"
# How many of a reporter's latest requests "我报的事怎么样了" looks at.
LATEST_NEWS = 20

ROUTE_LABELS = {"grid_worker": "网格员", "admin": "社区管理员"}

# /start payloads that follow a ticket: "f_<token>" (the link a receipt gives), and the old
# "t-<number>" links still in group histories, honoured only for those who may follow anyway.
FOLLOW_LINK = re.compile(r"^f_([A-Za-z0-9_-]{16,40})$")
OLD_FOLLOW_LINK = re.compile(r"^t-([0-9]+)$")



@dataclass(frozen=True)
class QuietHours:
    start: time = time(21, 30)
    end: time = time(7, 30)


class TicketDesk:
    def __init__(self, store: Store, zone: ZoneInfo, sla: SlaPolicy | None = None,
                 quiet: QuietHours | None = None, pager: Pager | None = None) -> None:
        self._store = store
        self._zone = zone
        self._sla = sla or SlaPolicy()
        self._quiet = quiet or QuietHours()
        self.pager = pager or Pager(store)
        self.pager.kind(MINE_LIST, self._own_lines, hint=lambda ids: render.detail_hint(ids[0]))
        self.pager.kind(MY_LIST, self._reported_lines, hint=lambda ids: render.detail_hint(ids[0]))

    # -- who is who ------------------------------------------------------------------------

    async def directory(self, tx: Tx, community_id: int) -> Directory:
        workers: dict[int, list[int]] = {}
        for p in await tx.people.holding(Role.GRID_WORKER, community_id):
            for a in p.roles:
                if a.role is Role.GRID_WORKER and a.grid_id is not None:
                    workers.setdefault(a.grid_id, []).append(p.id)
        specialists: dict[tuple[Role, int | None], list[int]] = {}
        for role in set(SPECIALIST_FOR.values()):
            for p in await tx.people.holding(role, community_id):
                for a in p.roles:
                    if a.role is role:
                        specialists.setdefault((role, a.grid_id), []).append(p.id)
        admins = tuple(p.id for p in await tx.people.holding(Role.ADMIN, community_id))
        return Directory(
            community_id,
            {g: tuple(ids) for g, ids in workers.items()},
            {k: tuple(dict.fromkeys(ids)) for k, ids in specialists.items()},
            admins,
        )

    # -- opening a ticket ------------------------------------------------------------------

    async def report(self, tx: Tx, msg: Incoming, parsed: Parsed, reporter: Person | None,
                     binding: GroupBinding | None) -> Ticket | None:
        """Turn a report into a ticket (or join it to an open one), inside the caller's transaction."""
        community_id = await self._community(tx, reporter, binding)
        if community_id is None:
            return None
        building, unit, room = _where(parsed, _home(reporter))
        grids: list[int] = []
        known = await tx.places.building(community_id, building) if building else None
        if known and known.grid_id:
            grids.append(known.grid_id)
        if reporter:
            grids += [a.grid_id for a in reporter.roles if a.grid_id and a.community_id == community_id]
        if binding:
            grids.append(binding.grid.id)
        grids = list(dict.fromkeys(grids))
        category = parsed.category or "other"

        if msg.user_id and (earlier := await self._own_earlier(tx, msg, parsed, category)):
            await self._follow_up(tx, msg, earlier)
            return earlier
        # Danger is never folded into an older, calmer ticket; nor is anyone's report into their own.
        if building and not parsed.urgent and (dup := _same_problem(await tx.tickets.open_duplicate(
                community_id, building, unit, room, category, DUPLICATE_WINDOW, msg.user_id), msg.text, room)):
            await self._join_duplicate(tx, msg, dup)
            return dup

        directory = await self.directory(tx, community_id)
        decision = route(category, parsed.urgent, grids, directory)
        reporter_name = reporter.name if reporter else (msg.sender.display_name if msg.sender else "居民")
        ticket_id = await tx.tickets.create(NewTicket(
            community_id=community_id, grid_id=grids[0] if grids else None,
            building=building, unit=unit, room=room, category=category, urgent=parsed.urgent,
            text=msg.text, reporter_tg=msg.user_id,
            reporter_person_id=reporter.id if reporter else None, reporter_name=reporter_name,
            source_chat_id=msg.chat_id, source_message_id=msg.message_id,
            assignee_person_id=decision.assignee,
        ))
        await tx.tickets.log(ticket_id, "created", msg.user_id, reporter_name, msg.text)
        if msg.media and msg.message_id:
            await tx.tickets.add_media(ticket_id, msg.chat_id, msg.message_id, msg.media, msg.photo_file_id)
        ticket = await tx.tickets.get(ticket_id)
        assignee = await tx.people.get(decision.assignee) if decision.assignee else None
        label = _role_label(assignee, decision.reason, category)
        if assignee:
            await tx.tickets.log(ticket_id, "assigned", None, None, f"{label}{assignee.name}")
        limits = self._sla.limits(category, parsed.urgent)

        # The reporter's receipt: one line in a group, what was understood in private. In danger
        # the safety steps come first, and no promise of minutes: people are told who knows.
        if parsed.urgent and msg.is_private:
            # Before anything else, on its own: what to do now to stay safe.
            await tx.outbox.enqueue(text_message(msg.chat_id, safety_steps(category, msg.text),
                                                 reply_to=msg.message_id), urgent=True)
        if parsed.urgent:
            text = render.emergency_receipt(ticket, assignee, label, msg.is_private, bool(decision.also_notify))
        elif msg.is_private:
            text = render.reporter_receipt(ticket, assignee, label, limits.accept)
        else:
            text = render.group_line(ticket, assignee, label)
        if assignee and not await self._reachable(tx, assignee):
            # Named as the owner, but the card may never reach them: say so rather than promise.
            text += "\n" + render.owner_unreachable_note(assignee)
        if parsed.urgent and not building:
            text += "\n" + ASK_ADDRESS_NOW
        if building and known is None:
            # Filed as written, but a wrong building number would send people to the wrong door.
            text += "\n" + render.unknown_building(building)
        if not msg.is_private and msg.user_id and not await tx.groups.can_write_to(msg.user_id):
            # The bot cannot write first: give them the door to a private chat for the news.
            username = await tx.meta.get("bot_username")
            if username:
                text += "\n" + render.follow_link(username, await tx.tickets.follow_token(ticket_id))
        if msg.is_private or parsed.urgent:
            await tx.outbox.enqueue(text_message(
                msg.chat_id, text, reply_to=msg.message_id, ref=f"t{ticket_id}:receipt"), urgent=parsed.urgent)
        else:
            # A line with more to say than the receipt (a link, a warning) stays a message of its own.
            await acknowledge(tx, msg.chat_id, msg.message_id, text, alone="\n" in text,
                              ref=f"t{ticket_id}:receipt")

        await self._hand_over(tx, ticket, assignee, source=await self._source_name(tx, msg, binding))
        for person_id in decision.also_notify:
            other = await tx.people.get(person_id)
            if other and other.telegram_id:
                await self._send_card(tx, ticket, other, ref=f"t{ticket_id}:alert:{person_id}",
                                      note="🚨 紧急情况, 请一起关注。", buttons=False)
        await self._schedule(tx, ticket)
        return ticket

    async def _community(self, tx: Tx, reporter: Person | None, binding: GroupBinding | None) -> int | None:
        if binding:
            return binding.grid.community_id
        if reporter:
            return reporter.community_id
        grids = await tx.places.grids()
        communities = {g.community_id for g in grids}
        return communities.pop() if len(communities) == 1 else None

    async def _source_name(self, tx: Tx, msg: Incoming, binding: GroupBinding | None) -> str:
        if binding:
            return binding.grid.name + "群"
        return "私聊" if msg.is_private else (msg.chat_title or "群聊")

    async def _own_earlier(self, tx: Tx, msg: Incoming, parsed: Parsed, category: str) -> Ticket | None:
        """The reporter's own open request this report is plainly more words about, if any.

        Only the same problem: the same field and shared words or the same home, or a complaint
        about how their one request is handled. A new problem is a new ticket, even in the same hour.
        """
        mine = await tx.tickets.open_by_reporter(msg.user_id, DUPLICATE_WINDOW)
        if not mine:
            return None
        if says_service(msg.text) and not parsed.building and not parsed.room:
            return mine[0]
        same = [t for t in mine if t.category == category and not place_conflicts(t, parsed)
                and not (parsed.urgent and not t.urgent)
                and (content_pairs(msg.text) & content_pairs(t.text)
                     or (parsed.room is not None and parsed.room == t.room))]
        return by_subject(same, msg.text, parsed) if len(same) > 1 else (same[0] if same else None)

    async def _join_duplicate(self, tx: Tx, msg: Incoming, ticket: Ticket) -> None:
        """Someone else reports the same problem: they follow it, and the owner learns who else saw it."""
        who = msg.sender.display_name if msg.sender else None
        if msg.user_id and msg.user_id != ticket.reporter_tg:
            await tx.tickets.watch(ticket.id, msg.user_id, msg.chat_id, msg.message_id)
        await tx.tickets.log(ticket.id, "duplicate", msg.user_id, who, msg.text)
        if msg.media and msg.message_id:
            await tx.tickets.add_media(ticket.id, msg.chat_id, msg.message_id, msg.media, msg.photo_file_id)
        owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        await tx.outbox.enqueue(text_message(
            msg.chat_id, render.duplicate_notice(ticket, owner), reply_to=msg.message_id))
        if owner and owner.telegram_id:
            await tx.outbox.enqueue(text_message(
                owner.telegram_id, render.also_reported(ticket, who or "居民", msg.text),
                ref=f"t{ticket.id}:dup:{msg.chat_id}:{msg.message_id}"))

    async def responders(self, tx: Tx, ticket: Ticket) -> list[Person]:
        """Who must hear everything about a request: its owner; in danger also the admins, the
        specialist who was alerted, and the grid's workers (all of them while the place is unknown)."""
        people: list[Person | None] = [
            await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None]
        if ticket.urgent:
            people += await tx.people.holding(Role.ADMIN, ticket.community_id)
            directory = await self.directory(tx, ticket.community_id)
            if (role := URGENT_ALSO.get(ticket.category)) and (
                    pid := directory.specialist(role, ticket.grid_id)):
                people.append(await tx.people.get(pid))
            grids = [ticket.grid_id] if ticket.grid_id else list(directory.grid_workers)
            for grid_id in grids:
                people += [await tx.people.get(pid) for pid in directory.grid_workers.get(grid_id, ())]
        seen: set[int] = set()
        found = []
        for p in people:
            if p is not None and p.telegram_id and p.id not in seen:
                seen.add(p.id)
                found.append(p)
        return found

    async def _follow_up(self, tx: Tx, msg: Incoming, ticket: Ticket, reply: bool = True) -> None:
        """The reporter adds to their own open request ("怎么还没人来", another photo): pass it on,
        to everyone responding when it is an emergency."""
        who = msg.sender.display_name if msg.sender else None
        await tx.tickets.log(ticket.id, "comment", msg.user_id, who, msg.text or None)
        if msg.media and msg.message_id:
            await tx.tickets.add_media(ticket.id, msg.chat_id, msg.message_id, msg.media, msg.photo_file_id)
        owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        # A reply to this note goes back to the reporter (see `relay`).
        ref = f"t{ticket.id}:fwd:{msg.chat_id}:{msg.message_id}"
        for n, person in enumerate(await self.responders(tx, ticket)):
            await tx.outbox.enqueue(text_message(person.telegram_id, render.follow_up_note(ticket, msg.text),
                                                 ref=f"{ref}:{n}"), urgent=ticket.urgent)
            if msg.media and msg.message_id:
                await tx.outbox.enqueue(copy_message(person.telegram_id, msg.chat_id, msg.message_id))
        if not reply:
            return
        text = render.follow_up_receipt(ticket, owner)
        if ticket.urgent:
            # The steps came with the receipt; here one line, and the address if still missing.
            text += "\n" + render.emergency_advice(emergency_number(ticket.category, ticket.text))
            if not ticket.building:
                text += "\n" + ASK_ADDRESS_NOW
        if msg.is_private or ticket.urgent:
            await tx.outbox.enqueue(text_message(msg.chat_id, text, reply_to=msg.message_id))
        else:
            await acknowledge(tx, msg.chat_id, msg.message_id, text)  # in a busy group, gathered too

    async def chase(self, tx: Tx, msg: Incoming, quiet_if_none: bool = False,
                    within: timedelta = DUPLICATE_WINDOW, listed: bool = False) -> bool:
        """"怎么还没人来啊": with one open request, its owner hears the reporter is waiting and the
        reporter hears the status; with several, or when the question named something else
        (`listed`), the reporter gets their open requests rather than a guess.

        True when there was an open request to pass it to.
        """
        mine = await tx.tickets.open_by_reporter(msg.user_id, within) if msg.user_id else []
        if len(mine) == 1 and not listed:
            await self._follow_up(tx, msg, mine[0])
            return True
        if mine or not quiet_if_none:
            await self.open_requests(tx, msg)
            return bool(mine)
        return False

    async def details_for_emergency(self, tx: Tx, msg: Incoming,
                                    address: tuple[str, str | None, str | None] | None) -> bool:
        """An address or a phone number right after someone's emergency: every responder gets it now.

        True when there was such an emergency (the caller still offers to register the address).
        """
        phone = _PHONE.search(msg.text or "")
        danger = [t for t in await tx.tickets.open_by_reporter(msg.user_id, EMERGENCY_DETAILS) if t.urgent]
        if not danger or (address is None and phone is None):
            return False
        ticket = danger[0]
        if address is not None and ticket.building is None:
            alerted = await self.responders(tx, ticket)  # all grid workers heard of it while placeless
            building, unit, room = address
            known = await tx.places.building(ticket.community_id, building)
            await tx.tickets.set_place(ticket.id, known.grid_id if known else None, building, unit, room)
            ticket = await tx.tickets.get(ticket.id)
            await tx.tickets.log(ticket.id, "place", msg.user_id, ticket.reporter_name, ticket.place)
            await self.tell_place(tx, ticket, alerted)
        if phone is not None or address is None:
            await self._follow_up(tx, msg, ticket, reply=False)
        await tx.outbox.enqueue(text_message(msg.chat_id, render.details_passed(ticket), reply_to=msg.message_id))
        return True

    async def place_found(self, tx: Tx, reporter: Person) -> None:
        """A resident told us where they live: their open requests without a place get it."""
        home = _home(reporter)
        if home is None or reporter.telegram_id is None:
            return
        known = await tx.places.building(reporter.community_id, home[0])
        for ticket in await tx.tickets.placeless_by_reporter(reporter.telegram_id):
            alerted = await self.responders(tx, ticket)
            await tx.tickets.set_place(ticket.id, known.grid_id if known else None, *home)
            ticket = await tx.tickets.get(ticket.id)
            await tx.tickets.log(ticket.id, "place", reporter.telegram_id, reporter.name, ticket.place)
            await self.tell_place(tx, ticket, alerted)

    async def tell_place(self, tx: Tx, ticket: Ticket, alerted: list[Person] = ()) -> None:
        """The address arrived: everyone responding hears it, the grid's workers too, and whoever
        was alerted while the place was unknown."""
        people = [*alerted, *await self.responders(tx, ticket)]
        if ticket.grid_id:
            people += await tx.people.holding(Role.GRID_WORKER, ticket.community_id, ticket.grid_id)
        told = set()
        for person in people:
            if person.telegram_id and person.telegram_id not in told:
                told.add(person.telegram_id)
                await tx.outbox.enqueue(text_message(person.telegram_id, render.place_known(ticket)),
                                        urgent=ticket.urgent)

    async def _hand_over(self, tx: Tx, ticket: Ticket, assignee: Person | None, source: str | None,
                         note: str | None = None) -> None:
        """Send the card (and any photos) to the owner; tell the admins if the owner is unreachable."""
        if assignee is None:
            await self._tell_admins(tx, ticket, render.escalation(ticket, "accept", None))
            return
        if not await self._reachable(tx, assignee):
            await tx.tickets.log(ticket.id, "unreachable", None, None, assignee.name)
            await self._tell_admins(tx, ticket, render.unreachable(ticket, assignee),
                                    skip=assignee.id)
            if not assignee.telegram_id:
                return
        ref = f"t{ticket.id}:card:{ticket.assign_seq}"
        await self._send_card(tx, ticket, assignee, ref=ref, source=source, note=note)
        await tx.tickets.set_card(ticket.id, ref)
        for chat_id, message_id, _ in await tx.tickets.media(ticket.id):
            await tx.outbox.enqueue(copy_message(assignee.telegram_id, chat_id, message_id))

    async def _reachable(self, tx: Tx, person: Person) -> bool:
        """Whether the bot can write to them: linked, and they opened a private chat not since blocked."""
        return bool(person.telegram_id) and await tx.groups.can_write_to(person.telegram_id)

    async def _send_card(self, tx: Tx, ticket: Ticket, person: Person, ref: str | None,
                         source: str | None = None, note: str | None = None,
                         buttons: bool = True) -> None:
        phone = await self._reporter_phone(tx, ticket)
        limits = self._sla.limits(ticket.category, ticket.urgent)
        text = render.card(ticket, phone, self._zone, source, limits.accept, note)
        keyboard = render.card_buttons(ticket, await self._relay_needed(tx, ticket)) if buttons else None
        # A danger card goes before every queued ordinary message (bot.delivery.outbox).
        await tx.outbox.enqueue(text_message(person.telegram_id, text, keyboard=keyboard, ref=ref),
                                urgent=ticket.urgent)

    async def _relay_needed(self, tx: Tx, ticket: Ticket) -> bool:
        """The owner has no phone for the reporter, but the bot can write to them: offer to relay."""
        if not ticket.reporter_tg:
            return False
        return await self._reporter_phone(tx, ticket) is None

    async def _reporter_phone(self, tx: Tx, ticket: Ticket) -> str | None:
        # Only the owner and admins ever see this card, so the phone may be on it.
        if ticket.reporter_person_id is None:
            return None
        reporter = await tx.people.get(ticket.reporter_person_id)
        return reporter.phone if reporter else None

    async def _tell_admins(self, tx: Tx, ticket: Ticket, text: str, skip: int | None = None) -> None:
        for admin in await tx.people.holding(Role.ADMIN, ticket.community_id):
            if admin.id != skip and admin.telegram_id:
                await tx.outbox.enqueue(text_message(admin.telegram_id, text), urgent=ticket.urgent)

    # -- media that follows a report -------------------------------------------------------

    async def attach_media(self, tx: Tx, msg: Incoming) -> Ticket | None:
        """A photo, voice or location that belongs to a ticket: as a reply, or just after it."""
        ticket_id = None
        if msg.reply_to_message_id:
            ticket_id = await tx.tickets.ticket_for_message(msg.chat_id, msg.reply_to_message_id)
            if ticket_id is None:
                ref = await tx.outbox.ref_of(msg.chat_id, msg.reply_to_message_id)
                if ref and ref.startswith("t") and ":" in ref:
                    ticket_id = parse_id(ref[1:ref.index(":")])
        if ticket_id is None and msg.user_id:
            recent = await tx.tickets.latest_by_reporter_in_chat(msg.user_id, msg.chat_id, MEDIA_WINDOW)
            ticket_id = recent.id if recent else None
        if ticket_id is None:
            return None
        ticket = await tx.tickets.get(ticket_id)
        if not await tx.tickets.add_media(ticket_id, msg.chat_id, msg.message_id, msg.media or "media",
                                             msg.photo_file_id):
            return ticket
        await tx.tickets.log(ticket_id, "media", msg.user_id,
                             msg.sender.display_name if msg.sender else None,
                             render.MEDIA_LABELS.get(msg.media or "", "附件"))
        if ticket.assignee_person_id and ticket.is_open:
            assignee = await tx.people.get(ticket.assignee_person_id)
            if assignee and assignee.telegram_id:
                await tx.outbox.enqueue(text_message(
                    assignee.telegram_id, f"{render.e(render.summary(ticket))} 补充了材料:"))
                await tx.outbox.enqueue(copy_message(assignee.telegram_id, msg.chat_id, msg.message_id))
        return ticket

    # -- the owner's buttons ---------------------------------------------------------------

    async def press(self, update_id: int, user_id: int, message_chat: int, message_id: int,
                    ticket_id: int, action: str, arg: str | None) -> Answer:
        async with self._store.tx(update_id) as tx:
            ticket = await tx.tickets.get(ticket_id)
            person = await tx.people.by_telegram_id(user_id)
            if ticket is None:
                return Answer("没有这个诉求。", alert=True)
            if action == "rate":
                return await self._rate(tx, ticket, user_id, message_chat, message_id, arg)
            if not policy.may_act_on_ticket(ticket, person):
                return Answer("只有负责人或社区管理员可以操作这个诉求。", alert=True)
            if action == "x":
                await tx.outbox.enqueue(delete_message(message_chat, message_id))
                return Answer("已取消")
            if not ticket.is_open:
                return Answer(f"#{ticket.id} {render.STATUS_LABELS[ticket.status]}了, 不用再点了。", alert=True)
            match action:
                case "acc":
                    return await self._accept(tx, ticket, person)
                case "res" if ticket.status == "open":
                    # Done without ever accepting: one more tap, so a slip of the finger on an old
                    # phone does not close someone's request.
                    text, keyboard = render.confirm_resolve(ticket)
                    await tx.outbox.enqueue(text_message(message_chat, text, keyboard=keyboard))
                    return Answer()
                case "res" | "resy":
                    if action == "resy":
                        await tx.outbox.enqueue(delete_message(message_chat, message_id))
                    return await self._resolve(tx, ticket, person)
                case "tr":
                    await self._offer_transfer(tx, ticket, person, message_chat)
                    return Answer()
                case "to" if (to_id := parse_id(arg)) is not None:
                    answer, moved = await self.transfer(tx, ticket, person, to_id)
                    if moved:
                        await tx.outbox.enqueue(delete_message(message_chat, message_id))
                    return answer
                case "ret":
                    text, keyboard = render.return_choices(ticket)
                    await tx.outbox.enqueue(text_message(message_chat, text, keyboard=keyboard))
                    return Answer()
                case "fin":
                    await tx.outbox.enqueue(clear_buttons(message_chat, message_id))
                    return await self._resolve(tx, ticket, person, result=await self._last_note(tx, ticket, person))
                case "keep":
                    await tx.outbox.enqueue(clear_buttons(message_chat, message_id))
                    return Answer(f"已记为 #{ticket.id} 的备注")
                case "rel":
                    if not ticket.reporter_tg:
                        return Answer("报告人不是在这里报的事, 联系不上。", alert=True)
                    await tx.outbox.enqueue(text_message(
                        message_chat, render.relay_prompt(ticket), ref=f"t{ticket.id}:ask:{tx.now.timestamp()}",
                        keyboard={"force_reply": True, "input_field_placeholder": "想对报告人说的话"}))
                    return Answer()
                case "rr" if arg in render.RETURN_REASONS:
                    answer, moved = await self.give_back(tx, ticket, person, render.RETURN_REASONS[arg])
                    if moved:
                        await tx.outbox.enqueue(delete_message(message_chat, message_id))
                    return answer
            return EXPIRED

    async def _accept(self, tx: Tx, ticket: Ticket, person: Person, via: str | None = None) -> Answer:
        if ticket.status == "accepted":
            return Answer(f"#{ticket.id} 已经接单了。")
        if person.id != ticket.assignee_person_id:
            # An admin accepting takes the ticket over; the old owner's card stops offering buttons.
            await self._retire_card(tx, ticket, f"已由{render.e(person.name)}接手")
            await tx.tickets.assign(ticket.id, person.id)
            await tx.tickets.set_card(ticket.id, None)
        await tx.tickets.set_status(ticket.id, "accepted")
        await tx.tickets.log(ticket.id, "accepted", person.telegram_id, person.name, via=via)
        ticket = await tx.tickets.get(ticket.id)
        await self._refresh_card(tx, ticket, person)
        await self._tell_reporter(tx, ticket, render.news_accepted(ticket, person))
        await tx.jobs.cancel(f"t{ticket.id}:accept:")
        await self._schedule(tx, ticket)
        return Answer(f"已接单 #{ticket.id}")

    async def _resolve(self, tx: Tx, ticket: Ticket, person: Person, result: str | None = None,
                       via: str | None = None) -> Answer:
        """Done. With the worker's words ("已修好 楼上水管接头松了") the reporter reads them at once;
        without, the worker is asked for one optional line."""
        await tx.tickets.set_status(ticket.id, "resolved")
        await tx.tickets.log(ticket.id, "resolved", person.telegram_id, person.name, via=via)
        if result:
            await tx.tickets.log(ticket.id, "result", person.telegram_id, person.name, result, via=via)
        ticket = await tx.tickets.get(ticket.id)
        await tx.jobs.cancel(f"t{ticket.id}:")
        await self._refresh_card(tx, ticket, person)
        # A request reopened after a rating is not rated a second time.
        ask = ticket.rating is None
        await self._tell_reporter(tx, ticket, render.news_resolved(ticket, person, ask_rating=ask, result=result),
                                  keyboard=render.rating_buttons(ticket) if ask else None)
        if not result and person.telegram_id:
            await tx.outbox.enqueue(text_message(
                person.telegram_id, render.ask_result(ticket), ref=f"t{ticket.id}:result:{ticket.assign_seq}",
                keyboard={"force_reply": True, "input_field_placeholder": "比如: 换了角阀"}))
            await tx.chat_states.set(person.telegram_id, "ticket_result",
                                     {"ticket": ticket.id, "until": (tx.now + RESULT_WINDOW).isoformat()})
        return Answer(f"#{ticket.id} 已办结, 谢谢!")

    async def _last_note(self, tx: Tx, ticket: Ticket, person: Person) -> str | None:
        for ev in reversed(await tx.tickets.events(ticket.id)):
            if ev.kind == "note" and ev.actor_name == person.name:
                return ev.detail
        return None

    # -- words about a ticket --------------------------------------------------------------

    async def staff_words(self, tx: Tx, msg: Incoming, ticket: Ticket, person: Person) -> None:
        """A worker writes about their ticket: always a note on it; "已修好…" offers to close it."""
        text = msg.text.strip()
        await tx.tickets.log(ticket.id, "note", person.telegram_id, person.name, text)
        chat = person.telegram_id if person.telegram_id and await self._reachable(tx, person) else msg.chat_id
        if says_done(text) and ticket.is_open:
            prompt, keyboard = render.confirm_done(ticket, text)
            await tx.outbox.enqueue(text_message(chat, prompt, keyboard=keyboard))
        elif msg.is_private:
            await tx.outbox.enqueue(text_message(chat, render.staff_note_kept(ticket), reply_to=msg.message_id))

    async def result(self, tx: Tx, msg: Incoming, ticket: Ticket, person: Person) -> None:
        """The worker's one line on what was done: the reporter reads it."""
        text = msg.text.strip()
        await tx.chat_states.clear(msg.user_id)
        await tx.tickets.log(ticket.id, "result", person.telegram_id, person.name, text)
        await self._tell_reporter(tx, ticket, render.result_news(ticket, person, text))
        await tx.outbox.enqueue(text_message(msg.chat_id, f"好的, 已告诉 #{ticket.id} 的报告人。"))

    async def reporter_words(self, tx: Tx, msg: Incoming, ticket: Ticket) -> None:
        """The reporter's words act on their ticket: fixed, not fixed, or more to pass on."""
        text = msg.text.strip()
        owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        if text and says_not_fixed(text) and not ticket.is_open:
            await self._reopen(tx, msg, ticket, owner)
            return
        if text and says_fixed(text) and not says_not_fixed(text) and ticket.is_open:
            await tx.tickets.log(ticket.id, "fixed", msg.user_id, ticket.reporter_name, text)
            # Nobody is chased any more about a problem the reporter says is over.
            await tx.jobs.cancel(f"t{ticket.id}:")
            if owner and owner.telegram_id:
                prompt, keyboard = render.reporter_says_fixed(ticket, text)
                await tx.outbox.enqueue(text_message(owner.telegram_id, prompt, keyboard=keyboard))
            await tx.outbox.enqueue(text_message(msg.chat_id, render.told_owner_fixed(ticket, owner),
                                                 reply_to=msg.message_id))
            return
        await self._follow_up(tx, msg, ticket)

    async def _reopen(self, tx: Tx, msg: Incoming, ticket: Ticket, owner: Person | None) -> None:
        """"根本没修好": back to the one who closed it, as a fresh card, with the reporter's words."""
        await tx.tickets.assign(ticket.id, owner.id if owner else None)
        await tx.tickets.log(ticket.id, "reopened", msg.user_id, ticket.reporter_name, msg.text)
        await tx.tickets.set_card(ticket.id, None)
        ticket = await tx.tickets.get(ticket.id)
        await self._hand_over(tx, ticket, owner, source=None, note=render.reopened_by_reporter(ticket, msg.text))
        await self._schedule(tx, ticket)
        await tx.outbox.enqueue(text_message(msg.chat_id, render.reopened_to_reporter(ticket, owner),
                                             reply_to=msg.message_id))

    async def relay_to_reporter(self, tx: Tx, msg: Incoming, ticket: Ticket, person: Person) -> None:
        """The owner's words to a reporter they cannot call: through the bot, no account shown."""
        if not ticket.reporter_tg or not await tx.groups.can_write_to(ticket.reporter_tg):
            await tx.outbox.enqueue(text_message(msg.chat_id, "报告人没有私聊过我, 暂时联系不上TA。"))
            return
        await tx.tickets.log(ticket.id, "relayed", person.telegram_id, person.name, msg.text)
        await tx.outbox.enqueue(text_message(
            ticket.reporter_tg, render.relayed_to_reporter(ticket, person, msg.text,
                                                           owner=person.id == ticket.assignee_person_id),
            ref=f"t{ticket.id}:relay:{msg.chat_id}:{msg.message_id}"), urgent=ticket.urgent)
        await tx.outbox.enqueue(text_message(msg.chat_id, render.relayed_done(ticket), reply_to=msg.message_id))

    async def replied_ticket(self, tx: Tx, msg: Incoming) -> tuple[Ticket | None, str | None]:
        """The ticket a reply is about, and what the replied-to message was ("card", "fwd", "ask"...)."""
        if not msg.reply_to_message_id:
            return None, None
        ref = await tx.outbox.ref_of(msg.chat_id, msg.reply_to_message_id)
        if ref and ref.startswith("t") and ":" in ref:
            ticket_id = parse_id(ref[1:ref.index(":")])
            if ticket_id is not None:
                return await tx.tickets.get(ticket_id), ref.split(":")[1]
        ticket_id = await tx.tickets.ticket_for_message(msg.chat_id, msg.reply_to_message_id)
        return (await tx.tickets.get(ticket_id) if ticket_id else None), "report"

    async def open_requests(self, tx: Tx, msg: Incoming) -> None:
        """A question that names nothing we can match: their open requests, one line each."""
        tickets = [t for t in await tx.tickets.reported_by(msg.user_id, limit=LATEST_NEWS) if t.is_open]
        await tx.outbox.enqueue(text_message(msg.chat_id, render.open_requests(tickets, await self._names(tx, tickets))))

    async def _offer_transfer(self, tx: Tx, ticket: Ticket, person: Person, chat_id: int) -> None:
        choices = await self.transfer_choices(tx, ticket)
        text, keyboard = render.transfer_choices(ticket, choices[:12])
        await tx.outbox.enqueue(text_message(chat_id, text, keyboard=keyboard))

    async def transfer_choices(self, tx: Tx, ticket: Ticket) -> list[tuple[Person, str]]:
        """Whom a ticket may be handed to: its grid's and the community's people who take requests."""
        choices: list[tuple[Person, str]] = []
        seen = {ticket.assignee_person_id}
        groups = [(Role.GRID_WORKER, ticket.grid_id), (Role.GRID_WORKER, None)]
        groups += [(role, None) for role in (Role.HEALTH, Role.LEGAL, Role.POLICE, Role.PROPERTY, Role.ADMIN)]
        for role, grid in groups:
            for p in await tx.people.holding(role, ticket.community_id, grid):
                if p.id not in seen:
                    seen.add(p.id)
                    choices.append((p, role.label))
        return choices

    async def transfer(self, tx: Tx, ticket: Ticket, person: Person, to_id: int,
                       via: str | None = None) -> tuple[Answer, bool]:
        """转派 (the button and the web desk alike); True when the ticket moved."""
        target = await tx.people.get(to_id)
        if target is None or not target.active or target.community_id != ticket.community_id:
            return Answer("找不到这个人。", alert=True), False
        if target.id == ticket.assignee_person_id:
            return Answer(f"#{ticket.id} 已经在{target.name}那里了。"), False
        await self._reassign(tx, ticket, person, target, "transferred", target.name, via)
        return Answer(f"#{ticket.id} 已转给{target.name}"), True

    async def give_back(self, tx: Tx, ticket: Ticket, person: Person, reason: str,
                        via: str | None = None) -> tuple[Answer, bool]:
        """退回 to the community (the button and the web desk alike); True when it went back."""
        directory = await self.directory(tx, ticket.community_id)
        admin = next((a for a in directory.admins if a != person.id), None)
        if admin is None:
            # The community is the last stop: nobody above to hand it back to.
            return Answer("社区没有其他管理员可以接手。请点「转派」交给具体的人。", alert=True), False
        target = await tx.people.get(admin)
        await self._reassign(tx, ticket, person, target, "returned", reason, via)
        return Answer(f"#{ticket.id} 已退回社区"), True

    async def recategorize(self, tx: Tx, ticket: Ticket, person: Person, category: str,
                           via: str | None = None) -> Answer:
        """改类别: the record, the owner's card and the model's lessons follow the corrected field."""
        if category not in CATEGORY_LABELS:
            return EXPIRED
        if category == ticket.category:
            return Answer(f"#{ticket.id} 已经是{render.category(category)}了。")
        before = render.category(ticket.category)
        await tx.tickets.set_category(ticket.id, category)
        await tx.tickets.log(ticket.id, "category", person.telegram_id, person.name,
                             f"{before} → {render.category(category)}", via=via)
        await record_example(tx, ticket.text, intent="report", category=category, urgent=ticket.urgent,
                             source="category", ticket_id=ticket.id, person_id=person.id)
        ticket = await tx.tickets.get(ticket.id)
        await self._refresh_card(tx, ticket, person)
        owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        if owner and owner.id != person.id and owner.telegram_id:
            await tx.outbox.enqueue(text_message(owner.telegram_id, render.recategorized(ticket, person, before)))
        return Answer(f"#{ticket.id} 已改为{render.category(category)}")

    async def act_on_web(self, tx: Tx, ticket_id: int, person: Person | None, action: str,
                         arg: str | None = None) -> Answer:
        """A button's action taken on the web desk: the same checks and steps as the press, in the
        caller's transaction, recorded as done "网页"."""
        ticket = await tx.tickets.get(ticket_id)
        if ticket is None:
            return Answer("没有这个诉求。", alert=True)
        if not policy.may_act_on_ticket(ticket, person):
            return Answer("只有负责人或社区管理员可以操作这个诉求。", alert=True)
        if not ticket.is_open:
            return Answer(f"#{ticket.id} {render.STATUS_LABELS[ticket.status]}了, 不用再点了。", alert=True)
        match action:
            case "accept":
                return await self._accept(tx, ticket, person, via=WEB)
            case "resolve":
                return await self._resolve(tx, ticket, person, (arg or "").strip()[:1000] or None, via=WEB)
            case "transfer" if (to_id := parse_id(arg or "")) is not None:
                return (await self.transfer(tx, ticket, person, to_id, via=WEB))[0]
            case "return" if arg in render.RETURN_REASONS:
                return (await self.give_back(tx, ticket, person, render.RETURN_REASONS[arg], via=WEB))[0]
            case "category":
                return await self.recategorize(tx, ticket, person, arg or "", via=WEB)
        return EXPIRED

    async def _reassign(self, tx: Tx, ticket: Ticket, actor: Person, target: Person | None,
                        kind: str, detail: str, via: str | None = None) -> None:
        previous = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        await tx.tickets.assign(ticket.id, target.id if target else None)
        await tx.tickets.log(ticket.id, kind, actor.telegram_id, actor.name, detail, via=via)
        await tx.jobs.cancel(f"t{ticket.id}:")
        note = (f"已转给{render.e(target.name) if target else '社区'}" if kind == "transferred"
                else f"已退回: {render.e(detail)}")
        await self._retire_card(tx, ticket, note, previous)
        await tx.tickets.set_card(ticket.id, None)
        ticket = await tx.tickets.get(ticket.id)
        handed = (f"由{render.e(actor.name)}转来" if kind == "transferred"
                  else f"{render.e(actor.name)}退回: {render.e(detail)}")
        await self._hand_over(tx, ticket, target, source=None, note=handed)
        await self._tell_reporter(tx, ticket, render.news_transferred(ticket, target))
        await self._schedule(tx, ticket)

    async def _retire_card(self, tx: Tx, ticket: Ticket, note: str,
                           owner: Person | None = None) -> None:
        """The owner's card after the ticket left them: what happened, and no more buttons."""
        if owner is None and ticket.assignee_person_id:
            owner = await tx.people.get(ticket.assignee_person_id)
        if not (ticket.card_ref and owner and owner.telegram_id):
            return
        text = render.card(ticket, None, self._zone, None, note=note).replace(
            f"[{render.STATUS_LABELS[ticket.status]}]", "[已移交]")
        await tx.outbox.enqueue(edit_text(owner.telegram_id, ticket.card_ref, text,
                                          keyboard={"inline_keyboard": []}))

    async def _refresh_card(self, tx: Tx, ticket: Ticket, person: Person) -> None:
        owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        if not (ticket.card_ref and owner and owner.telegram_id):
            return
        phone = await self._reporter_phone(tx, ticket)
        text = render.card(ticket, phone, self._zone, None)
        keyboard = render.card_buttons(ticket, await self._relay_needed(tx, ticket)) or {"inline_keyboard": []}
        await tx.outbox.enqueue(edit_text(owner.telegram_id, ticket.card_ref, text, keyboard=keyboard))

    # -- the reporter's side ---------------------------------------------------------------

    async def _tell_reporter(self, tx: Tx, ticket: Ticket, text: str, keyboard: dict | None = None) -> None:
        """Privately when the reporter has a chat with the bot, else in the group they wrote in."""
        told = False
        if ticket.reporter_tg and await tx.groups.can_write_to(ticket.reporter_tg):
            await tx.outbox.enqueue(text_message(ticket.reporter_tg, text, keyboard=keyboard))
            told = True
        elif ticket.source_chat_id < 0:
            # In the group only the news; rating buttons are for the reporter's private chat.
            await tx.outbox.enqueue(text_message(
                ticket.source_chat_id, text.split("请您评价")[0].rstrip("。:"),
                reply_to=ticket.source_message_id))
            told = True
        for telegram_id, _, _ in await tx.tickets.watchers(ticket.id):
            if await tx.groups.can_write_to(telegram_id):
                # Only the reporter rates: the others read the news without the question.
                await tx.outbox.enqueue(text_message(telegram_id, text.split("请您评价")[0].rstrip("。:\n")))
        if not told:
            log.info("reporter of #%s cannot be reached", ticket.id)

    async def _rate(self, tx: Tx, ticket: Ticket, user_id: int, chat_id: int, message_id: int,
                    code: str | None) -> Answer:
        if user_id != ticket.reporter_tg:
            return Answer("只有报告人可以评价。", alert=True)
        if code not in render.RATINGS:
            return EXPIRED
        if ticket.rating:
            return Answer("您已经评价过了, 谢谢!")
        if not policy.may_rate_ticket(ticket, user_id):
            return Answer(f"#{ticket.id} 还没有办结, 办结后再请您评价。", alert=True)
        label = render.RATINGS[code]
        await tx.tickets.rate(ticket.id, label)
        await tx.tickets.log(ticket.id, "rated", user_id, ticket.reporter_name, label)
        await tx.outbox.enqueue(clear_buttons(chat_id, message_id))
        await tx.chat_states.set(user_id, "rating_comment",
                                 {"ticket": ticket.id, "until": (tx.now + COMMENT_WINDOW).isoformat(),
                                  "owner": ticket.assignee_person_id})
        await tx.outbox.enqueue(text_message(chat_id, render.thanks_for_rating(label)))
        if code == "1":
            directory = await self.directory(tx, ticket.community_id)
            target = await tx.people.get(directory.admins[0]) if directory.admins else None
            await tx.tickets.assign(ticket.id, target.id if target else None)
            await tx.tickets.log(ticket.id, "reopened", user_id, ticket.reporter_name, "居民不满意")
            ticket = await tx.tickets.get(ticket.id)
            await self._hand_over(tx, ticket, target, source=None)
            if target and target.telegram_id:
                await tx.outbox.enqueue(text_message(target.telegram_id, render.reopened_to_admin(ticket)))
            await self._schedule(tx, ticket)
        return Answer(f"谢谢您的评价: {label}")

    async def comment(self, tx: Tx, msg: Incoming, ticket_id: int, rated_owner: int | None = None) -> None:
        """The reporter's words on a rating: kept for the export, and passed to whoever has the
        ticket now, to the one who closed it, and to the admins when they were not happy."""
        await tx.tickets.comment(ticket_id, msg.text)
        await tx.tickets.log(ticket_id, "comment", msg.user_id, None, msg.text)
        await tx.chat_states.clear(msg.user_id)
        ticket = await tx.tickets.get(ticket_id)
        ids = [ticket.assignee_person_id, rated_owner]
        if ticket.rating == render.RATINGS["1"]:
            ids += [a.id for a in await tx.people.holding(Role.ADMIN, ticket.community_id)]
        for person_id in dict.fromkeys(i for i in ids if i):
            person = await tx.people.get(person_id)
            if person and person.telegram_id:
                await tx.outbox.enqueue(text_message(person.telegram_id, render.rating_comment(ticket, msg.text)))
        await tx.outbox.enqueue(text_message(msg.chat_id, "已记下您的意见, 谢谢!"))

    async def follow(self, tx: Tx, msg: Incoming, payload: str) -> bool:
        """Someone opened a ticket's follow link: if it is theirs to follow, its news comes privately.

        False when the payload is no follow link at all (an invite code, say). Anyone else, and any
        link that leads nowhere, gets one and the same polite answer: it tells nothing about any
        request, not even whether it exists.
        """
        if token := FOLLOW_LINK.match(payload):
            ticket = await tx.tickets.by_follow_token(token.group(1))
        elif old := OLD_FOLLOW_LINK.match(payload):
            number = parse_id(old.group(1))
            ticket = await tx.tickets.get(number) if number is not None else None
        else:
            return False
        person = await tx.people.by_telegram_id(msg.user_id)
        if ticket is None or not policy.may_follow_ticket(ticket, person, msg.user_id):
            await tx.outbox.enqueue(text_message(msg.chat_id, follow_refused()))
            return True
        if msg.user_id != ticket.reporter_tg:
            await tx.tickets.watch(ticket.id, msg.user_id, msg.chat_id, None)
        owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        await tx.outbox.enqueue(text_message(msg.chat_id, render.following(ticket, owner)))
        return True

    # -- lists -----------------------------------------------------------------------------

    async def my_command(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            await self.my_tickets(tx, msg)

    async def mine_command(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id)
            if person is None:
                await tx.outbox.enqueue(text_message(msg.chat_id, "还不知道您是谁。请私聊我发送 /start 确认身份。"))
                return
            await self.mine(tx, msg, person)

    async def show_command(self, msg: Incoming, arg: str) -> None:
        async with self._store.tx(msg.update_id) as tx:
            number = parse_id(arg)
            if not policy.may_show_ticket_in(msg.is_private):
                # Whoever asks, the group learns nothing about the request: one line, no details.
                await tx.outbox.enqueue(text_message(msg.chat_id, ticket_in_private(number),
                                                     reply_to=msg.message_id))
                return
            if number is None:
                await tx.outbox.enqueue(text_message(msg.chat_id, ticket_usage()))
                return
            person = await tx.people.by_telegram_id(msg.user_id)
            await self.show(tx, msg, person, number)

    async def my_tickets(self, tx: Tx, msg: Incoming, open_only: bool = False) -> None:
        if open_only:
            # "我报的事怎么样了": the latest news on what is still open, in one message.
            tickets = await tx.tickets.reported_by(msg.user_id, limit=LATEST_NEWS)
            tickets = [t for t in tickets if t.is_open] or tickets[:3]
            names = await self._names(tx, tickets)
            await tx.outbox.enqueue(text_message(
                msg.chat_id, render.ticket_list("您报的事, 最新进展", tickets, names)))
            return
        ids, total = await tx.tickets.reported_ids_and_total(msg.user_id, limit=MAX_ITEMS)
        await self.pager.open(tx, MY_LIST, msg.user_id, msg.chat_id, "您的诉求", ids, total=total)

    async def mine(self, tx: Tx, msg: Incoming, person: Person) -> None:
        ids = await tx.tickets.assigned_ids(person.id, limit=MAX_ITEMS)
        total = await tx.tickets.assigned_count(person.id) if len(ids) >= MAX_ITEMS else len(ids)
        await self.pager.open(tx, MINE_LIST, msg.user_id, msg.chat_id, "待您处理 (紧急的在前, 其余最早的在前)", ids,
                              total=total)

    async def _own_lines(self, tx: Tx, ids: list[int]) -> list[str]:
        tickets = await tx.tickets.many(ids)
        return [render.ticket_line(t, {}, own=True) for t in tickets]

    async def _reported_lines(self, tx: Tx, ids: list[int]) -> list[str]:
        tickets = await tx.tickets.many(ids)
        names = await self._names(tx, tickets)
        return [render.ticket_line(t, names) for t in tickets]

    async def show(self, tx: Tx, msg: Incoming, person: Person | None, ticket_id: int) -> None:
        ticket = await tx.tickets.get(ticket_id)
        if ticket is None or not policy.may_see_ticket(ticket, person, msg.user_id):
            await tx.outbox.enqueue(text_message(msg.chat_id, f"找不到 #{ticket_id}, 或者您没有权限查看。"))
            return
        staff = policy.may_act_on_ticket(ticket, person)
        phone = await self._reporter_phone(tx, ticket) if staff else None
        owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        note = f"负责人: {render.e(owner.name)}" if owner else None
        # The whole report and history, over several messages if need be: nothing is cut here.
        text = render.card(ticket, phone, self._zone, None, note=note, whole=True)
        text += "\n\n" + render.history(await tx.tickets.events(ticket.id), self._zone)
        keyboard = render.card_buttons(ticket, await self._relay_needed(tx, ticket)) \
            if staff and msg.is_private else None
        for page in text_pages(msg.chat_id, text, keyboard=keyboard):
            await tx.outbox.enqueue(page)

    async def _names(self, tx: Tx, tickets: list[Ticket]) -> dict[int, str]:
        names = {}
        for t in tickets:
            if t.assignee_person_id and t.assignee_person_id not in names:
                p = await tx.people.get(t.assignee_person_id)
                names[t.assignee_person_id] = p.name if p else ""
        return names

    # -- time limits -----------------------------------------------------------------------

    async def _schedule(self, tx: Tx, ticket: Ticket) -> None:
        limits = self._sla.limits(ticket.category, ticket.urgent)
        stage, window = ("accept", limits.accept) if ticket.status == "open" else ("resolve", limits.resolve)
        start = ticket.assigned_at if stage == "accept" else (ticket.accepted_at or ticket.assigned_at)
        if stage == "resolve":
            # Resolving is measured from when the request came in, not from when it was accepted.
            start = ticket.created_at
        await self._add_sla_job(tx, ticket, stage, 1, start + window, window)

    async def _add_sla_job(self, tx: Tx, ticket: Ticket, stage: str, level: int, due: datetime,
                           window: timedelta) -> None:
        if not ticket.urgent:
            due = after_quiet_hours(due, self._zone, self._quiet.start, self._quiet.end)
        await tx.jobs.add(
            SLA_JOB, due,
            {"ticket": ticket.id, "stage": stage, "level": level, "seq": ticket.assign_seq,
             "window": window.total_seconds()},
            key=f"t{ticket.id}:{stage}:{ticket.assign_seq}:{level}",
        )

    async def on_sla_job(self, tx: Tx, job: Job) -> str | datetime:
        data = job.payload
        ticket = await tx.tickets.get(data["ticket"])
        if ticket is None or ticket.assign_seq != data["seq"]:
            return "moot"
        stage = data["stage"]
        if (stage == "accept" and ticket.status != "open") or (stage == "resolve" and not ticket.is_open):
            return "moot"
        if not ticket.urgent:
            later = after_quiet_hours(tx.now, self._zone, self._quiet.start, self._quiet.end)
            if later != tx.now:
                return later
        assignee = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        window = timedelta(seconds=data["window"])
        if data["level"] == 1 and assignee and assignee.telegram_id:
            await tx.outbox.enqueue(text_message(
                assignee.telegram_id, render.reminder(ticket, stage), ref=f"{job.key}:sent"))
            await tx.tickets.log(ticket.id, "reminded", None, None, assignee.name)
            await self._add_sla_job(tx, ticket, stage, 2, tx.now + window, window)
            return "reminded"
        await self._tell_admins(tx, ticket, render.escalation(ticket, stage, assignee))
        await tx.tickets.log(ticket.id, "escalated", None, None, "超时上报社区")
        if ticket.urgent and stage == "accept" and data["level"] < URGENT_ESCALATIONS + 1:
            # Danger nobody has taken: keep saying so, night or not, a few more times.
            await self._add_sla_job(tx, ticket, stage, data["level"] + 1, tx.now + window, window)
        return "escalated"


def _same_problem(candidates: list[Ticket], text: str, room: str | None) -> Ticket | None:
    """Of the open tickets at this place and in this field, the one describing the same problem:
    the same home named on both, or the same thing in the words ("化粪池" is not "垃圾桶")."""
    words = content_pairs(text)
    for t in candidates:
        if (room is not None and room == t.room) or words & content_pairs(t.text):
            return t
    return None


def _role_label(person: Person | None, reason: str, category: str) -> str:
    """How the owner is named to the reporter: "网格员", "健康员", "社区管理员"."""
    if person is None:
        return ""
    if reason == "specialist":
        return SPECIALIST_FOR[category].label
    return ROUTE_LABELS.get(reason, "")


def _home(person: Person | None) -> tuple[str, str | None, str | None] | None:
    """Where a person lives or looks after: a resident's home, else a unit or building head's."""
    if person is None:
        return None
    for role in (Role.RESIDENT, Role.UNIT_HEAD, Role.BUILDING_HEAD):
        for a in person.roles:
            if a.role is role and a.building:
                return a.building, a.unit, a.room
    return None


def _where(parsed: Parsed, home: tuple[str, str | None, str | None] | None
           ) -> tuple[str | None, str | None, str | None]:
    """The place of a report: as written, completed from the reporter's home when partial.

    "3单元201漏水" from a unit head of 1栋 means 1栋3单元201; a message naming no place at all
    from a resident means their own home.
    """
    if parsed.building:
        return parsed.building, parsed.unit, parsed.room
    if home is None:
        return None, parsed.unit, parsed.room
    if parsed.unit:
        return home[0], parsed.unit, parsed.room
    if parsed.room:
        return home[0], home[1], parsed.room
    return home



def parse_button(data: str) -> tuple[int, str, str | None] | None:
    """"t:23:acc" → (23, "acc", None); "t:23:to:45" → (23, "to", "45"); None if not ours."""
    parsed = parse_callback(data, "t")
    if parsed is None:
        return None
    ticket_id, action, rest = parsed
    return ticket_id, action, rest[0] if rest else None
