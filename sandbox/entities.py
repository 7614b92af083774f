"""Telegram's automatic entities (bot_command, mention, hashtag, url, email) with UTF-16 offsets."""
from __future__ import annotations

import re

# Telegram measures entity offsets and lengths in UTF-16 code units, so every
# character outside the BMP (most emoji) counts twice.


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_offsets(text: str) -> list[int]:
    """``result[i]`` is the UTF-16 offset of ``text[i]``; ``result[len(text)]`` is the total."""
    out = [0] * (len(text) + 1)
    pos = 0
    for i, ch in enumerate(text):
        out[i] = pos
        pos += 2 if ord(ch) > 0xFFFF else 1
    out[len(text)] = pos
    return out


def utf16_slice(text: str, offset: int, length: int) -> str:
    """The substring that a (UTF-16 ``offset``, ``length``) entity covers."""
    raw = text.encode("utf-16-le")
    return raw[offset * 2:(offset + length) * 2].decode("utf-16-le", errors="replace")


def _is_word(ch: str) -> bool:
    # tdlib's is_word_character: any Unicode letter or digit, or "_"; so "你好/start" is no command.
    return ch.isalnum() or ch == "_"


def _blocks_command(ch: str) -> bool:
    return _is_word(ch) or ch in "/<>"


_CMD_CHAR = re.compile(r"[A-Za-z0-9_]")
_URL = re.compile(
    r"(?<![\w@.])(?:(?:https?|tg|ton)://[^\s<>\"'，。！？、；：「」『』（）【】《》]+"
    r"|(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|cn|io|me|ru|dev|app|info|edu|gov)"
    r"(?:/[^\s<>\"'，。！？、；：「」『』（）【】《》]*)?)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{4,32})(?![\w@])")
_HASHTAG = re.compile(r"(?<![\w#])#(\w{1,256})")
_TRAILING_PUNCT = ".,;:!?)]}'\""


def _find_commands(text: str) -> list[tuple[int, int]]:
    """Port of tdlib's find_bot_commands: (start, end) python indices."""
    found: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    while i < n:
        slash = text.find("/", i)
        if slash < 0:
            break
        if slash > 0 and _blocks_command(text[slash - 1]):
            i = slash + 1
            continue
        j = slash + 1
        while j < n and _CMD_CHAR.match(text[j]):
            j += 1
        end = j
        if j < n and text[j] == "@":
            k = j + 1
            while k < n and _CMD_CHAR.match(text[k]):
                k += 1
            if not 3 <= k - j - 1 <= 32:
                i = k
                continue
            end = k
            j = k
        if j < n and _blocks_command(text[j]):
            i = j
            continue
        if end - slash > 1 and end - slash <= 1 + 64 + 33:
            found.append((slash, end))
        i = max(end, slash + 1)
    return found


def find_entities(text: str) -> list[dict]:
    """Entities Telegram detects on its own in ``text``, sorted by offset.

    Covers bot_command (``/cmd`` and ``/cmd@bot``), mention (``@username``),
    hashtag, url and email -- enough for PTB's CommandHandler and filters.
    """
    spans: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _EMAIL.finditer(text):
        spans.append((m.start(), m.end(), "email"))
        taken.append((m.start(), m.end()))
    for m in _URL.finditer(text):
        a, b = m.start(), m.end()
        while b > a and text[b - 1] in _TRAILING_PUNCT:
            b -= 1
        if b > a and free(a, b):
            spans.append((a, b, "url"))
            taken.append((a, b))
    for a, b in _find_commands(text):
        if free(a, b):
            spans.append((a, b, "bot_command"))
            taken.append((a, b))
    for m in _MENTION.finditer(text):
        if free(m.start(), m.end()):
            spans.append((m.start(), m.end(), "mention"))
            taken.append((m.start(), m.end()))
    for m in _HASHTAG.finditer(text):
        if not m.group(1).isdigit() and free(m.start(), m.end()):
            spans.append((m.start(), m.end(), "hashtag"))
            taken.append((m.start(), m.end()))

    offsets = utf16_offsets(text)
    spans.sort()
    return [
        {"type": kind, "offset": offsets[a], "length": offsets[b] - offsets[a]}
        for a, b, kind in spans
    ]


def command_of(text: str, entities: list[dict] | None) -> tuple[str, str | None] | None:
    """``(command, addressee)`` when the message starts with a bot_command entity, else None.

    ``addressee`` is the ``@botname`` part without the ``@`` (or None).
    """
    for ent in entities or ():
        if ent.get("type") == "bot_command" and ent.get("offset") == 0:
            raw = utf16_slice(text, 0, ent["length"])[1:]
            name, _, to = raw.partition("@")
            return name, (to or None)
    return None


def sort_entities(entities: list[dict]) -> list[dict]:
    """Telegram's order: by offset, longer (outer) entities first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))
