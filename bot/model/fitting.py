"""Texts fitted to Telegram's limits: length as Telegram counts it, HTML-aware shortening and paging.

Telegram measures a text after parsing its HTML: tags cost nothing and "&amp;" is one character.
We count in UTF-16 code units, which is never less than the Unicode characters tdlib counts, so
a text that fits here fits there. Cuts never fall inside a tag or an entity, and tags left open
by a cut are closed.
"""
from __future__ import annotations

import re

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ELLIPSIS = "…"

# Around people's words inside a message: the part to shorten first when it is too long.
# Private-use characters nobody types; texts.e() removes them from anything people send.
SHORTEN_FROM, SHORTEN_TO = "\ue000", "\ue001"
MARKERS = SHORTEN_FROM + SHORTEN_TO
# A shortened quote keeps at least this much, so it still says what it is about.
MIN_QUOTE = 40

_TOKEN = re.compile(
    r"<[^<>]*>"                                                     # a tag
    r"|&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z]{1,16});"       # an entity
    r"|.", re.S)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")
# The only named entities Telegram decodes; any other "&name;" stays as typed.
_NAMED = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def strip_markers(text: str) -> str:
    return text.translate({ord(c): None for c in MARKERS}) if SHORTEN_FROM in text or SHORTEN_TO in text else text


def _is_tag(token: str) -> bool:
    return len(token) > 1 and token[0] == "<"


def _width(token: str) -> int:
    """How many UTF-16 units a token adds to the text Telegram shows."""
    if token in MARKERS:
        return 0
    if len(token) == 1:
        return 2 if ord(token) > 0xFFFF else 1
    if token[0] == "<":
        return 0
    if token in _NAMED:
        return 1
    if token.startswith("&#"):
        digits = token[2:-1]
        code = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
        if 0 < code < 0x10FFFF:
            return 2 if code > 0xFFFF else 1
    return utf16_len(token)


def visible_len(html: str) -> int:
    """The length Telegram checks against its limit, of a text sent with parse_mode HTML."""
    return sum(_width(t) for t in _TOKEN.findall(html))


def _tag(token: str) -> tuple[bool, str] | None:
    """(closing?, name) of a tag token."""
    m = _TAG_NAME.match(token)
    return (m.group(1) == "/", m.group(2).lower()) if m else None


