"""Plain messages: group chatter, private texts and media, shared contacts, membership changes."""
from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.commands import group_access
from handlers.convert import incoming, services


async def group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).chat.group_message(incoming(update))


async def private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).chat.private_message(incoming(update))


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await services(context).elders.finder.contact(incoming(update)):
        return  # someone who found a lost elder left their number for the family
    await services(context).accounts.contact(incoming(update))


async def bot_added(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not any(m.id == context.bot.id for m in update.effective_message.new_chat_members):
        return
    await services(context).groups.added(incoming(update), await group_access(update, context))


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message.migrate_to_chat_id:
        await services(context).groups.migrated(
            update.update_id, message.chat.id, message.migrate_to_chat_id
        )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).chat.unknown_command(incoming(update))


async def wrong_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).chat.wrong_place(incoming(update))
