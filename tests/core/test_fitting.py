"""Every text fits Telegram's limits before it is queued: shortened where people's words are, never broken."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.model.fitting import CAPTION_LIMIT, TEXT_LIMIT, fit_html, split_html, utf16_len, visible_len
from bot.model.messages import Outgoing, edit_text, photo_message, text_message, text_pages
from sandbox.formatting import format_text
from bot.tickets import render
from bot.model.tickets import Ticket

ZONE = ZoneInfo("Asia/Shanghai")
LONG_REPORT = "3单元201家的厨房管道老化漏水了。" + "水一直往下滴, 楼下邻居家的天花板也湿了, " * 200


def as_telegram_shows(html: str, caption: bool = False) -> str:
    """The text Telegram would store; raises as Telegram refuses (too long, unparsable HTML)."""
    return format_text(html, "HTML", None, caption=caption)[0]


def ticket(text: str) -> Ticket:
    at = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
    return Ticket(community_id=1, grid_id=1, building="1", unit="3", room="201", category="water", urgent=False,
                  text=text, reporter_tg=5, reporter_person_id=5, reporter_name="李红", source_chat_id=-100,
                  source_message_id=7, assignee_person_id=2, id=23, status="open", created_at=at, assigned_at=at)


def test_a_text_within_the_limit_is_sent_as_it_is():
    card = render.card(ticket("厨房漏水了 <急> & 快"), "13800000005", ZONE, "第一网格群")
    message = text_message(1, card)
    assert message.params["text"] == card.replace("\ue000", "").replace("\ue001", "")
    assert "「厨房漏水了 &lt;急&gt; &amp; 快」" in message.params["text"]


def test_a_long_report_shortens_the_quote_and_keeps_the_rest_of_the_card():
    card = render.card(ticket(LONG_REPORT), "13800000005", ZONE, "第一网格群", note="由祝兰红转来")
    shown = as_telegram_shows(text_message(1, card).params["text"])
    assert utf16_len(shown) <= TEXT_LIMIT
    assert shown.startswith("#23 给排水 · 1栋3单元201")
    assert "…」\n报告人: 李红 13800000005\n" in shown  # the quote gave way, who to call did not
    assert shown.endswith("由祝兰红转来")


def test_length_is_counted_after_parsing_in_utf16_units():
    assert visible_len("<b>" + "&amp;" * 4096 + "</b>") == 4096  # markup is free, an entity is one
    assert fit_html("&amp;" * 4096) == "&amp;" * 4096
    assert visible_len("😀") == 2  # outside the BMP: two UTF-16 units
    fitted = fit_html("😀" * 3000)
    assert utf16_len(fitted) <= TEXT_LIMIT and fitted.endswith("…")


def test_a_cut_never_falls_inside_a_tag_or_an_entity_and_closes_what_it_opened():
    html = '<b>注意</b> <a href="https://example.com/a?b=1&amp;c=2"><i>' + "&lt;&amp;&gt;" * 3000 + "</i></a>"
    fitted = fit_html(html)
    shown = as_telegram_shows(fitted)  # parses: no half tag, no half "&amp;", no tag left open
    assert utf16_len(shown) <= TEXT_LIMIT
    assert fitted.endswith("…</i></a>")
    assert shown.startswith("注意 <&><&>")


def test_captions_and_edits_are_fitted_too():
    photo = photo_message(1, b"png", caption="<b>本周小结</b>\n" + "字" * 2000)
    assert utf16_len(as_telegram_shows(photo.params["caption"], caption=True)) <= CAPTION_LIMIT
    edit = edit_text(1, "t1:card:1", "字" * 5000)
    assert utf16_len(as_telegram_shows(edit.params["text"])) <= TEXT_LIMIT
    plain = Outgoing(1, "sendMessage", {"text": "字" * 5000})  # built by hand, without parse_mode
    assert utf16_len(plain.params["text"]) <= TEXT_LIMIT


def test_a_long_history_is_paged_whole_with_buttons_on_the_last_page():
    lines = [f"<b>11月{day % 28 + 1}日</b> 李红 补充意见: {'水还在滴' * 30}" for day in range(120)]
    html = "\n".join(lines)
    pages = text_pages(1, html, keyboard={"inline_keyboard": [[{"text": "接单", "callback_data": "t:1:acc"}]]})
    assert len(pages) > 1
    shown = [as_telegram_shows(p.params["text"]) for p in pages]
    assert all(utf16_len(s) <= TEXT_LIMIT for s in shown)
    assert "\n".join(shown) == as_telegram_shows_unlimited(html)  # nothing lost, pages break between lines
    assert [("reply_markup" in p.params) for p in pages] == [False] * (len(pages) - 1) + [True]


def test_one_very_long_line_is_paged_too_with_its_tags_reopened():
    html = "<b>" + "楼道灯坏了" * 2000 + "</b>"
    pages = split_html(html)
    assert len(pages) == 3
    for page in pages:
        assert page.startswith("<b>") and page.endswith("</b>")
        assert utf16_len(as_telegram_shows(page)) <= TEXT_LIMIT


def as_telegram_shows_unlimited(html: str) -> str:
    from sandbox.html import parse_html
    return parse_html(html)[0].strip()
