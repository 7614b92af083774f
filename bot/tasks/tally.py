"""Tallies for the community secretary: /stats, /export (the 台账 as XLSX) and the weekly digest."""
from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.model.domain import Grid, Person
from bot.elders.tally import visit_lines
from bot.model.incoming import Incoming
from bot.model.messages import document_message, photo_message, text_message
from bot.nlu import CATEGORY_LABELS
from bot.tasks import chart, render
from bot.policy import grids_run_by, may_see_community_stats, may_see_grid_stats, staff_grids
from bot.tasks.common import month_start, week_start
from bot.tasks.digest import DIGEST_GRACE, DIGEST_JOB, DigestSettings, digest_text, period_label, week_before
from bot.delivery.jobs import JobRunner
from bot.refusals import refuse
from bot.tasks.export import TELEGRAM_FILE_LIMIT, ExportRequest, export_in_worker
from bot.tasks.stats import (RATING_LABELS, STATUS_ORDER, Rate, TicketNumbers, numbers_from_tally, place_rates,
                             rates_from_counts, rating_values, sla_limits, tally_facts, task_totals)
from bot.texts import e, not_linked
from bot.model.tickets import STATUS_LABELS
from bot.tickets.sla import SlaPolicy
from storage import Store, Tx
from storage.jobs import Job

log = logging.getLogger(__name__)

_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
CAPTION_LIMIT = 1024
EXPORT_JOB = "export"
DIGEST_GROUP_JOB = "weekly_digest_group"
# A summary names this many people (and grids); the export has everyone.
TOP_PEOPLE = 10
TOP_GRIDS = 5


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
        # "11-30 11-01" means the same month as "11-01 11-30": the order is not worth a refusal.
        first, last = min(dates[0], dates[-1]), max(dates[0], dates[-1])
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


class _Refusal(str):
    """An answer that says no: told to the person privately rather than to the whole group."""


STAFF_ONLY = _Refusal("只有网格员和社区管理员可以查看统计。")


