"""The 防走失 finder flow: a stranger scans an elder's code, the responders are alerted, the bot relays."""
from __future__ import annotations

import logging
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.elders import render
from bot.model.elders import Elder, Responder, Scan
from bot.elders.reminders import keepers_of
from bot.elders.rules import ElderRules
from bot.model.incoming import Incoming
from bot.model.messages import Outgoing, copy_message, disk_file, text_message
from bot.policy import is_lost_responder, may_talk_to_finder
from bot.model.roles import Role
from bot.model.messages import Answer
from bot.refusals import EXPIRED
from storage import Store, Tx

# The finder sees the elder's given name, the photo if there is one, a request to wait, and two large
# buttons to send their location and phone. The family (if linked), the 包保人, the grid worker, the
# admins and the police get an urgent alert and can write to the finder through the bot: neither side
# sees the other's name or account. Every scan is logged, even of an unknown or stopped code.

log = logging.getLogger(__name__)

PAYLOAD = re.compile(r"^(lost|kin)-([A-Za-z0-9_-]{1,59})$")
PAYLOAD_PREFIXES = ("lost-", "kin-")
TALK_WINDOW = timedelta(minutes=30)
_RESPONDER_ROLES = (Role.GRID_WORKER, Role.ADMIN, Role.POLICE)


def is_elder_payload(payload: str) -> bool:
    """A /start payload that belongs here: a 防走失 code (lost-…) or a family link (kin-…)."""
    return payload.strip().startswith(PAYLOAD_PREFIXES)


