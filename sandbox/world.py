"""The simulated Telegram world: users, chats, messages, files, callback queries and the update queue.

Representation: users and chats are small dataclass handles (``User``, ``Chat``); every
message is a ``MessageRecord`` whose ``data`` is the Message dict exactly as the Bot API
returns it (current state), with ``record["text"]`` etc. as shorthand. Updates are plain
Bot API dicts.
"""
from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.entities import command_of
from sandbox.errors import ApiError

# Update types Telegram leaves out unless allowed_updates names them explicitly.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
SERVICE_KEYS = frozenset({
    "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "delete_chat_photo",
    "group_chat_created", "supergroup_chat_created", "migrate_to_chat_id", "migrate_from_chat_id",
    "pinned_message", "message_auto_delete_timer_changed", "forum_topic_created", "video_chat_started",
})
CONTENT_KEYS = ("text", "entities", "photo", "document", "voice", "audio", "video", "animation", "sticker",
                "location", "contact", "venue", "poll", "caption", "caption_entities")
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")


@dataclass(eq=False)
class User:
    """A Telegram user (or the bot itself). ``started``: has sent the bot a private message."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "zh-hans"
    is_bot: bool = False
    started: bool = False
    blocked: bool = False

    def to_api(self) -> dict:
        out: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        if self.language_code and not self.is_bot:
            out["language_code"] = self.language_code
        return out


@dataclass(eq=False)
class Chat:
    """A chat. ``members`` maps user id to ChatMember status; ``bot_status`` is the bot's own."""

    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    username: str | None = None
    user: User | None = None
    members: dict[int, str] = field(default_factory=dict)
    bot_status: str = "left"
    migrated_to: int | None = None
    migrated_from: int | None = None
    next_message_id: int = 1

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_api(self) -> dict:
        if self.type == "private" and self.user is not None:
            out = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            if self.user.last_name:
                out["last_name"] = self.user.last_name
            if self.user.username:
                out["username"] = self.user.username
            return out
        out = {"id": self.id, "type": self.type, "title": self.title or ""}
        if self.username:
            out["username"] = self.username
        return out


@dataclass(eq=False)
class MessageRecord:
    """One message and its life: ``data`` is the current Bot API Message dict.

    ``markup`` keeps the reply_markup as the bot sent it (Telegram echoes only inline
    keyboards back in ``data``; reply keyboards, ForceReply and removals live here).
    ``history`` holds earlier versions of ``data``, oldest first.
    """

    data: dict
    from_bot: bool
    deleted: bool = False
    edit_count: int = 0
    markup: dict | None = None
    history: list[dict] = field(default_factory=list)

    @property
    def message_id(self) -> int:
        return self.data["message_id"]

    @property
    def chat_id(self) -> int:
        return self.data["chat"]["id"]

    @property
    def text(self) -> str | None:
        return self.data.get("text")

    @property
    def caption(self) -> str | None:
        return self.data.get("caption")

    @property
    def reply_markup(self) -> dict | None:
        return self.data.get("reply_markup")

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def snapshot(self) -> dict:
        """The message as embedded in another one (reply_to_message): no nested reply."""
        out = copy.deepcopy(self.data)
        out.pop("reply_to_message", None)
        return out


@dataclass
class ApiCall:
    """One HTTP call the bot made. ``time`` is from the injected clock."""

    method: str
    params: dict
    time: float
    ok: bool = False
    status: int = 0
    result: Any = None
    description: str | None = None
    injected: bool = False  # failed by an outage switch, not by Telegram's rules
    finished: bool = False


@dataclass
class CallbackRecord:
    """A callback query pressed by a user, and how the bot answered it."""

    id: str
    user: User
    chat_id: int
    message_id: int
    data: str
    query: dict
    time: float
    answered: bool = False
    answer: dict | None = None


@dataclass
class StoredFile:
    """A file known to the fake (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    filename: str | None
    mime_type: str | None
    kind: str
    file_path: str
    width: int | None = None
    height: int | None = None
    duration: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class _Pending:
    update: dict
    sticky: bool = False  # redelivered: survives an offset past it until delivered once
    delivered: bool = False

    @property
    def id(self) -> int:
        return self.update["update_id"]


class Signal:
    """Wakes every waiter on the next ``notify`` (used for long polls and test waits)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), max(timeout, 0))
            return True
        except TimeoutError:
            return False


