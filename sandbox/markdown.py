"""Telegram's parse_mode=MarkdownV2 and legacy Markdown, after tdlib's parsers (errors included)."""
from __future__ import annotations

from sandbox.entities import sort_entities
from sandbox.html import TG_USER_LINK, ParseError, checked_link

_V2_RESERVED = "_*[]()~`>#+-=|{}.!"
_V2_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
             "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl",
             "custom_emoji": "CustomEmoji"}


def _u16(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    """Parse MarkdownV2 into (plain text, entities); raises ParseError like Telegram."""
    out: list[str] = []
    entities: list[dict] = []
    stack: list[dict] = []
    utf16 = 0
    n = len(text)
    i = 0

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    quote_start: int | None = None  # utf16 offset where the current ">" block began
    while i < n:
        c = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        in_code = bool(stack) and stack[-1]["type"] in ("code", "pre")
        if c == "\\" and 0 < ord(at(i + 1)) <= 126:
            out.append(text[i + 1])
            utf16 += 1
            i += 2
            continue
        if at_line_start and not in_code:
            if c == ">":
                if quote_start is None:
                    quote_start = utf16
                i += 1
                continue
            if quote_start is not None:
                entities.append({"type": "blockquote", "offset": quote_start, "length": utf16 - quote_start})
                quote_start = None
        reserved = "`" if in_code else _V2_RESERVED
        if c not in reserved:
            out.append(c)
            utf16 += _u16(c)
            i += 1
            continue
        top = stack[-1]["type"] if stack else None
        is_end = (
            (top == "bold" and c == "*")
            or (top == "italic" and c == "_" and at(i + 1) != "_")
            or (top == "code" and c == "`")
            or (top == "pre" and text.startswith("```", i))
            or (top in ("text_link", "custom_emoji") and c == "]")
            or (top == "underline" and text.startswith("__", i))
            or (top == "strikethrough" and c == "~")
            or (top == "spoiler" and text.startswith("||", i))
        )
        if not is_end:
            begin = i
            argument = ""
            if c == "_":
                kind = "underline" if at(i + 1) == "_" else "italic"
                i += 2 if kind == "underline" else 1
            elif c == "*":
                kind, i = "bold", i + 1
            elif c == "~":
                kind, i = "strikethrough", i + 1
            elif c == "|" and at(i + 1) == "|":
                kind, i = "spoiler", i + 2
            elif c == "[":
                kind, i = "text_link", i + 1
            elif c == "!" and at(i + 1) == "[":
                kind, i = "custom_emoji", i + 2
            elif c == "`":
                if text.startswith("```", i):
                    kind = "pre"
                    i += 3
                    lang_end = i
                    while lang_end < n and not text[lang_end].isspace() and text[lang_end] != "`":
                        lang_end += 1
                    if lang_end != i and lang_end < n and text[lang_end] != "`":
                        argument = text[i:lang_end]
                        i = lang_end
                    if at(i) in "\r\n" and i < n:
                        i += 2 if at(i + 1) in "\r\n" and at(i + 1) != at(i) and i + 1 < n else 1
                else:
                    kind, i = "code", i + 1
            else:
                raise ParseError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
            stack.append({"type": kind, "arg": argument, "offset": utf16, "byte": _byte_offset(text, begin),
                          "begin": len(out)})
            continue

        top_ent = stack.pop()
        kind = top_ent["type"]
        skip = utf16 == top_ent["offset"]
        ent: dict = {"type": kind, "offset": top_ent["offset"], "length": utf16 - top_ent["offset"]}
        if kind in ("underline", "spoiler"):
            i += 2
        elif kind == "pre":
            i += 3
            if top_ent["arg"]:
                ent["language"] = top_ent["arg"]
        elif kind in ("text_link", "custom_emoji"):
            i += 1
            url = ""
            if at(i) != "(":
                url = "".join(out[top_ent["begin"]:])
            else:
                i += 1
                url_begin = i
                while i < n and text[i] != ")":
                    if text[i] == "\\" and 0 < ord(at(i + 1)) <= 126:
                        url += text[i + 1]
                        i += 2
                        continue
                    url += text[i]
                    i += 1
                if at(i) != ")":
                    raise ParseError(f"Can't find end of a URL at byte offset {_byte_offset(text, url_begin)}")
                i += 1
            if kind == "custom_emoji":
                emoji_id = url.removeprefix("tg://emoji?id=")
                if not emoji_id.isdigit():
                    raise ParseError("Custom emoji URL must have an emoji identifier")
                ent["custom_emoji_id"] = emoji_id
            elif TG_USER_LINK.match(url):
                ent = {"type": "text_mention", "offset": ent["offset"], "length": ent["length"],
                       "user": {"id": int(TG_USER_LINK.match(url).group(1))}}
            else:
                link = checked_link(url)
                if link is None:
                    skip = True
                ent["url"] = link
        else:
            i += 1
        if not skip:
            entities.append(ent)
    if quote_start is not None:
        entities.append({"type": "blockquote", "offset": quote_start, "length": utf16 - quote_start})
    if stack:
        top_ent = stack[-1]
        raise ParseError(f"Can't find end of {_V2_NAMES[top_ent['type']]} entity at byte offset {top_ent['byte']}")
    return "".join(out), sort_entities([e for e in entities if e["length"] > 0])


def parse_markdown(text: str) -> tuple[str, list[dict]]:
    """Legacy parse_mode=Markdown: *bold* _italic_ `code` ```pre``` [text](url)."""
    out: list[str] = []
    entities: list[dict] = []
    utf16 = 0
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            utf16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            utf16 += _u16(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        is_pre = False
        language = ""
        i += 1
        if c == "`" and text.startswith("``", i):
            is_pre = True
            i += 2
            lang_end = i
            while lang_end < n and not text[lang_end].isspace() and text[lang_end] != "`":
                lang_end += 1
            if lang_end != i and lang_end < n and text[lang_end] != "`":
                language = text[i:lang_end]
                i = lang_end
        offset = utf16
        while i < n and not (text.startswith("```", i) if is_pre else text[i] == end_char):
            out.append(text[i])
            utf16 += _u16(text[i])
            i += 1
        if i >= n:
            raise ParseError(f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}")
        i += 3 if is_pre else 1
        length = utf16 - offset
        if c == "[":
            url = ""
            if i < n and text[i] == "(":
                close = text.find(")", i)
                if close < 0:
                    raise ParseError(
                        f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}")
                url = text[i + 1:close]
                i = close + 1
            link = checked_link(url) if url else None
            if length and link:
                entities.append({"type": "text_link", "offset": offset, "length": length, "url": link})
            continue
        if not length:
            continue
        kind = {"_": "italic", "*": "bold", "`": "pre" if is_pre else "code"}[c]
        ent = {"type": kind, "offset": offset, "length": length}
        if language:
            ent["language"] = language
        entities.append(ent)
    return "".join(out), sort_entities(entities)
