"""The aiohttp side: Bot API routes, file downloads, outage handling and the /control JSON endpoints."""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Protocol

from aiohttp import web

from sandbox.errors import ApiError
from sandbox.faults import Fault
from sandbox.params import Upload, coerce_all
from sandbox.faults import Faults
from sandbox.methods import BotApi
from sandbox.world import ApiCall, World


class Backend(Protocol):
    """What the routes need from the fake (FakeTelegram is one), so that the server never imports the fake."""

    world: World
    api: BotApi
    faults: Faults
    latency: float

    def add_group(self, *args: Any, **kwargs: Any) -> Any: ...
    def add_member(self, *args: Any, **kwargs: Any) -> Any: ...
    def add_user(self, *args: Any, **kwargs: Any) -> Any: ...
    def block_bot(self, *args: Any, **kwargs: Any) -> Any: ...
    def calls(self, *args: Any, **kwargs: Any) -> Any: ...
    def end_outage(self, *args: Any, **kwargs: Any) -> Any: ...
    def fail_next(self, *args: Any, **kwargs: Any) -> Any: ...
    def flood_control(self, *args: Any, **kwargs: Any) -> Any: ...
    def get_me(self, *args: Any, **kwargs: Any) -> Any: ...
    def inject_update(self, *args: Any, **kwargs: Any) -> Any: ...
    def message(self, *args: Any, **kwargs: Any) -> Any: ...
    def migrate_to_supergroup(self, *args: Any, **kwargs: Any) -> Any: ...
    def outage(self, *args: Any, **kwargs: Any) -> Any: ...
    def press_button(self, *args: Any, **kwargs: Any) -> Any: ...
    def private(self, *args: Any, **kwargs: Any) -> Any: ...
    def redeliver(self, *args: Any, **kwargs: Any) -> Any: ...
    def send_text(self, *args: Any, **kwargs: Any) -> Any: ...
    def sent(self, *args: Any, **kwargs: Any) -> Any: ...
    def set_bot_status(self, *args: Any, **kwargs: Any) -> Any: ...
    def set_privacy(self, *args: Any, **kwargs: Any) -> Any: ...
    def settle(self, *args: Any, **kwargs: Any) -> Any: ...
    def unblock_bot(self, *args: Any, **kwargs: Any) -> Any: ...
    def wait_sent(self, *args: Any, **kwargs: Any) -> Any: ...

log = logging.getLogger(__name__)
_dumps = partial(json.dumps, ensure_ascii=False)
MAX_UPLOAD = 60 * 1024 * 1024
# What Telegram takes in one multipart upload from a bot; a bigger request is refused before it is read.
UPLOAD_LIMIT = 50 * 1024 * 1024