class World:
    """All state of one fake Telegram, shared by the HTTP side and the control side."""

    def __init__(self, token: str, bot_username: str, bot_name: str, can_read_all_group_messages: bool,
                 clock: Callable[[], float]) -> None:
        head = token.split(":", 1)[0]
        if not head.isdigit() or ":" not in token:
            raise ValueError(f"token must look like '123456:ABC...', got {token!r}")
        self.token = token
        self.clock = clock
        self.bot = User(id=int(head), first_name=bot_name, username=bot_username, is_bot=True,
                        language_code=None)
        self.can_read_all_group_messages = can_read_all_group_messages
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, dict[int, MessageRecord]] = {}
        self.log: list[MessageRecord] = []
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.calls: list[ApiCall] = []
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple, list[dict]] = {}
        self.menu_buttons: dict[int | None, dict] = {}
        self.webhook: dict | None = None
        self.allowed_updates: list[str] | None = None
        self.pending: list[_Pending] = []
        self.updates: dict[int, dict] = {}
        self.changed = Signal()
        self.inflight = 0
        self.last_activity = time.monotonic()
        self._next_update_id = 1
        self._next_user_id = 100_000_001
        self._next_group = 1
        self._next_file = 1
        self._next_callback = 1

    # ----- ids and lookups -------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    def touch(self) -> None:
        """Note activity (for settle()) and wake waiters."""
        self.last_activity = time.monotonic()
        self.changed.notify()

    def new_user_id(self) -> int:
        self._next_user_id += 1
        return self._next_user_id - 1

    def new_group_id(self, supergroup: bool) -> int:
        n = self._next_group
        self._next_group += 1
        return -(1_001_000_000_000 + n) if supergroup else -(4_000_000_000 + n)

    def new_callback_id(self) -> str:
        self._next_callback += 1
        return str(4_242_000_000_000_000_000 + self._next_callback - 1)

    def private_chat(self, user: User) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(id=user.id, type="private", user=user, bot_status="member")
            self.chats[user.id] = chat
        return chat

    def find_chat(self, chat_id: int | str) -> Chat:
        """The chat for a chat_id param (number or "@username"), or 400 chat not found."""
        if isinstance(chat_id, str):
            name = chat_id.lstrip("@").lower()
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == name and chat_id.startswith("@"):
                    return chat
            raise ApiError.bad_request("chat not found")
        chat = self.chats.get(chat_id)
        if chat is None and chat_id in self.users:
            chat = self.private_chat(self.users[chat_id])
        if chat is None:
            raise ApiError.bad_request("chat not found")
        if chat.migrated_to is not None:
            raise ApiError.bad_request("group chat was upgraded to a supergroup chat",
                                       {"migrate_to_chat_id": chat.migrated_to})
        return chat

    def check_can_write(self, chat: Chat) -> None:
        """Raise Telegram's 403 when the bot may not post to ``chat``."""
        if chat.type == "private":
            user = chat.user
            assert user is not None
            if user.blocked:
                raise ApiError.forbidden("bot was blocked by the user")
            if not user.started:
                raise ApiError.forbidden("bot can't initiate conversation with a user")
            return
        if chat.bot_status == "kicked":
            raise ApiError.forbidden(f"bot was kicked from the {chat.type} chat")
        if chat.bot_status == "left":
            raise ApiError.forbidden(f"bot is not a member of the {chat.type} chat")

    def member_status(self, chat: Chat, user_id: int) -> str:
        if user_id == self.bot.id:
            return chat.bot_status
        if chat.type == "private":
            return "member" if user_id == chat.id else "left"
        return chat.members.get(user_id, "left")

    def member_dict(self, chat: Chat, user: User, status: str) -> dict:
        """A ChatMember object with every field PTB requires for that status."""
        out: dict[str, Any] = {"status": status, "user": user.to_api()}
        if status == "creator":
            out["is_anonymous"] = False
        elif status == "administrator":
            out.update(
                can_be_edited=False, is_anonymous=False, can_manage_chat=True, can_delete_messages=True,
                can_manage_video_chats=True, can_restrict_members=True, can_promote_members=False,
                can_change_info=True, can_invite_users=True, can_post_stories=False, can_edit_stories=False,
                can_delete_stories=False, can_pin_messages=True,
            )
            if chat.type == "supergroup":
                out["can_manage_topics"] = False
        elif status == "restricted":
            out.update(
                is_member=True, until_date=0, can_send_messages=False, can_send_audios=False,
                can_send_documents=False, can_send_photos=False, can_send_videos=False,
                can_send_video_notes=False, can_send_voice_notes=False, can_send_polls=False,
                can_send_other_messages=False, can_add_web_page_previews=False, can_change_info=False,
                can_invite_users=False, can_pin_messages=False, can_manage_topics=False, can_edit_tag=False,
            )
        elif status == "kicked":
            out["until_date"] = 0
        return out

    # ----- messages --------------------------------------------------------------------

    def next_message_id(self, chat: Chat) -> int:
        chat.next_message_id += 1
        return chat.next_message_id - 1

    def store(self, data: dict, *, from_bot: bool, markup: dict | None = None) -> MessageRecord:
        record = MessageRecord(data=data, from_bot=from_bot, markup=markup)
        self.messages.setdefault(data["chat"]["id"], {})[data["message_id"]] = record
        self.log.append(record)
        self.changed.notify()
        return record

    def get_message(self, chat_id: int, message_id: int) -> MessageRecord | None:
        record = self.messages.get(chat_id, {}).get(message_id)
        return None if record is None or record.deleted else record

    def delivers(self, chat: Chat, message: dict) -> bool:
        """Would Telegram hand this group/private message to the bot (privacy mode)?"""
        if chat.type == "private":
            return True
        if chat.bot_status not in ("member", "administrator", "creator"):
            return False
        if self.can_read_all_group_messages or chat.bot_status in ("administrator", "creator"):
            return True
        if SERVICE_KEYS & message.keys():
            return True
        text = message.get("text") or message.get("caption") or ""
        command = command_of(text, message.get("entities") or message.get("caption_entities"))
        if command is not None:
            _, addressee = command
            # Telegram also requires "the bot was the last bot to post" for a bare command; with
            # one bot in the sandbox that is always the case.
            return addressee is None or addressee.lower() == (self.bot.username or "").lower()
        reply = message.get("reply_to_message")
        return bool(reply and reply.get("from", {}).get("id") == self.bot.id)

    # ----- files -----------------------------------------------------------------------

    def add_file(self, data: bytes, *, kind: str, filename: str | None, mime_type: str | None,
                 width: int | None = None, height: int | None = None, duration: int | None = None) -> StoredFile:
        n = self._next_file
        self._next_file += 1
        folder, ext = {
            "photo": ("photos", ".jpg"), "voice": ("voice", ".oga"), "audio": ("music", ".mp3"),
            "video": ("videos", ".mp4"), "animation": ("animations", ".mp4"), "sticker": ("stickers", ".webp"),
        }.get(kind, ("documents", ""))
        if not ext and filename and "." in filename:
            ext = "." + filename.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"{kind[:2].upper()}ACAgUAAxkBAAI{n:06d}Z{self.bot.id}",
            file_unique_id=f"AQAD{n:06d}",
            data=data, filename=filename, mime_type=mime_type, kind=kind,
            file_path=f"{folder}/file_{n}{ext}", width=width, height=height, duration=duration,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # ----- updates ---------------------------------------------------------------------

    def update_allowed(self, kind: str) -> bool:
        if not self.allowed_updates:
            return kind not in OPT_IN_UPDATES
        return kind in self.allowed_updates

    def enqueue(self, kind: str, payload: dict) -> dict | None:
        """Create an update (``None`` if allowed_updates filters it out at creation, as Telegram does)."""
        if not self.update_allowed(kind):
            return None
        return self.push_update({kind: payload})

    def push_update(self, raw: dict) -> dict:
        update = copy.deepcopy(raw)
        if "update_id" not in update:
            update = {"update_id": self._next_update_id, **update}
        self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
        self.updates[update["update_id"]] = update
        self.pending.append(_Pending(update))
        self.changed.notify()
        return update

    def redeliver(self, update_id: int) -> dict:
        update = self.updates.get(update_id)
        if update is None:
            raise ValueError(f"no update with update_id={update_id}; known: {sorted(self.updates)[-10:]}")
        for pending in self.pending:
            if pending.id == update_id:
                pending.sticky, pending.delivered = True, False
                break
        else:
            self.pending.append(_Pending(update, sticky=True))
        self.changed.notify()
        return update

    def take_updates(self, offset: int, limit: int) -> list[dict]:
        """getUpdates' queue semantics: confirm by offset, then hand out up to ``limit``."""
        before = len(self.pending)
        if offset < 0:
            ordered = sorted(self.pending, key=lambda p: p.id)
            self.pending = ordered[offset:]
        elif offset > 0:
            self.pending = [p for p in self.pending if p.id >= offset or (p.sticky and not p.delivered)]
        if len(self.pending) != before:
            self.touch()
        batch = sorted(self.pending, key=lambda p: p.id)[:limit]
        for pending in batch:
            pending.delivered = True
        return [copy.deepcopy(p.update) for p in batch]

    def drop_pending(self) -> None:
        self.pending.clear()
        self.touch()
