"""Points (积分): awards in words or by command, automatic rules, and the monthly ranking."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.model.incoming import Incoming
from bot.model.messages import text_message
from bot.nlu import CATEGORY_LABELS
from bot.nlu.awards import MAX_AWARD, AwardWords, parse_add_command, parse_award
from bot.tasks import render
from bot.policy import may_award_points
from bot.tasks.common import month_start, next_month_start
from bot.refusals import refuse
from bot.texts import not_linked
from storage import Store, Tx
from storage.jobs import Job

POINTS_JOB = "points_sweep"
SWEEP_EVERY = timedelta(hours=1)
SWEEP_LOOKBACK = timedelta(days=7)

@dataclass(frozen=True)
class PointRules:
    """Automatic awards; 0 turns a rule off. From config:
        [points]
        task_done = 1      # a unit/building head completes a task line
        task_help = 2      # someone not expected helps with a task
        ticket_help = 3    # a volunteer took part in a ticket that got resolved
    """

    task_done: int = 1
    task_help: int = 2
    ticket_help: int = 3

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> "PointRules":
        section = section or {}
        default = cls()
        return cls(**{name: int(section.get(name, getattr(default, name)))
                      for name in ("task_done", "task_help", "ticket_help")})


class PointsBook:
    def __init__(self, store: Store, zone: ZoneInfo, rules: PointRules | None = None) -> None:
        self._store = store
        self._zone = zone
        self.rules = rules or PointRules()

    async def _month_total(self, tx: Tx, person_id: int) -> int:
        return await tx.points.total(person_id, month_start(tx.now, self._zone), next_month_start(tx.now, self._zone))

    async def give(self, tx: Tx, chat_id: int, reply_to: int | None, giver, community_id: int,
                   award: AwardWords) -> None:
        """A staff member's award; the answer goes where it was asked."""
        if award.too_large:
            await tx.outbox.enqueue(text_message(
                chat_id, f"每次最多记 {MAX_AWARD} 分, {abs(award.amount)} 分超过了上限, 没有记。请改成 {MAX_AWARD} 分以内再记。",
                reply_to=reply_to))
            return
        people = [p for p in await tx.people.by_name(award.name) if p.community_id == community_id]
        if not people:
            await tx.outbox.enqueue(text_message(
                chat_id, f"名册里没有找到「{render.e(award.name)}」, 请检查名字。", reply_to=reply_to))
            return
        if len(people) > 1:
            await tx.outbox.enqueue(text_message(
                chat_id, f"名册里有 {len(people)} 位「{render.e(award.name)}」, 请在名册里区分一下名字再记。",
                reply_to=reply_to))
            return
        person = people[0]
        await tx.points.award(community_id, person.id, award.amount, award.reason or "网格员记分", "manual",
                              by=giver.id)
        total = await self._month_total(tx, person.id)
        await tx.outbox.enqueue(text_message(
            chat_id, render.awarded(person.name, award.amount, award.reason, total), reply_to=reply_to))

    async def auto(self, tx: Tx, community_id: int, person_id: int | None, rule: str, reason: str,
                   ref: str) -> bool:
        amount = getattr(self.rules, rule)
        if not amount or person_id is None:
            return False
        return await tx.points.award(community_id, person_id, amount, reason, rule, ref=ref)

    async def command(self, msg: Incoming, arg: str, community_hint: int | None = None) -> None:
        """/points: this month's ranking; /points add 名字 分数 理由: an award (staff only)."""
        async with self._store.tx(msg.update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id) if msg.user_id else None
            binding = None if msg.is_private else await tx.groups.binding(msg.chat_id)
            community_id = binding.grid.community_id if binding else (person.community_id if person else None)
            if person is None and binding is None:
                await tx.outbox.enqueue(text_message(msg.chat_id, not_linked()))
                return
            arg = arg.strip()
            if arg:
                award = parse_add_command(arg) or parse_award(arg)
                if award is None:
                    await tx.outbox.enqueue(text_message(msg.chat_id, render.points_usage(), reply_to=msg.message_id))
                    return
                if not may_award_points(person, community_id):
                    await refuse(tx, msg, "只有网格员和社区管理员可以记积分。")
                    return
                await self.give(tx, msg.chat_id, msg.message_id, person, community_id, award)
                return
            start = month_start(tx.now, self._zone)
            # In a grid's group, that grid's people; in private, the whole community.
            rows = await tx.points.ranking(community_id, start, next_month_start(tx.now, self._zone),
                                           binding.grid.id if binding else None)
            label = f"{start.astimezone(self._zone).month}月"
            await tx.outbox.enqueue(text_message(msg.chat_id, render.ranking(label, rows)))

    async def on_sweep_job(self, tx: Tx, job: Job) -> datetime:
        """Hourly: award the ticket rule to volunteers who took part in resolved tickets."""
        if job.due_at > tx.now:
            return job.due_at
        if self.rules.ticket_help:
            for ticket_id, community_id, person_id, category in \
                    await tx.points.volunteer_help_on_resolved_tickets(tx.now - SWEEP_LOOKBACK):
                label = CATEGORY_LABELS.get(category, "其他")
                await self.auto(tx, community_id, person_id, "ticket_help", f"协助办结诉求 #{ticket_id} {label}",
                                ref=f"ticket:{ticket_id}:{person_id}")
        return tx.now + SWEEP_EVERY
