"""Tallies for the community secretary: /stats, /export (the 台账 as XLSX) and the weekly digest."""
from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Grid, Person
from bot.elders.tally import visit_lines
from bot.incoming import Incoming
from bot.messages import document_message, photo_message, text_message
from bot.nlu import CATEGORY_LABELS
from bot.tasks import chart, render
from bot.tasks.common import is_staff, month_start, staff_grids, week_start
from bot.tasks.digest import DIGEST_GRACE, DigestSettings, digest_text, period_label, week_before
from bot.tasks.export import build_workbook, read_export
from bot.tasks.stats import (RATING_LABELS, STATUS_ORDER, TicketNumbers, place_rates, responder_rates,
                             task_totals, ticket_numbers)
from bot.texts import e, not_linked
from bot.tickets.model import STATUS_LABELS
from bot.tickets.sla import SlaPolicy
from storage import Store, Tx
from storage.jobs import Job

log = logging.getLogger(__name__)

_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
CAPTION_LIMIT = 1024


class Scope:
    """Whose numbers: a community, optionally one grid, with a name for titles."""

    def __init__(self, community_id: int, grid: Grid | None, name: str) -> None:
        self.community_id = community_id
        self.grid = grid
        self.name = name

    @property
    def grid_id(self) -> int | None:
        return self.grid.id if self.grid else None


def parse_range(text: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime, str] | None:
    """[start, end) from "2026-11-01 2026-11-30", "本月", "上月", "本周", "上周"; default this month."""
    try:
        dates = [date(int(y), int(m), int(d)) for y, m, d in _DATE_RE.findall(text)]
    except ValueError:  # "2026-13-01", "2026-02-30"
        return None
    local = now.astimezone(zone)
    if dates:
        first, last = dates[0], dates[-1]
        if last < first:
            return None
        start = datetime.combine(first, time(0), zone)
        end = datetime.combine(last + timedelta(days=1), time(0), zone)
        return start, end, f"{first:%Y-%m-%d}至{last:%Y-%m-%d}"
    if "上月" in text or "上个月" in text:
        end = month_start(now, zone)
        start = month_start(end - timedelta(days=1), zone)
        return start, end, f"{start.astimezone(zone):%Y年%m月}"
    if "上周" in text:
        end = week_start(now, zone)
        return end - timedelta(days=7), end, "上周"
    if "本周" in text:
        start = week_start(now, zone)
        return start, start + timedelta(days=7), "本周"
    start = month_start(now, zone)
    end = month_start(start + timedelta(days=32), zone)
    return start, end, f"{local:%Y年%m月}"


