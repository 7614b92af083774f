"""Telegram updates to the core's Incoming, and back to the core services of the application."""
from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.model.incoming import From, Incoming
from bot.services import Services


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


def incoming(update: Update, text: str | None = None) -> Incoming:
    message: Message = update.effective_message
    user = update.effective_user
    sender = (
        From(user.id, user.first_name, user.last_name, user.username) if user is not None else None
    )
    reply = message.reply_to_message if message else None
    contact = message.contact if message else None
    chat = update.effective_chat
    return Incoming(
        update_id=update.update_id,
        chat_id=chat.id,
        chat_type=chat.type,
        chat_title=chat.title,
        sender=sender,
        message_id=message.message_id if message else None,
        text=text if text is not None else (message.text or message.caption or "") if message else "",
        reply_to_message_id=reply.message_id if reply else None,
        reply_to_bot=bool(reply and reply.from_user and reply.from_user.is_bot),
        contact_phone=contact.phone_number if contact else None,
        contact_user_id=contact.user_id if contact else None,
        media=_media_kind(message) if message else None,
        photo_file_id=message.photo[-1].file_id if message and message.photo else None,
        location=(message.location.latitude, message.location.longitude) if message and message.location else None,
    )


def _media_kind(message: Message) -> str | None:
    for kind in ("photo", "voice", "video", "location", "document", "audio"):
        if getattr(message, kind):
            return kind
    return None
