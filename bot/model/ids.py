"""Ids that come from people and buttons, checked before they reach the database."""
from __future__ import annotations

# SQLite stores INTEGER in 8 signed bytes: a larger number raises OverflowError in the driver.
MAX_ID = 2**63 - 1
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(text: str | None) -> int | None:
    """A positive id typed after a command, carried in callback data or in a link; None if it is not one.

    Only ASCII digits count ("²" and "٣" are digits to str.isdigit but not ids), a leading "#" is
    allowed ("/ticket #23"), and anything beyond what the database can hold is simply not an id.
    """
    if text is None:
        return None
    digits = text.strip().removeprefix("#").lstrip("0")
    if not digits or len(digits) > _MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return value if value <= MAX_ID else None


def parse_callback(data: str | None, prefix: str) -> tuple[int, str, list[str]] | None:
    """Callback data of one of our buttons: "k:12:pk:45" → (12, "pk", ["45"]) for prefix "k".

    None for anything else, however it was made: an old version's button, a forged press.
    """
    parts = (data or "").split(":")
    if len(parts) < 3 or parts[0] != prefix:
        return None
    record_id = parse_id(parts[1])
    if record_id is None:
        return None
    return record_id, parts[2], parts[3:]
