"""The Bot API methods themselves, applied to the World with Telegram's rules and error texts."""
from __future__ import annotations

import asyncio
import copy
import mimetypes
import re
import struct
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.errors import ApiError
from sandbox.formatting import format_text
from sandbox.limits import FloodControl
from sandbox.markup import inline_only, requests_private_only, validate_reply_markup
from sandbox.params import Upload
from sandbox.world import CONTENT_KEYS, SERVICE_KEYS, Chat, MessageRecord, StoredFile, World

NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly the "
                "same as a current content and reply markup of the message")
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
UPDATE_TYPES = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
    "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
    "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member",
    "chat_join_request", "chat_boost", "removed_chat_boost",
})
SCOPES = frozenset({"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
                    "chat_administrators", "chat_member"})
MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_POLL_TIMEOUT = 50
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")

Handler = Callable[[dict], Awaitable[Any] | Any]


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG, read from its header."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return None


def file_dict(stored: StoredFile) -> dict:
    """The media object for a stored file, shaped by its kind."""
    base: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                            "file_size": stored.size}
    if stored.kind == "photo":
        base.update(width=stored.width or 0, height=stored.height or 0)
    elif stored.kind in ("voice", "audio"):
        base["duration"] = stored.duration or 0
        if stored.mime_type:
            base["mime_type"] = stored.mime_type
        if stored.kind == "audio" and stored.filename:
            base["file_name"] = stored.filename
    elif stored.kind in ("video", "animation"):
        base.update(width=stored.width or 0, height=stored.height or 0, duration=stored.duration or 0)
        if stored.mime_type:
            base["mime_type"] = stored.mime_type
    else:
        if stored.filename:
            base["file_name"] = stored.filename
        if stored.mime_type:
            base["mime_type"] = stored.mime_type
    return base


def media_content(stored: StoredFile) -> dict:
    """Message fields for a media message (a photo is an array of PhotoSize)."""
    if stored.kind == "photo":
        return {"photo": [file_dict(stored)]}
    return {stored.kind: file_dict(stored)}


