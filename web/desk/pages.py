"""Login and logout, and the desk's other pages: 任务和通知, 老人与探访, 统计."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

from aiohttp import web

from bot import policy
from bot.desk.login import LOGIN_TOKEN
from bot.model.desk import TicketScope
from bot.model.ids import parse_id
from bot.nlu import CATEGORY_LABELS
from bot.model.tasks import AUDIENCE_LABELS, TASK_STATUS_LABELS
from bot.tasks.stats import RATING_LABELS, median, rating_code
from web.desk import charts
from web.desk.base import (COOKIE, HERE, form_ok, not_found, not_logged_in, now, refused_csrf, render,
                           services, session, set_cookie, zone)

STATIC = HERE / "static"
ELDERS_PAGE = 100
TASK_DAYS = 30


# -- logging in and out ------------------------------------------------------------------------

async def login_page(request: web.Request) -> web.Response:
    """The link from /desk: one button that uses it up. A GET changes nothing, so a link preview
    or a virus scanner opening the link does not spend it."""
    token = request.match_info["token"]
    if not LOGIN_TOKEN.match(token):
        return _expired(request)
    return render(request, "login.html", token=token)


def _expired(request: web.Request) -> web.Response:
    return render(request, "message.html", code=403, title="链接已失效",
                  message="这个登录链接已经用过、过期 (10 分钟) 或不完整。请在 Telegram 里私聊机器人, "
                          "再发一次 /desk, 用新的链接登录。")


async def log_in(request: web.Request) -> web.StreamResponse:
    s = await services(request).desk.log_in(request.match_info["token"])
    if s is None:
        return _expired(request)
    response = web.HTTPSeeOther("/desk/tickets")
    set_cookie(request, response, s.token)
    raise response


async def log_out(request: web.Request) -> web.StreamResponse:
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    if not form_ok(s, await request.post()):
        return refused_csrf(request, s)
    await services(request).desk.log_out(s.token)
    response = web.HTTPSeeOther("/desk/tickets")
    response.del_cookie(COOKIE, path="/")
    raise response


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/desk/tickets")


def _grid_ids(s) -> frozenset[int] | None:
    return policy.desk_grids(s.person)


# -- 任务和通知 ----------------------------------------------------------------------------------

async def tasks(request: web.Request) -> web.Response:
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    grids = _grid_ids(s)
    end = now(request)
    start = end - timedelta(days=TASK_DAYS)
    community = s.person.community_id
    task_rows, notice_rows = [], []
    async with services(request).store.snapshot() as r:
        for grid in ([None] if grids is None else sorted(grids)):
            task_rows += await r.stats.tasks(community, grid, start, end)
            notice_rows += await r.stats.notices(community, grid, start, end)
    z = zone(request)
    for k in task_rows:
        k["when"] = k["created_at"].astimezone(z).strftime("%m-%d %H:%M")
        k["deadline_label"] = k["deadline"].astimezone(z).strftime("%m-%d %H:%M") if k["deadline"] else "—"
        k["status_label"] = TASK_STATUS_LABELS.get(k["status"], k["status"])
        k["percent"] = round(100 * k["done"] / k["expected"]) if k["expected"] else None
    for n in notice_rows:
        n["when"] = n["created_at"].astimezone(z).strftime("%m-%d %H:%M")
    task_rows.sort(key=lambda k: k["id"], reverse=True)
    notice_rows.sort(key=lambda n: n["id"], reverse=True)
    return render(request, "tasks.html", session=s, page="tasks", tasks=task_rows, notices=notice_rows,
                  days=TASK_DAYS)


async def task_detail(request: web.Request) -> web.Response:
    """One task: each unit (or building) it expects an answer from, done or not, by whom, when."""
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    task_id = parse_id(request.match_info["id"])
    grids = _grid_ids(s)
    async with services(request).store.read() as r:
        task = await r.tasks.get(task_id) if task_id is not None else None
        if task is None or task.community_id != s.person.community_id or (
                grids is not None and task.grid_id not in grids):
            return not_found(request, s)
        targets = await r.tasks.targets(task.id)
    z = zone(request)
    lines = [{"place": t.label, "who": t.person_name or "", "done": t.done,
              "when": t.done_at.astimezone(z).strftime("%m-%d %H:%M") if t.done_at else "",
              "by": t.done_by_name or "",
              "late": bool(t.done_at and task.deadline and t.done_at > task.deadline)} for t in targets]
    by_building: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for t in targets:
        by_building[t.building][1] += 1
        by_building[t.building][0] += int(t.done)
    return render(request, "task.html", session=s, page="tasks", task=task, lines=lines,
                  audience=AUDIENCE_LABELS.get(task.audience, task.audience),
                  status=TASK_STATUS_LABELS.get(task.status, task.status),
                  deadline=task.deadline.astimezone(z).strftime("%Y-%m-%d %H:%M") if task.deadline else "—",
                  done=sum(1 for t in targets if t.done), expected=len(targets))


# -- 老人与探访 ------------------------------------------------------------------------------------

async def elders(request: web.Request) -> web.Response:
    """The elders someone may look through, most overdue first; no health notes or family phones
    on a list (the bot's /elders 姓名 is where those are)."""
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    scope = policy.elders_seen_by(s.person)
    page = parse_id(request.query.get("page", "1")) or 1
    at = now(request)
    rows, total = [], 0
    async with services(request).store.snapshot() as r:
        if scope is not None:
            total = await r.elders.count_in_scope(scope.community_id, scope.grid_ids, scope.buildings)
            page = min(page, max(1, -(-total // ELDERS_PAGE)))
            found = await r.elders.in_scope(scope.community_id, scope.grid_ids, scope.buildings,
                                            limit=ELDERS_PAGE, offset=(page - 1) * ELDERS_PAGE)
            overdue = await r.elders.count_overdue_in(scope.community_id, scope.grid_ids)
        else:
            found, overdue = [], 0
    z = zone(request)
    for e in found:
        rows.append({"name": e.name, "address": e.address, "grid": e.grid or "", "risk": e.risk_label,
                     "risk_code": e.risk, "overdue": e.overdue(at),
                     "last": e.last_visit_at.astimezone(z).strftime("%m-%d %H:%M") if e.last_visit_at else "从未",
                     "due": e.next_due_at.astimezone(z).strftime("%m-%d %H:%M")})
    return render(request, "elders.html", session=s, page="elders", rows=rows, total=total, overdue=overdue,
                  page_no=page, pages=max(1, -(-total // ELDERS_PAGE)), allowed=scope is not None)


# -- 统计 ------------------------------------------------------------------------------------------

async def stats(request: web.Request) -> web.Response:
    """The last twelve months of what the person's scope covers, drawn as bars."""
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    scope = policy.desk_scope(s.person)
    z = zone(request)
    end = now(request)
    local_end = end.astimezone(z)
    first_month = (local_end.year * 12 + local_end.month - 1) - 11
    start = datetime(first_month // 12, first_month % 12 + 1, 1, tzinfo=z)
    async with services(request).store.snapshot() as r:
        facts = await r.stats.ticket_facts(scope.community_id, None, start, end)
        grid_names = {g.id: g.name for g in await r.places.grids(scope.community_id)}
    facts = [f for f in facts if _covers(scope, f[0], f[8])]
    months = [f"{(first_month + i) // 12}-{(first_month + i) % 12 + 1:02d}" for i in range(12)]
    per_month: Counter[str] = Counter()
    per_category: Counter[str] = Counter()
    per_grid: Counter[str] = Counter()
    late_grid: Counter[str] = Counter()
    accept: dict[str, list[float]] = defaultdict(list)
    resolve: dict[str, list[float]] = defaultdict(list)
    ratings: Counter[str] = Counter()
    for category, status, urgent, created, accepted, resolved, escalated, rating, grid_id in facts:
        month = datetime.fromtimestamp(created, timezone.utc).astimezone(z).strftime("%Y-%m")
        per_month[month] += 1
        per_category[CATEGORY_LABELS.get(category, "其他")] += 1
        grid = grid_names.get(grid_id, "未分网格")
        per_grid[grid] += 1
        if escalated:
            late_grid[grid] += 1
        if accepted is not None:
            accept[grid].append((accepted - created) / 3600)
        if resolved is not None:
            resolve[grid].append((resolved - created) / 3600)
        if code := rating_code(rating):
            ratings[RATING_LABELS[code]] += 1
    all_accept = [v for vs in accept.values() for v in vs]
    all_resolve = [v for vs in resolve.values() for v in vs]
    rated = sum(ratings.values())
    good = ratings.get(RATING_LABELS["3"], 0) + ratings.get(RATING_LABELS["2"], 0)
    return render(
        request, "stats.html", session=s, page="stats", total=len(facts),
        since=start.strftime("%Y-%m"),
        month_chart=charts.vbars([(m[2:], per_month.get(m, 0)) for m in months]),
        category_chart=charts.hbars(per_category.most_common()),
        grid_chart=charts.hbars(sorted(per_grid.items(), key=lambda kv: -kv[1]), marks=dict(late_grid)),
        accept_chart=charts.hbars(sorted(((g, round(median(v), 1)) for g, v in accept.items()),
                                         key=lambda kv: -kv[1]), unit="小时"),
        resolve_chart=charts.hbars(sorted(((g, round(median(v), 1)) for g, v in resolve.items()),
                                          key=lambda kv: -kv[1]), unit="小时"),
        rating_chart=charts.hbars([(label, ratings.get(label, 0)) for label in RATING_LABELS.values()]),
        median_accept=_hours(median(all_accept)), median_resolve=_hours(median(all_resolve)),
        satisfaction=round(100 * good / rated) if rated else None, rated=rated,
        escalated=sum(late_grid.values()))


def _covers(scope: TicketScope, category: str, grid_id: int | None) -> bool:
    if scope.everything or (grid_id is not None and grid_id in scope.grid_ids):
        return True
    return any(category in cats and (g is None or g == grid_id) for cats, g in scope.fields)


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f} 小时" if value < 48 else f"{value / 24:.1f} 天"
