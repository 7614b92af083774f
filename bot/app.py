"""The composition root: builds the store, the core services, the PTB Application and the sender."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, Defaults

import handlers
from bot.config import Config, require_token
from bot.outbox import Sender
from bot.ratelimit import RateLimits
from bot.services import Services
from handlers.delivery import TelegramDelivery
from storage import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
JOB_TICK_SECONDS = 20


def build_application(config: Config, clock: Clock | None = None, limits: RateLimits | None = None) -> Application:
    """A ready-to-start Application; the store opens and the sender starts in post_init.

    `clock` is the bot's now and `limits` the sender's rate limits with their monotonic clock: real
    time unless given (the playground runs both on its movable clock).
    """
    app = (
        ApplicationBuilder()
        .token(require_token(config))
        .base_url(config.api_url)
        .base_file_url(config.file_base_url)
        .defaults(Defaults(tzinfo=config.zone))
        .post_init(lambda a: _open(a, config, clock, limits or RateLimits()))
        .post_shutdown(_close)
        .build()
    )
    handlers.register(app)
    return app


async def _open(app: Application, config: Config, clock: Clock | None, limits: RateLimits) -> None:
    store = await Store.open(config.db, clock=clock)
    services = Services.build(config, store)
    services.chat.warm_up()
    app.bot_data["services"] = services
    async with store.tx() as tx:
        await tx.meta.set("bot_username", app.bot.username)
    await handlers.publish_commands(app)
    sender = Sender(store, TelegramDelivery(app.bot), limits, monotonic=limits.clock)
    app.bot_data["sender_task"] = asyncio.create_task(sender.run(), name="outbox-sender")
    # Due jobs are read from the database on every tick, so a restart re-schedules all of them
    # and one missed while the bot was down fires once, late. APScheduler's default
    # misfire_grace_time of 1 s would silently skip a tick when the loop is busy: never skip.
    app.job_queue.run_repeating(
        _tick, interval=JOB_TICK_SECONDS, first=0.5, name="jobs",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
    app.job_queue.run_repeating(_prune, interval=6 * 3600, first=60, name="prune")
    log.info("@%s is up; database %s", app.bot.username, config.db)


async def _tick(context) -> None:
    await context.application.bot_data["services"].jobs.run_due()


async def _prune(context) -> None:
    await context.application.bot_data["services"].store.prune()


async def _close(app: Application) -> None:
    task: asyncio.Task | None = app.bot_data.pop("sender_task", None)
    if task is not None:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
    services: Services | None = app.bot_data.pop("services", None)
    if services is not None:
        await services.store.close()


async def start(app: Application, poll_timeout: float = 10.0) -> None:
    """Start an Application inside a running event loop (tests, demo)."""
    await app.initialize()
    # run_polling() calls these hooks itself; here we are its stand-in.
    await app.post_init(app)
    await app.start()
    await app.updater.start_polling(
        poll_interval=0.0, timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES
    )


async def stop(app: Application) -> None:
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    await app.post_shutdown(app)


def run(config: Config) -> None:
    """Run until Ctrl-C, as `python -m bot run` does."""
    app = build_application(config)
    app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=30)
