"""The 台账: an XLSX workbook of tickets, their history, tasks, completions, notices and 收到 (openpyxl)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.elders import tally as elder_tally
from bot.nlu import CATEGORY_LABELS
from bot.places import address_label
from bot.tasks.model import AUDIENCE_LABELS, TASK_STATUS_LABELS
from bot.tasks.stats import RATING_LABELS, rating_code
from bot.tickets.model import STATUS_LABELS
from bot.tickets.render import EVENT_LABELS

SHEETS = ("诉求", "诉求记录", "任务", "任务完成", "通知", "通知回执", *elder_tally.SHEETS)
HOW_LABELS = {"words": "群里说", "reply": "回复卡片", "button": "按钮", "staff": "网格员确认"}
_TIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class ExportData:
    """What storage.stats reads for one community/grid and date range."""

    title: str
    tickets: list[dict[str, Any]] = field(default_factory=list)
    ticket_events: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    task_targets: list[dict[str, Any]] = field(default_factory=list)
    task_completions: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    notice_acks: list[dict[str, Any]] = field(default_factory=list)
    elders: list[dict[str, Any]] = field(default_factory=list)
    elder_visits: list[dict[str, Any]] = field(default_factory=list)
    at: datetime | None = None  # when it was read: an elder past due by then is 逾期

    @property
    def counts(self) -> dict[str, int]:
        return {"诉求": len(self.tickets), "任务": len(self.tasks), "通知": len(self.notices)}


async def read_export(tx, community_id: int | None, grid_id: int | None, start: datetime, end: datetime,
                      title: str) -> ExportData:
    s = tx.stats
    args = (community_id, grid_id, start, end)
    elders, elder_visits = await elder_tally.read_sheets(tx, *args)
    return ExportData(
        title=title,
        tickets=await s.tickets(*args),
        ticket_events=await s.ticket_events(*args),
        tasks=await s.tasks(*args),
        task_targets=await s.task_targets(*args),
        task_completions=await s.task_completions(*args),
        notices=await s.notices(*args),
        notice_acks=await s.notice_acks(*args),
        elders=elders,
        elder_visits=elder_visits,
        at=tx.now,
    )


def build_workbook(data: ExportData, zone: ZoneInfo) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def when(moment: datetime | None):
        # To the minute: a ledger has no use for seconds.
        return moment.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0) if moment else None

    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {}
    sheets["诉求"] = (
        ["编号", "登记时间", "网格", "地点", "类别", "紧急", "内容", "报告人", "负责人", "状态", "接单时间",
         "办结时间", "评价", "评价意见"],
        [[t["id"], when(t["created_at"]), t["grid"] or "", address_label(t["building"], t["unit"], t["room"]),
          CATEGORY_LABELS.get(t["category"], "其他"), "是" if t["urgent"] else "", t["text"], t["reporter_name"],
          t["assignee"] or "", STATUS_LABELS.get(t["status"], t["status"]),
          when(t.get("first_accepted_at") or t["accepted_at"]), when(t["resolved_at"]),
          RATING_LABELS.get(rating_code(t["rating"]) or "", t["rating"] or ""), t["rating_comment"] or ""] for t in data.tickets])
    sheets["诉求记录"] = (
        ["诉求编号", "时间", "人员", "事项", "说明"],
        [[ev["ticket_id"], when(ev["at"]), ev["actor_name"] or "", EVENT_LABELS.get(ev["kind"], ev["kind"]),
          ev["detail"] or ""] for ev in data.ticket_events])
    sheets["任务"] = (
        ["编号", "发布时间", "网格", "任务", "原文", "对象", "截止时间", "发布人", "状态", "应完成", "已完成",
         "完成率", "帮忙人次"],
        [[k["id"], when(k["created_at"]), k["grid"] or "", k["title"], k["text"],
          AUDIENCE_LABELS.get(k["audience"], k["audience"]), when(k["deadline"]), k["creator_name"],
          TASK_STATUS_LABELS.get(k["status"], k["status"]), k["expected"], k["done"],
          f"{round(100 * k['done'] / k['expected'])}%" if k["expected"] else "", k["helpers"]]
         for k in data.tasks])
    rows = []
    for x in data.task_targets:
        late = bool(x["done_at"] and x["deadline"] and x["done_at"] > x["deadline"])
        status = ("已完成 (逾期)" if late else "已完成") if x["done_at"] else "未完成"
        rows.append([x["task_id"], x["title"], address_label(x["building"], x["unit"]), x["person_name"] or "",
                     status, when(x["done_at"]), x["done_by_name"] or "", HOW_LABELS.get(x["done_how"] or "", "")])
    for c in data.task_completions:
        if c["help"]:
            rows.append([c["task_id"], c["title"], "", "", "帮忙", when(c["at"]), c["name"],
                         HOW_LABELS.get(c["how"], c["how"])])
    rows.sort(key=lambda r: (r[0], r[4] == "帮忙"))
    sheets["任务完成"] = (["任务编号", "任务", "地点", "负责人", "状态", "完成时间", "完成人", "方式"], rows)
    sheets["通知"] = (
        ["编号", "发布时间", "网格", "内容", "发布人", "应收到", "已收到", "其他人收到"],
        [[n["id"], when(n["created_at"]), n["grid"] or "", n["text"], n["creator_name"], n["expected"],
          n["acked"], n["acks"] - n["acked"]] for n in data.notices])
    sheets["通知回执"] = (
        ["通知编号", "时间", "姓名", "方式", "名单内"],
        [[a["notice_id"], when(a["at"]), a["name"], {"button": "按钮", "reply": "回复"}.get(a["how"], a["how"]),
          "是" if a["expected"] else "否"] for a in data.notice_acks])
    sheets.update(elder_tally.build_sheets(data.elders, data.elder_visits, data.at or datetime.now(zone), when))

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name in SHEETS:
        header, body = sheets[name]
        sheet = book.create_sheet(name)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        for row in body:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        for i, title in enumerate(header, start=1):
            letter = get_column_letter(i)
            widest = max([len(str(title)) * 2] + [min(len(str(r[i - 1] or "")) * 2, 60) for r in body[:200]])
            if any(isinstance(r[i - 1], datetime) for r in body):
                widest = 17
                for cell in sheet[letter][1:]:
                    cell.number_format = _TIME_FORMAT
            sheet.column_dimensions[letter].width = max(8, min(widest + 2, 62))
    book.properties.title = data.title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def export_command_line(args, config) -> int:
    """`python -m bot export --from 2026-11-01 --to 2026-11-30 FILE.xlsx [--grid 第一网格]`."""
    import sys
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
        async with store.read() as r:
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
            data = await read_export(r, community_id, grid_id, start, end, f"{name} 台账 {first}至{last}")
    finally:
        await store.close()
    args.file.parent.mkdir(parents=True, exist_ok=True)
    args.file.write_bytes(build_workbook(data, zone))
    counts = data.counts
    print(f"{args.file}: 诉求 {counts['诉求']} 件, 任务 {counts['任务']} 项, 通知 {counts['通知']} 条")
    return 0
