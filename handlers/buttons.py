"""Inline button presses: ticket actions, a resident's address confirmation, and any other press."""
from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.texts import BUTTON_EXPIRED
from bot.tickets.service import parse_button
from handlers.convert import incoming, services


async def ticket_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parsed = parse_button(query.data or "")
    if parsed is None or query.message is None:
        await query.answer(BUTTON_EXPIRED, show_alert=True)
        return
    ticket_id, action, arg = parsed
    answer = await services(context).tickets.press(
        update.update_id, query.from_user.id, query.message.chat.id, query.message.message_id,
        ticket_id, action, arg,
    )
    await query.answer(answer.text, show_alert=answer.alert)


async def address_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.message is None:
        await query.answer(BUTTON_EXPIRED, show_alert=True)
        return
    text = await services(context).chat.address_answer(
        update.update_id, incoming(update), yes=query.data == "a:y"
    )
    await query.answer(text)


async def expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press no handler above took (old, forged, or from another version of the bot): every
    press is answered, or the button keeps spinning on the person's phone."""
    await update.callback_query.answer(BUTTON_EXPIRED, show_alert=True)
