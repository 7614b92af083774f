"""The composition root: builds the store, the core services, the PTB Application and the sender."""
from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import HTTPXRequest

import handlers
from bot.config import Config, require_token
from bot.ops.health import Health
from bot.delivery.intake import UpdateIntake
from bot.ops.metrics import Metrics
from bot.delivery.outbox import Sender
from bot.delivery.ratelimit import RateLimits
from bot.services import Services
from handlers.delivery import TelegramDelivery
from handlers.intake import DurableBot, replay
from storage import Store
from web import desk as desk_routes
from web import health as health_routes
from web import metrics as metrics_routes
from web import webhook as webhook_routes
from web.server import WebServer

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
JOB_TICK_SECONDS = 20
# How long a send waits for Telegram's answer. A send that times out is retried and may then
# arrive twice, so wait long: a slow answer is waited for, not repeated.
SEND_READ_TIMEOUT = 60.0
# Long polls add their own `timeout` to this.
POLL_READ_TIMEOUT = 10.0


def build_bot(config: Config) -> DurableBot:
    return DurableBot(
        token=require_token(config),
        base_url=config.api_url,
        base_file_url=config.file_base_url,
        request=HTTPXRequest(connection_pool_size=8, read_timeout=SEND_READ_TIMEOUT,
                             write_timeout=SEND_READ_TIMEOUT, connect_timeout=10.0, pool_timeout=10.0),
        get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=POLL_READ_TIMEOUT,
                                         connect_timeout=10.0),
        defaults=Defaults(tzinfo=config.zone),
    )


def build_application(config: Config, clock: Clock | None = None, limits: RateLimits | None = None,
                      tick_jobs: bool = True) -> Application:
    """A ready-to-start Application; the store opens and the sender starts in post_init.

    `clock` is the bot's now and `limits` the sender's rate limits with their monotonic clock: real
    time unless given (the playground runs both on its movable clock).
    """
    app = (
        ApplicationBuilder()
        .bot(build_bot(config))
        .post_init(lambda a: _open(a, config, clock, limits or RateLimits(), tick_jobs))
        .post_shutdown(_close)
        .build()
    )
    app.bot_data["config"] = config
    handlers.register(app)
    return app


async def _open(app: Application, config: Config, clock: Clock | None, limits: RateLimits,
                tick_jobs: bool = True) -> None:
    # Telegram keeps the menus from the last run: refreshing them goes on while the rest starts.
    menus = asyncio.create_task(_publish_menus(app), name="publish-menus")
    store = await Store.open(config.db, clock=clock)
    services = Services.build(config, store)
    # The segmenter takes a second or two to load: in a thread, so commands are answered meanwhile
    # (a message that needs it waits for it).
    threading.Thread(target=services.chat.warm_up, name="warm-segmenter", daemon=True).start()
    app.bot_data["services"] = services
    metrics = Metrics(store)
    services.chat.observe_parse = metrics.parse_seconds.observe
    intake = UpdateIntake(store, metrics)
    app.bot_data["intake"] = intake
    # Updates a previous run received but did not finish go first; from now on every fetched
    # update is written down before it is confirmed.
    await replay(app, intake)
    app.bot.attach(intake)
    async with store.tx() as tx:
        await tx.meta.set("bot_username", app.bot.username)
    await menus
    sender = Sender(store, metrics.timed(TelegramDelivery(app.bot)), limits, monotonic=limits.clock)
    app.bot_data["sender"] = sender
    app.bot_data["sender_task"] = asyncio.create_task(sender.run(), name="outbox-sender")
    app.bot_data["web"] = await _serve_web(app, config, store, intake, metrics, sender)
    # Due jobs are read from the database on every tick, so a restart re-schedules all of them
    # and one missed while the bot was down fires once, late. APScheduler's default
    # misfire_grace_time of 1 s would silently skip a tick when the loop is busy: never skip.
    if tick_jobs:
        _tick_jobs(app)
    else:
        # Once at start all the same, before the story goes on: what fell due while the bot was
        # down goes out after a restart.
        await services.jobs.run_due()
    app.job_queue.run_repeating(_prune, interval=6 * 3600, first=60, name="prune")
    log.info("@%s is up; database %s", app.bot.username, config.db)


def _tick_jobs(app: Application) -> None:
    app.job_queue.run_repeating(
        _tick, interval=JOB_TICK_SECONDS, first=0.5, name="jobs",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


async def _serve_web(app: Application, config: Config, store: Store, intake: UpdateIntake,
                     metrics: Metrics, sender: Sender) -> WebServer:
    """Health and metrics always; Telegram's webhook when one is configured."""
    web = WebServer(config.web_host, config.web_port)
    web.add(health_routes.routes(Health(store, lambda: app.bot.reachable and sender.reachable)))
    web.add(metrics_routes.routes(metrics))
    if config.webhook_url:
        async def dispatch(raw: dict) -> None:
            update = await app.bot.read_update(raw)
            if update is not None:
                await app.update_queue.put(update)

        path = urlsplit(config.webhook_url).path or "/"
        web.add(webhook_routes.routes(path, config.webhook_secret, intake, dispatch))
    services: Services = app.bot_data["services"]
    async def fetch_file(file_id: str) -> bytes:
        """A file people sent (a report's photo), fetched from Telegram for the web desk."""
        found = await app.bot.get_file(file_id)
        return bytes(await found.download_as_bytearray())

    web.add(desk_routes.routes(services, fetch_file))
    await web.start()
    # The address /desk links to: the public one behind a proxy, else where we listen.
    services.desk.base_url = config.web_url or web.local_url
    return web


async def _publish_menus(app: Application) -> None:
    try:
        await handlers.publish_commands(app)
    except Exception:  # the old menus stay; the next start tries again
        log.exception("publishing the command menus failed")


async def _tick(context) -> None:
    await context.application.bot_data["services"].jobs.run_due()


async def _prune(context) -> None:
    await context.application.bot_data["services"].store.prune()


async def _close(app: Application) -> None:
    web: WebServer | None = app.bot_data.pop("web", None)
    if web is not None:
        await web.stop()
    task: asyncio.Task | None = app.bot_data.pop("sender_task", None)
    if task is not None:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
    services: Services | None = app.bot_data.pop("services", None)
    if services is not None:
        await services.jobs.close()
        await services.store.close()


async def start(app: Application, poll_timeout: float = 10.0) -> None:
    """Start an Application inside a running event loop (tests, demo, webhook mode)."""
    await app.initialize()
    # run_polling() calls these hooks itself; here we are its stand-in.
    await app.post_init(app)
    await app.start()
    config: Config = app.bot_data["config"]
    if config.webhook_url:
        # Telegram keeps the webhook while we are down and delivers what waited when we are back.
        await app.bot.set_webhook(config.webhook_url, secret_token=config.webhook_secret,
                                  allowed_updates=Update.ALL_TYPES)
        log.info("receiving updates by webhook at %s", config.webhook_url)
        return
    await app.updater.start_polling(
        poll_interval=0.0, timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES,
        error_callback=app.bot.poll_failed,
    )


async def stop(app: Application) -> None:
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    await app.post_shutdown(app)


def run(config: Config) -> None:
    """Run until Ctrl-C or SIGTERM, as `python -m bot run` does."""
    app = build_application(config)
    if not config.webhook_url:
        app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=30)
        return
    asyncio.run(_run_webhook(app))


async def _run_webhook(app: Application) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    await start(app)
    await stopping.wait()
    log.info("stopping")
    await stop(app)