class Tally:
    def __init__(self, store: Store, zone: ZoneInfo, sla: SlaPolicy | None = None,
                 digest: DigestSettings | None = None) -> None:
        self._store = store
        self._zone = zone
        self._sla = sla or SlaPolicy()
        self.digest = digest or DigestSettings()

    # -- who may see what ------------------------------------------------------------------

    async def _scopes(self, tx: Tx, msg: Incoming, person: Person | None, arg: str) -> list[Scope] | str:
        """The grids (or the community) the asker may see; a refusal text otherwise."""
        if person is None:
            return not_linked()
        if not msg.is_private:
            binding = await tx.groups.binding(msg.chat_id)
            if binding is None:
                return "这个群还没有绑定网格。"
            if not is_staff(person, binding.grid.community_id, binding.grid.id):
                return "只有网格员和社区管理员可以查看统计。"
            unknown = _unknown_grid(arg, await tx.places.grids(binding.grid.community_id))
            if unknown is not None:
                return f"没有找到「{e(unknown)}」。在这个群里查看的是{e(binding.grid.name)}的统计。"
            return [Scope(binding.grid.community_id, binding.grid, binding.grid.name)]
        grids = await tx.places.grids(person.community_id)
        named = [g for g in grids if g.name in arg]
        admin = any(a.role.value == "admin" for a in person.roles)
        mine = staff_grids(person)
        unknown = _unknown_grid(arg, grids)
        if unknown is not None:
            allowed = [g.name for g in grids if admin or g.id in mine]
            if not allowed:
                return "只有网格员和社区管理员可以查看统计。"
            return f"没有找到「{e(unknown)}」。您可以查看的网格: {'、'.join(e(n) for n in allowed)}。"
        if named:
            allowed = [g for g in named if admin or g.id in mine]
            if not allowed:
                return "您只能查看自己网格的统计。"
            return [Scope(g.community_id, g, g.name) for g in allowed]
        if admin:
            community = grids[0].community if grids else "社区"
            return [Scope(person.community_id, None, community)]
        chosen = [g for g in grids if g.id in mine]
        if not chosen:
            return "只有网格员和社区管理员可以查看统计。"
        return [Scope(g.community_id, g, g.name) for g in chosen]

    # -- /stats ----------------------------------------------------------------------------

    async def _allowed_scopes(self, tx: Tx, msg: Incoming, arg: str) -> list[Scope] | None:
        """The grids this person may look at, or None after telling them why not."""
        person = await tx.people.by_telegram_id(msg.user_id) if msg.user_id else None
        scopes = await self._scopes(tx, msg, person, arg)
        if isinstance(scopes, str):
            await tx.outbox.enqueue(text_message(msg.chat_id, scopes, reply_to=msg.message_id))
            return None
        return scopes

    async def stats_command(self, msg: Incoming, arg: str = "") -> None:
        async with self._store.tx(msg.update_id) as tx:
            scopes = await self._allowed_scopes(tx, msg, arg)
            for scope in scopes or []:
                await tx.outbox.enqueue(text_message(msg.chat_id, await self.stats_text(tx, scope)))

    async def stats_text(self, tx: Tx, scope: Scope) -> str:
        now = tx.now
        local = now.astimezone(self._zone)
        lines = [f"📊 <b>{e(scope.name)} 统计</b> ({local.month}月{local.day}日 {local:%H:%M})"]
        week = week_start(now, self._zone)
        month = month_start(now, self._zone)
        for title, start in ((f"本周 ({week.month}月{week.day}日起)", week), (f"本月 ({month.month}月)", month)):
            lines.append("")
            lines.append(f"<b>{title}</b>")
            lines += await self._period_lines(tx, scope, start, now)
        return "\n".join(lines)

    async def _period_lines(self, tx: Tx, scope: Scope, start: datetime, end: datetime) -> list[str]:
        rows = await tx.stats.tickets(scope.community_id, scope.grid_id, start, end)
        numbers = ticket_numbers(rows, tx.now, self._sla)
        targets = await tx.stats.task_targets(scope.community_id, scope.grid_id, start, end)
        visits = await visit_lines(tx, scope.community_id, scope.grid_id, start, end)
        return ticket_lines(numbers) + task_lines(targets) + visits

    # -- /export ---------------------------------------------------------------------------

    async def export_command(self, msg: Incoming, arg: str = "") -> None:
        async with self._store.tx(msg.update_id) as tx:
            scopes = await self._allowed_scopes(tx, msg, arg)
            if scopes is None:
                return
            found = parse_range(arg, tx.now, self._zone)
            if found is None:
                await tx.outbox.enqueue(text_message(
                    msg.chat_id, "日期没看懂。例如「/export 2026-11-01 2026-11-30」, 或「/export 上月」。",
                    reply_to=msg.message_id))
                return
            start, end, label = found
            if not await tx.groups.can_write_to(msg.user_id):
                await tx.outbox.enqueue(text_message(
                    msg.chat_id, "台账要私信发给您, 请先私聊我发送 /start。", reply_to=msg.message_id))
                return
            for scope in scopes:
                data = await read_export(tx, scope.community_id, scope.grid_id, start, end,
                                         f"{scope.name} 台账 {label}")
                content = build_workbook(data, self._zone)
                counts = data.counts
                caption = (f"{e(scope.name)} 台账 · {e(label)}\n诉求 {counts['诉求']} 件 · 任务 {counts['任务']} 项"
                           f" · 通知 {counts['通知']} 条")
                filename = f"台账-{scope.name}-{start.astimezone(self._zone):%Y%m%d}-" \
                           f"{(end - timedelta(seconds=1)).astimezone(self._zone):%Y%m%d}.xlsx"
                await tx.outbox.enqueue(document_message(msg.user_id, content, filename, caption))
            if not msg.is_private:
                await tx.outbox.enqueue(text_message(msg.chat_id, "台账已私信发给您。", reply_to=msg.message_id))

    # -- the weekly digest -----------------------------------------------------------------

    async def on_digest_job(self, tx: Tx, job: Job) -> datetime:
        if job.due_at > tx.now:
            return job.due_at
        settings = self.digest
        if (settings.enabled and job.due_at.year > 2000 and settings.is_slot(job.due_at, self._zone)
                and tx.now - job.due_at < DIGEST_GRACE):
            await self.post_digests(tx, job.due_at)
        return settings.next_slot(tx.now, self._zone)

    async def post_digests(self, tx: Tx, slot: datetime) -> int:
        start, end = week_before(slot, self._zone)
        words, digits = period_label(start, end, self._zone)
        sent = 0
        for binding in await tx.groups.all():
            grid = binding.grid
            text, png = await self.digest_for(tx, grid, start, end, words, digits)
            ref = f"dg:{slot.astimezone(self._zone):%Y%m%d}:{binding.chat_id}"
            if png is not None and len(text) <= CAPTION_LIMIT:
                await tx.outbox.enqueue(photo_message(binding.chat_id, png, caption=text, ref=ref))
            else:
                await tx.outbox.enqueue(text_message(binding.chat_id, text, ref=ref))
            sent += 1
        return sent

    async def digest_for(self, tx: Tx, grid: Grid, start: datetime, end: datetime, words: str,
                         digits: str) -> tuple[str, bytes | None]:
        rows = await tx.stats.tickets(grid.community_id, grid.id, start, end)
        numbers = ticket_numbers(rows, end, self._sla)
        targets = await tx.stats.task_targets(grid.community_id, grid.id, start, end)
        places = place_rates(targets)
        low = [r for r in places if r.done < r.expected]
        points = await tx.points.ranking(grid.community_id, start, end)
        visits = await visit_lines(tx, grid.community_id, grid.id, start, end)
        text = digest_text(grid.name, words, numbers, task_totals(targets), low, points, visits)
        try:
            png = chart.render_chart(digits, chart.ticket_bars(numbers.by_category), chart.unit_bars(places))
        except Exception:  # a picture is a bonus: the words still go out
            log.exception("digest chart for %s failed", grid.name)
            png = None
        return text, png


