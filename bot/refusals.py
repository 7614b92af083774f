"""How a "no" reaches the person asked: never a paragraph for the whole group to read."""
from __future__ import annotations

from bot import texts
from bot.model.incoming import Incoming
from bot.model.messages import Answer, text_message
from storage import Tx

# The one answer to a button whose ticket, task or visit has moved on (the text is texts.BUTTON_EXPIRED).
EXPIRED = Answer(texts.BUTTON_EXPIRED, alert=True)


async def refuse(tx: Tx, msg: Incoming, text: str, short: str | None = None) -> None:
    """Say `text` to whoever sent `msg`.

    In a private chat as it is. From a group, privately when the bot can write to them (the group
    hears nothing), else one short line in the group as a reply to their message.
    """
    if msg.is_private:
        await tx.outbox.enqueue(text_message(msg.chat_id, text))
        return
    if msg.user_id and await tx.groups.can_write_to(msg.user_id):
        await tx.outbox.enqueue(text_message(msg.user_id, texts.refused_in_group(msg.chat_title, text)))
        return
    await tx.outbox.enqueue(text_message(msg.chat_id, short or texts.refused_short(), reply_to=msg.message_id))
