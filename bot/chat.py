"""Ordinary messages: what the bot does with text in a grid group and in a private chat."""
from __future__ import annotations

from bot import texts
from bot.incoming import Incoming
from bot.messages import text_message
from storage import Store


class Chat:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def group_text(self, msg: Incoming) -> None:
        """Ordinary group chat gets no answer; the update is still recorded as handled."""
        async with self._store.tx(msg.update_id):
            pass

    async def private_text(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            await tx.groups.saw_private(msg.user_id)
            person = await tx.people.by_telegram_id(msg.user_id)
            if person is None:
                await tx.outbox.enqueue(
                    text_message(msg.chat_id, texts.private_hint(msg.sender.first_name))
                )
                return
            await tx.outbox.enqueue(text_message(msg.chat_id, texts.HELP_PRIVATE))