class BotApi:
    """Dispatches Bot API method calls; each handler returns the ``result`` or raises ApiError."""

    def __init__(self, world: World, flood: FloodControl, *, strict_html: bool = False) -> None:
        self.world = world
        self.flood = flood
        self.strict_html = strict_html
        self.stopping = asyncio.Event()
        self._poll_generation = 0
        self.methods: dict[str, tuple[str, Handler]] = {}
        for name in (
            "getMe", "logOut", "close", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
            "setMyCommands", "getMyCommands", "deleteMyCommands", "setChatMenuButton", "getChatMenuButton",
            "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio", "sendVideo", "sendAnimation",
            "sendLocation", "sendContact", "forwardMessage", "copyMessage", "editMessageText",
            "editMessageCaption", "editMessageReplyMarkup", "deleteMessage", "deleteMessages",
            "answerCallbackQuery", "sendChatAction", "getChat", "getChatMember", "getChatAdministrators",
            "getChatMemberCount", "getFile", "leaveChat", "setMyDescription", "setMyShortDescription",
            "setMyName", "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages",
        ):
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
            self.methods[name.lower()] = (name, getattr(self, snake))

    def lookup(self, method: str) -> tuple[str, Handler] | None:
        return self.methods.get(method.lower())

    # ----- helpers ---------------------------------------------------------------------

    @staticmethod
    def _require(params: dict, name: str, detail: str | None = None) -> Any:
        value = params.get(name)
        if value is None or value == "":
            raise ApiError.bad_request(detail or f"{name} is empty")
        return value

    def _chat(self, params: dict, *, write: bool = True, name: str = "chat_id") -> Chat:
        chat = self.world.find_chat(self._require(params, name))
        if write:
            self.world.check_can_write(chat)
        return chat

    def _flood(self, chat: Chat, *, edit: bool = False) -> None:
        retry = self.flood.check(chat.id, chat.type, edit=edit)
        if retry:
            raise ApiError.too_many(retry)

    def _reply_to(self, chat: Chat, params: dict) -> MessageRecord | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = bool(reply.get("allow_sending_without_reply"))
            target_chat = chat
            if reply.get("chat_id") not in (None, chat.id):
                target_chat = self.world.find_chat(reply["chat_id"])
        elif reply is not None:
            raise ApiError.bad_request("can't parse reply parameters JSON object")
        else:
            message_id = params.get("reply_to_message_id")
            allow = bool(params.get("allow_sending_without_reply"))
            target_chat = chat
        if not message_id:
            return None
        found = self.world.get_message(target_chat.id, int(message_id))
        if found is None and not allow:
            raise ApiError.bad_request("message to be replied not found")
        return found

    def _user_text(self, text: str, entities: list[dict]) -> list[dict]:
        # tg://user?id= links become text_mention with the full user, if the bot knows them.
        out = []
        for ent in entities:
            if ent["type"] == "text_mention":
                user = self.world.users.get(ent["user"]["id"])
                if user is None:
                    continue
                ent = {**ent, "user": user.to_api()}
            out.append(ent)
        return out

    def _text(self, text: object, parse_mode: Any, entities: Any, *, caption: bool = False) -> dict:
        key, ents_key = ("caption", "caption_entities") if caption else ("text", "entities")
        if caption and (text is None or text == ""):
            return {}
        plain, ents = format_text(text, parse_mode, entities, caption=caption, strict_html=self.strict_html)
        ents = self._user_text(plain, ents)
        out: dict[str, Any] = {key: plain} if plain or not caption else {}
        if ents:
            out[ents_key] = ents
        return out

    def _new_message(self, chat: Chat, content: dict, markup: dict | None, reply: MessageRecord | None) -> dict:
        world = self.world
        data: dict[str, Any] = {
            "message_id": world.next_message_id(chat),
            "from": world.bot.to_api(),
            "chat": chat.to_api(),
            "date": world.now(),
        }
        if reply is not None:
            data["reply_to_message"] = reply.snapshot()
        data.update(content)
        echoed = inline_only(markup)
        if echoed:
            data["reply_markup"] = echoed
        world.store(data, from_bot=True, markup=markup)
        return copy.deepcopy(data)

    def _send(self, params: dict, content_fn: Callable[[], dict]) -> dict:
        # Telegram validates the content and markup before it looks at the chat.
        content = content_fn()
        markup = validate_reply_markup(params.get("reply_markup"))
        chat = self._chat(params)
        if chat.type != "private" and requests_private_only(markup):
            raise ApiError.bad_request("BUTTON_TYPE_INVALID")
        reply = self._reply_to(chat, params)
        self._flood(chat)
        return self._new_message(chat, content, markup, reply)

    def _input_file(self, params: dict, name: str, kind: str) -> StoredFile:
        value = params.get(name)
        if value is None or value == "":
            raise ApiError.bad_request(f"there is no {name} in the request")
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[len("attach://"):])
            if not isinstance(value, Upload):
                raise ApiError.bad_request(f"there is no {name} in the request")
        if isinstance(value, Upload):
            mime = value.content_type if value.content_type not in (None, "", "application/octet-stream") \
                else (mimetypes.guess_type(value.filename or "")[0] or value.content_type)
            width = height = None
            if kind == "photo":
                size = image_size(value.data)
                if size is None:
                    raise ApiError.bad_request("IMAGE_PROCESS_FAILED")
                width, height = size
                # "The photo's width and height must not exceed 10000 in total. Width and height
                # ratio must be at most 20."
                if width + height > 10000 or max(width, height) > 20 * max(1, min(width, height)):
                    raise ApiError.bad_request("PHOTO_INVALID_DIMENSIONS")
                mime = "image/jpeg"
            return self.world.add_file(
                value.data, kind=kind, filename=value.filename, mime_type=mime, width=width, height=height,
                duration=params.get("duration") if kind in ("voice", "audio", "video", "animation") else None,
            )
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            # The sandbox cannot fetch the URL; it stores an empty placeholder instead.
            filename = value.rstrip("/").rsplit("/", 1)[-1] or None
            return self.world.add_file(b"", kind=kind, filename=filename,
                                       mime_type=mimetypes.guess_type(filename or "")[0],
                                       width=320 if kind == "photo" else None,
                                       height=320 if kind == "photo" else None)
        stored = self.world.files.get(str(value))
        if stored is None:
            raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
        if (stored.kind == "photo") != (kind == "photo"):
            raise ApiError.bad_request(f"wrong file identifier/HTTP URL specified: can't use file of type "
                                       f"{stored.kind.capitalize()} as {kind.capitalize()}")
        return stored

    def _send_media(self, params: dict, name: str, kind: str | None = None) -> dict:
        kind = kind or name

        def content() -> dict:
            caption = self._text(params.get("caption"), params.get("parse_mode"), params.get("caption_entities"),
                                 caption=True)
            validate_reply_markup(params.get("reply_markup"))
            self._chat(params)  # check access before storing the upload
            stored = self._input_file(params, name, kind)
            out = media_content(stored)
            out.update(caption)
            if params.get("has_spoiler"):
                out["has_media_spoiler"] = True
            return out

        return self._send(params, content)

    def _edited_target(self, params: dict) -> tuple[Chat, MessageRecord]:
        if params.get("inline_message_id"):
            raise ApiError.bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = self._require(params, "message_id", "message identifier is not specified")
        record = self.world.get_message(chat.id, message_id)
        if record is None:
            raise ApiError.bad_request("message to edit not found")
        if not record.from_bot:
            raise ApiError.bad_request("message can't be edited")
        return chat, record

    def _apply_edit(self, chat: Chat, record: MessageRecord, changes: dict, markup: dict | None) -> dict:
        echoed = inline_only(markup)
        current = {k: record.data.get(k) for k in changes}
        if current == changes and echoed == record.data.get("reply_markup"):
            raise ApiError.bad_request(NOT_MODIFIED)
        self._flood(chat, edit=True)
        record.history.append(copy.deepcopy(record.data))
        for key, value in changes.items():
            if value is None:
                record.data.pop(key, None)
            else:
                record.data[key] = value
        if echoed:
            record.data["reply_markup"] = echoed
        else:
            record.data.pop("reply_markup", None)
        record.markup = markup
        record.data["edit_date"] = self.world.now()
        record.edit_count += 1
        self.world.changed.notify()
        return copy.deepcopy(record.data)

    # ----- bot and updates -------------------------------------------------------------

    def get_me(self, params: dict) -> dict:
        out = self.world.bot.to_api()
        out.update(can_join_groups=True, can_read_all_group_messages=self.world.can_read_all_group_messages,
                   supports_inline_queries=False, can_connect_to_business=False, has_main_web_app=False)
        return out

    def log_out(self, params: dict) -> bool:
        return True

    def close(self, params: dict) -> bool:
        return True

    def _set_allowed(self, params: dict) -> None:
        allowed = params.get("allowed_updates")
        if allowed is None:
            return  # omitted: Telegram keeps the previous setting
        if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
            raise ApiError.bad_request("can't parse allowed updates JSON object")
        self.world.allowed_updates = [a for a in allowed if a in UPDATE_TYPES]

    async def get_updates(self, params: dict) -> list[dict]:
        world = self.world
        if world.webhook:
            raise ApiError.conflict("can't use getUpdates method while webhook is active; use deleteWebhook "
                                    "to delete the webhook first")
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(int(params.get("timeout") or 0), 0), MAX_POLL_TIMEOUT)
        self._set_allowed(params)
        self._poll_generation += 1
        generation = self._poll_generation
        world.changed.notify()  # wakes an older long poll so it can be terminated
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError.conflict("terminated by other getUpdates request; make sure that only one bot "
                                        "instance is running")
            updates = world.take_updates(offset, limit)
            remaining = deadline - time.monotonic()
            if updates or remaining <= 0 or self.stopping.is_set():
                return updates
            await world.changed.wait(remaining)

    def set_webhook(self, params: dict) -> bool:
        url = params.get("url") or ""
        if not url:
            self.world.webhook = None
            return True
        if not str(url).startswith("https://"):
            raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        port = re.match(r"^https://[^/:]+(?::(\d+))?", url)
        if port and port.group(1) and port.group(1) not in ("80", "88", "443", "8443"):
            raise ApiError.bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError.bad_request("secret token contains unallowed characters")
        self._set_allowed(params)
        if params.get("drop_pending_updates"):
            self.world.drop_pending()
        # Pending updates are now pushed to the URL (sandbox/webhook.py), no longer polled.
        self.world.webhook = {"url": url, "max_connections": params.get("max_connections") or 40,
                              "secret_token": secret}
        self.world.changed.notify()
        return True

    def delete_webhook(self, params: dict) -> bool:
        self.world.webhook = None
        if params.get("drop_pending_updates"):
            self.world.drop_pending()
        return True

    def get_webhook_info(self, params: dict) -> dict:
        hook = self.world.webhook or {}
        out: dict[str, Any] = {"url": hook.get("url", ""), "has_custom_certificate": False,
                               "pending_update_count": len(self.world.pending)}
        if hook:
            out["max_connections"] = hook["max_connections"]
            for key in ("last_error_date", "last_error_message"):
                if hook.get(key) is not None:
                    out[key] = hook[key]
        if self.world.allowed_updates:
            out["allowed_updates"] = list(self.world.allowed_updates)
        return out

    # ----- commands and menu -----------------------------------------------------------

    def _scope_key(self, params: dict) -> tuple:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
            raise ApiError.bad_request("can't parse BotCommandScope JSON object")
        kind = scope["type"]
        chat_id = user_id = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat_id = self.world.find_chat(self._require(scope, "chat_id")).id
        if kind == "chat_member":
            user_id = int(self._require(scope, "user_id"))
            if user_id not in self.world.users:
                raise ApiError.bad_request("user not found")
        language = str(params.get("language_code") or "")
        if language and not re.match(r"^[a-z]{2}$", language):
            raise ApiError.bad_request("invalid language code specified")
        return (kind, chat_id, user_id, language)

    def set_my_commands(self, params: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError.bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError.bad_request("too many commands specified")
        clean = []
        for item in commands:
            if not isinstance(item, dict):
                raise ApiError.bad_request("can't parse BotCommand JSON object")
            command = str(item.get("command") or "").removeprefix("/")
            description = str(item.get("description") or "")
            if not _COMMAND.match(command):
                raise ApiError.bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": command, "description": description})
        key = self._scope_key(params)
        if clean:
            self.world.commands[key] = clean
        else:
            self.world.commands.pop(key, None)
        return True

    def get_my_commands(self, params: dict) -> list[dict]:
        return copy.deepcopy(self.world.commands.get(self._scope_key(params), []))

    def delete_my_commands(self, params: dict) -> bool:
        self.world.commands.pop(self._scope_key(params), None)
        return True

    def set_chat_menu_button(self, params: dict) -> bool:
        chat_id = None
        if params.get("chat_id") not in (None, ""):
            chat = self._chat(params, write=False)
            if chat.type != "private":
                raise ApiError.bad_request("chat_id must be a private chat")
            chat_id = chat.id
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
            raise ApiError.bad_request("can't parse menu button JSON object")
        self.world.menu_buttons[chat_id] = button
        return True

    def get_chat_menu_button(self, params: dict) -> dict:
        chat_id = None
        if params.get("chat_id") not in (None, ""):
            chat_id = self._chat(params, write=False).id
        return copy.deepcopy(self.world.menu_buttons.get(chat_id) or self.world.menu_buttons.get(None)
                             or {"type": "default"})

    def set_my_description(self, params: dict) -> bool:
        return True

    def set_my_short_description(self, params: dict) -> bool:
        return True

    def set_my_name(self, params: dict) -> bool:
        return True

    # ----- sending ---------------------------------------------------------------------

    def send_message(self, params: dict) -> dict:
        return self._send(params, lambda: self._text(params.get("text"), params.get("parse_mode"),
                                                     params.get("entities")))

    def send_photo(self, params: dict) -> dict:
        return self._send_media(params, "photo")

    def send_document(self, params: dict) -> dict:
        return self._send_media(params, "document")

    def send_voice(self, params: dict) -> dict:
        return self._send_media(params, "voice")

    def send_audio(self, params: dict) -> dict:
        return self._send_media(params, "audio")

    def send_video(self, params: dict) -> dict:
        return self._send_media(params, "video")

    def send_animation(self, params: dict) -> dict:
        return self._send_media(params, "animation")

    def send_location(self, params: dict) -> dict:
        def content() -> dict:
            lat = params.get("latitude")
            lon = params.get("longitude")
            if lat is None or not -90 <= lat <= 90:
                raise ApiError.bad_request("wrong latitude specified")
            if lon is None or not -180 <= lon <= 180:
                raise ApiError.bad_request("wrong longitude specified")
            location: dict[str, Any] = {"latitude": lat, "longitude": lon}
            for extra in ("horizontal_accuracy", "live_period", "heading"):
                if params.get(extra) is not None:
                    location[extra] = params[extra]
            return {"location": location}

        return self._send(params, content)

    def send_contact(self, params: dict) -> dict:
        def content() -> dict:
            contact = {"phone_number": self._require(params, "phone_number", "phone number is empty"),
                       "first_name": self._require(params, "first_name", "first name is empty")}
            if params.get("last_name"):
                contact["last_name"] = params["last_name"]
            return {"contact": contact}

        return self._send(params, content)

    def _source(self, params: dict, what: str) -> MessageRecord:
        source_chat = self._chat(params, write=False, name="from_chat_id")
        if source_chat.is_group and source_chat.bot_status in ("left", "kicked"):
            self.world.check_can_write(source_chat)
        record = self.world.get_message(source_chat.id, self._require(params, "message_id",
                                                                      "message identifier is not specified"))
        if record is None:
            raise ApiError.bad_request(f"message to {what} not found")
        if SERVICE_KEYS & record.data.keys():
            raise ApiError.bad_request(f"message can't be {what.replace('copy', 'copi')}ed")
        return record

    def forward_message(self, params: dict) -> dict:
        def content() -> dict:
            source = self._source(params, "forward")
            out = {k: copy.deepcopy(v) for k, v in source.data.items() if k in CONTENT_KEYS}
            origin = source.data.get("forward_origin") or {
                "type": "user", "sender_user": source.data["from"], "date": source.data["date"]}
            out["forward_origin"] = origin
            return out

        return self._send(params, content)

    def copy_message(self, params: dict) -> dict:
        def content() -> dict:
            source = self._source(params, "copy")
            out = {k: copy.deepcopy(v) for k, v in source.data.items() if k in CONTENT_KEYS}
            if "caption" in params and any(k in out for k in ("photo", "document", "voice", "audio", "video")):
                out.pop("caption", None)
                out.pop("caption_entities", None)
                out.update(self._text(params.get("caption"), params.get("parse_mode"),
                                      params.get("caption_entities"), caption=True))
            return out

        message = self._send(params, content)
        return {"message_id": message["message_id"]}

    def send_chat_action(self, params: dict) -> bool:
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise ApiError.bad_request("wrong parameter action in request")
        self._chat(params)
        return True

    # ----- editing and deleting --------------------------------------------------------

    def edit_message_text(self, params: dict) -> dict:
        content = self._text(params.get("text"), params.get("parse_mode"), params.get("entities"))
        markup = validate_reply_markup(params.get("reply_markup"), inline_only=True)
        chat, record = self._edited_target(params)
        if "text" not in record.data:
            raise ApiError.bad_request("there is no text in the message to edit")
        changes = {"text": content["text"], "entities": content.get("entities")}
        return self._apply_edit(chat, record, changes, markup)

    def edit_message_caption(self, params: dict) -> dict:
        content = self._text(params.get("caption"), params.get("parse_mode"), params.get("caption_entities"),
                             caption=True)
        markup = validate_reply_markup(params.get("reply_markup"), inline_only=True)
        chat, record = self._edited_target(params)
        if "text" in record.data or not any(k in record.data for k in ("photo", "document", "voice", "audio",
                                                                        "video", "animation")):
            raise ApiError.bad_request("there is no caption in the message to edit")
        changes = {"caption": content.get("caption"), "caption_entities": content.get("caption_entities")}
        return self._apply_edit(chat, record, changes, markup)

    def edit_message_reply_markup(self, params: dict) -> dict:
        markup = validate_reply_markup(params.get("reply_markup"), inline_only=True)
        chat, record = self._edited_target(params)
        return self._apply_edit(chat, record, {}, markup)

    def _delete(self, chat: Chat, message_id: int) -> None:
        record = self.world.get_message(chat.id, message_id)
        if record is None:
            raise ApiError.bad_request("message to delete not found")
        if not record.from_bot and chat.is_group and chat.bot_status not in ("administrator", "creator"):
            raise ApiError.bad_request("message can't be deleted")
        record.deleted = True
        self.world.changed.notify()

    def delete_message(self, params: dict) -> bool:
        chat = self._chat(params, write=chat_is_group(self.world, params))
        self._delete(chat, self._require(params, "message_id", "message identifier is not specified"))
        return True

    def delete_messages(self, params: dict) -> bool:
        chat = self._chat(params, write=chat_is_group(self.world, params))
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise ApiError.bad_request("message identifiers are not specified")
        for message_id in ids:
            try:
                self._delete(chat, int(message_id))
            except ApiError:
                pass  # Telegram skips messages it cannot delete
        return True

    def answer_callback_query(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        record = self.world.callbacks.get(query_id)
        if record is None or record.answered:
            raise ApiError.bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise ApiError.bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {k: params[k] for k in ("text", "show_alert", "url", "cache_time") if k in params}
        self.world.changed.notify()
        return True

    def pin_chat_message(self, params: dict) -> bool:
        chat = self._chat(params)
        if self.world.get_message(chat.id, self._require(params, "message_id")) is None:
            raise ApiError.bad_request("message to pin not found")
        if chat.is_group and chat.bot_status not in ("administrator", "creator"):
            raise ApiError.bad_request("not enough rights to manage pinned messages in the chat")
        return True

    def unpin_chat_message(self, params: dict) -> bool:
        self._chat(params)
        return True

    def unpin_all_chat_messages(self, params: dict) -> bool:
        self._chat(params)
        return True

    # ----- chats -----------------------------------------------------------------------

    def get_chat(self, params: dict) -> dict:
        chat = self._chat(params, write=False)
        if chat.is_group and chat.bot_status == "kicked":
            self.world.check_can_write(chat)
        out = chat.to_api()
        out.update(accent_color_id=0, max_reaction_count=11,
                   accepted_gift_types={"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                                        "premium_subscription": False, "gifts_from_channels": False})
        return out

    def get_chat_member(self, params: dict) -> dict:
        chat = self._chat(params, write=False)
        user_id = self._require(params, "user_id", "user not found")
        user = self.world.bot if user_id == self.world.bot.id else self.world.users.get(user_id)
        if user is None:
            raise ApiError.bad_request("user not found")
        return self.world.member_dict(chat, user, self.world.member_status(chat, user.id))

    def get_chat_administrators(self, params: dict) -> list[dict]:
        chat = self._chat(params, write=False)
        if chat.type == "private":
            raise ApiError.bad_request("there are no administrators in the private chat")
        out = []
        for user_id, status in chat.members.items():
            if status in ("creator", "administrator"):
                out.append(self.world.member_dict(chat, self.world.users[user_id], status))
        if chat.bot_status == "administrator":
            out.append(self.world.member_dict(chat, self.world.bot, "administrator"))
        return out

    def get_chat_member_count(self, params: dict) -> int:
        chat = self._chat(params, write=False)
        if chat.type == "private":
            return 2
        present = ("creator", "administrator", "member", "restricted")
        return sum(1 for s in chat.members.values() if s in present) + (chat.bot_status in present)

    def leave_chat(self, params: dict) -> bool:
        chat = self._chat(params, write=False)
        if chat.type == "private":
            raise ApiError.bad_request("chat member status can't be changed in private chats")
        self.world.check_can_write(chat)
        old = chat.bot_status
        chat.bot_status = "left"
        self.world.enqueue("my_chat_member", {
            "chat": chat.to_api(), "from": self.world.bot.to_api(), "date": self.world.now(),
            "old_chat_member": self.world.member_dict(chat, self.world.bot, old),
            "new_chat_member": self.world.member_dict(chat, self.world.bot, "left"),
        })
        return True

    # ----- files -----------------------------------------------------------------------

    def get_file(self, params: dict) -> dict:
        stored = self.world.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError.bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD:
            raise ApiError.bad_request("file is too big")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": stored.size,
                "file_path": stored.file_path}


def chat_is_group(world: World, params: dict) -> bool:
    """Group deletes need membership (403 if kicked); private deletes work even when blocked."""
    try:
        return world.find_chat(params.get("chat_id") or 0).is_group
    except ApiError:
        return False
