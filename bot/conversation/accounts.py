"""Linking Telegram accounts to roster people: invite links, the contact button, /whoami."""
from __future__ import annotations

import re

from bot import policy, texts
from bot.model.domain import Person
from bot.model.incoming import Incoming
from bot.conversation.menus import menu_keyboard, personal_menu
from bot.model.messages import REMOVE_KEYBOARD, reply_keyboard, text_message
from bot.model.roles import Role
from bot.tickets.service import TicketDesk
from storage import Store, Tx


def normalize_phone(raw: str) -> str | None:
    """Digits of a mainland mobile number, as the roster keeps them; None if it is not one."""
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) == 11 and digits.startswith("1") else None


def phone_keyboard() -> dict:
    return reply_keyboard([], contact_button=texts.CONTACT_BUTTON)


class Accounts:
    def __init__(self, store: Store, desk: TicketDesk) -> None:
        self._store = store
        self._desk = desk

    async def start(self, msg: Incoming, payload: str) -> None:
        async with self._store.tx(msg.update_id) as tx:
            await tx.groups.saw_private(msg.user_id)
            person = await tx.people.by_telegram_id(msg.user_id)
            if payload and await self._desk.follow(tx, msg, payload.strip()):
                return
            if payload:
                await self._redeem(tx, msg, payload.strip(), person)
            elif person is not None:
                await tx.outbox.enqueue(
                    text_message(msg.chat_id, texts.welcome_back(person), keyboard=menu_keyboard())
                )
            else:
                await tx.outbox.enqueue(
                    text_message(msg.chat_id, texts.ask_for_phone(msg.sender.first_name),
                                 keyboard=phone_keyboard())
                )

    async def _redeem(self, tx: Tx, msg: Incoming, code: str, current: Person | None) -> None:
        """An invite link: link the account, or say why not; a refused invite stays unused."""
        found = await tx.invites.find(code)
        person = await tx.people.get(found[0]) if found else None
        if found is None or person is None:
            reply = text_message(msg.chat_id, texts.invite_unknown(), keyboard=phone_keyboard())
        elif found[1] is not None and found[1] != msg.user_id:
            reply = text_message(msg.chat_id, texts.invite_used())
        elif not policy.may_link_account(person, msg.user_id):
            reply = text_message(msg.chat_id, texts.account_taken())
        elif not policy.may_switch_account(current, person):
            workers = await self._grid_workers(tx, current)
            reply = text_message(msg.chat_id, texts.already_someone_else(current, workers))
        else:
            await tx.invites.use(code, msg.user_id)
            await tx.people.link(person.id, msg.user_id)
            person = await tx.people.get(person.id)
            reply = text_message(msg.chat_id, texts.linked(person), keyboard=menu_keyboard())
            await self._menu(tx, person)
        await tx.outbox.enqueue(reply)

    async def _grid_workers(self, tx: Tx, person: Person) -> list[Person]:
        """Who to ask when something about a person's identity is wrong: their grid's workers."""
        workers: list[Person] = []
        for grid_id in dict.fromkeys(a.grid_id for a in person.roles if a.grid_id):
            workers += [w for w in await tx.people.holding(Role.GRID_WORKER, person.community_id, grid_id)
                        if w not in workers]
        return workers

    async def _menu(self, tx: Tx, person) -> None:
        if (menu := personal_menu(person)) is not None:
            await tx.outbox.enqueue(menu)

    async def contact(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            await tx.groups.saw_private(msg.user_id)
            if msg.contact_user_id != msg.user_id:
                await tx.outbox.enqueue(
                    text_message(msg.chat_id, texts.not_own_contact(), keyboard=phone_keyboard())
                )
                return
            phone = normalize_phone(msg.contact_phone or "")
            matches = await tx.people.by_phone(phone) if phone else []
            if not matches:
                admins = await tx.people.holding(Role.ADMIN)
                await tx.outbox.enqueue(
                    text_message(msg.chat_id, texts.phone_not_in_roster(admins),
                                 keyboard=REMOVE_KEYBOARD)
                )
                return
            person = matches[0]
            if person.telegram_id not in (None, msg.user_id):
                await tx.outbox.enqueue(text_message(msg.chat_id, texts.account_taken()))
                return
            await tx.people.link(person.id, msg.user_id)
            person = await tx.people.get(person.id)
            await tx.outbox.enqueue(
                text_message(msg.chat_id, texts.linked(person), keyboard=menu_keyboard())
            )
            await self._menu(tx, person)

    async def whoami(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id)
            text = texts.whoami(person, msg.is_private) if person else texts.not_linked()
            await tx.outbox.enqueue(text_message(msg.chat_id, text, reply_to=msg.message_id))

    async def help(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            text = texts.HELP_PRIVATE if msg.is_private else texts.HELP_GROUP
            await tx.outbox.enqueue(text_message(msg.chat_id, text))
