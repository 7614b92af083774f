"""A browser's side of the desk for the fast tests: log in through /desk, get pages, post forms."""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from sandbox.playground import Playground

LINK = re.compile(r"(http://\S+/login/[A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def login_link(pg: Playground, name: str) -> str:
    sent = await pg.say(name, "/desk")
    found = [m.group(1) for s in sent if s.chat_id == pg.private(name).id and (m := LINK.search(s.text))]
    assert found, [s.text for s in sent]
    return found[-1]


@asynccontextmanager
async def desk_client(pg: Playground, name: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client that followed `name`'s login link: it holds the session cookie."""
    link = await login_link(pg, name)
    async with httpx.AsyncClient(base_url=pg.web_url, timeout=10) as client:
        page = await client.get(link)
        assert page.status_code == 200 and "进入工作台" in page.text
        answer = await client.post(link)
        assert answer.status_code == 303 and answer.headers["location"] == "/desk/tickets", answer.text
        yield client


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)
