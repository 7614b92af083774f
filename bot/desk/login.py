"""/desk: a one-time link into the web desk, and the sessions it opens."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot import policy, texts
from bot.model.domain import Person
from bot.model.incoming import Incoming
from bot.model.messages import text_message
from storage import Store

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=12)
LOGIN_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def token_hash(token: str) -> str:
    """Only hashes are stored: the database alone lets nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    person: Person
    csrf: str
    token: str


class DeskLogin:
    def __init__(self, store: Store) -> None:
        self._store = store
        # The public address of the web server: set once it listens (an ephemeral port in tests).
        self.base_url: str | None = None

    async def desk_command(self, msg: Incoming) -> None:
        async with self._store.tx(msg.update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id)
            base = self.base_url
            if not policy.may_use_desk(person):
                await tx.outbox.enqueue(text_message(msg.chat_id, texts.desk_refused()))
                return
            if base is None:
                await tx.outbox.enqueue(text_message(msg.chat_id, texts.desk_unavailable()))
                return
            token = secrets.token_urlsafe(32)
            await tx.desk.add_login(token_hash(token), person.id, tx.now + LINK_LIFETIME)
            out = text_message(msg.chat_id, texts.desk_link(f"{base.rstrip('/')}/login/{token}",
                                                            int(LINK_LIFETIME.total_seconds() // 60)))
            # A link preview would fetch the page; the page asks for a click anyway, but no need.
            out.params["link_preview_options"] = {"is_disabled": True}
            await tx.outbox.enqueue(out)

    async def log_in(self, token: str) -> Session | None:
        """Use up a login link: a new session for its person, or None (unknown, used, expired)."""
        if not LOGIN_TOKEN.match(token):
            return None
        async with self._store.tx() as tx:
            person_id = await tx.desk.use_login(token_hash(token))
            person = await tx.people.get(person_id) if person_id is not None else None
            if not policy.may_use_desk(person):
                return None
            session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
            await tx.desk.add_session(token_hash(session), person.id, csrf, tx.now + SESSION_LIFETIME)
        return Session(person, csrf, session)

    async def session(self, token: str | None) -> Session | None:
        """The live session a cookie names, with its person as they are now (roles may change)."""
        if not token or not LOGIN_TOKEN.match(token):
            return None
        async with self._store.read() as r:
            found = await r.desk.session(token_hash(token))
            if found is None:
                return None
            person = await r.people.get(found[0])
        if not policy.may_use_desk(person):
            return None
        return Session(person, found[1], token)

    async def log_out(self, token: str) -> None:
        async with self._store.tx() as tx:
            await tx.desk.end_session(token_hash(token))
