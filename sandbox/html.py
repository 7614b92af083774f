"""Telegram's parse_mode=HTML: a port of tdlib's parse_html (same errors, byte offsets, entities)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from sandbox.entities import sort_entities

_TAGS = frozenset({
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji",
    "span", "pre", "code", "blockquote",
})
_SPACE = frozenset(b" \t\r\n\v\f\0")
_NAMED = {b"lt": ord("<"), b"gt": ord(">"), b"amp": ord("&"), b"quot": ord('"')}
_HOST = re.compile(r"^[A-Za-z0-9\u00a1-\uffff](?:[A-Za-z0-9\u00a1-\uffff-]*[A-Za-z0-9\u00a1-\uffff])?"
                   r"(?:\.[A-Za-z0-9\u00a1-\uffff](?:[A-Za-z0-9\u00a1-\uffff-]*[A-Za-z0-9\u00a1-\uffff])?)*$")
TG_USER_LINK = re.compile(r"^tg:(?://)?user\?id=(\d+)$", re.IGNORECASE)


class ParseError(ValueError):
    """Entity parsing failed; ``str(exc)`` is tdlib's message (without the Bot API prefix)."""


def checked_link(url: str) -> str | None:
    """Normalised link as Telegram stores it in a text_link / button, or None when invalid.

    Mirrors LinkManager::get_checked_link closely enough: http(s)/tg/ton schemes, a host
    with a dot (or an IP), and "/" appended to a bare host ("https://a.com" -> "https://a.com/").
    """
    if not url or any(ch.isspace() for ch in url):
        return None
    lower = url.lower()
    if lower.startswith(("tg:", "ton:")):
        return url if len(url.split(":", 1)[1].lstrip("/")) > 0 else None
    if "://" not in url:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) and not re.match(r"^[^:/]+:\d", url):
            return None  # mailto:, javascript:, ...
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = parts.hostname or ""
    if not host or not _HOST.match(host) or "." not in host:
        return None
    if port is not None and not 0 < port < 65536:
        return None
    if not parts.path:
        # Telegram normalises "https://a.com?x" to "https://a.com/?x".
        start = url.index("://") + 3
        end = min((i for i in (url.find(c, start) for c in "?#") if i >= 0), default=len(url))
        url = url[:end] + "/" + url[end:]
    return url


def _u16(code: int) -> int:
    return 2 if code > 0xFFFF else 1


def _decode_entity(b: bytes, pos: int) -> tuple[int, int]:
    """tdlib decode_html_entity: (code point, new position); code 0 means "not an entity"."""

    def at(k: int) -> int:
        return b[k] if k < len(b) else 0

    end = pos + 1
    res = 0
    if at(pos + 1) == ord("#"):
        end += 1
        if at(pos + 2) == ord("x"):
            end += 1
            while chr(at(end)) in "0123456789abcdefABCDEF" and at(end):
                res = res * 16 + int(chr(at(end)), 16)
                end += 1
        else:
            while ord("0") <= at(end) <= ord("9"):
                res = res * 10 + at(end) - ord("0")
                end += 1
        if res == 0 or res >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while chr(at(end)).isascii() and chr(at(end)).isalpha():
            end += 1
        res = _NAMED.get(b[pos + 1:end], 0)
        if not res:
            return 0, pos
    return res, (end + 1 if at(end) == ord(";") else end)


