"""Outgoing messages as plain data: what to send, to whom, with which buttons, in Bot API terms."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.model.fitting import (CAPTION_LIMIT, MARKERS, SHORTEN_FROM, SHORTEN_TO, TEXT_LIMIT, fit_html, fit_plain,
                         split_html)


@dataclass(frozen=True)
class Answer:
    """What to say to a button press: a toast, or an alert for a refusal."""

    text: str | None = None
    alert: bool = False


@dataclass(frozen=True)
class Button:
    """An inline button; `data` is what comes back when it is pressed (≤ 64 bytes)."""

    text: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.data is not None and len(self.data.encode()) > 64:
            raise ValueError(f"callback data over 64 bytes: {self.data!r}")

    def to_api(self) -> dict[str, str]:
        if self.url:
            return {"text": self.text, "url": self.url}
        return {"text": self.text, "callback_data": self.data or ""}


def inline_keyboard(rows: list[list[Button]]) -> dict[str, Any]:
    return {"inline_keyboard": [[b.to_api() for b in row] for row in rows if row]}


def reply_keyboard(rows: list[list[str]], contact_button: str | None = None) -> dict[str, Any]:
    """Large plain buttons under the input field, for people who do not like typing."""
    keys: list[list[dict[str, Any]]] = []
    if contact_button:
        keys.append([{"text": contact_button, "request_contact": True}])
    keys += [[{"text": t} for t in row] for row in rows]
    return {"keyboard": keys, "resize_keyboard": True, "is_persistent": True}


REMOVE_KEYBOARD: dict[str, Any] = {"remove_keyboard": True}


@dataclass(frozen=True)
class Outgoing:
    """One Bot API call to make, queued in the outbox.

    `ref` names the message so a later edit can find it once it is sent; `edit_of` is set on
    edits and points at such a ref (the message id is only known after sending).
    """

    chat_id: int
    method: str
    params: dict[str, Any] = field(default_factory=dict)
    ref: str | None = None
    edit_of: str | None = None

    def __post_init__(self) -> None:
        # Every text and caption is fitted here, where each call is built, so none can reach
        # Telegram too long to send ("Bad Request: message is too long" is a failure for good).
        object.__setattr__(self, "params", fitted(self.params))

    def payload(self) -> str:
        return json.dumps(self.params, ensure_ascii=False, sort_keys=True)


def shortenable(html: str) -> str:
    """Mark people's words inside a message: if the message is too long, they are cut first, with "…"."""
    return SHORTEN_FROM + html.translate({ord(c): None for c in MARKERS}) + SHORTEN_TO


def fitted(params: dict[str, Any]) -> dict[str, Any]:
    """The call's parameters with its text (4096) or caption (1024) within Telegram's limits."""
    html = str(params.get("parse_mode", "")).upper() == "HTML"
    out = params
    for key, limit in (("text", TEXT_LIMIT), ("caption", CAPTION_LIMIT)):
        value = params.get(key)
        if isinstance(value, str):
            short = fit_html(value, limit) if html else fit_plain(value, limit)
            if short != value:
                out = dict(out) if out is params else out
                out[key] = short
    return out


def _html(text: str, keyboard: dict[str, Any] | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if keyboard is not None:
        params["reply_markup"] = keyboard
    return params


def text_message(
    chat_id: int,
    text: str,
    *,
    keyboard: dict[str, Any] | None = None,
    reply_to: int | None = None,
    ref: str | None = None,
    silent: bool = False,
) -> Outgoing:
    params = _html(text, keyboard)
    if reply_to is not None:
        # The original may be deleted by the time we send; the answer still matters.
        params["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    if silent:
        params["disable_notification"] = True
    return Outgoing(chat_id, "sendMessage", params, ref=ref)


def text_pages(
    chat_id: int,
    text: str,
    *,
    keyboard: dict[str, Any] | None = None,
    reply_to: int | None = None,
) -> list[Outgoing]:
    """A long text (a ticket's whole history, a long list) as several messages, none cut short;
    the buttons ride on the last one."""
    pages = split_html(text, TEXT_LIMIT)
    return [text_message(chat_id, page, keyboard=keyboard if i == len(pages) - 1 else None,
                         reply_to=reply_to if i == 0 else None)
            for i, page in enumerate(pages)]


def edit_text(
    chat_id: int, of_ref: str, text: str, *, keyboard: dict[str, Any] | None = None
) -> Outgoing:
    return Outgoing(chat_id, "editMessageText", _html(text, keyboard), edit_of=of_ref)


def clear_buttons(chat_id: int, message_id: int) -> Outgoing:
    """Take the buttons off a message once they have done their job."""
    return Outgoing(chat_id, "editMessageReplyMarkup",
                    {"message_id": message_id, "reply_markup": {"inline_keyboard": []}})


def delete_message(chat_id: int, message_id: int) -> Outgoing:
    return Outgoing(chat_id, "deleteMessage", {"message_id": message_id})


def copy_message(to_chat: int, from_chat: int, message_id: int) -> Outgoing:
    """Forward a photo, voice or location as is, without the "forwarded from" header."""
    return Outgoing(to_chat, "copyMessage", {"from_chat_id": from_chat, "message_id": message_id})


# -- files --------------------------------------------------------------------------------
# A file waits on disk; the queued call names it, as {"_file": <path>, "filename": <name shown>}.
# The delivery adapter uploads it from there when the call is made, and the sender deletes it once
# Telegram has it (or refused it for good), so a large export never sits in the outbox table.

FILE_KEY = "_file"
# Calls queued by earlier versions carried the bytes themselves, base64 encoded.
UPLOAD_KEY = "_upload"


def disk_file(path: Path, filename: str) -> dict[str, Any]:
    return {FILE_KEY: str(path), "filename": filename}


def file_upload(value: Any) -> tuple[str, str] | None:
    """The path and shown name of a file parameter, or None for any other value."""
    if isinstance(value, dict) and FILE_KEY in value:
        return value[FILE_KEY], value.get("filename") or Path(value[FILE_KEY]).name
    return None


def uploaded_bytes(value: Any) -> tuple[bytes, str] | None:
    """The bytes and name of a file queued inline by an earlier version, or None."""
    if isinstance(value, dict) and UPLOAD_KEY in value:
        return base64.b64decode(value[UPLOAD_KEY]), value.get("filename") or "file"
    return None


def document_message(chat_id: int, path: Path, filename: str, caption: str | None = None,
                     ref: str | None = None) -> Outgoing:
    params: dict[str, Any] = {"document": disk_file(path, filename)}
    if caption:
        params.update(caption=caption, parse_mode="HTML")
    return Outgoing(chat_id, "sendDocument", params, ref=ref)


def photo_message(chat_id: int, path: Path, caption: str | None = None, ref: str | None = None) -> Outgoing:
    params: dict[str, Any] = {"photo": disk_file(path, "chart.png")}
    if caption:
        params.update(caption=caption, parse_mode="HTML")
    return Outgoing(chat_id, "sendPhoto", params, ref=ref)
