"""FakeTelegram: the in-process control API (build the world, act as users, observe and wait) and serve()."""
from __future__ import annotations

import asyncio
import copy
import mimetypes
import re
import struct
import time
import zlib
from collections.abc import Callable
from typing import Any

from sandbox.entities import find_entities
from sandbox.faults import Fault, Faults
from sandbox.limits import FloodControl, FloodLimits
from sandbox.markup import callback_datas
from sandbox.methods import BotApi, image_size, media_content
from sandbox.server import Server
from sandbox.webhook import WebhookPusher
from sandbox.world import ApiCall, CallbackRecord, Chat, MessageRecord, StoredFile, User, World

DEFAULT_TOKEN = "123456:TEST-TOKEN"
PRIVATE = "private"
_PRESENT = ("creator", "administrator", "member", "restricted")
_SELF = object()


class SandboxTimeout(AssertionError, TimeoutError):
    """A wait helper gave up; the message says what the fake saw meanwhile."""


def tiny_png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid PNG of the given size (for photos sent by fake users and by tests)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class FakeTelegram:
    """A local, faithful Telegram Bot API for one bot, plus the controls tests need.

    Point PTB at it with ``.base_url(fake.base_url).base_file_url(fake.file_base_url)``.
    Users and chats are ``User``/``Chat`` handles; messages are ``MessageRecord`` objects
    whose ``data`` is the Bot API Message dict (``record["text"]`` works too).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "sanzhang_bot",
        bot_name: str = "三长助手",
        can_read_all_group_messages: bool = True,
        flood_control: bool = False,
        clock: Callable[[], float] = time.time,
        *,
        flood_limits: FloodLimits | None = None,
        strict_html: bool = False,
        latency: float = 0.0,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self.world = World(token, bot_username, bot_name, can_read_all_group_messages, clock)
        # Flood windows need seconds that never run backwards, even when a test sets an earlier date.
        self.flood = FloodControl(monotonic or clock, flood_limits, enabled=flood_control)
        self.faults = Faults()
        self.api = BotApi(self.world, self.flood, strict_html=strict_html)
        self.server = Server(self)
        self.webhook = WebhookPusher(self.world)
        # The round trip of every Bot API call, in seconds: half before Telegram acts, half after.
        self.latency = latency
        self._cursors: dict[int, int] = {}
        self._started = False

    # ----- lifecycle -------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeTelegram:
        """Listen on ``host:port`` (0 picks a free port)."""
        await self.server.start(host, port)
        self.webhook.start()
        self._started = True
        return self

    async def stop(self) -> None:
        """Release long polls and hanging calls, then close the server."""
        self.api.stopping.set()
        self.world.changed.notify()
        await self.webhook.stop()
        if self._started:
            await self.server.stop()
            self._started = False

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: PTB appends ``<token>/<method>``."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """For PTB's ``base_file_url``: PTB appends ``<token>/<file_path>``."""
        return f"{self.url}/file/bot"

    @property
    def token(self) -> str:
        return self.world.token

    @property
    def bot_id(self) -> int:
        return self.world.bot.id

    @property
    def bot(self) -> User:
        return self.world.bot

    def get_me(self) -> dict:
        return self.api.get_me({})

    # ----- building the world ----------------------------------------------------------

    def add_user(self, first_name: str, last_name: str | None = None, username: str | None = None,
                 language_code: str | None = "zh-hans") -> User:
        user = User(id=self.world.new_user_id(), first_name=first_name, last_name=last_name, username=username,
                    language_code=language_code)
        self.world.users[user.id] = user
        return user

    def private(self, user: User) -> Chat:
        """The user's private chat with the bot."""
        return self.world.private_chat(user)

    def chat(self, chat_id: int) -> Chat:
        return self.world.chats[chat_id]

    def add_group(self, title: str, members: list[User] | tuple[User, ...] = (), supergroup: bool = True,
                  admins: list[User] | tuple[User, ...] = (), *, username: str | None = None,
                  bot_status: str = "member") -> Chat:
        """Create a group with the bot in it (``bot_status="left"`` leaves it out).

        The first admin is the group's creator. Adding the bot emits ``my_chat_member`` and a
        ``new_chat_members`` service message from the first admin (or first member).
        """
        chat = Chat(id=self.world.new_group_id(supergroup), type="supergroup" if supergroup else "group",
                    title=title, username=username)
        for i, admin in enumerate(admins):
            chat.members[admin.id] = "creator" if i == 0 else "administrator"
        for member in members:
            chat.members.setdefault(member.id, "member")
        self.world.chats[chat.id] = chat
        if bot_status != "left":
            self.set_bot_status(chat, bot_status)
        return chat

    def _actor(self, chat: Chat, by: User | None) -> User:
        if by is not None:
            return by
        ranked = sorted(chat.members.items(), key=lambda kv: _PRESENT.index(kv[1]) if kv[1] in _PRESENT else 9)
        for user_id, status in ranked:
            if status in ("creator", "administrator"):
                return self.world.users[user_id]
        for user_id, status in chat.members.items():
            if status in _PRESENT:
                return self.world.users[user_id]
        return self.world.bot

    def _service(self, chat: Chat, actor: User, content: dict) -> MessageRecord:
        data = {"message_id": self.world.next_message_id(chat), "from": actor.to_api(), "chat": chat.to_api(),
                "date": self.world.now(), **content}
        record = self.world.store(data, from_bot=False)
        if self.world.delivers(chat, data):
            self.world.enqueue("message", data)
        return record

    def _member_update(self, kind: str, chat: Chat, actor: User, who: User, old: str, new: str) -> None:
        self.world.enqueue(kind, {
            "chat": chat.to_api(), "from": actor.to_api(), "date": self.world.now(),
            "old_chat_member": self.world.member_dict(chat, who, old),
            "new_chat_member": self.world.member_dict(chat, who, new),
        })

    def set_bot_status(self, chat: Chat, status: str, by: User | None = None) -> None:
        """Change the bot's membership ("administrator", "member", "left", "kicked")."""
        if status not in ("administrator", "member", "left", "kicked"):
            raise ValueError(f"bot status must be administrator/member/left/kicked, not {status!r}")
        if chat.type == "private":
            raise ValueError("use block_bot()/unblock_bot() for private chats")
        old = chat.bot_status
        if old == status:
            return
        actor = self._actor(chat, by)
        chat.bot_status = status
        self._member_update("my_chat_member", chat, actor, self.world.bot, old, status)
        if old in ("left", "kicked") and status in ("member", "administrator"):
            self._service(chat, actor, {"new_chat_members": [self.world.bot.to_api()]})

    def remove_bot(self, chat: Chat, by: User | None = None) -> None:
        """An admin kicks the bot from the group."""
        self.set_bot_status(chat, "kicked", by)

    def add_member(self, chat: Chat, user: User, status: str = "member") -> None:
        """Put ``user`` in ``chat``; a newcomer produces a ``new_chat_members`` service message."""
        if status not in ("creator", "administrator", "member", "restricted", "left", "kicked"):
            raise ValueError(f"unknown member status {status!r}")
        old = chat.members.get(user.id, "left")
        chat.members[user.id] = status
        if chat.bot_status == "administrator":
            self._member_update("chat_member", chat, user, user, old, status)
        if old not in _PRESENT and status in _PRESENT:
            self._service(chat, user, {"new_chat_members": [user.to_api()]})

    def remove_member(self, chat: Chat, user: User, *, kicked: bool = False, by: User | None = None) -> None:
        """``user`` leaves (or is kicked from) ``chat``; emits ``left_chat_member``."""
        old = chat.members.get(user.id, "left")
        chat.members[user.id] = "kicked" if kicked else "left"
        if chat.bot_status == "administrator":
            self._member_update("chat_member", chat, by or user, user, old, chat.members[user.id])
        if old in _PRESENT:
            self._service(chat, by or user, {"left_chat_member": user.to_api()})

    def block_bot(self, user: User) -> None:
        """The user blocks the bot: my_chat_member (member -> kicked); sends then get 403."""
        if user.blocked:
            return
        user.blocked = True
        chat = self.private(user)
        self._member_update("my_chat_member", chat, user, self.world.bot, "member", "kicked")

    def unblock_bot(self, user: User) -> None:
        if not user.blocked:
            return
        user.blocked = False
        chat = self.private(user)
        self._member_update("my_chat_member", chat, user, self.world.bot, "kicked", "member")

    def set_privacy(self, can_read_all_group_messages: bool) -> None:
        """Privacy mode off (True) / on (False), as set with @BotFather."""
        self.world.can_read_all_group_messages = can_read_all_group_messages

    def migrate_to_supergroup(self, chat: Chat, by: User | None = None) -> Chat:
        """Upgrade a basic group; the old id then answers 400 with migrate_to_chat_id."""
        if chat.type != "group" or chat.migrated_to is not None:
            raise ValueError("only a basic group that was not migrated yet can be upgraded")
        new = Chat(id=self.world.new_group_id(True), type="supergroup", title=chat.title, username=chat.username,
                   members=dict(chat.members), bot_status=chat.bot_status, migrated_from=chat.id)
        self.world.chats[new.id] = new
        actor = self._actor(chat, by)
        self._service(chat, actor, {"migrate_to_chat_id": new.id})
        chat.migrated_to = new.id
        self._service(new, actor, {"migrate_from_chat_id": chat.id})
        return new

    # ----- acting as users -------------------------------------------------------------

    def _target(self, user: User, chat: Chat | int | str | None) -> Chat:
        if chat is None or chat == PRIVATE or chat is user:
            return self.private(user)
        if isinstance(chat, int):
            chat = self.world.chats[chat]
        assert isinstance(chat, Chat)
        if chat.migrated_to is not None:
            raise ValueError(f"chat {chat.id} was migrated to {chat.migrated_to}; post in the new Chat")
        if chat.type == "private":
            if chat.id != user.id:
                raise ValueError(f"{user.first_name} cannot post in another user's private chat")
        elif chat.members.get(user.id) not in _PRESENT:
            raise ValueError(f"{user.first_name} (id {user.id}) is not a member of {chat.title!r}; "
                             f"use fake.add_member(chat, user) or add_group(members=[...]) first")
        return chat

    def _record(self, message: Any) -> MessageRecord:
        if isinstance(message, MessageRecord):
            return message
        if isinstance(message, dict):
            chat_id, message_id = message["chat"]["id"], message["message_id"]
        elif hasattr(message, "message_id") and hasattr(message, "chat_id"):
            chat_id, message_id = message.chat_id, message.message_id
        else:
            raise TypeError(f"expected a MessageRecord, a Message dict or a PTB Message, got {message!r}")
        record = self.world.messages.get(chat_id, {}).get(message_id)
        if record is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        return record

    def _post(self, user: User, chat: Chat | int | str | None, content: dict, reply_to: Any = None) -> MessageRecord:
        target = self._target(user, chat)
        if target.type == "private":
            if user.blocked:
                self.unblock_bot(user)  # writing to a blocked bot means pressing "Restart"
            user.started = True
        data: dict[str, Any] = {"message_id": self.world.next_message_id(target), "from": user.to_api(),
                                "chat": target.to_api(), "date": self.world.now()}
        if reply_to is not None:
            replied = self._record(reply_to)
            if replied.chat_id != target.id:
                raise ValueError("reply_to must be a message of the same chat")
            data["reply_to_message"] = replied.snapshot()
        data.update(content)
        record = self.world.store(data, from_bot=False)
        if self.world.delivers(target, data):
            self.world.enqueue("message", data)
        return record

    @staticmethod
    def _text_content(text: str, key: str = "text") -> dict:
        out: dict[str, Any] = {key: text}
        entities = find_entities(text)
        if entities:
            out["entities" if key == "text" else "caption_entities"] = entities
        return out

    def send_text(self, user: User, chat: Chat | int | str | None, text: str, reply_to: Any = None) -> MessageRecord:
        """``user`` writes ``text`` in ``chat`` (a group Chat, or ``fake.private(user)``/None/"private").

        Entities (bot_command, mention, url, ...) are generated as Telegram does.
        """
        if not text or not text.strip():
            raise ValueError("Telegram clients cannot send an empty message")
        return self._post(user, chat, self._text_content(text), reply_to)

    def send_photo(self, user: User, chat: Chat | int | str | None, caption: str | None = None,
                   reply_to: Any = None, *, data: bytes | None = None) -> MessageRecord:
        data = data if data is not None else tiny_png(64, 48)
        width, height = image_size(data) or (0, 0)
        stored = self.world.add_file(data, kind="photo", filename=None, mime_type="image/jpeg", width=width,
                                     height=height)
        content = media_content(stored)
        if caption:
            content.update(self._text_content(caption, "caption"))
        return self._post(user, chat, content, reply_to)

    def send_voice(self, user: User, chat: Chat | int | str | None, duration: int = 3, reply_to: Any = None, *,
                   data: bytes | None = None) -> MessageRecord:
        data = data if data is not None else b"OggS\x00\x02" + bytes(58)
        stored = self.world.add_file(data, kind="voice", filename=None, mime_type="audio/ogg", duration=duration)
        return self._post(user, chat, media_content(stored), reply_to)

    def send_document(self, user: User, chat: Chat | int | str | None, data: bytes = b"hello",
                      filename: str = "document.txt", mime_type: str | None = None, caption: str | None = None,
                      reply_to: Any = None) -> MessageRecord:
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self.world.add_file(data, kind="document", filename=filename, mime_type=mime)
        content = media_content(stored)
        if caption:
            content.update(self._text_content(caption, "caption"))
        return self._post(user, chat, content, reply_to)

    def send_contact(self, user: User, phone_number: str, contact_user_id: Any = _SELF,
                     first_name: str | None = None, last_name: str | None = None,
                     chat: Chat | int | str | None = None) -> MessageRecord:
        """Share a contact (by default the user's own, as the request_contact button does)."""
        contact: dict[str, Any] = {"phone_number": phone_number}
        if contact_user_id is _SELF:
            contact_user_id = user.id
            first_name = first_name or user.first_name
            last_name = last_name if last_name is not None else user.last_name
        contact["first_name"] = first_name or "联系人"
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._post(user, chat, {"contact": contact})

    def send_location(self, user: User, chat: Chat | int | str | None, latitude: float, longitude: float,
                      reply_to: Any = None) -> MessageRecord:
        return self._post(user, chat, {"location": {"latitude": latitude, "longitude": longitude}}, reply_to)

    def keyboard(self, user: User) -> dict | None:
        """The reply keyboard the user's client shows under the input field in their chat with the bot.

        The newest keyboard or removal the bot sent wins; a one-time keyboard hides after the user
        next writes.
        """
        chat = self.private(user)
        records = [r for r in self.world.log if r.chat_id == chat.id and not r.deleted]
        for i in range(len(records) - 1, -1, -1):
            record = records[i]
            markup = record.markup if record.from_bot else None
            if not markup or not ("keyboard" in markup or markup.get("remove_keyboard")):
                continue
            if markup.get("remove_keyboard"):
                return None
            if markup.get("one_time_keyboard") and any(not r.from_bot for r in records[i + 1:]):
                return None
            return copy.deepcopy(markup)
        return None

    def tap_keyboard(self, user: User, text: str, *, location: tuple[float, float] | None = None,
                     phone: str | None = None) -> MessageRecord:
        """``user`` taps a reply-keyboard button as the client does: a request_location button sends
        their location, a request_contact button their own contact, any other its text."""
        markup = self.keyboard(user)
        shown = [b if isinstance(b, dict) else {"text": b} for row in (markup or {}).get("keyboard", []) for b in row]
        button = next((b for b in shown if b["text"] == text), None) or next(
            (b for b in shown if text in b["text"]), None)
        if button is None:
            raise ValueError(f"no keyboard button {text!r}; the client shows {[b['text'] for b in shown]}")
        chat = self.private(user)
        if button.get("request_location"):
            if location is None:
                raise ValueError("a request_location button sends the user's location: pass location=(lat, lon)")
            return self.send_location(user, chat, *location)
        if button.get("request_contact"):
            if phone is None:
                raise ValueError("a request_contact button sends the user's own number: pass phone=...")
            return self.send_contact(user, phone, chat=chat)
        return self.send_text(user, chat, button["text"])

    def open_link(self, user: User, url: str) -> MessageRecord:
        """``user`` opens a t.me deep link to this bot (or scans its QR code) and taps START.

        The client sends "/start <payload>"; a payload Telegram does not allow (more than 64
        characters, or others than A-Z a-z 0-9 _ -) is dropped, and plain "/start" goes.
        """
        m = re.fullmatch(r"(?:https?://)?(?:t\.me|telegram\.me)/([A-Za-z0-9_]{5,32})(?:\?start=([^&#]*))?", url)
        if m is None or m.group(1).lower() != (self.world.bot.username or "").lower():
            raise ValueError(f"{url!r} is not a link to @{self.world.bot.username}")
        payload = m.group(2) or ""
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload):
            payload = ""
        return self.send_text(user, self.private(user), f"/start {payload}".strip())

    def press_button(self, user: User, message: Any, callback_data: str) -> CallbackRecord:
        """``user`` taps the inline button with ``callback_data`` on a bot message."""
        record = self._record(message)
        if record.deleted:
            raise ValueError("the message was deleted")
        if not record.from_bot:
            raise ValueError("only the bot's messages carry inline keyboards")
        available = callback_datas(record.data.get("reply_markup"))
        if callback_data not in available:
            raise ValueError(f"no button with callback_data={callback_data!r}; the message has {available}")
        chat = self.world.chats[record.chat_id]
        if chat.type == "private" and chat.id != user.id:
            raise ValueError("that private chat belongs to another user")
        if chat.is_group and chat.members.get(user.id) not in _PRESENT:
            raise ValueError(f"{user.first_name} is not a member of {chat.title!r}")
        return self._enqueue_press(user, record, callback_data)

    def forge_press(self, user: User, message: Any, callback_data: str) -> CallbackRecord:
        """A press the official client would not send (another user's private chat, a stale copy):
        what a shared phone or a modified client produces, so the bot's own checks can be tested."""
        return self._enqueue_press(user, self._record(message), callback_data)

    def _enqueue_press(self, user: User, record: MessageRecord, callback_data: str) -> CallbackRecord:
        query = {"id": self.world.new_callback_id(), "from": user.to_api(), "message": copy.deepcopy(record.data),
                 "chat_instance": str(abs(record.chat_id) * 7919 % 10**18 + 1), "data": callback_data}
        callback = CallbackRecord(id=query["id"], user=user, chat_id=record.chat_id, message_id=record.message_id,
                                  data=callback_data, query=query, time=self.world.clock())
        self.world.callbacks[callback.id] = callback
        self.world.enqueue("callback_query", query)
        return callback

    def edit_text(self, user: User, message: Any, new_text: str) -> MessageRecord:
        """``user`` edits their own text message: emits ``edited_message``."""
        record = self._record(message)
        if record.data.get("from", {}).get("id") != user.id or "text" not in record.data:
            raise ValueError("users can only edit their own text messages")
        record.history.append(copy.deepcopy(record.data))
        record.data.pop("entities", None)
        record.data.update(self._text_content(new_text))
        record.data["edit_date"] = self.world.now()
        record.edit_count += 1
        chat = self.world.chats[record.chat_id]
        if self.world.delivers(chat, record.data):
            self.world.enqueue("edited_message", record.data)
        return record

    def inject_update(self, raw: dict) -> dict:
        """Queue a raw update (an ``update_id`` is assigned if missing); no allowed_updates filtering."""
        return self.world.push_update(raw)

    def drop_pending_updates(self) -> None:
        """Forget every unconfirmed update (like deleteWebhook(drop_pending_updates=True))."""
        self.world.drop_pending()

    def redeliver(self, update_id: int) -> dict:
        """Hand an already delivered update out again with the same update_id."""
        return self.world.redeliver(update_id)

    # ----- observing -------------------------------------------------------------------

    @staticmethod
    def _chat_id(chat: Chat | User | int | None) -> int | None:
        if chat is None or isinstance(chat, int):
            return chat
        return chat.id

    def sent(self, chat: Chat | User | int | None = None, *, include_deleted: bool = True) -> list[MessageRecord]:
        """The bot's messages (current state), oldest first; a User means their private chat."""
        chat_id = self._chat_id(chat)
        return [r for r in self.world.log if r.from_bot and (chat_id is None or r.chat_id == chat_id)
                and (include_deleted or not r.deleted)]

    def messages(self, chat: Chat | User | int | None = None) -> list[MessageRecord]:
        """Every message (users', service and the bot's), oldest first."""
        chat_id = self._chat_id(chat)
        return [r for r in self.world.log if chat_id is None or r.chat_id == chat_id]

    def message(self, chat: Chat | User | int, message_id: int) -> MessageRecord:
        record = self.world.messages.get(self._chat_id(chat), {}).get(message_id)  # type: ignore[arg-type]
        if record is None:
            raise KeyError(f"no message {message_id} in chat {self._chat_id(chat)}")
        return record

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every API call so far (method match is case-insensitive)."""
        return [c for c in self.world.calls if method is None or c.method.lower() == method.lower()]

    @property
    def callbacks(self) -> list[CallbackRecord]:
        return list(self.world.callbacks.values())

    @property
    def callback_answers(self) -> list[CallbackRecord]:
        """Callback queries the bot has answered, in press order."""
        return [c for c in self.world.callbacks.values() if c.answered]

    def commands(self, scope: dict | str | None = None, language_code: str = "") -> list[dict]:
        """Commands set with setMyCommands for that scope (``"all_group_chats"`` or a scope dict)."""
        if isinstance(scope, str):
            scope = {"type": scope}
        key = self.api._scope_key({"scope": scope, "language_code": language_code})
        return copy.deepcopy(self.world.commands.get(key, []))

    @property
    def files(self) -> dict[str, StoredFile]:
        return self.world.files

    @property
    def pending_updates(self) -> list[dict]:
        """Updates not yet confirmed by the bot."""
        return [p.update for p in self.world.pending]

    def describe(self, last: int = 8) -> str:
        """A short report of recent activity, used in timeout messages."""
        calls = [c for c in self.world.calls if c.method != "getUpdates"][-last:]
        lines = [f"pending updates: {[p.id for p in self.world.pending]} "
                 f"(delivered: {[p.id for p in self.world.pending if p.delivered]})",
                 f"getUpdates calls: {len(self.calls('getUpdates'))}; api calls in flight: {self.world.inflight}",
                 "recent calls:"]
        for c in calls:
            brief = {k: v for k, v in c.params.items() if k in ("chat_id", "text", "message_id", "callback_query_id")}
            outcome = "ok" if c.ok else f"{c.status} {c.description}"
            lines.append(f"  {c.method} {brief} -> {outcome}")
        return "\n".join(lines)

    # ----- faults and limits -----------------------------------------------------------

    def fail_next(self, n: int = 1, status: int = 502, method: str | None = None, *, mode: str = "status",
                  description: str | None = None, hang_seconds: float | None = None) -> Fault:
        """Break the next ``n`` calls (of ``method``, or any) with ``status`` / a hang / a dropped connection."""
        return self.faults.add(Fault(status=status, method=method, mode=mode, remaining=n, description=description,
                                     hang_seconds=hang_seconds))

    def outage(self, status: int = 502, method: str | None = None, *, mode: str = "status") -> Fault:
        """Answer every call (of ``method``) with ``status`` until ``end_outage()``."""
        return self.faults.add(Fault(status=status, method=method, mode=mode, remaining=None))

    def end_outage(self, method: str | None = None) -> None:
        self.faults.clear(method)

    @property
    def flood_control(self) -> bool:
        return self.flood.enabled

    @flood_control.setter
    def flood_control(self, enabled: bool) -> None:
        self.flood.enabled = enabled
        if not enabled:
            self.flood.reset()

    # ----- waiting ---------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], Any] | None = None, timeout: float = 5.0) -> Any:
        """Wait until ``predicate()`` is truthy (returns its value); None waits for the next API call."""
        if predicate is None:
            seen = len(self.world.calls)
            predicate = lambda: any(c.method != "getUpdates" for c in self.world.calls[seen:])  # noqa: E731
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxTimeout(f"condition not met within {timeout}s\n{self.describe()}")
            await self.world.changed.wait(remaining)

    async def wait_sent(self, chat: Chat | User | int, count: int = 1, timeout: float = 5.0) -> list[MessageRecord]:
        """Wait for ``count`` bot messages in ``chat`` not returned by an earlier wait_sent; returns them."""
        chat_id = self._chat_id(chat)
        assert chat_id is not None
        cursor = self._cursors.get(chat_id, 0)
        try:
            await self.wait_for(lambda: len(self.sent(chat_id)) - cursor >= count, timeout)
        except SandboxTimeout:
            got = [r.text or r.caption or "<media>" for r in self.sent(chat_id)[cursor:]]
            raise SandboxTimeout(f"expected {count} new bot message(s) in chat {chat_id} within {timeout}s, "
                                 f"got {len(got)}: {got}\n{self.describe()}") from None
        records = self.sent(chat_id)[cursor:cursor + count]
        self._cursors[chat_id] = cursor + count
        return records

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Return once every update was fetched and confirmed and the bot made no call for ``quiet`` s."""
        world = self.world
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            idle = now - world.last_activity
            calm = not world.pending and world.inflight == 0
            if calm and idle >= quiet:
                return
            remaining = deadline - now
            if remaining <= 0:
                raise SandboxTimeout(f"bot did not settle within {timeout}s (idle {idle:.2f}s)\n{self.describe()}")
            await world.changed.wait(min(remaining, quiet - idle) if calm else remaining)


async def serve(host: str = "127.0.0.1", port: int = 8081, *,
                on_ready: Callable[[FakeTelegram], Any] | None = None, **kwargs: Any) -> None:
    """Run a FakeTelegram standalone until cancelled (kwargs go to FakeTelegram)."""
    fake = FakeTelegram(**kwargs)
    await fake.start(host, port)
    # serve() is the standalone entry point, so it tells the operator where to point the bot.
    print(f"fake Telegram on {fake.url}  base_url={fake.base_url}  file_base_url={fake.file_base_url}  "
          f"token={fake.token}", flush=True)
    try:
        if on_ready is not None:
            result = on_ready(fake)
            if asyncio.iscoroutine(result):
                await result
        await asyncio.Event().wait()
    finally:
        await fake.stop()
