"""Entity parsers checked against tdlib's own test vectors (test/message_entities.cpp)."""
from __future__ import annotations

import pytest

from sandbox.entities import command_of, find_entities, utf16_len
from sandbox.html import ParseError, checked_link, parse_html
from sandbox.markdown import parse_markdown, parse_markdown_v2

S = "🏟 🏟"  # 9 bytes in UTF-8, 5 UTF-16 units: offsets below are tdlib's


@pytest.mark.parametrize(("source", "error"), [
    (f"{S}&lt;<abacaba", "Unclosed start tag at byte offset 13"),
    (f"{S}&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
    (f"{S}&lt;<abac>", 'Unsupported start tag "abac" at byte offset 13'),
    (f"{S}&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
    (f"{S}&lt;<i    aba>", 'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13'),
    (f"{S}&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
    (f"{S}&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
    (f'{S}&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
    (f"{S}&lt;</", "Unexpected end tag at byte offset 13"),
    (f"{S}&lt;<b></b></", "Unexpected end tag at byte offset 20"),
    (f"{S}&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
    (f"{S}&lt;<i>a</em   >", 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'),
    ("<b>粗体", 'Can\'t find end tag corresponding to start tag "b"'),
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
])
def test_html_errors_match_tdlib(source: str, error: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_html(source)
    assert str(info.value) == error


@pytest.mark.parametrize(("source", "text", "entities"), [
    ("&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", '<>&"&laquo;&raquo;&#12345678;', []),
    ("➡️ ➡️<i>➡️ ➡️</i><b>➡️ ➡️</b>", "➡️ ➡️➡️ ➡️➡️ ➡️",
     [("italic", 5, 5), ("bold", 10, 5)]),
    (f"{S}<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>", "🏟 🏟🏟 ><🏟", [("italic", 5, 7), ("bold", 9, 3)]),
    (f"{S}&lt;<i>{S}&lt;</>", "🏟 🏟<🏟 🏟<", [("italic", 6, 6)]),
    ("<a   href=  'telegram.org?&lt;'   > </a>", " ", [("text_link", 0, 1, "http://telegram.org/?<")]),
    ("<a>telegram.org</a>", "telegram.org", [("text_link", 0, 12, "http://telegram.org/")]),
    ("<a>telegram.org </a>", "telegram.org ", []),
    (f'{S}&lt;<pre><code class="language-fift">{S}&lt;</></>', "🏟 🏟<🏟 🏟<", [("pre", 6, 6, "fift")]),
    (f'{S}&lt;<pre> <code class="language-fift">{S}&lt;</></>', "🏟 🏟< 🏟 🏟<", [("pre", 6, 7), ("code", 7, 6)]),
    ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st", [("spoiler", 0, 1), ("spoiler", 1, 1)]),
    ("<blockquote expandable>长文</blockquote><blockquote>引</blockquote>", "长文引",
     [("expandable_blockquote", 0, 2), ("blockquote", 2, 1)]),
    ("a & b &nbsp;", "a & b &nbsp;", []),
])
def test_html_results_match_tdlib(source: str, text: str, entities: list[tuple]) -> None:
    got_text, got = parse_html(source)
    assert got_text == text
    simplified = [tuple(v for k, v in e.items() if k in ("type", "offset", "length", "url", "language")) for e in got]
    assert simplified == entities


def test_strict_html_rejects_bare_ampersand() -> None:
    with pytest.raises(ParseError):
        parse_html("a & b", strict=True)


@pytest.mark.parametrize(("source", "error"), [
    (f"{S}_abacaba", "Can't find end of Italic entity at byte offset 9"),
    (f"{S}_abac * asd ", "Can't find end of Bold entity at byte offset 15"),
    (f"{S}`", "Can't find end of Code entity at byte offset 9"),
    (f"{S}```", "Can't find end of Pre entity at byte offset 9"),
    (f"{S}__", "Can't find end of Underline entity at byte offset 9"),
    ("[telegram\\.org](asd", "Can't find end of a URL at byte offset 16"),
    (".", "Character '.' is reserved and must be escaped with the preceding '\\'"),
    ("1-2", "Character '-' is reserved and must be escaped with the preceding '\\'"),
])
def test_markdown_v2_errors_match_tdlib(source: str, error: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_markdown_v2(source)
    assert str(info.value) == error


@pytest.mark.parametrize(("source", "text", "entities"), [
    (f"{S}_abac \\* asd _", "🏟 🏟abac * asd ", [("italic", 5, 11)]),
    (f"{S}_🏟 __🏟___", "🏟 🏟🏟 🏟", [("italic", 5, 5), ("underline", 8, 2)]),
    ("[telegram\\.org](https://telegram.dog?)", "telegram.org", [("text_link", 0, 12, "https://telegram.dog/?")]),
    ("[telegram\\.org](asdasd)", "telegram.org", []),
    ("||秘密|| `代码`", "秘密 代码", [("spoiler", 0, 2), ("code", 3, 2)]),
])
def test_markdown_v2_results_match_tdlib(source: str, text: str, entities: list[tuple]) -> None:
    got_text, got = parse_markdown_v2(source)
    assert got_text == text
    assert [tuple(v for k, v in e.items() if k in ("type", "offset", "length", "url")) for e in got] == entities


def test_legacy_markdown() -> None:
    assert parse_markdown("*粗* _斜_ [链接](example.com)") == (
        "粗 斜 链接", [{"type": "bold", "offset": 0, "length": 1}, {"type": "italic", "offset": 2, "length": 1},
                    {"type": "text_link", "offset": 4, "length": 2, "url": "http://example.com/"}])
    with pytest.raises(ParseError, match="Can't find end of the entity starting at byte offset 0"):
        parse_markdown("*open")


def test_checked_link() -> None:
    assert checked_link("https://example.com") == "https://example.com/"
    assert checked_link("example.com/a?b=1") == "http://example.com/a?b=1"
    assert checked_link("tg://resolve?domain=x") == "tg://resolve?domain=x"
    for bad in ("", "ftp://example.com", "javascript:alert(1)", "http://localhost", "not a url", "asdasd"):
        assert checked_link(bad) is None, bad


def test_bot_command_and_mentions_use_utf16_offsets() -> None:
    text = "👍居委会 /help@sanzhang_bot 请 @wang_ming 看 https://a.cn/x。#通知"
    ents = find_entities(text)
    kinds = [(e["type"], e["offset"], e["length"]) for e in ents]
    assert ("bot_command", 6, 18) in kinds  # 👍 is 2 UTF-16 units, 居委会 3, space 1
    assert ("mention", 27, 10) in kinds
    url = next(e for e in ents if e["type"] == "url")
    assert text.encode("utf-16-le")[url["offset"] * 2:(url["offset"] + url["length"]) * 2].decode("utf-16-le") \
        == "https://a.cn/x"
    assert any(e["type"] == "hashtag" for e in ents)
    assert utf16_len("👍居") == 3


def test_command_detection_rules() -> None:
    assert command_of("/start", find_entities("/start")) == ("start", None)
    assert command_of("/start@other_bot x", find_entities("/start@other_bot x")) == ("start", "other_bot")
    assert find_entities("你好/start") == []  # a letter before "/" is no command
    assert find_entities("a/b") == []
    assert command_of("hi /start", find_entities("hi /start")) is None  # not at offset 0
