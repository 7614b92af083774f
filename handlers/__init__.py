"""Telegram adapters: turn updates into core calls; registered in one place below."""
from __future__ import annotations

import asyncio

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.conversation import menus
from handlers import buttons, commands, elders, errors, intake, messages, paging, tasks

# Runs after every other group: marks the update done so a restart does not replay it.
LAST_GROUP = 1000


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    app.add_handler(TypeHandler(object, errors.skip_seen), group=-1)

    app.add_handler(CommandHandler("start", commands.start, filters=private))
    app.add_handler(CommandHandler("help", commands.help_command))
    app.add_handler(CommandHandler("whoami", commands.whoami))
    app.add_handler(CommandHandler("contacts", commands.contacts))
    app.add_handler(CommandHandler("bind", commands.bind, filters=groups))
    app.add_handler(CommandHandler("my", commands.my_tickets, filters=private))
    app.add_handler(CommandHandler("mine", commands.mine, filters=private))
    app.add_handler(CommandHandler("ticket", commands.ticket))
    app.add_handler(CommandHandler("failures", commands.failures, filters=private))
    app.add_handler(CommandHandler("desk", commands.desk, filters=private))

    new_only = filters.UpdateType.MESSAGE  # an edited command must not post a second card
    app.add_handler(CommandHandler("task", tasks.task, filters=new_only))
    app.add_handler(CommandHandler("notice", tasks.notice, filters=new_only))
    app.add_handler(CommandHandler("stats", tasks.stats, filters=new_only))
    app.add_handler(CommandHandler("export", tasks.export, filters=new_only))
    app.add_handler(CommandHandler("points", tasks.points, filters=new_only))
    app.add_handler(CommandHandler("visit", elders.visit, filters=private & new_only))
    app.add_handler(CommandHandler("elders", elders.elders, filters=private & new_only))

    app.add_handler(CallbackQueryHandler(buttons.ticket_button, pattern=r"^t:"))
    app.add_handler(CallbackQueryHandler(tasks.task_button, pattern=r"^k:"))
    app.add_handler(CallbackQueryHandler(tasks.notice_button, pattern=r"^n:"))
    app.add_handler(CallbackQueryHandler(buttons.address_button, pattern=r"^a:[yn]$"))
    app.add_handler(CallbackQueryHandler(paging.page_button, pattern=r"^pg:"))
    app.add_handler(CallbackQueryHandler(elders.button, pattern=r"^e:"))

    app.add_handler(MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, messages.bot_added))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, messages.migrated))
    app.add_handler(MessageHandler(private & filters.CONTACT & filters.UpdateType.MESSAGE,
                                   messages.contact))
    # New messages only: an edited report must not open a second ticket.
    content = (filters.TEXT | filters.PHOTO | filters.VOICE | filters.VIDEO | filters.LOCATION
               | filters.Document.ALL) & ~filters.COMMAND & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(private & content, messages.private_message))
    app.add_handler(MessageHandler(groups & content, messages.group_message))
    # Commands that only work on the other side say so instead of staying mute.
    app.add_handler(CommandHandler(["my", "mine", "failures", "start", "visit", "elders", "desk"], messages.wrong_place,
                                   filters=groups & filters.UpdateType.MESSAGE))
    app.add_handler(CommandHandler("bind", messages.wrong_place, filters=private & filters.UpdateType.MESSAGE))
    # Registered last: only a command nothing above took gets this answer, and only in private.
    app.add_handler(MessageHandler(private & filters.COMMAND & filters.UpdateType.MESSAGE,
                                   messages.unknown_command))
    # Registered after every other button: a press nothing above matched is still answered.
    app.add_handler(CallbackQueryHandler(buttons.expired))

    app.add_handler(TypeHandler(Update, intake.mark_handled), group=LAST_GROUP)
    app.add_error_handler(errors.on_error)


def _commands(menu: menus.Menu) -> list[BotCommand]:
    return [BotCommand(command, description) for command, description in menu]


async def publish_commands(app: Application) -> None:
    """The command menus Telegram shows, with Chinese descriptions; staff get theirs on linking."""
    await asyncio.gather(  # three round trips at once: they do not depend on each other
        app.bot.set_my_commands(_commands(menus.RESIDENT_MENU), scope=BotCommandScopeAllPrivateChats()),
        app.bot.set_my_commands(_commands(menus.GROUP_MENU), scope=BotCommandScopeAllGroupChats()),
        app.bot.set_my_commands(_commands(menus.RESIDENT_MENU)),
    )
