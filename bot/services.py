"""The core services of one running bot, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from bot.accounts import Accounts
from bot.admin import Admin
from bot.chat import Chat
from bot.config import Config
from bot.groups import Groups
from bot.jobs import JobRunner
from bot.nlu import Lexicon
from bot.tickets.service import SLA_JOB, QuietHours, TicketDesk
from bot.tickets.sla import SlaPolicy
from storage import Store


def quiet_hours(config: Config) -> QuietHours:
    section = config.extra.get("quiet_hours", {})
    start = time.fromisoformat(section.get("start", "21:30"))
    end = time.fromisoformat(section.get("end", "07:30"))
    return QuietHours(start, end)


@dataclass
class Services:
    config: Config
    store: Store
    accounts: Accounts
    admin: Admin
    groups: Groups
    chat: Chat
    tickets: TicketDesk
    jobs: JobRunner

    @classmethod
    def build(cls, config: Config, store: Store) -> "Services":
        lexicon = Lexicon.load(config.keywords)
        desk = TicketDesk(store, config.zone, SlaPolicy.from_config(config.extra.get("sla")),
                          quiet_hours(config))
        jobs = JobRunner(store)
        jobs.on(SLA_JOB, desk.on_sla_job)
        return cls(
            config=config,
            store=store,
            accounts=Accounts(store, desk),
            admin=Admin(store),
            groups=Groups(store),
            chat=Chat(store, desk, lexicon),
            tickets=desk,
            jobs=jobs,
        )
