"""Decoding Bot API request parameters (query, form, JSON or multipart) into typed values."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sandbox.errors import ApiError

# PTB (like most clients) sends strings as-is and JSON-dumps everything else, so
# "text=123" is the text "123" while "chat_id=123" is the number 123: the type
# depends on the parameter, never on how the value looks.
CHAT_FIELDS = frozenset({"chat_id", "from_chat_id", "sender_chat_id"})
INT_FIELDS = frozenset({
    "message_id", "user_id", "reply_to_message_id", "offset", "limit", "timeout", "message_thread_id",
    "cache_time", "max_connections", "duration", "width", "height", "live_period", "heading",
    "proximity_alert_radius", "until_date", "date", "direct_messages_topic_id",
})
FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
BOOL_FIELDS = frozenset({
    "disable_notification", "protect_content", "allow_sending_without_reply", "show_alert",
    "drop_pending_updates", "disable_web_page_preview", "has_spoiler", "show_caption_above_media",
    "disable_content_type_detection", "supports_streaming", "only_if_banned", "revoke_messages",
    "is_anonymous", "allow_paid_broadcast", "for_channels", "is_big",
})
JSON_FIELDS = {
    "reply_markup": "reply keyboard markup",
    "entities": "entities",
    "caption_entities": "caption entities",
    "allowed_updates": "allowed updates",
    "commands": "commands",
    "scope": "BotCommandScope",
    "reply_parameters": "reply parameters",
    "link_preview_options": "link preview options",
    "media": "media",
    "menu_button": "menu button",
    "results": "inline query results",
    "permissions": "chat permissions",
    "rights": "chat administrator rights",
    "options": "poll options",
    "explanation_entities": "explanation entities",
    "message_ids": "message identifiers",
    "reaction": "reactions",
}
_INT = re.compile(r"^[+-]?\d+$")


@dataclass
class Upload:
    """A file part of a multipart request."""

    data: bytes
    filename: str
    content_type: str


def _to_bool(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0", ""):
        return False
    raise ApiError.bad_request(f"can't parse \"{name}\" as Boolean")


def coerce(name: str, value: object) -> object:
    """Type one parameter value according to the Bot API's schema for ``name``."""
    if isinstance(value, Upload):
        return value
    if name in CHAT_FIELDS:
        if isinstance(value, bool):
            raise ApiError.bad_request("chat not found")
        if isinstance(value, int):
            return value
        text = str(value).strip()
        return int(text) if _INT.match(text) else text
    if name in INT_FIELDS:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if _INT.match(text):
            return int(text)
        try:
            number = float(text)
        except ValueError:
            raise ApiError.bad_request(f"invalid {name} specified") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ApiError.bad_request(f"invalid {name} specified")
        return int(number)
    if name in FLOAT_FIELDS:
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ApiError.bad_request(f"invalid {name} specified") from None
    if name in BOOL_FIELDS:
        return _to_bool(name, value)
    if name in JSON_FIELDS:
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError.bad_request(f"can't parse {JSON_FIELDS[name]} JSON object") from None
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def coerce_all(raw: dict[str, object]) -> dict[str, object]:
    """Coerce every parameter; unknown names stay strings."""
    return {name: coerce(name, value) for name, value in raw.items()}
