"""What every desk page shares: the session, CSRF, security headers and the templates."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.desk.login import SESSION_LIFETIME, Session
from bot.services import Services

SERVICES = web.AppKey("desk_services", Services)
TEMPLATES = web.AppKey("desk_templates", jinja2.Environment)
COOKIE = "sanzhang_desk"
HERE = Path(__file__).resolve().parent

# No script at all, styles from our own file only, no framing, forms post only to us.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Fetches a file people sent to Telegram by its file id (the composition root gives the bot's).
FetchFile = Callable[[str], Awaitable[bytes]]
FETCH = web.AppKey("desk_fetch_file", FetchFile)


def templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Desk pages and login links: never cached (another person may use the office PC next), no
    framing, no scripts, and no address sent on to other sites."""
    desk = request.path.startswith("/desk") or request.path.startswith("/login/")
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # a redirect, or aiohttp's own 404 for an unknown address
        if desk:
            _protect(exc.headers)
        raise
    if desk:
        _protect(response.headers)
    return response


def _protect(headers) -> None:
    headers["Content-Security-Policy"] = CSP
    headers["Cache-Control"] = "no-store"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


def now(request: web.Request) -> datetime:
    return services(request).store.now()


def zone(request: web.Request):
    return services(request).config.zone


async def session(request: web.Request) -> Session | None:
    return await services(request).desk.session(request.cookies.get(COOKIE))


def secure(request: web.Request) -> bool:
    base = services(request).desk.base_url or ""
    return base.startswith("https://") or request.secure


def set_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()), path="/",
                        httponly=True, samesite="Lax", secure=secure(request))


def render(request: web.Request, name: str, code: int = 200, **context: Any) -> web.Response:
    html = request.app[TEMPLATES].get_template(name).render(**context)
    return web.Response(text=html, status=code, content_type="text/html", charset="utf-8")


def not_logged_in(request: web.Request) -> web.Response:
    return render(request, "message.html", code=401, title="请先登录",
                  message="请在 Telegram 里私聊机器人, 发送 /desk, 点它发来的链接登录。登录 12 小时后需要重新登录。")


def not_found(request: web.Request, s: Session | None = None) -> web.Response:
    # The same answer whether it does not exist or is not theirs: a URL tells nothing.
    return render(request, "message.html", code=404, session=s, title="找不到",
                  message="找不到这个页面, 或者您没有权限查看。")


def form_ok(s: Session, form) -> bool:
    """Every state-changing request carries the session's CSRF token."""
    given = form.get("csrf", "")
    return isinstance(given, str) and hmac.compare_digest(given.encode(), s.csrf.encode())


def refused_csrf(request: web.Request, s: Session) -> web.Response:
    return render(request, "message.html", code=403, session=s, title="请重新打开页面",
                  message="这个页面已经过期 (或不是从工作台提交的)。请返回, 刷新页面后再试一次。")


def note_signature(s: Session, note: str) -> str:
    """A note after an action, passed on the redirect: signed, so a link cannot put words on the page."""
    return hmac.new(s.csrf.encode(), note.encode(), hashlib.sha256).hexdigest()[:20]