_GRID_WORD_RE = re.compile(r"[^\s,，、:：]{0,8}?网格(?![员长])")


def _unknown_grid(arg: str, grids: list[Grid]) -> str | None:
    """A grid named in the words after /stats or /export that the community does not have: "第三网格"."""
    for word in arg.split():
        if any(g.name in word for g in grids):
            continue
        m = _GRID_WORD_RE.search(word)
        if m and m.group(0) != "网格":
            return m.group(0)
    return None


def ticket_lines(n: TicketNumbers) -> list[str]:
    if not n.total:
        return ["诉求: 0 件"]
    lines = [f"诉求 {n.total} 件: " + " · ".join(f"{CATEGORY_LABELS.get(c, '其他')} {k}" for c, k in n.by_category.items())]
    lines.append("状态: " + " · ".join(f"{STATUS_LABELS[s]} {n.by_status[s]}" for s in STATUS_ORDER if s in n.by_status))
    lines.append(f"接单用时中位数 {_span(n.median_accept)} · 办结用时中位数 {_span(n.median_resolve)}")
    lines.append(f"超时 {n.overdue} 件")
    if n.rated:
        parts = " · ".join(f"{RATING_LABELS[k]} {v}" for k, v in n.ratings.items())
        lines.append(f"满意度: {parts} (满意率 {n.satisfaction}%)")
    else:
        lines.append("满意度: 暂无评价")
    return lines


def task_lines(targets: list[dict]) -> list[str]:
    count, done, expected = task_totals(targets)
    if not count:
        return ["任务: 0 项"]
    rate = round(100 * done / expected) if expected else 0
    lines = [f"任务 {count} 项, 完成 {done}/{expected} ({rate}%)"]
    rates = responder_rates(targets)
    lines.append("各人完成率: " + " · ".join(f"{e(r.label)} {r.done}/{r.expected}" for r in rates))
    return lines


def _span(delta: timedelta | None) -> str:
    return render.span(delta) if delta is not None else "-"