def _closers(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _step(stack: list[tuple[str, str]], token: str) -> None:
    """Follow open tags: push an opening tag, pop its closing one."""
    parsed = _tag(token)
    if parsed is None:
        return
    closing, name = parsed
    if not closing:
        stack.append((name, token))
    elif stack and stack[-1][0] == name:
        stack.pop()


def _cut_tail(tokens: list[str], budget: int) -> str:
    """The start of the text, `budget` units of it, then "…" and the tags it leaves open closed."""
    out: list[str] = []
    stack: list[tuple[str, str]] = []
    used = 0
    for token in tokens:
        if token in MARKERS:
            continue
        if _is_tag(token):
            out.append(token)
            _step(stack, token)
            continue
        width = _width(token)
        if used + width > budget:
            break
        out.append(token)
        used += width
    return "".join(out).rstrip() + ELLIPSIS + _closers(stack)


def _spans(tokens: list[str]) -> list[tuple[int, int]]:
    """Token ranges between a SHORTEN_FROM and its SHORTEN_TO (unmatched markers mark nothing)."""
    found, start = [], None
    for i, token in enumerate(tokens):
        if token == SHORTEN_FROM:
            start = i + 1
        elif token == SHORTEN_TO and start is not None:
            found.append((start, i))
            start = None
    return found


def _shorten_span(tokens: list[str], start: int, end: int, keep: int) -> list[str]:
    """The span's text cut to `keep` units plus "…"; its tags all stay, so nothing is left open."""
    out, used, cut = [], 0, False
    for token in tokens[start:end]:
        if _is_tag(token):
            out.append(token)
            continue
        width = _width(token)
        if cut or used + width > keep:
            if not cut:
                out.append(ELLIPSIS)
                cut = True
            continue
        out.append(token)
        used += width
    return out


def fit_html(html: str, limit: int = TEXT_LIMIT) -> str:
    """The text as it is if it fits; else its marked quotes shortened with "…", longest first;
    else cut at the end. Never cut inside a tag or an entity."""
    if utf16_len(html) <= limit:  # tags and entities only ever shrink what Telegram counts
        return strip_markers(html)
    tokens = _TOKEN.findall(html)
    total = sum(_width(t) for t in tokens)
    if total <= limit:
        return strip_markers(html)
    excess = total - limit
    spans = sorted(_spans(tokens), key=lambda s: -sum(_width(t) for t in tokens[s[0]:s[1]]))
    replaced: dict[int, tuple[int, list[str]]] = {}
    for start, end in spans:
        if excess <= 0:
            break
        width = sum(_width(t) for t in tokens[start:end])
        # Cutting to `keep` and adding "…" saves width - keep - 1.
        keep = max(MIN_QUOTE, width - 1 - excess)
        if keep + 1 >= width:
            continue
        replaced[start] = (end, _shorten_span(tokens, start, end, keep))
        excess -= width - keep - 1
    if replaced:
        rebuilt: list[str] = []
        i = 0
        while i < len(tokens):
            if i in replaced:
                end, part = replaced[i]
                rebuilt += part
                i = end
            else:
                rebuilt.append(tokens[i])
                i += 1
        tokens = rebuilt
    if excess <= 0:
        return strip_markers("".join(tokens))
    return _cut_tail(tokens, limit - utf16_len(ELLIPSIS))


def fit_plain(text: str, limit: int) -> str:
    """A text without markup cut to `limit` UTF-16 units, ending with "…" when cut."""
    text = strip_markers(text)
    if utf16_len(text) <= limit:
        return text
    out, used = [], 0
    budget = limit - utf16_len(ELLIPSIS)
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if used + width > budget:
            break
        out.append(ch)
        used += width
    return "".join(out).rstrip() + ELLIPSIS


def split_html(html: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pages of at most `limit` each, broken after a line where one is near, with tags that
    span a break closed at the end of one page and opened again at the start of the next."""
    if utf16_len(html) <= limit:
        return [strip_markers(html)]
    tokens = [t for t in _TOKEN.findall(html) if t not in MARKERS]
    pages: list[str] = []
    stack: list[tuple[str, str]] = []
    start_stack: list[tuple[str, str]] = []
    start = 0
    used = 0
    line_break: tuple[int, list[tuple[str, str]], int] | None = None  # index after "\n", open tags, width so far
    i = 0
    while i < len(tokens):
        token = tokens[i]
        width = _width(token)
        if not _is_tag(token) and used + width > limit and i > start:
            # Break after the last line of this page if it holds at least half a page.
            if line_break and line_break[2] * 2 >= limit:
                cut, cut_stack, _ = line_break
            else:
                cut, cut_stack = i, list(stack)
            pages.append("".join(o for _, o in start_stack) + "".join(tokens[start:cut]) + _closers(cut_stack))
            start, start_stack, stack = cut, list(cut_stack), list(cut_stack)
            used, line_break, i = 0, None, cut
            continue
        if _is_tag(token):
            _step(stack, token)
        else:
            used += width
            if token == "\n":
                line_break = (i + 1, list(stack), used)
        i += 1
    pages.append("".join(o for _, o in start_stack) + "".join(tokens[start:]))
    # A page of nothing but tags and blank lines would be refused as "message text is empty".
    kept = [page for page in pages if _shows_text(page)]
    return kept or pages[:1]


def _shows_text(html: str) -> bool:
    return any(not _is_tag(t) and t not in MARKERS and not t.isspace() for t in _TOKEN.findall(html))
