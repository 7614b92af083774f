"""诉求 on the desk: the filtered list, a ticket's page, its actions and the download of the list."""
from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

from aiohttp import web

from bot import policy
from bot.desk.filters import PAGE_SIZE, SORTS, STATUS_CHOICES, cutoffs_at, filter_from_query
from bot.model.desk import Cutoffs, TicketScope
from bot.model.ids import parse_id
from bot.nlu import CATEGORY_LABELS
from bot.model.labels import address_label
from bot.tasks.export import EVENT_HEADER, TICKET_HEADER, event_row, local_minutes, ticket_row
from bot.tickets import render as ticket_render
from bot.tickets.sla import SlaPolicy
from web.desk.base import (FETCH, form_ok, not_found, not_logged_in, note_signature, now, refused_csrf, render,
                           services, session, zone)

log = logging.getLogger(__name__)

# A download is what is on screen with every page: up to this many requests (a year of a big grid).
MAX_DOWNLOAD = 100_000
# Which form field carries each action's argument.
ACTION_ARGS = {"accept": None, "resolve": "result", "transfer": "to", "category": "category", "return": "reason"}


def _cutoffs(request: web.Request) -> Cutoffs:
    config = services(request).config
    return cutoffs_at(now(request), SlaPolicy.from_config(config.extra.get("sla")))


async def _grids(r, scope: TicketScope) -> list:
    grids = await r.places.grids(scope.community_id)
    if scope.everything:
        return grids
    mine = scope.grid_ids | {g for _, g in scope.fields if g is not None}
    return grids if any(g is None for _, g in scope.fields) else [g for g in grids if g.id in mine]


async def ticket_list(request: web.Request) -> web.Response:
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    scope = policy.desk_scope(s.person)
    f = filter_from_query(request.query)
    cutoffs = _cutoffs(request)
    window = f.window(zone(request))
    store = services(request).store
    async with store.snapshot() as r:
        counts = await r.desk.status_counts(scope, f, cutoffs, window)
        rows = await r.desk.tickets(scope, f, cutoffs, window, PAGE_SIZE, (f.page - 1) * PAGE_SIZE)
        grids = await _grids(r, scope)
        buildings = await r.desk.buildings(scope.community_id, None if scope.everything else
                                           frozenset(g.id for g in grids))
    if f.status == "active":
        total = counts.get("open", 0) + counts.get("accepted", 0)
    elif f.status:
        total = counts.get(f.status, 0)
    else:
        total = sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    z = zone(request)
    for row in rows:
        row["place"] = address_label(row["building"], row["unit"], row["room"])
        row["category_label"] = CATEGORY_LABELS.get(row["category"], "其他")
        row["status_label"] = STATUS_CHOICES.get(row["status"], row["status"])
        row["when"] = row["created_at"].astimezone(z).strftime("%Y-%m-%d %H:%M")
    return render(request, "tickets.html", session=s, page="tickets", f=f, rows=rows, total=total,
                  counts=counts, pages=pages, grids=grids, buildings=sorted(buildings, key=_natural),
                  statuses=STATUS_CHOICES, categories=CATEGORY_LABELS, sorts=SORTS)


def _natural(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 1 << 30, name)


async def _visible(request: web.Request, s, ticket_id: int | None):
    if ticket_id is None:
        return None
    async with services(request).store.read() as r:
        ticket = await r.tickets.get(ticket_id)
    if ticket is None or not policy.may_see_ticket_on_desk(ticket, s.person):
        return None
    return ticket


async def detail(request: web.Request) -> web.Response:
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    ticket = await _visible(request, s, parse_id(request.match_info["id"]))
    if ticket is None:
        return not_found(request, s)
    desk = services(request).tickets
    z = zone(request)
    async with services(request).store.read() as r:
        events = await r.tickets.events(ticket.id)
        media = await r.tickets.media(ticket.id)
        photos = await r.tickets.photos(ticket.id)
        owner = await r.people.get(ticket.assignee_person_id) if ticket.assignee_person_id else None
        grid = next((g for g in await r.places.grids(ticket.community_id) if g.id == ticket.grid_id), None)
        phone = None
        if policy.may_see_reporter_phone(ticket, s.person) and ticket.reporter_person_id:
            reporter = await r.people.get(ticket.reporter_person_id)
            phone = reporter.phone if reporter else None
        may_act = policy.may_act_on_ticket(ticket, s.person) and ticket.is_open
        choices = await desk.transfer_choices(r, ticket) if may_act else []
    note = request.query.get("note", "")
    if note and request.query.get("sig") != note_signature(s, note):
        note = ""
    history = [{
        "when": ev.at.astimezone(z).strftime("%m-%d %H:%M"), "who": ev.actor_name or "", "via": ev.via,
        "what": ticket_render.EVENT_LABELS.get(ev.kind, ev.kind),
        "detail": ev.detail if ev.kind != "created" else "",
    } for ev in events]
    media_counts: dict[str, int] = {}
    for _, _, kind in media:
        label = ticket_render.MEDIA_LABELS.get(kind, "附件")
        media_counts[label] = media_counts.get(label, 0) + 1
    return render(
        request, "ticket.html", session=s, page="tickets", t=ticket, owner=owner, grid=grid, phone=phone,
        category=CATEGORY_LABELS.get(ticket.category, "其他"), status=STATUS_CHOICES.get(ticket.status),
        created=ticket.created_at.astimezone(z).strftime("%Y-%m-%d %H:%M"), history=history,
        media=media_counts, photos=photos, may_act=may_act, choices=choices, categories=CATEGORY_LABELS,
        reasons=ticket_render.RETURN_REASONS, note=note)


