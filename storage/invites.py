"""One-time invite codes that link a roster person to the Telegram account that opens them."""
from __future__ import annotations

import secrets
from datetime import datetime

import aiosqlite

from storage.timefmt import to_db


class Invites:
    def __init__(self, db: aiosqlite.Connection, now: datetime) -> None:
        self._db = db
        self._now = now

    async def open_code(self, person_id: int) -> str:
        """The person's unused code, or a new one; printing invites twice gives the same links."""
        cur = await self._db.execute(
            "SELECT code FROM invites WHERE person_id = ? AND used_at IS NULL", (person_id,)
        )
        row = await cur.fetchone()
        if row:
            return row["code"]
        # 12 url-safe characters: unguessable, and short enough for a /start payload (≤64).
        code = secrets.token_urlsafe(9)
        await self._db.execute(
            "INSERT INTO invites (code, person_id, created_at) VALUES (?, ?, ?)",
            (code, person_id, to_db(self._now)),
        )
        return code

    async def find(self, code: str) -> tuple[int, int | None] | None:
        """(person id, the account that used it or None) of a code; None if there is no such code."""
        cur = await self._db.execute(
            "SELECT person_id, used_by FROM invites WHERE code = ?", (code,)
        )
        row = await cur.fetchone()
        return (row["person_id"], row["used_by"]) if row else None

    async def use(self, code: str, telegram_id: int) -> None:
        """Spend the code on this account: only once the link it grants has been made."""
        await self._db.execute(
            "UPDATE invites SET used_at = ?, used_by = ? WHERE code = ? AND used_by IS NULL",
            (to_db(self._now), telegram_id, code),
        )

    async def used_by(self, code: str) -> int | None:
        cur = await self._db.execute("SELECT used_by FROM invites WHERE code = ?", (code,))
        row = await cur.fetchone()
        return row["used_by"] if row else None
