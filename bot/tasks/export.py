"""The 台账: tickets, their history, tasks, completions, notices and 收到, streamed into an XLSX file."""
from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.elders import tally as elder_tally
from bot.nlu import CATEGORY_LABELS
from bot.model.labels import address_label
from bot.model.tasks import AUDIENCE_LABELS, TASK_STATUS_LABELS
from bot.tasks.stats import RATING_LABELS, rating_code
from bot.model.tickets import STATUS_LABELS
from bot.tickets.render import EVENT_LABELS

SHEETS = ("诉求", "诉求记录", "任务", "任务完成", "通知", "通知回执", *elder_tally.SHEETS)
HOW_LABELS = {"words": "群里说", "reply": "回复卡片", "button": "按钮", "staff": "网格员确认", "help": "别人帮忙完成"}


# Telegram takes files up to 50 MB from a bot.
TELEGRAM_FILE_LIMIT = 50 * 1024 * 1024


@dataclass(frozen=True)
class ExportRequest:
    """What to export: a community (None: every one), optionally one grid, a window [start, end)."""

    community_id: int | None
    grid_id: int | None
    start: datetime
    end: datetime
    title: str
    # When it was asked for: an elder whose visit was due by then is 逾期 in the sheet.
    at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"community_id": self.community_id, "grid_id": self.grid_id, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "title": self.title,
                "at": self.at.isoformat() if self.at else None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ExportRequest":
        at = data.get("at")
        return cls(data["community_id"], data["grid_id"], datetime.fromisoformat(data["start"]),
                   datetime.fromisoformat(data["end"]), data["title"],
                   datetime.fromisoformat(at) if at else None)


TICKET_HEADER = ("编号", "登记时间", "网格", "地点", "类别", "紧急", "内容", "报告人", "负责人", "状态", "接单时间",
                 "办结时间", "评价", "评价意见")
EVENT_HEADER = ("诉求编号", "时间", "人员", "事项", "说明")
TASK_HEADER = ("编号", "发布时间", "网格", "任务", "原文", "对象", "截止时间", "发布人", "状态", "应完成", "已完成",
               "完成率", "帮忙人次")
LINE_HEADER = ("任务编号", "任务", "地点", "负责人", "状态", "完成时间", "完成人", "方式")
NOTICE_HEADER = ("编号", "发布时间", "网格", "内容", "发布人", "应收到", "已收到", "其他人收到")
ACK_HEADER = ("通知编号", "时间", "姓名", "方式", "名单内")


def ticket_row(t: dict[str, Any], when) -> list[Any]:
    """One line of the 诉求 sheet (the /export 台账 and the web desk's download)."""
    return [
        t["id"], when(t["created_at"]), t["grid"] or "", address_label(t["building"], t["unit"], t["room"]),
        CATEGORY_LABELS.get(t["category"], "其他"), "是" if t["urgent"] else "", t["text"], t["reporter_name"],
        t["assignee"] or "", STATUS_LABELS.get(t["status"], t["status"]),
        when(t.get("first_accepted_at") or t["accepted_at"]), when(t["resolved_at"]),
        RATING_LABELS.get(rating_code(t["rating"]) or "", t["rating"] or ""), t["rating_comment"] or ""]


def event_row(ev: dict[str, Any], when) -> list[Any]:
    """One line of the 诉求记录 sheet; a change made on the web desk says so after the name."""
    who = ev["actor_name"] or ""
    if ev.get("via"):
        who += f" ({ev['via']})"
    return [ev["ticket_id"], when(ev["at"]), who, EVENT_LABELS.get(ev["kind"], ev["kind"]), ev["detail"] or ""]


def local_minutes(zone: ZoneInfo):
    """Moments as naive local datetimes to the minute, as the 台账 shows them."""
    def when(moment: datetime | None):
        if moment is None:
            return None
        local = moment.astimezone(zone)
        return datetime(local.year, local.month, local.day, local.hour, local.minute)
    return when


