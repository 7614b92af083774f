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
from bot.model.tickets import NewTicket, Ticket
from bot.tickets.routing import SPECIALIST_FOR, Directory, emergency_number, route
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

        if msg.user_id and (earlier := await tx.tickets.latest_open_by_reporter(
                msg.user_id, DUPLICATE_WINDOW)) and _follows_up(earlier, parsed, category):
            await self._follow_up(tx, msg, earlier)
            return earlier
        # Danger is never folded into an older, calmer ticket.
        if building and not parsed.urgent and (dup := await tx.tickets.open_duplicate(
                community_id, building, unit, room, category, DUPLICATE_WINDOW)):
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

        # The reporter's receipt: one line in a group, what was understood in private.
        if msg.is_private:
            text = render.reporter_receipt(ticket, assignee, label, limits.accept)
        else:
            text = render.group_line(ticket, assignee, label)
        if assignee and not await self._reachable(tx, assignee):
            # Named as the owner, but the card may never reach them: say so rather than promise.
            text += "\n" + render.owner_unreachable_note(assignee)
        if parsed.urgent:
            text += "\n" + render.emergency_advice(emergency_number(category, msg.text))
        if building and known is None:
            # Filed as written, but a wrong building number would send people to the wrong door.
            text += "\n" + render.unknown_building(building)
        if not msg.is_private and msg.user_id and not await tx.groups.can_write_to(msg.user_id):
            # The bot cannot write first: give them the door to a private chat for the news.
            username = await tx.meta.get("bot_username")
            if username:
                text += "\n" + render.follow_link(username, await tx.tickets.follow_token(ticket_id))
        await tx.outbox.enqueue(text_message(
            msg.chat_id, text, reply_to=msg.message_id, ref=f"t{ticket_id}:receipt"), urgent=parsed.urgent)

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

    async def _join_duplicate(self, tx: Tx, msg: Incoming, ticket: Ticket) -> None:
        if msg.user_id and msg.user_id != ticket.reporter_tg:
            await tx.tickets.watch(ticket.id, msg.user_id, msg.chat_id, msg.message_id)
        await tx.tickets.log(ticket.id, "duplicate", msg.user_id,
                             msg.sender.display_name if msg.sender else None, msg.text)
        if msg.media and msg.message_id:
            await tx.tickets.add_media(ticket.id, msg.chat_id, msg.message_id, msg.media, msg.photo_file_id)
        await tx.outbox.enqueue(text_message(
            msg.chat_id, render.duplicate_notice(ticket), reply_to=msg.message_id))

    async def _follow_up(self, tx: Tx, msg: Incoming, ticket: Ticket) -> None:
        """The reporter adds to their own open request ("怎么还没人来", another photo): pass it on."""
        who = msg.sender.display_name if msg.sender else None
        await tx.tickets.log(ticket.id, "comment", msg.user_id, who, msg.text or None)
        if msg.media and msg.message_id:
            await tx.tickets.add_media(ticket.id, msg.chat_id, msg.message_id, msg.media, msg.photo_file_id)
        owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        told = []
        for person in [owner] + (await tx.people.holding(Role.ADMIN, ticket.community_id) if ticket.urgent else []):
            if person is None or not person.telegram_id or person.telegram_id in told:
                continue
            told.append(person.telegram_id)
            await tx.outbox.enqueue(text_message(person.telegram_id, render.follow_up_note(ticket, msg.text)))
            if msg.media and msg.message_id:
                await tx.outbox.enqueue(copy_message(person.telegram_id, msg.chat_id, msg.message_id))
        text = render.follow_up_receipt(ticket, owner)
        if ticket.urgent:
            text += "\n" + render.emergency_advice(emergency_number(ticket.category, ticket.text))
        await tx.outbox.enqueue(text_message(msg.chat_id, text, reply_to=msg.message_id))

    async def chase(self, tx: Tx, msg: Incoming, quiet_if_none: bool = False,
                    within: timedelta = DUPLICATE_WINDOW) -> bool:
        """"怎么还没人来啊": the owner hears the reporter is waiting; the reporter hears the status.

        True when there was an open request to pass it to.
        """
        earlier = await tx.tickets.latest_open_by_reporter(msg.user_id, within)
        if earlier is not None:
            await self._follow_up(tx, msg, earlier)
            return True
        if not quiet_if_none:
            await self.my_tickets(tx, msg, open_only=True)
        return False

    async def place_found(self, tx: Tx, reporter: Person) -> None:
        """A resident told us where they live: their open requests without a place get it."""
        home = _home(reporter)
        if home is None or reporter.telegram_id is None:
            return
        known = await tx.places.building(reporter.community_id, home[0])
        for ticket in await tx.tickets.placeless_by_reporter(reporter.telegram_id):
            await tx.tickets.set_place(ticket.id, known.grid_id if known else None, *home)
            ticket = await tx.tickets.get(ticket.id)
            await tx.tickets.log(ticket.id, "place", reporter.telegram_id, reporter.name, ticket.place)
            workers = await tx.people.holding(Role.GRID_WORKER, ticket.community_id, ticket.grid_id) \
                if ticket.grid_id else []
            owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
            told = set()
            for person in [owner, *workers]:
                if person and person.telegram_id and person.telegram_id not in told:
                    told.add(person.telegram_id)
                    await tx.outbox.enqueue(text_message(person.telegram_id, render.place_known(ticket)))

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
        keyboard = render.card_buttons(ticket) if buttons else None
        # A danger card goes before every queued ordinary message (bot.delivery.outbox).
        await tx.outbox.enqueue(text_message(person.telegram_id, text, keyboard=keyboard, ref=ref),
                                urgent=ticket.urgent)

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
                return Answer(f"#{ticket.id} 已经{render.STATUS_LABELS[ticket.status]}了。", alert=True)
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
        await tx.tickets.set_status(ticket.id, "resolved")
        await tx.tickets.log(ticket.id, "resolved", person.telegram_id, person.name, result, via=via)
        ticket = await tx.tickets.get(ticket.id)
        await tx.jobs.cancel(f"t{ticket.id}:")
        await self._refresh_card(tx, ticket, person)
        # A request reopened after a rating is not rated a second time.
        ask = ticket.rating is None
        await self._tell_reporter(tx, ticket, render.news_resolved(ticket, person, ask_rating=ask, result=result),
                                  keyboard=render.rating_buttons(ticket) if ask else None)
        return Answer(f"#{ticket.id} 已办结, 谢谢!")

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
            return Answer(f"#{ticket.id} 已经{render.STATUS_LABELS[ticket.status]}了。", alert=True)
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
        keyboard = render.card_buttons(ticket) or {"inline_keyboard": []}
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
                await tx.outbox.enqueue(text_message(telegram_id, text))
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
                                 {"ticket": ticket.id, "until": (tx.now + COMMENT_WINDOW).isoformat()})
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

    async def comment(self, tx: Tx, msg: Incoming, ticket_id: int) -> None:
        """The reporter's words on a rating: kept, and passed to whoever has the ticket now."""
        await tx.tickets.comment(ticket_id, msg.text)
        await tx.tickets.log(ticket_id, "comment", msg.user_id, None, msg.text)
        await tx.chat_states.clear(msg.user_id)
        ticket = await tx.tickets.get(ticket_id)
        owner = await tx.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        if owner and owner.telegram_id:
            await tx.outbox.enqueue(text_message(owner.telegram_id, render.rating_comment(ticket, msg.text)))
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
        keyboard = render.card_buttons(ticket) if staff and msg.is_private else None
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


def _follows_up(earlier: Ticket, parsed: Parsed, category: str) -> bool:
    """More words about the reporter's own open request, rather than a new one.

    A new danger is always its own ticket; a different place or field is a different request.
    """
    if parsed.urgent and not earlier.urgent:
        return False
    # "太慢了, 师傅态度也不好" is about the service on this request, not a new property matter.
    if category not in (earlier.category, "other", "property"):
        return False
    for mine, said in ((earlier.building, parsed.building), (earlier.unit, parsed.unit),
                       (earlier.room, parsed.room)):
        if said is not None and mine is not None and said != mine:
            return False
    return True


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
