"""What arrived from a user, as the core sees it: no Telegram types beyond plain values."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class From:
    telegram_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class Incoming:
    update_id: int
    chat_id: int
    chat_type: str  # "private", "group" or "supergroup"
    sender: From | None
    message_id: int | None = None
    text: str = ""
    chat_title: str | None = None
    reply_to_message_id: int | None = None
    reply_to_bot: bool = False
    contact_phone: str | None = None
    contact_user_id: int | None = None
    media: str | None = None  # "photo", "voice", "location", "video" or "document"
    photo_file_id: str | None = None  # a photo's largest size, for the web desk to show
    location: tuple[float, float] | None = None  # (latitude, longitude) of a shared location

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"

    @property
    def user_id(self) -> int | None:
        return self.sender.telegram_id if self.sender else None
