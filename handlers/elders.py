"""Elders: /visit, /elders and their buttons."""
from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from handlers.convert import incoming, services


async def visit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).elders.care.visit_command(incoming(update))


async def elders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).elders.care.elders_command(incoming(update), " ".join(context.args or []))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.message is None:
        await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
        return
    answer = await services(context).elders.press(update.update_id, incoming(update), query.data or "")
    await query.answer(answer.text, show_alert=answer.alert)
