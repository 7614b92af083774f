"""The core services of one running bot, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from bot.conversation.accounts import Accounts
from bot.understanding.assist import Assistant, AssistSettings
from bot.ops.admin import Admin
from bot.conversation.chat import Chat
from bot.config import Config
from bot.desk.login import DeskLogin
from bot.elders.rules import ElderRules
from bot.elders.service import VISIT_JOB, ElderWing
from bot.conversation.groups import Groups
from bot.delivery.jobs import JobRunner
from bot.understanding.learning import RETRAIN_JOB, Learner, model_path
from bot.nlu import Lexicon
from bot.paging import Pager
from bot.tasks.digest import DigestSettings
from bot.tasks.notices import NoticeBoard
from bot.tasks.points import POINTS_JOB, PointRules, PointsBook
from bot.tasks.regular_days import REGULAR_DAYS_JOB, RegularDays, read_regular_days
from bot.tasks.service import TASK_JOB, TaskBoard
from bot.tasks.tally import Tally
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
    tasks: TaskBoard | None = None
    notices: NoticeBoard | None = None
    points: PointsBook | None = None
    tally: Tally | None = None
    regular_days: RegularDays | None = None
    pager: Pager | None = None
    learner: Learner | None = None
    elders: ElderWing | None = None
    desk: DeskLogin | None = None

    @classmethod
    def build(cls, config: Config, store: Store) -> "Services":
        retrained = model_path(config)
        lexicon = Lexicon.load(config.keywords, model=retrained)
        pager = Pager(store)
        desk = TicketDesk(store, config.zone, SlaPolicy.from_config(config.extra.get("sla")),
                          quiet_hours(config), pager)
        jobs = JobRunner(store)
        jobs.on(SLA_JOB, desk.on_sla_job)
        sla = SlaPolicy.from_config(config.extra.get("sla"))
        notices = NoticeBoard(store, config.zone)
        points = PointsBook(store, config.zone, PointRules.from_config(config.extra.get("points")))
        board = TaskBoard(store, config.zone, quiet_hours(config), notices, points, lexicon)
        tally = Tally(store, config.zone, sla, DigestSettings.from_config(config.extra.get("digest")), jobs)
        regular = RegularDays(config.zone, read_regular_days(config.extra.get("regular_days")))
        jobs.on(TASK_JOB, board.on_job)
        jobs.on(REGULAR_DAYS_JOB, regular.on_job)
        jobs.on(POINTS_JOB, points.on_sweep_job)
        elders = ElderWing(store, config.zone, ElderRules.from_config(config.extra.get("elders")), desk,
                           quiet_hours(config), lexicon)
        jobs.on(VISIT_JOB, elders.reminders.on_job)
        assistant = Assistant(AssistSettings.from_config(config.extra.get("llm")), store, config.zone)
        chat = Chat(store, desk, lexicon, board=board, assistant=assistant, elders=elders)
        learner = Learner(store, retrained, lambda: chat.lexicon, chat.use_model, config.zone)
        jobs.on(RETRAIN_JOB, learner.on_retrain_job)
        return cls(
            config=config,
            store=store,
            accounts=Accounts(store, desk),
            admin=Admin(store),
            groups=Groups(store, pager),
            chat=chat,
            tickets=desk,
            jobs=jobs,
            tasks=board,
            notices=notices,
            points=points,
            tally=tally,
            regular_days=regular,
            pager=pager,
            learner=learner,
            elders=elders,
            desk=DeskLogin(store),
        )
