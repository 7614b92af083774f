"""The error handler and the gate that drops updates already handled."""
from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from handlers.convert import services
from storage import DuplicateUpdate

log = logging.getLogger(__name__)


async def skip_seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram (and PTB after a stop mid-poll) can deliver an update again: act once."""
    if await services(context).store.seen_update(update.update_id):
        log.info("update %s was handled before; skipped", update.update_id)
        await context.application.bot_data["intake"].handled(update.update_id, "duplicate")
        raise ApplicationHandlerStop


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if isinstance(context.error, DuplicateUpdate):
        return
    if update is None and isinstance(context.error, TelegramError):
        # A failed poll: PTB retries it on its own; the bot says so once per outage.
        context.bot.poll_failed(context.error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, NetworkError):
        # Telegram's trouble, not ours: one line, no traceback.
        log.warning("update %s: Telegram call failed: %s", update_id, context.error)
    else:
        log.error("update %s failed", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        try:
            await context.bot.send_message(update.effective_chat.id, texts.something_went_wrong())
        except Exception:  # the apology is best effort; the failure is logged above
            log.warning("could not tell user about the failure of update %s", update_id)
