"""Slash commands: /start, /help, /whoami, /contacts, /bind."""
from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from bot.elders.finder import is_elder_payload
from bot.conversation.groups import GroupAccess
from handlers.convert import incoming, services


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = " ".join(context.args or [])
    if is_elder_payload(payload):  # a 防走失 code scanned, or a family link: the elders wing
        return await services(context).elders.finder.start(incoming(update), payload)
    await services(context).accounts.start(incoming(update), payload)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).accounts.help(incoming(update))


async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).accounts.whoami(incoming(update))


async def contacts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).groups.contacts(incoming(update))


async def my_tickets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).tickets.my_command(incoming(update))


async def mine(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).tickets.mine_command(incoming(update))


async def ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).tickets.show_command(incoming(update), " ".join(context.args or []))


async def failures(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).admin.failures(incoming(update))


async def group_access(update: Update, context: ContextTypes.DEFAULT_TYPE) -> GroupAccess:
    """Whether the bot sees every group message: privacy mode off, or it is an admin."""
    bot = context.bot
    me = await bot.get_me()  # fresh: privacy mode may have changed since the bot started
    reads_all = bool(me.can_read_all_group_messages)
    if not reads_all:
        member = await bot.get_chat_member(update.effective_chat.id, bot.id)
        reads_all = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
    return GroupAccess(reads_all=reads_all, bot_username=bot.username)


async def bind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    access = await group_access(update, context)
    await services(context).groups.bind(incoming(update), " ".join(context.args or []), access)


async def desk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await services(context).desk.desk_command(incoming(update))
