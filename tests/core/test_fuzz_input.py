"""Random texts, ids and callback data through the parsing helpers: nothing raises, every result is sane."""
from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.model.fitting import CAPTION_LIMIT, TEXT_LIMIT, fit_html, fit_plain, split_html, strip_markers, utf16_len
from bot.conversation.groups import grid_key, match_grids
from bot.model.ids import MAX_ID, parse_callback, parse_id
from bot.model.domain import Grid
from bot.model.messages import shortenable
from bot.nlu import parse
from bot.nlu.awards import parse_add_command, parse_award
from bot.nlu.addresses import parse_address
from sandbox.formatting import format_text
from sandbox.html import parse_html
from bot.tasks.common import ref_id
from bot.texts import e
from bot.tickets.service import FOLLOW_LINK, OLD_FOLLOW_LINK, parse_button

# Digits of every script, signs, separators and huge numbers: what people and forged clients send.
NUMBERISH = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet="0123456789٠١٢٣²³#+-_ :.\u3000", max_size=30),
    st.text(max_size=40),
)
CALLBACK = st.one_of(
    st.text(max_size=64),
    st.builds(lambda p, n, a, r: f"{p}:{n}:{a}" + (f":{r}" if r is not None else ""),
              st.sampled_from(["t", "k", "n", "a", "x", ""]), NUMBERISH,
              st.sampled_from(["acc", "res", "to", "rate", "ok", "pk", "who", "", "y"]),
              st.one_of(st.none(), NUMBERISH)),
)
GRIDS = [Grid(1, 1, "长山花园社区", "第一网格"), Grid(2, 1, "长山花园社区", "第二网格")]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(NUMBERISH)
def test_an_id_is_a_positive_number_the_database_can_hold_or_none(text):
    value = parse_id(text)
    assert value is None or 1 <= value <= MAX_ID


@FAST
@given(CALLBACK)
def test_callback_data_parses_to_a_storable_id_or_to_nothing(data):
    for prefix in ("t", "k", "n"):
        parsed = parse_callback(data, prefix)
        assert parsed is None or 1 <= parsed[0] <= MAX_ID
    ticket = parse_button(data)
    assert ticket is None or 1 <= ticket[0] <= MAX_ID
    ref = ref_id(data, "k")
    assert ref is None or ref >= 0


@FAST
@given(st.text(max_size=80))
def test_start_payloads_and_grid_names_never_raise(text):
    FOLLOW_LINK.match(text)
    if (old := OLD_FOLLOW_LINK.match(text)) is not None:
        parse_id(old.group(1))
    grid_key(text)
    match_grids(text, GRIDS)
    parse_address(text)


@FAST
@given(st.sampled_from(["add", "加", "记", "ADD"]), st.text(max_size=8), NUMBERISH, st.text(max_size=20))
def test_a_points_command_with_any_amount_never_raises(verb, name, amount, reason):
    """/points add 名字 分数 理由, with "²" or a sign or a huge number as the amount."""
    parse_add_command(f"{verb} {name or '李红'} {amount} {reason}")
    parse_award(f"给{name}记{amount}分 {reason}")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_anything_a_person_writes_is_understood_without_raising(text):
    parse(text, datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc))


# Messages as the bot builds them: its own tags around people's escaped (and marked) words.
WORDS = st.text(max_size=600).map(e)
PIECE = st.one_of(
    WORDS,
    WORDS.map(shortenable),
    WORDS.map(lambda w: f"<b>{w}</b>"),
    WORDS.map(lambda w: f'<a href="https://t.me/sanzhang_bot?start=f_x">{w}</a>'),
    st.just("\n"),
)
MESSAGE = st.lists(PIECE, max_size=25).map("".join)


@FAST
@given(MESSAGE, st.sampled_from([TEXT_LIMIT, CAPTION_LIMIT, 200]))
def test_a_fitted_message_parses_and_fits_as_telegram_counts(html, limit):
    fitted = fit_html(html, limit)
    plain, _ = parse_html(fitted)  # raises on a cut tag, a cut entity or a tag left open
    assert utf16_len(plain) <= limit
    if utf16_len(parse_html(strip_markers(html))[0]) <= limit:
        assert fitted == strip_markers(html)


@FAST
@given(MESSAGE)
def test_every_page_of_a_long_message_is_accepted_by_telegram(html):
    if not parse_html(strip_markers(html))[0].strip():
        return  # an empty message is the caller's mistake, not something paging can mend
    for page in split_html(html):
        plain, _ = format_text(page, "HTML", None)  # the fake's own check: empty, length and markup
        assert utf16_len(plain) <= TEXT_LIMIT


@FAST
@given(st.text(max_size=5000), st.sampled_from([TEXT_LIMIT, CAPTION_LIMIT]))
def test_a_plain_text_is_cut_to_the_limit(text, limit):
    assert utf16_len(fit_plain(text, limit)) <= limit