class Tally:
    def __init__(self, store: Store, zone: ZoneInfo, sla: SlaPolicy | None = None,
                 digest: DigestSettings | None = None, jobs: JobRunner | None = None) -> None:
        self._store = store
        self._zone = zone
        self._sla = sla or SlaPolicy()
        self.digest = digest or DigestSettings()
        # Files on their way to Telegram (exports, charts), beside the database; deleted once sent.
        self.outgoing = (store.path.parent if store.path else Path(tempfile.gettempdir())) / "outgoing"
        self.jobs = jobs or JobRunner(store)
        self.jobs.on(DIGEST_JOB, self.on_digest_job)
        self.jobs.on_prepared(DIGEST_GROUP_JOB, self.prepare_digest, self.on_digest_ready)
        self.jobs.on_prepared(EXPORT_JOB, self.prepare_export, self.on_export_ready,
                              failed=self.on_export_failed, background=True)

    # -- who may see what ------------------------------------------------------------------

    async def _scopes(self, tx: Tx, msg: Incoming, person: Person | None, arg: str) -> list[Scope] | str:
        """The grids (or the community) the asker may see; a refusal text otherwise."""
        if person is None:
            return _Refusal(not_linked())
        if not msg.is_private:
            binding = await tx.groups.binding(msg.chat_id)
            if binding is None:
                return "这个群还没有绑定网格。"
            if not may_see_grid_stats(person, binding.grid):
                return _Refusal("您只能查看自己网格的统计。") if staff_grids(person) else STAFF_ONLY
            unknown = _unknown_grid(arg, await tx.places.grids(binding.grid.community_id))
            if unknown is not None:
                return f"没有找到「{e(unknown)}」。在这个群里查看的是{e(binding.grid.name)}的统计。"
            return [Scope(binding.grid.community_id, binding.grid, binding.grid.name)]
        grids = await tx.places.grids(person.community_id)
        named = [g for g in grids if g.name in arg]
        runs = {g.id for g in grids_run_by(person, grids)}
        unknown = _unknown_grid(arg, grids)
        if unknown is not None:
            allowed = [g.name for g in grids if g.id in runs]
            if not allowed:
                return STAFF_ONLY
            return f"没有找到「{e(unknown)}」。您可以查看的网格: {'、'.join(e(n) for n in allowed)}。"
        if named:
            allowed = [g for g in named if g.id in runs]
            if not allowed:
                return _Refusal("您只能查看自己网格的统计。")
            return [Scope(g.community_id, g, g.name) for g in allowed]
        if may_see_community_stats(person, person.community_id):
            community = grids[0].community if grids else "社区"
            return [Scope(person.community_id, None, community)]
        chosen = [g for g in grids if g.id in runs]
        if not chosen:
            return STAFF_ONLY
        return [Scope(g.community_id, g, g.name) for g in chosen]

    # -- /stats ----------------------------------------------------------------------------

    async def _allowed_scopes(self, tx: Tx, msg: Incoming, arg: str) -> list[Scope] | str:
        """The grids this person may look at, or the words telling them why not."""
        person = await tx.people.by_telegram_id(msg.user_id) if msg.user_id else None
        return await self._scopes(tx, msg, person, arg)

    async def _answer_refusal(self, tx: Tx, msg: Incoming, answer: str) -> None:
        """A "no" goes to the person privately; any other word (an unknown grid) to where they asked."""
        if isinstance(answer, _Refusal):
            await refuse(tx, msg, answer)
        else:
            await tx.outbox.enqueue(text_message(msg.chat_id, answer, reply_to=msg.message_id))

    async def stats_command(self, msg: Incoming, arg: str = "") -> None:
        # The tallies are read beside the writer; only the answer is written, with the update.
        async with self._store.snapshot() as r:
            scopes = await self._allowed_scopes(r, msg, arg)
            texts = scopes if isinstance(scopes, str) else [await self.stats_text(r, s) for s in scopes]
        async with self._store.tx(msg.update_id) as tx:
            if isinstance(texts, str):
                await self._answer_refusal(tx, msg, texts)
                return
            for text in texts:
                await tx.outbox.enqueue(text_message(msg.chat_id, text))

    async def stats_text(self, tx: Tx, scope: Scope) -> str:
        now = tx.now
        local = now.astimezone(self._zone)
        lines = [f"📊 <b>{e(scope.name)} 统计</b> ({local.month}月{local.day}日 {local:%H:%M})"]
        week = week_start(now, self._zone)
        month = month_start(now, self._zone)
        grid_names = {g.id: g.name for g in await tx.places.grids(scope.community_id)} if scope.grid is None else {}
        limits = sla_limits(self._sla)
        cut = False
        for title, start in ((f"本周 ({week.month}月{week.day}日起)", week), (f"本月 ({month.month}月)", month)):
            # Counted by SQLite over the narrow ticket_facts: a month of a whole street office in well under a second.
            tally = await tx.stats.ticket_tally(scope.community_id, scope.grid_id, start, now, now, limits,
                                                STATUS_ORDER, rating_values(), by_grid=bool(grid_names))
            lines.append("")
            lines.append(f"<b>{title}</b>")
            numbers = numbers_from_tally(tally)
            lines += ticket_lines(numbers)
            if grid_names and numbers.total:
                busiest = sorted(((g, n) for g, n in tally.by_grid if g in grid_names), key=lambda kv: (-kv[1], kv[0]))
                lines.append("诉求最多的网格: " + " · ".join(
                    f"{e(grid_names[g])} {n}" for g, n in busiest[:TOP_GRIDS]))
            rates = rates_from_counts(await tx.stats.responder_counts(scope.community_id, scope.grid_id, start, now))
            count = await tx.stats.task_count(scope.community_id, scope.grid_id, start, now) if rates else 0
            lines += task_lines(count, rates)
            lines += await visit_lines(tx, scope.community_id, scope.grid_id, start, now, most=TOP_GRIDS)
            cut = cut or len(rates) > TOP_PEOPLE
        if cut:
            lines.append("")
            lines.append("完整名单请用 /export 导出台账。")
        return "\n".join(lines)

    # -- /export ---------------------------------------------------------------------------

    async def export_command(self, msg: Incoming, arg: str = "") -> None:
        """Check and acknowledge at once; the workbook is written by a worker and sent when done."""
        async with self._store.tx(msg.update_id) as tx:
            scopes = await self._allowed_scopes(tx, msg, arg)
            if isinstance(scopes, str):
                await self._answer_refusal(tx, msg, scopes)
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
                await tx.jobs.add(EXPORT_JOB, tx.now, {
                    "user": msg.user_id, "community": scope.community_id, "grid": scope.grid_id,
                    "name": scope.name, "label": label, "start": start.isoformat(), "end": end.isoformat(),
                    "at": tx.now.isoformat(),
                }, key=f"x:{msg.update_id}:{scope.grid_id or 0}")
            where = "" if msg.is_private else "私信"
            await tx.outbox.enqueue(text_message(
                msg.chat_id, f"正在生成台账, 稍后{where}发给您。", reply_to=None if msg.is_private else msg.message_id))
        self.jobs.kick()

    async def prepare_export(self, job: Job) -> dict:
        p = job.payload
        request = ExportRequest(p["community"], p["grid"], datetime.fromisoformat(p["start"]),
                                datetime.fromisoformat(p["end"]), f"{p['name']} 台账 {p['label']}",
                                datetime.fromisoformat(p["at"]) if p.get("at") else None)
        path = self.outgoing / f"export-{job.id}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        result = await export_in_worker(self._store.path, self._zone.key, request, path)
        return dict(result, path=str(path))

    async def on_export_ready(self, tx: Tx, job: Job, result: dict) -> str:
        p = job.payload
        path = Path(result["path"])
        start, end = datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"])
        first, last = start.astimezone(self._zone), (end - timedelta(seconds=1)).astimezone(self._zone)
        if result["bytes"] > TELEGRAM_FILE_LIMIT:
            path.unlink(missing_ok=True)
            await tx.outbox.enqueue(text_message(p["user"], (
                f"{e(p['name'])} {e(p['label'])}的台账有 {result['bytes'] / 2**20:.0f} MB, 超过了 Telegram 能发的 50 MB。"
                f"请分段导出, 例如「/export {first:%Y-%m-%d} {first:%Y-%m}-15」; 整段的台账可以在服务器上用命令"
                f" python -m bot export --from {first:%Y-%m-%d} --to {last:%Y-%m-%d} 台账.xlsx 导出。")))
            return "too big"
        counts = result["counts"]
        caption = (f"{e(p['name'])} 台账 · {e(p['label'])}\n诉求 {counts['诉求']} 件 · 任务 {counts['任务']} 项"
                   f" · 通知 {counts['通知']} 条")
        filename = f"台账-{p['name']}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"
        await tx.outbox.enqueue(document_message(p["user"], path, filename, caption))
        return "sent"

    async def on_export_failed(self, tx: Tx, job: Job, error: BaseException) -> None:
        await tx.outbox.enqueue(text_message(job.payload["user"], "抱歉, 台账没有生成出来。请稍后再试一次。"))

    # -- the weekly digest -----------------------------------------------------------------

    async def on_digest_job(self, tx: Tx, job: Job) -> datetime:
        """The weekly slot: one job per bound group, each drawn outside any transaction."""
        if job.due_at > tx.now:
            return job.due_at
        settings = self.digest
        if (settings.enabled and job.due_at.year > 2000 and settings.is_slot(job.due_at, self._zone)
                and tx.now - job.due_at < DIGEST_GRACE):
            day = f"{job.due_at.astimezone(self._zone):%Y%m%d}"
            for binding in await tx.groups.all():
                await tx.jobs.add(DIGEST_GROUP_JOB, tx.now, {"slot": job.due_at.isoformat(), "chat": binding.chat_id},
                                  key=f"dg:{day}:{binding.chat_id}")
        return settings.next_slot(tx.now, self._zone)

    async def prepare_digest(self, job: Job) -> tuple[str, Path | None] | None:
        """One group's digest: its numbers from a snapshot, its chart drawn in a thread."""
        slot = datetime.fromisoformat(job.payload["slot"])
        start, end = week_before(slot, self._zone)
        words, digits = period_label(start, end, self._zone)
        async with self._store.snapshot() as r:
            binding = await r.groups.binding(job.payload["chat"])
            if binding is None:
                return None  # unbound since
            grid = binding.grid
            numbers = tally_facts(await r.stats.ticket_facts(grid.community_id, grid.id, start, end), end, self._sla)
            targets = await r.stats.task_targets(grid.community_id, grid.id, start, end)
            points = await r.points.ranking(grid.community_id, start, end, grid.id)
            visits = await visit_lines(r, grid.community_id, grid.id, start, end)
        places = place_rates(targets)
        low = [p for p in places if p.done < p.expected]
        text = digest_text(grid.name, words, numbers, task_totals(targets), low, points, visits)
        path = self.outgoing / f"digest-{job.id}.png"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            png = await asyncio.to_thread(
                chart.render_chart, digits, chart.ticket_bars(numbers.by_category), chart.unit_bars(places))
            await asyncio.to_thread(path.write_bytes, png)
        except Exception:  # a picture is a bonus: the words still go out
            log.exception("digest chart for %s failed", grid.name)
            path = None
        return text, path

    async def on_digest_ready(self, tx: Tx, job: Job, prepared: tuple[str, Path | None] | None) -> str:
        if prepared is None:
            return "unbound"
        text, path = prepared
        chat_id = job.payload["chat"]
        ref = job.key
        if path is not None and len(text) <= CAPTION_LIMIT:
            await tx.outbox.enqueue(photo_message(chat_id, path, caption=text, ref=ref), bulk=True)
        else:
            if path is not None:
                path.unlink(missing_ok=True)
            await tx.outbox.enqueue(text_message(chat_id, text, ref=ref), bulk=True)
        return "posted"


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


def task_lines(count: int, rates: list[Rate]) -> list[str]:
    """The tasks of a period: how many, how much done, and who; long lists cut to the first ten."""
    if not count:
        return ["任务: 0 项"]
    done = sum(r.done for r in rates)
    expected = sum(r.expected for r in rates)
    rate = round(100 * done / expected) if expected else 0
    lines = [f"任务 {count} 项, 完成 {done}/{expected} ({rate}%)"]

    def listed(chosen: list[Rate]) -> str:
        return " · ".join(f"{e(r.label)} {r.done}/{r.expected}" for r in chosen)

    if len(rates) <= TOP_PEOPLE:
        lines.append("各人完成率: " + listed(rates))
        return lines
    lines.append(f"各人完成率前{TOP_PEOPLE}名 (共 {len(rates)} 人): " + listed(rates[:TOP_PEOPLE]))
    behind = [r for r in reversed(rates) if r.done < r.expected][:TOP_PEOPLE]
    if behind:
        lines.append(f"完成最少的{len(behind)}人: " + listed(behind))
    return lines


def _span(delta: timedelta | None) -> str:
    return render.span(delta) if delta is not None else "-"
