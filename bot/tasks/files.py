"""Files sent through the outbox: the bytes ride in the queued call, base64 encoded.

A parameter written as {"_upload": <base64>, "filename": …} is turned back into a file upload by
the delivery adapter (handlers/delivery.py) when the call is made.
"""
from __future__ import annotations

import base64
from typing import Any

from bot.messages import Outgoing

UPLOAD_KEY = "_upload"


def upload(data: bytes, filename: str) -> dict[str, Any]:
    return {UPLOAD_KEY: base64.b64encode(data).decode("ascii"), "filename": filename}


def uploaded_bytes(value: Any) -> tuple[bytes, str] | None:
    """The bytes and file name of an upload parameter, or None for any other value."""
    if isinstance(value, dict) and UPLOAD_KEY in value:
        return base64.b64decode(value[UPLOAD_KEY]), value.get("filename") or "file"
    return None


def document_message(chat_id: int, data: bytes, filename: str, caption: str | None = None,
                     ref: str | None = None) -> Outgoing:
    params: dict[str, Any] = {"document": upload(data, filename)}
    if caption:
        params.update(caption=caption, parse_mode="HTML")
    return Outgoing(chat_id, "sendDocument", params, ref=ref)


def photo_message(chat_id: int, png: bytes, caption: str | None = None, ref: str | None = None) -> Outgoing:
    params: dict[str, Any] = {"photo": upload(png, "chart.png")}
    if caption:
        params.update(caption=caption, parse_mode="HTML")
    return Outgoing(chat_id, "sendPhoto", params, ref=ref)
