"""Turning a (text, parse_mode, entities) request into the stored message text and entities."""
from __future__ import annotations

from sandbox.entities import find_entities, sort_entities, utf16_len
from sandbox.errors import ApiError
from sandbox.html import ParseError, parse_html
from sandbox.markdown import parse_markdown, parse_markdown_v2

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

_ALLOWED_TYPES = frozenset({
    "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bold", "italic",
    "underline", "strikethrough", "spoiler", "blockquote", "expandable_blockquote", "code", "pre",
    "text_link", "text_mention", "custom_emoji",
})
# Entities that own their text: automatic detection must not run inside them.
_OPAQUE = frozenset({"code", "pre", "text_link", "text_mention", "url", "email", "mention", "bot_command"})


def _parse(text: str, parse_mode: str | None, entities: list | None, strict_html: bool) -> tuple[str, list[dict]]:
    mode = (parse_mode or "").strip().lower()
    try:
        if mode == "html":
            return parse_html(text, strict=strict_html)
        if mode == "markdownv2":
            return parse_markdown_v2(text)
        if mode == "markdown":
            return parse_markdown(text)
    except ParseError as exc:
        raise ApiError.bad_request(f"can't parse entities: {exc}") from None
    if mode:
        raise ApiError.bad_request("unsupported parse_mode")
    return text, _explicit_entities(text, entities)


def _explicit_entities(text: str, entities: list | None) -> list[dict]:
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise ApiError.bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    result = []
    for ent in entities:
        if not isinstance(ent, dict) or not isinstance(ent.get("offset"), int) \
                or not isinstance(ent.get("length"), int) or not isinstance(ent.get("type"), str):
            raise ApiError.bad_request("can't parse MessageEntity: Field \"type\" must be of type String")
        if ent["type"] not in _ALLOWED_TYPES:
            continue  # Telegram silently ignores entity types it does not know
        if ent["offset"] < 0 or ent["length"] <= 0 or ent["offset"] >= total:
            continue
        clean = dict(ent)
        clean["length"] = min(ent["length"], total - ent["offset"])
        if clean["type"] == "text_link" and not clean.get("url"):
            raise ApiError.bad_request("entity URL is empty" if "url" in clean else "can't find field \"url\"")
        result.append(clean)
    return result


def _strip(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram trims surrounding whitespace and moves or clips entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    left = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result = []
    for ent in entities:
        start = max(ent["offset"] - left, 0)
        end = min(ent["offset"] + ent["length"] - left, total)
        if end > start:
            result.append({**ent, "offset": start, "length": end - start})
    return stripped, result


def _add_automatic(text: str, entities: list[dict]) -> list[dict]:
    blocked = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in _OPAQUE]
    merged = list(entities)
    for auto in find_entities(text):
        a, b = auto["offset"], auto["offset"] + auto["length"]
        if all(b <= x or a >= y for x, y in blocked):
            merged.append(auto)
            blocked.append((a, b))
    return sort_entities(merged)


def format_text(
    text: object,
    parse_mode: str | None,
    entities: list | None,
    *,
    caption: bool = False,
    strict_html: bool = False,
) -> tuple[str, list[dict]]:
    """Validate and parse a message text (or caption) exactly as sendMessage would.

    Returns (plain text, entities including the automatic ones). Raises ApiError with
    Telegram's descriptions for empty / too long texts and unparsable markup. An empty
    caption is allowed and returns ("", []).
    """
    raw = "" if text is None else str(text)
    plain, ents = _parse(raw, parse_mode, entities, strict_html)
    plain, ents = _strip(plain, ents)
    limit = CAPTION_LIMIT if caption else TEXT_LIMIT
    if not plain and not caption:
        raise ApiError.bad_request("message text is empty")
    # Telegram counts the limit in Unicode characters, not UTF-16 units.
    if len(plain) > limit:
        raise ApiError.bad_request("message caption is too long" if caption else "message is too long")
    return plain, _add_automatic(plain, ents)