class Finder:
    def __init__(self, store: Store, zone: ZoneInfo, rules: ElderRules) -> None:
        self._store = store
        self._zone = zone
        self._rules = rules
        # Photos wait on disk beside the database until sent, like every file the bot sends.
        self._outgoing = (store.path.parent if store.path else Path(tempfile.gettempdir())) / "outgoing"

    # -- /start lost-… and kin-… ------------------------------------------------------------------

    async def start(self, msg: Incoming, payload: str) -> None:
        async with self._store.tx(msg.update_id) as tx:
            await tx.groups.saw_private(msg.user_id)
            m = PAYLOAD.match(payload.strip())
            if m is None:
                await tx.elders.add_scan(None, payload.strip()[:64] or "?", msg.user_id, "unknown")
                await tx.outbox.enqueue(text_message(msg.chat_id, render.CODE_STOPPED))
                return
            kind, token = m.groups()
            if kind == "kin":
                await self._family(tx, msg, token)
            else:
                await self._scanned(tx, msg, token)

    async def _family(self, tx: Tx, msg: Incoming, token: str) -> None:
        link = await tx.elders.find_link(token)
        elder = await tx.elders.get(link[0]) if link and link[1] == "family" else None
        if link is None or elder is None or link[2] or not elder.active:
            await tx.outbox.enqueue(text_message(msg.chat_id, render.FAMILY_LINK_BAD))
            return
        if link[3] not in (None, msg.user_id):
            await tx.outbox.enqueue(text_message(msg.chat_id, render.FAMILY_LINK_USED))
            return
        await tx.elders.use_link(token, msg.user_id)
        await tx.elders.add_family(elder.id, msg.user_id, msg.sender.display_name if msg.sender else "家属")
        await tx.outbox.enqueue(text_message(msg.chat_id, render.family_linked(elder)))

    async def _scanned(self, tx: Tx, msg: Incoming, token: str) -> None:
        link = await tx.elders.find_link(token)
        elder = await tx.elders.get(link[0]) if link and link[1] == "qr" else None
        if elder is None or link is None:
            await tx.elders.add_scan(None, token, msg.user_id, "unknown")
            await tx.outbox.enqueue(text_message(msg.chat_id, render.CODE_STOPPED))
            return
        if link[2] or not elder.active:
            await tx.elders.add_scan(elder.id, token, msg.user_id, "revoked")
            await tx.outbox.enqueue(text_message(msg.chat_id, render.CODE_STOPPED))
            return
        earlier = await tx.elders.open_scan(msg.user_id, elder.id)
        if earlier is not None and tx.now - earlier.at < self._rules.lost_case:
            # The same finder scanning again: they see the page again; the responders already know.
            await tx.elders.add_scan(elder.id, token, msg.user_id, "repeat")
            await self._welcome(tx, msg, elder, earlier)
            return
        scan_id = await tx.elders.add_scan(elder.id, token, msg.user_id, "open")
        scan = await tx.elders.scan(scan_id)
        await self._welcome(tx, msg, elder, scan)
        told = await self._alert(tx, elder, scan)
        log.warning("防走失 code of elder %s scanned (scan %s); %s responders alerted", elder.id, scan_id, told)

    async def _welcome(self, tx: Tx, msg: Incoming, elder: Elder, scan: Scan) -> None:
        await tx.chat_states.set(msg.user_id, "lost_finder", {"scan": scan.id})
        text = render.finder_welcome(elder.given_name) + "\n如果等了很久还没人联系您, 请拨打 110。"
        keyboard = render.finder_keyboard(location=scan.latitude is None, phone=scan.finder_phone is None)
        photo = await tx.elders.photo(elder.id) if elder.has_photo else None
        if photo:
            # The photo on its own: if Telegram refused it, the words and buttons still arrive.
            path = self._outgoing / f"finder-{scan.id}.jpg"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(photo)  # small (shrunk to ≤ 1 MB on import)
            await tx.outbox.enqueue(Outgoing(msg.chat_id, "sendPhoto", {
                "photo": disk_file(path, "photo.jpg"), "caption": render.finder_photo(elder.given_name),
                "parse_mode": "HTML"}))
        await tx.outbox.enqueue(text_message(msg.chat_id, text, keyboard=keyboard))

    async def _alert(self, tx: Tx, elder: Elder, scan: Scan) -> int:
        """Urgent, whatever the hour: the family, the 包保人, the grid worker, the admins, the police."""
        found: dict[int, tuple[int | None, str, str]] = {}
        for telegram_id, name in await tx.elders.family(elder.id):
            found.setdefault(telegram_id, (None, name, "family"))
        people = await keepers_of(tx, elder)
        for role in _RESPONDER_ROLES:
            for person in await tx.people.holding(role, elder.community_id):
                if any(a.role is role and is_lost_responder(a, elder) for a in person.roles):
                    people.append(person)
        for person in people:
            if person.telegram_id is None:
                continue
            side = "police" if person.has(Role.POLICE) and person.id not in elder.keeper_ids else "community"
            found.setdefault(person.telegram_id, (person.id, person.name, side))
        text = render.lost_alert(elder, self._zone, tx.now)
        keyboard = render.lost_buttons(scan.id)
        for telegram_id, (person_id, name, side) in found.items():
            await tx.elders.add_responder(scan.id, telegram_id, person_id, name, side)
            await tx.outbox.enqueue(text_message(telegram_id, text, keyboard=keyboard,
                                                 ref=f"ls{scan.id}:alert:{telegram_id}"))
        return len(found)

    # -- the finder writes ------------------------------------------------------------------------

    async def _open_case(self, tx: Tx, scan_id: int) -> tuple[Scan, Elder] | None:
        scan = await tx.elders.scan(scan_id)
        if scan is None or not scan.is_open or scan.elder_id is None or tx.now - scan.at > self._rules.lost_case:
            return None
        elder = await tx.elders.get(scan.elder_id)
        return (scan, elder) if elder else None

    async def finder_message(self, tx: Tx, msg: Incoming, data: dict) -> bool:
        """Whatever the finder sends goes to the responders; False once the case is over."""
        case = await self._open_case(tx, int(data.get("scan", 0)))
        if case is None:
            await tx.chat_states.clear(msg.user_id)
            return False
        scan, elder = case
        responders = await tx.elders.responders(scan.id)
        if msg.media == "location" and msg.location is not None:
            latitude, longitude = msg.location
            await tx.elders.located(scan.id, latitude, longitude)
            await self._to_responders(tx, responders, render.finder_location(elder), scan.id, msg, copy=True)
            await tx.outbox.enqueue(text_message(
                msg.chat_id, render.FINDER_LOCATED,
                keyboard=render.finder_keyboard(location=False, phone=scan.finder_phone is None)))
            return True
        if msg.media:
            await self._to_responders(tx, responders, render.finder_sent_media(elder), scan.id, msg, copy=True)
        elif msg.text:
            await self._to_responders(tx, responders, render.finder_said(elder, msg.text[:1000]), scan.id, msg)
        else:
            return True
        if not data.get("told"):
            await tx.chat_states.set(msg.user_id, "lost_finder", {**data, "told": True})
            await tx.outbox.enqueue(text_message(msg.chat_id, render.FINDER_RELAYED))
        return True

    async def contact(self, msg: Incoming) -> bool:
        """The finder pressed 留下我的电话: passed on. False for any other shared contact."""
        async with self._store.read() as r:
            state, data = await r.chat_states.get(msg.user_id)
        if state != "lost_finder":
            return False
        async with self._store.tx(msg.update_id) as tx:
            case = await self._open_case(tx, int(data.get("scan", 0)))
            if case is None:
                await tx.chat_states.clear(msg.user_id)
                return False
            scan, elder = case
            phone = re.sub(r"[^\d+]", "", msg.contact_phone or "")[:20]
            if not phone:
                return True
            await tx.elders.finder_phone(scan.id, phone)
            await self._to_responders(tx, await tx.elders.responders(scan.id), render.finder_phone(elder, phone),
                                      scan.id, msg)
            await tx.outbox.enqueue(text_message(
                msg.chat_id, render.FINDER_PHONE,
                keyboard=render.finder_keyboard(location=scan.latitude is None, phone=False)))
        return True

    async def _to_responders(self, tx: Tx, responders: list[Responder], text: str, scan_id: int,
                             source: Incoming, copy: bool = False) -> None:
        """To every responder; the ref lets a reply to it find its way back to the finder."""
        for r in responders:
            await tx.outbox.enqueue(text_message(r.telegram_id, text,
                                                 ref=f"ls{scan_id}:m{source.message_id}:{r.telegram_id}"))
            if copy and source.message_id:
                await tx.outbox.enqueue(copy_message(r.telegram_id, source.chat_id, source.message_id))

    # -- the responders write ---------------------------------------------------------------------

    async def responder_message(self, tx: Tx, msg: Incoming, scan_id: int) -> bool:
        """A responder's words (in talk mode, or answering a relayed message) go to the finder."""
        case = await self._open_case(tx, scan_id)
        responders = await tx.elders.responders(scan_id)
        if not may_talk_to_finder(msg.user_id, responders):
            return False
        if case is None:
            await tx.chat_states.clear(msg.user_id)
            await tx.outbox.enqueue(text_message(msg.chat_id, render.CASE_OVER))
            return True
        scan, elder = case
        me = next(r for r in responders if r.telegram_id == msg.user_id)
        if msg.media:
            await tx.outbox.enqueue(text_message(scan.finder_tg, render.to_finder_media(me.side)))
            await tx.outbox.enqueue(copy_message(scan.finder_tg, msg.chat_id, msg.message_id))
            said = render.MEDIA_WORDS.get(msg.media, "(一条消息)")
        elif msg.text:
            await tx.outbox.enqueue(text_message(scan.finder_tg, render.to_finder(me.side, msg.text[:1000])))
            said = msg.text[:1000]
        else:
            return True
        for other in responders:
            if other.telegram_id != msg.user_id:
                await tx.outbox.enqueue(text_message(other.telegram_id, render.responder_said(me.name, said)))
        await tx.outbox.enqueue(text_message(msg.chat_id, "已转给发现人。"))
        return True

    async def reply_target(self, tx: Tx, msg: Incoming) -> int | None:
        """The case a reply belongs to, when it answers one of the bot's case messages."""
        if not msg.reply_to_message_id:
            return None
        ref = await tx.outbox.ref_of(msg.chat_id, msg.reply_to_message_id)
        m = re.match(r"^ls(\d+):", ref or "")
        return int(m.group(1)) if m else None

    async def press(self, update_id: int, msg: Incoming, data: str) -> Answer:
        """e:t (talk to the finder), e:q (stop talking), e:x (the elder is safe)."""
        parts = data.split(":")
        if len(parts) != 3 or not parts[2].isdigit() or len(parts[2]) > 9:
            return EXPIRED
        kind, scan_id = parts[1], int(parts[2])
        async with self._store.tx(update_id) as tx:
            responders = await tx.elders.responders(scan_id)
            if not may_talk_to_finder(msg.user_id, responders):
                return Answer("抱歉, 只有收到提醒的家属和社区工作人员可以处理。", alert=True)
            if kind == "q":
                await tx.chat_states.clear(msg.user_id)
                return Answer("已结束对话。")
            case = await self._open_case(tx, scan_id)
            if case is None:
                return Answer("这件事已经结束了。", alert=True)
            scan, elder = case
            me = next(r for r in responders if r.telegram_id == msg.user_id)
            if kind == "t":
                await tx.chat_states.set(msg.user_id, "lost_talk", {
                    "scan": scan.id, "until": (tx.now + TALK_WINDOW).isoformat()})
                await tx.outbox.enqueue(text_message(msg.chat_id, render.talking(elder),
                                                     keyboard=render.talk_buttons(scan.id)))
                return Answer()
            if kind == "x":
                await tx.elders.close_scan(scan.id, me.name)
                state, data_ = await tx.chat_states.get(scan.finder_tg)
                if state == "lost_finder" and data_.get("scan") == scan.id:
                    await tx.chat_states.clear(scan.finder_tg)
                await tx.outbox.enqueue(text_message(scan.finder_tg, render.FINDER_THANKS,
                                                     keyboard={"remove_keyboard": True}))
                for r in responders:
                    await tx.outbox.enqueue(text_message(r.telegram_id, render.case_closed(elder, me.name)))
                    state, data_ = await tx.chat_states.get(r.telegram_id)
                    if state == "lost_talk" and data_.get("scan") == scan.id:
                        await tx.chat_states.clear(r.telegram_id)
                return Answer("谢谢您!")
        return EXPIRED

    async def private_state(self, tx: Tx, msg: Incoming, state: str | None, data: dict) -> bool:
        """Messages that belong to a case: from the finder, or from a responder talking to them."""
        if state == "lost_finder":
            return await self.finder_message(tx, msg, data)
        if state == "lost_talk":
            fresh = datetime.fromisoformat(data.get("until", "1970-01-01T00:00:00+00:00")) > tx.now
            if fresh:
                await tx.chat_states.set(msg.user_id, "lost_talk", {
                    "scan": data.get("scan"), "until": (tx.now + TALK_WINDOW).isoformat()})
                return await self.responder_message(tx, msg, int(data.get("scan", 0)))
            await tx.chat_states.clear(msg.user_id)
        scan_id = await self.reply_target(tx, msg)
        if scan_id is not None:
            return await self.responder_message(tx, msg, scan_id)
        return False
