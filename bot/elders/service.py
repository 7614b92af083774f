"""The elders wing as the rest of the bot meets it: one object for chat, commands, buttons and jobs."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.model.domain import GroupBinding, Person
from bot.elders.finder import Finder
from bot.elders.reminders import VISIT_JOB, Reminders
from bot.elders.rules import ElderRules
from bot.elders.visits import ElderCare
from bot.model.incoming import Incoming
from bot.nlu import Lexicon, Parsed
from bot.tickets.service import QuietHours, TicketDesk
from bot.model.messages import Answer
from bot.refusals import EXPIRED
from storage import Store, Tx

__all__ = ["VISIT_JOB", "ElderWing"]

_FINDER_BUTTONS = ("t", "q", "x")


class ElderWing:
    def __init__(self, store: Store, zone: ZoneInfo, rules: ElderRules, desk: TicketDesk, quiet: QuietHours,
                 lexicon: Lexicon | None = None) -> None:
        self.rules = rules
        self.care = ElderCare(store, zone, rules, desk, lexicon)
        self.finder = Finder(store, zone, rules)
        self.reminders = Reminders(zone, rules, quiet)

    async def group_message(self, tx: Tx, msg: Incoming, parsed: Parsed | None, binding: GroupBinding) -> bool:
        return await self.care.group_message(tx, msg, parsed, binding)

    async def private_message(self, tx: Tx, msg: Incoming, person: Person | None, state: str | None,
                              data: dict) -> bool:
        """True when the message belonged here: a finder's, a responder's, a visit or its note."""
        if await self.finder.private_state(tx, msg, state, data):
            return True
        if person is None:
            return False
        return await self.care.private_words(tx, msg, person, state, data)

    async def press(self, update_id: int, msg: Incoming, data: str) -> Answer:
        if msg.is_private and msg.chat_id != msg.user_id:
            # Someone else's private chat: an answer there would edit or write into it.
            return EXPIRED
        kind = data.split(":")[1] if data.count(":") >= 1 else ""
        if kind in _FINDER_BUTTONS:
            return await self.finder.press(update_id, msg, data)
        return await self.care.press(update_id, msg, data)
