"""上一页/下一页 on a paged list (bot/paging.py)."""
from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.convert import services


async def page_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.message is None:
        await query.answer("这个列表已经过期了, 请重新发一次命令。")
        return
    answer = await services(context).pager.press(
        update.update_id, query.from_user.id, query.message.chat.id, query.message.message_id, query.data or "")
    await query.answer(answer.text, show_alert=answer.alert)
