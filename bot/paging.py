"""Lists too long for one message: a page at a time with 上一页/下一页, the list itself kept in the database.

A list is the ids it shows, in order, written down when it is first asked for; each page is drawn
fresh from them, so a ticket's status is today's. The buttons carry only "pg:<list>:<page>", checked
on the way back: another person's list, a page that does not exist or a list too old to keep get a
polite word, never an error.

    pager.kind("mine", render_lines, hint="发 /ticket 编号 查看详情")
    await pager.open(tx, "mine", user_id, chat_id, "待您处理", ids)
"""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.model.messages import Button, Outgoing, inline_keyboard, text_message
from bot.model.messages import Answer
from bot.texts import e
from storage import Store, Tx

PAGE_SIZE = 10
# Longer lists are cut here: 100 pages is more than anyone reads on a phone; /export has the rest.
MAX_ITEMS = 1000
PREFIX = "pg"
_DATA_RE = re.compile(r"^pg:(\d{1,12}):(\d{1,4})$")

# The lines of one page, one per id, in the order given.
Lines = Callable[[Tx, list[int]], Awaitable[list[str]]]
# A list's last line, given its first id (for an example: "发 /ticket 23 查看详情").
Hint = Callable[[list[int]], str]

EXPIRED = "这个列表已经过期了, 请重新发一次命令。"
NOT_YOURS = "这是别人的列表, 请自己发一次命令查看。"
NO_SUCH_PAGE = "没有这一页了。"


@dataclass(frozen=True)
class _Kind:
    lines: Lines
    hint: Hint | None
    size: int
    unit: str


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def page_buttons(state_id: int, page: int, pages: int) -> dict | None:
    """上一页 / 下一页 as fit the page; None for a list of one page."""
    if pages <= 1:
        return None
    row = []
    if page > 0:
        row.append(Button("⬅️ 上一页", f"{PREFIX}:{state_id}:{page - 1}"))
    if page < pages - 1:
        row.append(Button("下一页 ➡️", f"{PREFIX}:{state_id}:{page + 1}"))
    return inline_keyboard([row])


def parse_press(data: str) -> tuple[int, int] | None:
    """"pg:12:3" → (12, 3); anything else (forged, truncated, huge numbers) → None."""
    m = _DATA_RE.match(data or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


class Pager:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._kinds: dict[str, _Kind] = {}

    def kind(self, name: str, lines: Lines, hint: Hint | None = None, size: int = PAGE_SIZE,
             unit: str = "条") -> None:
        """A kind of list: how to draw a page's items, how many to a page, what they are counted in."""
        self._kinds[name] = _Kind(lines, hint, size, unit)

    async def open(self, tx: Tx, kind: str, telegram_id: int, chat_id: int, title: str, ids: list[int],
                   empty: str | None = None, reply_to: int | None = None, total: int | None = None) -> None:
        """Queue the list's first page; a list of one page is a plain message with no state kept.

        `total`: how many there are in all when `ids` is only the first part (the header must not
        call a list cut at MAX_ITEMS a list of MAX_ITEMS)."""
        if not ids:
            await tx.outbox.enqueue(text_message(chat_id, empty or f"{title}: 暂时没有。", reply_to=reply_to))
            return
        total = max(total or 0, len(ids))
        ids = ids[:MAX_ITEMS]
        state_id = 0
        if len(ids) > self._kinds[kind].size:
            state_id = await tx.pages.create(kind, telegram_id, chat_id, title, ids, total)
        text, keyboard = await self._render(tx, kind, title, ids, 0, state_id, total)
        await tx.outbox.enqueue(text_message(chat_id, text, keyboard=keyboard, reply_to=reply_to))

    async def press(self, update_id: int, user_id: int, chat_id: int, message_id: int, data: str) -> Answer:
        """Show another page of a list, in the message whose button was pressed."""
        parsed = parse_press(data)
        if parsed is None:
            return Answer(EXPIRED)
        state_id, page = parsed
        async with self._store.tx(update_id) as tx:
            state = await tx.pages.get(state_id)
            if state is None or state.kind not in self._kinds or state.chat_id != chat_id:
                return Answer(EXPIRED)
            if state.telegram_id != user_id:
                return Answer(NOT_YOURS, alert=True)
            pages = page_count(len(state.items), self._kinds[state.kind].size)
            if page >= pages:
                return Answer(NO_SUCH_PAGE)
            text, keyboard = await self._render(tx, state.kind, state.title, list(state.items), page, state.id,
                                                state.total)
            await tx.outbox.enqueue(_edit(chat_id, message_id, text, keyboard))
        return Answer(f"第 {page + 1}/{pages} 页")

    async def _render(self, tx: Tx, kind: str, title: str, ids: list[int], page: int,
                      state_id: int, total: int) -> tuple[str, dict | None]:
        spec = self._kinds[kind]
        pages = page_count(len(ids), spec.size)
        shown = ids[page * spec.size:(page + 1) * spec.size]
        head = f"<b>{e(title)}</b>"
        cut = total > len(ids)
        if cut:
            head += f" (共 {total} {spec.unit}, 这里列出前 {len(ids)} {spec.unit}, 第 {page + 1}/{pages} 页)"
        elif pages > 1:
            head += f" (共 {total} {spec.unit}, 第 {page + 1}/{pages} 页)"
        lines = [head, *await spec.lines(tx, shown)]
        if cut and page == pages - 1:
            lines.append(f"其余 {total - len(ids)} {spec.unit}没有列出, 完整的请用 /export 导出台账。")
        if spec.hint is not None:
            lines.append(spec.hint(shown))
        return "\n".join(lines), page_buttons(state_id, page, pages)


def _edit(chat_id: int, message_id: int, text: str, keyboard: dict | None) -> Outgoing:
    params = {"message_id": message_id, "text": text, "parse_mode": "HTML",
              "link_preview_options": {"is_disabled": True},
              "reply_markup": keyboard or {"inline_keyboard": []}}
    return Outgoing(chat_id, "editMessageText", params)

