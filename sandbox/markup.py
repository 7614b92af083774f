"""Validation of reply_markup (inline keyboards, reply keyboards, ReplyKeyboardRemove, ForceReply)."""
from __future__ import annotations

from sandbox.errors import ApiError
from sandbox.html import checked_link

_INLINE_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                   "callback_game", "pay")
# Inline-query switches may legitimately be "" (meaning "just the bot's username").
_EMPTY_OK = ("switch_inline_query", "switch_inline_query_current_chat")
_MAX_BUTTONS = 100
# Reply-keyboard buttons that ask the client for something; at most one per button, and (except
# polls) only in private chats, where Telegram answers BUTTON_TYPE_INVALID otherwise.
REQUEST_FIELDS = ("request_contact", "request_location", "request_poll", "request_users", "request_chat",
                  "web_app")
PRIVATE_ONLY_REQUESTS = ("request_contact", "request_location", "request_users", "request_chat", "web_app")


def _present(button: dict, key: str) -> bool:
    value = button.get(key)
    if value is None or value is False:
        return False
    return not (value == "" and key not in _EMPTY_OK)


def _inline_button(button: object) -> None:
    if not isinstance(button, dict):
        raise ApiError.bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise ApiError.bad_request("can't parse inline keyboard button: Can't find field \"text\"")
    if not isinstance(button["text"], str):
        raise ApiError.bad_request("can't parse inline keyboard button: Field \"text\" must be of type String")
    if not button["text"].strip():
        raise ApiError.bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in _INLINE_ACTIONS if _present(button, key)]
    if not actions:
        raise ApiError.bad_request("can't parse inline keyboard button: "
                                   "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        # Telegram documents "exactly one of the optional fields"; we refuse rather than guess.
        raise ApiError.bad_request("can't parse inline keyboard button: exactly one of the optional fields "
                                   f"must be used, got {', '.join(actions)}")
    action = actions[0]
    if action == "callback_data":
        data = button["callback_data"]
        # The limit is 1-64 *bytes*: a 22-character Chinese string is 66 bytes.
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
    elif action == "url":
        url = button["url"]
        if not isinstance(url, str) or checked_link(url) is None:
            raise ApiError.bad_request("BUTTON_URL_INVALID")


def _reply_button(button: object) -> None:
    if isinstance(button, str):
        if not button:
            raise ApiError.bad_request("can't parse keyboard button: Field \"text\" must be non-empty")
        return
    if not isinstance(button, dict):
        raise ApiError.bad_request("can't parse keyboard button: KeyboardButton must be a String or an Object")
    if not isinstance(button.get("text"), str):
        raise ApiError.bad_request("can't parse keyboard button: Can't find field \"text\"")
    if not button["text"]:
        raise ApiError.bad_request("can't parse keyboard button: Field \"text\" must be non-empty")
    asked = [key for key in REQUEST_FIELDS if button.get(key) not in (None, False)]
    if len(asked) > 1:
        # The fields are documented as mutually exclusive; we refuse rather than guess.
        raise ApiError.bad_request("can't parse keyboard button: only one of the optional fields can be used, "
                                   f"got {', '.join(asked)}")
    for key in ("request_contact", "request_location"):
        if key in button and not isinstance(button[key], bool):
            raise ApiError.bad_request(f"can't parse keyboard button: Field \"{key}\" must be of type Boolean")


def requests_private_only(markup: dict | None) -> bool:
    """Whether a reply keyboard has a button only private chats may carry (contact, location…)."""
    if not markup or "keyboard" not in markup:
        return False
    return any(isinstance(b, dict) and any(b.get(k) not in (None, False) for k in PRIVATE_ONLY_REQUESTS)
               for row in markup["keyboard"] for b in row)


def _rows(markup: dict, key: str) -> list[list]:
    rows = markup[key]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        what = "inline keyboard" if key == "inline_keyboard" else "keyboard"
        raise ApiError.bad_request(f"can't parse reply keyboard markup JSON object: Field \"{key}\" of the "
                                   f"{what} must be an Array of Arrays")
    return rows


def validate_reply_markup(markup: object, *, inline_only: bool = False) -> dict | None:
    """Check ``reply_markup`` like Telegram; returns it (None when absent) or raises ApiError."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = _rows(markup, "inline_keyboard")
        if sum(len(r) for r in rows) > _MAX_BUTTONS:
            raise ApiError.bad_request("REPLY_MARKUP_TOO_LONG")
        for row in rows:
            for button in row:
                _inline_button(button)
        return markup
    if inline_only:
        raise ApiError.bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = _rows(markup, "keyboard")
        if sum(len(r) for r in rows) > 300:
            raise ApiError.bad_request("REPLY_MARKUP_TOO_LONG")
        for row in rows:
            for button in row:
                _reply_button(button)
        return markup
    if markup.get("remove_keyboard") is True:
        return markup
    if markup.get("force_reply") is True:
        placeholder = markup.get("input_field_placeholder")
        if placeholder is not None and len(str(placeholder)) > 64:
            raise ApiError.bad_request("REPLY_MARKUP_INVALID")
        return markup
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")


def inline_only(markup: dict | None) -> dict | None:
    """What Telegram echoes back in Message.reply_markup: only inline keyboards."""
    if markup and "inline_keyboard" in markup:
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def callback_datas(markup: dict | None) -> list[str]:
    """All callback_data values on an inline keyboard."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row
            if isinstance(b, dict) and b.get("callback_data")]
