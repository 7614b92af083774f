"""The office's web desk on the bot's own web server: login from /desk, 诉求, 任务和通知, 老人, 统计."""
from __future__ import annotations

from aiohttp import web

from bot.services import Services
from web.desk import pages, tickets
from web.desk.base import FETCH, SERVICES, TEMPLATES, FetchFile, security_headers, templates


def routes(services: Services, fetch_file: FetchFile):
    def add(app: web.Application) -> None:
        app[SERVICES] = services
        app[FETCH] = fetch_file
        app[TEMPLATES] = templates()
        app.middlewares.append(security_headers)
        app.router.add_get("/login/{token}", pages.login_page)
        app.router.add_post("/login/{token}", pages.log_in)
        app.router.add_post("/desk/logout", pages.log_out)
        app.router.add_get("/desk", pages.home)
        app.router.add_get("/desk/", pages.home)
        app.router.add_get("/desk/tickets", tickets.ticket_list)
        app.router.add_get("/desk/tickets.xlsx", tickets.download)
        app.router.add_get("/desk/tickets/{id}", tickets.detail)
        app.router.add_post("/desk/tickets/{id}", tickets.act)
        app.router.add_get("/desk/tickets/{id}/photo/{photo}", tickets.photo)
        app.router.add_get("/desk/tasks", pages.tasks)
        app.router.add_get("/desk/tasks/{id}", pages.task_detail)
        app.router.add_get("/desk/elders", pages.elders)
        app.router.add_get("/desk/stats", pages.stats)
        app.router.add_static("/desk/static", pages.STATIC, show_index=False)
    return add