def _json(body: dict, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


async def read_params(request: web.Request) -> dict[str, Any]:
    """Merge query string and body (form, multipart or JSON) into raw parameter values."""
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError.bad_request("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise ApiError.bad_request("JSON object expected")
        params.update(body)
    elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = Upload(value.file.read(), value.filename, value.content_type)
            else:
                params[key] = value
    return params


class Server:
    """Owns the aiohttp application for one fake Telegram."""

    def __init__(self, fake: Backend) -> None:
        self.fake = fake
        self.app = web.Application(client_max_size=MAX_UPLOAD)
        self.app.router.add_route("*", "/bot{token}/{method}", self.api)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self.download)
        self.app.router.add_get("/control/state", self.c_state)
        self.app.router.add_get("/control/sent", self.c_sent)
        self.app.router.add_get("/control/calls", self.c_calls)
        for name in ("users", "groups", "members", "bot_status", "block", "privacy", "send_text", "press_button",
                     "updates", "redeliver", "migrate", "faults", "flood", "settle", "wait_sent"):
            self.app.router.add_post(f"/control/{name}", self._control(getattr(self, f"c_{name}")))
        self.app.router.add_delete("/control/faults", self._control(self.c_clear_faults))
        self.runner: web.AppRunner | None = None
        self.site: web.TCPSite | None = None
        self.port = 0
        self.host = "127.0.0.1"

    async def start(self, host: str, port: int) -> None:
        self.runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.5)
        await self.runner.setup()
        self.site = web.TCPSite(self.runner, host, port)
        await self.site.start()
        server = self.site._server  # aiohttp exposes the bound port only here
        assert server is not None and server.sockets
        self.host, self.port = host, server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    # ----- Bot API ---------------------------------------------------------------------

    async def api(self, request: web.Request) -> web.StreamResponse:
        fake = self.fake
        world = fake.world
        method = request.match_info["method"]
        found = fake.api.lookup(method)
        name = found[0] if found else method
        is_poll = name == "getUpdates"
        call = ApiCall(method=name, params={}, time=world.clock())
        world.calls.append(call)
        if not is_poll:
            world.inflight += 1
            world.touch()
        try:
            if fake.latency:
                await asyncio.sleep(fake.latency / 2)
            response = await self._answer(request, call, found)
            if fake.latency:
                await asyncio.sleep(fake.latency / 2)
        finally:
            call.finished = True
            if is_poll:
                world.changed.notify()  # polling is not activity: settle() must not wait on it
            else:
                world.inflight -= 1
                world.touch()
        return response

    async def _answer(self, request: web.Request, call: ApiCall,
                      found: tuple[str, Callable[[dict], Any]] | None) -> web.StreamResponse:
        fake = self.fake
        try:
            if request.match_info["token"] != fake.world.token:
                raise ApiError(401, "Unauthorized")
            if (request.content_length or 0) > UPLOAD_LIMIT:
                raise ApiError.http(413, "Request Entity Too Large")
            raw = await read_params(request)
            call.params = raw
            params = coerce_all(raw)
            call.params = params
            fault = fake.faults.take(call.method)
            if fault is not None and fault.mode != "slow":
                call.injected = True
                return await self._fault(request, fault, call)
            if found is None:
                raise ApiError(404, "Not Found")
            result = found[1](params)
            if asyncio.iscoroutine(result):
                result = await result
            if fault is not None:
                # Done, as Telegram would have done it; only the answer is late (and is lost
                # if the client stopped waiting).
                await asyncio.sleep(fault.hang_seconds or 0)
        except ApiError as exc:
            call.ok, call.status, call.description = False, exc.status, exc.description
            return _json(exc.body(), exc.status)
        except Exception as exc:  # a sandbox bug must look like a Telegram 500, not hang the bot
            log.exception("sandbox failed on %s", call.method)
            call.ok, call.status, call.description = False, 500, f"Internal Server Error: {exc!r}"
            return _json({"ok": False, "error_code": 500, "description": "Internal Server Error"}, 500)
        call.ok, call.status, call.result = True, 200, result
        return _json({"ok": True, "result": result})

    async def _fault(self, request: web.Request, fault: Fault, call: ApiCall) -> web.StreamResponse:
        call.ok, call.status = False, fault.status
        call.description = fault.description or f"injected {fault.mode} fault"
        if fault.mode == "hang":
            # Hang until the client gives up (so a timed-out call stops counting as in flight
            # for settle()), the fake stops, or hang_seconds pass.
            deadline = None if fault.hang_seconds is None else time.monotonic() + fault.hang_seconds
            stopping = self.fake.api.stopping
            while not stopping.is_set() and (deadline is None or time.monotonic() < deadline):
                if request.transport is None or request.transport.is_closing():
                    raise asyncio.CancelledError
                try:
                    await asyncio.wait_for(stopping.wait(), 0.05)
                except TimeoutError:
                    pass
        if fault.mode == "drop" or self.fake.api.stopping.is_set():
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # nothing more can be written on an aborted connection
        error = ApiError.http(fault.status, fault.description)
        return _json(error.body(), fault.status)

    async def download(self, request: web.Request) -> web.StreamResponse:
        fake = self.fake
        call = ApiCall(method="download", params={"file_path": request.match_info["path"]}, time=fake.world.clock())
        fake.world.calls.append(call)
        fake.world.inflight += 1
        fake.world.touch()
        try:
            if request.match_info["token"] != fake.world.token:
                call.status = 401
                return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
            fault = fake.faults.take("download")
            if fault is not None:
                call.injected = True
                return await self._fault(request, fault, call)
            stored = fake.world.files_by_path.get(request.match_info["path"])
            if stored is None:
                call.status = 404
                return _json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
            call.ok, call.status = True, 200
            return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
        finally:
            call.finished = True
            fake.world.inflight -= 1
            fake.world.touch()

    # ----- control (JSON mirror of the in-process API) ---------------------------------

    def _control(self, fn: Callable[[dict], Awaitable[Any]]) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            try:
                body = await request.json() if request.can_read_body else {}
            except ValueError:
                return _json({"ok": False, "description": "JSON body expected"}, 400)
            try:
                return _json({"ok": True, "result": await fn(body or {})})
            except (ValueError, KeyError, TypeError, AssertionError, TimeoutError) as exc:
                return _json({"ok": False, "description": f"{type(exc).__name__}: {exc}"}, 400)

        return handler

    def _user(self, body: dict, key: str = "user_id") -> Any:
        user = self.fake.world.users.get(int(body[key]))
        if user is None:
            raise KeyError(f"unknown user {body[key]}")
        return user

    def _chat(self, body: dict, key: str = "chat_id") -> Any:
        chat = self.fake.world.chats.get(int(body[key]))
        if chat is None:
            raise KeyError(f"unknown chat {body[key]}")
        return chat

    async def c_state(self, request: web.Request) -> web.Response:
        world = self.fake.world
        return _json({"ok": True, "result": {
            "bot": self.fake.get_me(),
            "users": [u.to_api() | {"started": u.started, "blocked": u.blocked} for u in world.users.values()],
            "chats": [c.to_api() | {"bot_status": c.bot_status, "members": {str(k): v for k, v in c.members.items()},
                                    "migrated_to": c.migrated_to} for c in world.chats.values()],
            "pending_updates": [p.update for p in world.pending],
        }})

    async def c_sent(self, request: web.Request) -> web.Response:
        chat_id = request.query.get("chat_id")
        records = self.fake.sent(int(chat_id) if chat_id else None)
        return _json({"ok": True, "result": [
            r.data | {"_deleted": r.deleted, "_edit_count": r.edit_count} for r in records]})

    async def c_calls(self, request: web.Request) -> web.Response:
        calls = self.fake.calls(request.query.get("method"))
        return _json({"ok": True, "result": [
            {"method": c.method, "params": {k: (f"<upload {v.filename} {len(v.data)} bytes>"
                                                if isinstance(v, Upload) else v) for k, v in c.params.items()},
             "ok": c.ok, "status": c.status, "description": c.description, "time": c.time, "injected": c.injected}
            for c in calls]})

    async def c_users(self, body: dict) -> dict:
        return self.fake.add_user(body["first_name"], body.get("last_name"), body.get("username"),
                                  body.get("language_code", "zh-hans")).to_api()

    async def c_groups(self, body: dict) -> dict:
        members = [self._user({"u": u}, "u") for u in body.get("member_ids", [])]
        admins = [self._user({"u": u}, "u") for u in body.get("admin_ids", [])]
        chat = self.fake.add_group(body["title"], members, supergroup=body.get("supergroup", True), admins=admins,
                                   username=body.get("username"), bot_status=body.get("bot_status", "member"))
        return chat.to_api()

    async def c_members(self, body: dict) -> bool:
        self.fake.add_member(self._chat(body), self._user(body), body.get("status", "member"))
        return True

    async def c_bot_status(self, body: dict) -> bool:
        self.fake.set_bot_status(self._chat(body), body["status"])
        return True

    async def c_block(self, body: dict) -> bool:
        if body.get("blocked", True):
            self.fake.block_bot(self._user(body))
        else:
            self.fake.unblock_bot(self._user(body))
        return True

    async def c_privacy(self, body: dict) -> bool:
        self.fake.set_privacy(bool(body["can_read_all_group_messages"]))
        return True

    async def c_send_text(self, body: dict) -> dict:
        user = self._user(body)
        chat = self._chat(body) if body.get("chat_id") is not None else self.fake.private(user)
        reply_to = None
        if body.get("reply_to_message_id") is not None:
            reply_to = self.fake.message(chat, int(body["reply_to_message_id"]))
        return self.fake.send_text(user, chat, body["text"], reply_to=reply_to).data

    async def c_press_button(self, body: dict) -> dict:
        record = self.fake.message(self._chat(body), int(body["message_id"]))
        return self.fake.press_button(self._user(body), record, body["callback_data"]).query

    async def c_updates(self, body: dict) -> dict:
        return self.fake.inject_update(body)

    async def c_redeliver(self, body: dict) -> dict:
        return self.fake.redeliver(int(body["update_id"]))

    async def c_migrate(self, body: dict) -> dict:
        return self.fake.migrate_to_supergroup(self._chat(body)).to_api()

    async def c_faults(self, body: dict) -> bool:
        if body.get("lasting"):
            self.fake.outage(body.get("status", 502), method=body.get("method"), mode=body.get("mode", "status"))
        else:
            self.fake.fail_next(body.get("n", 1), body.get("status", 502), method=body.get("method"),
                                mode=body.get("mode", "status"), description=body.get("description"))
        return True

    async def c_clear_faults(self, body: dict) -> bool:
        self.fake.end_outage()
        return True

    async def c_flood(self, body: dict) -> bool:
        self.fake.flood_control = bool(body.get("enabled", True))
        return True

    async def c_settle(self, body: dict) -> bool:
        await self.fake.settle(quiet=body.get("quiet", 0.3), timeout=body.get("timeout", 10))
        return True

    async def c_wait_sent(self, body: dict) -> list[dict]:
        records = await self.fake.wait_sent(int(body["chat_id"]), body.get("count", 1), timeout=body.get("timeout", 5))
        return [r.data for r in records]

