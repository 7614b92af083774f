"""Commands and buttons for tasks, notices, tallies, exports and points."""
from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.texts import BUTTON_EXPIRED
from handlers.convert import incoming, services


def _rest(update: Update) -> str:
    """Everything after the command, line breaks kept (a notice may have several lines)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


async def task(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).tasks.command(incoming(update), _rest(update))


async def notice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).notices.command(incoming(update), _rest(update))


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).tally.stats_command(incoming(update), _rest(update))


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).tally.export_command(incoming(update), _rest(update))


async def points(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).points.command(incoming(update), _rest(update))


async def task_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.message is None:
        await query.answer(BUTTON_EXPIRED, show_alert=True)
        return
    answer = await services(context).tasks.press(
        update.update_id, query.from_user.id, query.message.chat.id, query.message.message_id, query.data or "")
    await query.answer(answer.text, show_alert=answer.alert)


async def notice_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.message is None:
        await query.answer(BUTTON_EXPIRED, show_alert=True)
        return
    user = query.from_user
    name = " ".join(p for p in (user.first_name, user.last_name) if p)
    answer = await services(context).notices.press(
        update.update_id, user.id, query.message.chat.id, query.message.message_id, query.data or "", name)
    await query.answer(answer.text, show_alert=answer.alert)