def parse_html(source: str, *, strict: bool = False) -> tuple[str, list[dict]]:
    """Parse Telegram HTML into (plain text, Bot API entities).

    Raises ParseError with Telegram's wording, e.g. ``Unsupported start tag "foo" at byte
    offset 12``. A lone ``&`` that starts no known entity is kept literally, exactly as
    Telegram does; ``strict=True`` rejects it instead (a sandbox-only lint).
    """
    b = source.encode("utf-8")
    n = len(b)

    def at(k: int) -> int:
        return b[k] if k < n else 0

    def space(k: int) -> bool:
        return at(k) in _SPACE

    out = bytearray()
    entities: list[dict] = []
    stack: list[dict] = []  # tag, argument, offset (utf16), begin (byte pos in out)
    utf16 = 0
    i = 0
    while i < n:
        c = b[i]
        if c == ord("&"):
            code, new_i = _decode_entity(b, i)
            if code:
                if 0xD800 <= code <= 0xDFFF:
                    raise ParseError("Text contains invalid Unicode characters after decoding HTML entities, "
                                     "check for unmatched surrogate code units")
                out += chr(code).encode("utf-8")
                utf16 += _u16(code)
                i = new_i
                continue
            if strict:
                raise ParseError(f"Unescaped \"&\" at byte offset {i} (sandbox strict_html)")
        if c != ord("<"):
            if c & 0xC0 != 0x80:
                utf16 += 2 if c >= 0xF0 else 1
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            while not space(i) and at(i) != ord(">"):
                i += 1
            if at(i) == 0:
                raise ParseError(f"Unclosed start tag at byte offset {begin}")
            tag = b[begin + 1:i].decode("utf-8", "replace").lower()
            if tag not in _TAGS:
                raise ParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while at(i) != ord(">"):
                while at(i) != 0 and space(i):
                    i += 1
                if at(i) == ord(">"):
                    break
                attr_begin = i
                while not space(i) and at(i) != ord("="):
                    if at(i) == ord(">") and tag == "blockquote":
                        break
                    i += 1
                attr = b[attr_begin:i].decode("utf-8", "replace")
                if not attr:
                    raise ParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
                while at(i) != 0 and space(i):
                    i += 1
                if tag == "blockquote" and attr == "expandable" and at(i) != ord("="):
                    # Newer Telegram: <blockquote expandable> takes a value-less attribute.
                    argument = "expandable"
                    if at(i) == 0:
                        raise ParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                    continue
                if at(i) != ord("="):
                    raise ParseError('Expected equal sign in declaration of an attribute of the tag '
                                     f'"{tag}" at byte offset {begin}')
                i += 1
                while at(i) != 0 and space(i):
                    i += 1
                if at(i) == 0:
                    raise ParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if at(i) not in (ord("'"), ord('"')):
                    token_begin = i
                    while chr(at(i)).isascii() and (chr(at(i)).isalnum() or at(i) in (ord("."), ord("-"))) and at(i):
                        i += 1
                    value = b[token_begin:i].decode().lower()
                    if not space(i) and at(i) != ord(">"):
                        raise ParseError(f"Unexpected end of name token at byte offset {token_begin}")
                else:
                    quote = at(i)
                    i += 1
                    val = bytearray()
                    while at(i) != quote and at(i) != 0:
                        if at(i) == ord("&"):
                            code, new_i = _decode_entity(b, i)
                            if code:
                                val += chr(code).encode("utf-8", "surrogatepass")
                                i = new_i
                                continue
                        val.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = val.decode("utf-8", "replace")
                if at(i) == 0:
                    raise ParseError(f"Unclosed start tag at byte offset {begin}")
                if tag == "a" and attr == "href":
                    argument = value
                elif tag == "code" and attr == "class" and value.startswith("language-"):
                    argument = value[9:]
                elif tag == "span" and attr == "class" and value.startswith("tg-"):
                    argument = value[3:]
                elif tag == "tg-emoji" and attr == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            stack.append({"tag": tag, "arg": argument, "offset": utf16, "begin": len(out)})
            i += 1  # skip ">"
            continue

        # an end tag
        if not stack:
            raise ParseError(f"Unexpected end tag at byte offset {begin}")
        while not space(i) and at(i) != ord(">"):
            i += 1
        end_tag = b[begin + 2:i].decode("utf-8", "replace").lower()
        while space(i) and at(i) != 0:
            i += 1
        if at(i) != ord(">"):
            raise ParseError(f"Unclosed end tag at byte offset {begin}")
        i += 1
        top = stack.pop()
        tag = top["tag"]
        if end_tag and end_tag != tag:
            raise ParseError(f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", found "</{end_tag}>"')
        if utf16 <= top["offset"]:
            continue
        ent = _entity_for(tag, top, utf16, out, entities)
        if ent is not None:
            entities.append(ent)
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    for ent in entities:
        if ent["type"] == "code":
            ent.pop("language", None)
    text = out.decode("utf-8", "surrogatepass")
    return text, sort_entities(entities)


def _entity_for(tag: str, top: dict, utf16: int, out: bytearray, entities: list[dict]) -> dict | None:
    offset = top["offset"]
    length = utf16 - offset
    simple = {"i": "italic", "em": "italic", "b": "bold", "strong": "bold", "s": "strikethrough",
              "strike": "strikethrough", "del": "strikethrough", "u": "underline", "ins": "underline",
              "tg-spoiler": "spoiler", "span": "spoiler"}
    if tag in simple:
        return {"type": simple[tag], "offset": offset, "length": length}
    if tag == "blockquote":
        kind = "expandable_blockquote" if top["arg"] == "expandable" else "blockquote"
        return {"type": kind, "offset": offset, "length": length}
    if tag == "tg-emoji":
        if not top["arg"].isdigit() or int(top["arg"]) == 0:
            raise ParseError("Invalid custom emoji identifier specified")
        return {"type": "custom_emoji", "offset": offset, "length": length, "custom_emoji_id": top["arg"]}
    if tag == "a":
        url = top["arg"] or out[top["begin"]:].decode("utf-8", "replace")
        m = TG_USER_LINK.match(url)
        if m:
            # The world replaces this stub by the full User (or drops it if unknown).
            return {"type": "text_mention", "offset": offset, "length": length, "user": {"id": int(m.group(1))}}
        link = checked_link(url)
        if link is None:
            return None
        return {"type": "text_link", "offset": offset, "length": length, "url": link}
    if tag == "pre":
        last = entities[-1] if entities else None
        if last and last["type"] == "code" and last["offset"] == offset and last["length"] == length \
                and last.get("language"):
            last["type"] = "pre"
            return None
        return {"type": "pre", "offset": offset, "length": length}
    if tag == "code":
        last = entities[-1] if entities else None
        if last and last["type"] == "pre" and last["offset"] == offset and last["length"] == length and top["arg"]:
            last["language"] = top["arg"]
            return None
        ent = {"type": "code", "offset": offset, "length": length}
        if top["arg"]:
            ent["language"] = top["arg"]  # dropped again unless a <pre> claims it
        return ent
    raise AssertionError(tag)
