"""Elders in the tallies: the 探访 line of /stats and the weekly digest, the 老人 and 探访记录 sheets of the 台账."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.model.elders import RISK_LABELS
from bot.model.labels import address_label
from storage import Tx
from storage.elders import VisitCount

# Numbers only in the lines (they are read in groups); names, health notes and family phones only in
# the export, which goes privately to the grid's staff.

SHEETS = ("老人", "探访记录")
OUTCOME_LABELS = {"ok": "平安", "concern": "有情况"}
HOW_LABELS = {"group": "群里说", "private": "私聊说", "button": "按钮"}


def visit_line(count: VisitCount, label: str = "探访") -> str:
    return f"{label}: 应访 {count.due}, 已访 {count.done}, 逾期 {count.late}"


async def visit_lines(tx: Tx, community_id: int, grid_id: int | None, start: datetime, end: datetime,
                      most: int | None = None) -> list[str]:
    """"探访: 应访 N, 已访 M, 逾期 K" for one grid, or one such line per grid for a community.

    Due (应访) are the visits that fell due in the period plus those overdue from before and still
    not made; done (已访) the ones of those made; late (逾期) made late or not at all. Nothing is said
    where the registry has no elders. With `most`, a community of many grids names only the grids with
    the most overdue visits (the rest are in the export).
    """
    counts = await tx.elders.visit_counts(community_id, grid_id, start, end)
    if not counts and not await tx.elders.count_in_scope(community_id, frozenset({grid_id}) if grid_id else None):
        return []
    if grid_id is not None:
        return [visit_line(counts.get(grid_id, VisitCount()))]
    names = {g.id: g.name for g in await tx.places.grids(community_id)}
    total = sum(counts.values(), VisitCount())
    lines = [visit_line(total)]
    ordered = sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    if most is not None and len(ordered) > most:
        ordered = sorted((kv for kv in ordered if kv[1].late), key=lambda kv: -kv[1].late)[:most]
        if ordered:
            lines.append("  逾期最多的网格:")
    for gid, count in ordered:
        if len(counts) > 1 or gid is None:
            lines.append("  " + visit_line(count, names.get(gid, "未分网格")))
    return lines


async def read_sheets(tx: Tx, community_id: int | None, grid_id: int | None, start: datetime,
                      end: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of the 老人 and 探访记录 sheets for one grid (or community) and period."""
    return (await tx.elders.sheet_rows(community_id, grid_id),
            await tx.elders.visit_rows(community_id, grid_id, start, end))


def build_sheets(elders: list[dict[str, Any]], visits: list[dict[str, Any]], now: datetime,
                 when: Callable[[datetime | None], Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Header and rows of the two sheets, for the 台账 workbook."""
    elder_rows = []
    for x in elders:
        overdue = x["next_due_at"] is not None and x["next_due_at"] <= now
        elder_rows.append([
            x["grid"] or "", x["name"], address_label(x["building"], x["unit"], x["room"]),
            x["categories"] or "", RISK_LABELS.get(x["risk"], x["risk"]), x["keepers"] or "",
            x["family_name"] or "", x["family_phone"] or "", x["health_note"] or "", when(x["last_visit_at"]),
            when(x["next_due_at"]), "逾期" if overdue else "正常"])
    visit_rows = []
    for v in visits:
        if v["due_at"] is None:
            timely = "额外"  # the next visit was due when it already was: it ended no wait
        else:
            timely = "按时" if v["at"] <= v["due_at"] else "逾期"
        visit_rows.append([
            when(v["at"]), v["grid"] or "", v["elder"], address_label(v["building"], v["unit"], v["room"]),
            v["visitor_name"], OUTCOME_LABELS.get(v["outcome"], v["outcome"]), HOW_LABELS.get(v["how"], v["how"]),
            v["said"] or "", v["note"] or "", when(v["due_at"]), timely, v["ticket_id"] or ""])
    return {
        "老人": (["网格", "姓名", "住址", "类别", "风险等级", "包保人", "家属姓名", "家属电话", "健康备注",
                "上次探访", "应在此前探访", "状态"], elder_rows),
        "探访记录": (["时间", "网格", "老人", "住址", "探访人", "情况", "方式", "原话", "补充", "应在此前探访",
                  "是否按时", "诉求编号"], visit_rows),
    }