async def write_export(r, request: ExportRequest, zone: ZoneInfo, path: Path) -> dict[str, int]:
    """Stream the 台账 from a read (best a snapshot) into an XLSX file; the counts for the caption."""
    from bot.tasks.xlsx import Workbook

    offsets: dict[int, timedelta] = {}
    minutes: dict[str, datetime] = {}

    def when(moment: datetime | str | None):
        # To the minute, in local time: a ledger has no use for seconds. The zone's offset is
        # looked up once an hour of data, not for each of a million cells; a time as stored (UTC
        # text, sortable) is parsed once a minute of data.
        if moment is None:
            return None
        if type(moment) is str:
            key = moment[:16]
            found = minutes.get(key)
            if found is None:
                found = minutes[key] = when(datetime.fromisoformat(key + "Z"))
            return found
        hour = int(moment.timestamp()) // 3600
        offset = offsets.get(hour)
        if offset is None:
            offset = offsets[hour] = moment.astimezone(zone).utcoffset()
        local = moment + offset
        return datetime(local.year, local.month, local.day, local.hour, local.minute)

    scope = (request.community_id, request.grid_id, request.start, request.end)
    book = Workbook(path, request.title)
    counts = {"诉求": 0, "任务": 0, "通知": 0}
    try:
        sheet = book.sheet("诉求", TICKET_HEADER)
        async for t in r.stats.stream("tickets", *scope, raw_times=True):
            sheet.append(ticket_row(t, when))
        sheet.close()
        counts["诉求"] = sheet.rows
        sheet = book.sheet("诉求记录", EVENT_HEADER)
        async for ev in r.stats.stream("ticket_events", *scope, raw_times=True):
            sheet.append(event_row(ev, when))
        sheet.close()
        sheet = book.sheet("任务", TASK_HEADER)
        async for k in r.stats.stream("tasks", *scope, raw_times=True):
            sheet.append([
                k["id"], when(k["created_at"]), k["grid"] or "", k["title"], k["text"],
                AUDIENCE_LABELS.get(k["audience"], k["audience"]), when(k["deadline"]), k["creator_name"],
                TASK_STATUS_LABELS.get(k["status"], k["status"]), k["expected"], k["done"],
                f"{round(100 * k['done'] / k['expected'])}%" if k["expected"] else "", k["helpers"]])
        sheet.close()
        counts["任务"] = sheet.rows
        sheet = book.sheet("任务完成", LINE_HEADER)
        async for x in r.stats.stream("task_lines", *scope, raw_times=True):
            if x["help"]:
                sheet.append([x["task_id"], x["title"], "", "", "帮忙", when(x["done_at"]), x["done_by_name"],
                              HOW_LABELS.get(x["done_how"], x["done_how"])])
                continue
            done_at = x["done_at"]
            late = bool(done_at and x["deadline"] and done_at > x["deadline"])
            status = ("已完成 (逾期)" if late else "已完成") if done_at else "未完成"
            sheet.append([x["task_id"], x["title"], address_label(x["building"], x["unit"]), x["person_name"] or "",
                          status, when(done_at), x["done_by_name"] or "", HOW_LABELS.get(x["done_how"] or "", "")])
        sheet.close()
        sheet = book.sheet("通知", NOTICE_HEADER)
        async for n in r.stats.stream("notices", *scope, raw_times=True):
            sheet.append([n["id"], when(n["created_at"]), n["grid"] or "", n["text"], n["creator_name"], n["expected"],
                          n["acked"], n["acks"] - n["acked"]])
        sheet.close()
        counts["通知"] = sheet.rows
        sheet = book.sheet("通知回执", ACK_HEADER)
        async for a in r.stats.stream("notice_acks", *scope, raw_times=True):
            sheet.append([a["notice_id"], when(a["at"]), a["name"], {"button": "按钮", "reply": "回复"}.get(a["how"], a["how"]),
                          "是" if a["expected"] else "否"])
        sheet.close()
        # The elders of the grid and their visits: a few thousand rows, read at once.
        elders, visits = await elder_tally.read_sheets(r, *scope)
        at = request.at or r.now
        for name, (header, rows) in elder_tally.build_sheets(elders, visits, at, when).items():
            sheet = book.sheet(name, tuple(header))
            for row in rows:
                sheet.append(row)
            sheet.close()
    finally:
        book.close()
    return counts


async def export_in_worker(db: Path, zone: str, request: ExportRequest, path: Path) -> dict[str, Any]:
    """Write the 台账 in a separate process (its own CPU and memory, the bot's loop untouched);
    returns the counts and the file's size. Cancelling stops the process."""
    job = json.dumps({"db": str(db), "tz": zone, "out": str(path), **request.to_json()}, ensure_ascii=False)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.tasks.export", job,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await proc.communicate()
    except asyncio.CancelledError:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        path.unlink(missing_ok=True)
        raise
    if proc.returncode != 0:
        path.unlink(missing_ok=True)
        raise RuntimeError(f"export worker failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return json.loads(out)


async def _worker(job: dict[str, Any]) -> dict[str, Any]:
    from storage import Store

    request = ExportRequest.from_json(job)
    out = Path(job["out"])
    part = out.with_name(out.name + ".part")
    store = await Store.open(job["db"])
    try:
        async with store.snapshot() as r:
            counts = await write_export(r, request, ZoneInfo(job["tz"]), part)
    finally:
        await store.close()
    part.replace(out)  # whole or not at all: a file someone sends is never half written
    return {"counts": counts, "bytes": out.stat().st_size}


async def export_command_line(args, config) -> int:
    """`python -m bot export --from 2026-11-01 --to 2026-11-30 FILE.xlsx [--grid 第一网格]`."""
    from datetime import date, time, timedelta

    from storage import Store

    try:
        first, last = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        print("日期请写成 2026-11-01 这样的格式", file=sys.stderr)
        return 2
    if last < first:
        print("--to 不能早于 --from", file=sys.stderr)
        return 2
    zone = config.zone
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    store = await Store.open(config.db)
    try:
        async with store.snapshot() as r:
            grid_id = community_id = None
            name = "全部"
            if args.grid:
                grids = [g for g in await r.places.grids() if g.name == args.grid]
                if not grids:
                    print(f"没有找到网格「{args.grid}」", file=sys.stderr)
                    return 2
                if len(grids) > 1:
                    print(f"有 {len(grids)} 个网格叫「{args.grid}」, 导出全部网格后再筛选", file=sys.stderr)
                    return 2
                grid_id, community_id, name = grids[0].id, grids[0].community_id, grids[0].name
            args.file.parent.mkdir(parents=True, exist_ok=True)
            request = ExportRequest(community_id, grid_id, start, end, f"{name} 台账 {first}至{last}")
            counts = await write_export(r, request, zone, args.file)
    finally:
        await store.close()
    print(f"{args.file}: 诉求 {counts['诉求']} 件, 任务 {counts['任务']} 项, 通知 {counts['通知']} 条")
    return 0


if __name__ == "__main__":  # the worker the bot starts for /export: one JSON argument, one JSON answer
    print(json.dumps(asyncio.run(_worker(json.loads(sys.argv[1])))))