async def photo(request: web.Request) -> web.StreamResponse:
    """A photo of a ticket someone may see, fetched from Telegram (the bot keeps no copies)."""
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    ticket = await _visible(request, s, parse_id(request.match_info["id"]))
    media_id = parse_id(request.match_info["photo"])
    if ticket is None or media_id is None:
        return not_found(request, s)
    async with services(request).store.read() as r:
        file_id = await r.tickets.photo_file(ticket.id, media_id)
    if file_id is None:
        return not_found(request, s)
    try:
        data = await request.app[FETCH](file_id)
    except Exception:  # Telegram unreachable or the file gone: the page says so, the desk goes on
        log.warning("photo %s of #%s could not be fetched", media_id, ticket.id, exc_info=True)
        return render(request, "message.html", code=502, session=s, title="照片暂时取不到",
                      message="Telegram 暂时连不上, 或者这张照片已经取不到了。请稍后再试, 或在 Telegram 的诉求卡片里查看。")
    kind = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return web.Response(body=data, content_type=kind)


async def act(request: web.Request) -> web.StreamResponse:
    """A button's action from the web: the ticket desk's own code path, in one transaction, so the
    people in Telegram hear of it through the outbox exactly as after a button press."""
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    form = await request.post()
    if not form_ok(s, form):
        return refused_csrf(request, s)
    ticket = await _visible(request, s, parse_id(request.match_info["id"]))
    if ticket is None:
        return not_found(request, s)
    action = form.get("action", "")
    if not isinstance(action, str) or action not in ACTION_ARGS:
        return not_found(request, s)
    field = ACTION_ARGS[action]
    arg = form.get(field) if field else None
    async with services(request).store.tx() as tx:
        person = await tx.people.get(s.person.id)
        answer = await services(request).tickets.act_on_web(tx, ticket.id, person, action,
                                                            arg if isinstance(arg, str) else None)
    note = answer.text or "已完成"
    raise web.HTTPSeeOther(f"/desk/tickets/{ticket.id}?" + urlencode({"note": note, "sig": note_signature(s, note)}))


async def download(request: web.Request) -> web.StreamResponse:
    """The list as it is filtered on screen (every page of it), as the 台账's 诉求 and 诉求记录 sheets."""
    s = await session(request)
    if s is None:
        return not_logged_in(request)
    scope = policy.desk_scope(s.person)
    f = filter_from_query(request.query)
    z = zone(request)
    async with services(request).store.snapshot() as r:
        ids = await r.desk.ticket_ids(scope, f, _cutoffs(request), f.window(z), MAX_DOWNLOAD)
        tickets = await r.desk.export_tickets(ids)
        events = await r.desk.export_events(ids)
    stamp = now(request).astimezone(z).strftime("%Y-%m-%d")
    body = await asyncio.to_thread(_workbook, tickets, events, z, f"诉求 {stamp}")
    name = f"诉求_{stamp}.xlsx"
    return web.Response(body=body, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f"attachment; filename=\"tickets_{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}",
    })


def _workbook(tickets: list[dict], events: list[dict], z, title: str) -> bytes:
    from bot.tasks.xlsx import Workbook

    when = local_minutes(z)
    with tempfile.TemporaryDirectory(prefix="sanzhang-desk-") as folder:
        path = Path(folder) / "desk.xlsx"
        book = Workbook(path, title)
        try:
            sheet = book.sheet("诉求", TICKET_HEADER)
            for t in tickets:
                sheet.append(ticket_row(t, when))
            sheet.close()
            sheet = book.sheet("诉求记录", EVENT_HEADER)
            for ev in events:
                sheet.append(event_row(ev, when))
            sheet.close()
        finally:
            book.close()
        return path.read_bytes()
