"""What an administrator can ask the bot about itself: messages it could not deliver."""
from __future__ import annotations

from bot import policy, texts
from bot.model.incoming import Incoming
from bot.model.messages import text_message
from storage import Store


class Admin:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def failures(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id)
            if not policy.may_see_undelivered(person):
                await tx.outbox.enqueue(text_message(msg.chat_id, texts.staff_only()))
                return
            failed = await tx.outbox.failures(limit=10)
            counts = await tx.outbox.counts()
            names = {}
            for row in failed:
                if row["chat_id"] > 0 and row["chat_id"] not in names:
                    who = await tx.people.by_telegram_id(row["chat_id"])
                    names[row["chat_id"]] = who.name if who else None
            await tx.outbox.enqueue(text_message(msg.chat_id, texts.failures(failed, counts, names)))
