"""The task board: tasks handed out in the group, their live cards, completions, reminders and summaries.

Also the one door for group messages that are not reports: notices, 收到, points in words.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.model.domain import GroupBinding, Grid, Person
from bot.model.incoming import Incoming
from bot.delivery.jobs import after_quiet_hours, in_quiet_hours
from bot.model.fitting import split_html
from bot.model.messages import Outgoing, delete_message, edit_text, text_message
from bot.nlu import Parsed
from bot.nlu.board import BoardFacts, board_facts
from bot.nlu.tasktext import deadline_in, past_deadline, title_from
from bot.tasks import render
from bot.policy import grids_run_by, is_staff, may_manage_task, may_publish_to, staff_grids
from bot.tasks.common import grid_posts, home_buildings, ref_id
from bot.tasks.matching import NONE, Claim, Resolution, behalf_lines, choose, resolve, topic_relation
from bot.model.tasks import NewTask, Target, Task
from bot.model.messages import Answer
from bot.tasks.notices import NoticeBoard
from bot.tasks.points import PointsBook
from bot.nlu.scope import Places, named_places
from bot.tasks.scope import resolve_scope
from bot.tickets.service import QuietHours
from bot.model.ids import parse_callback, parse_id
from bot.refusals import EXPIRED, refuse
from bot.texts import not_linked
from storage import Store, Tx
from storage.jobs import Job

log = logging.getLogger(__name__)

TASK_JOB = "task_timer"
# Changes to a card within this long go out as one edit.
CARD_DEBOUNCE = timedelta(seconds=3)
# Completions in words are matched against tasks opened this recently.
CLAIM_WINDOW = timedelta(days=30)
_MIN_LEAD = timedelta(minutes=15)
_MIN_GAP = timedelta(minutes=30)
PAST_DEADLINE = "截止时间已经过了, 请换一个时间。"
_TASK_NUMBER_RE = re.compile(r"#?[0-9]{1,9}")
_GRID_WORD_RE = re.compile(r"^[^\s,，:：]{1,8}?网格(?![员长])")


def reminder_plan(start: datetime, deadline: datetime, zone: ZoneInfo, quiet: QuietHours
                  ) -> list[tuple[str, datetime]]:
    """When to remind: halfway and one hour before the deadline, moved out of quiet hours,
    dropping any that would come too soon, after the deadline, or right on top of the other."""
    plan: list[tuple[str, datetime]] = []
    for what, moment in (("half", start + (deadline - start) / 2), ("hour", deadline - timedelta(hours=1))):
        moment = after_quiet_hours(moment, zone, quiet.start, quiet.end)
        if moment < start + _MIN_LEAD or moment > deadline - timedelta(minutes=10):
            continue
        plan.append((what, moment))
    if len(plan) == 2 and abs(plan[1][1] - plan[0][1]) < _MIN_GAP:
        plan = [p for p in plan if p[0] == "hour"]
    return plan


_VISIT_WORDS = ("走访", "看望", "探望", "探访", "敲门", "入户", "上门")
class TaskBoard:
    def __init__(self, store: Store, zone: ZoneInfo, quiet: QuietHours, notices: NoticeBoard,
                 points: PointsBook, lexicon=None) -> None:
        self._store = store
        self._zone = zone
        self._quiet = quiet
        self.notices = notices
        self.points = points
        self._lexicon = lexicon

    # -- group messages --------------------------------------------------------------------

    async def group_message(self, tx: Tx, msg: Incoming, parsed: Parsed | None, binding: GroupBinding) -> bool:
        """Handle what belongs to tasks, notices and points; False leaves the message to the ticket desk."""
        if msg.user_id is None:
            return False
        if msg.sender is not None and msg.sender.username:
            await tx.notices.saw_username(msg.user_id, msg.sender.username)
        if not msg.text or parsed is None:
            return False
        person = await tx.people.by_telegram_id(msg.user_id)
        grid = binding.grid
        staff = is_staff(person, grid.community_id, grid.id)
        intent = parsed.intent
        if msg.reply_to_message_id:
            handled = await self._reply(tx, msg, parsed, person, grid, staff)
            if handled is not None:
                return handled
        facts = parsed.board or BoardFacts()
        if staff and facts.edit is not None and facts.edit.whole:
            # "截止改为明天下午5点" without answering a card: the newest open task this person gave out.
            mine = [t for t in await tx.tasks.open_in_chat(msg.chat_id) if t.creator_person_id == person.id]
            if mine:
                await self._edit_in_words(tx, mine[-1], facts)
            return True
        if staff:
            if facts.award is not None:
                await self.points.give(tx, msg.chat_id, msg.message_id, person, grid.community_id, facts.award)
                return True
            # "通知: …各单元长准时参加" and "楼栋长和单元长明晚7点开会" are notices to acknowledge; a notice is
            # a task only when it hands out work with a deadline ("通知: 各单元长周五前交名单").
            if facts.notice and (facts.announcement or not (intent == "task" and parsed.deadline and facts.audiences)):
                await self.notices.from_group(tx, msg, person, grid, facts.audiences)
                return True
            if intent == "task":
                if past_deadline(msg.text, tx.now):
                    await tx.outbox.enqueue(text_message(msg.chat_id, PAST_DEADLINE, reply_to=msg.message_id))
                    return True
                await self.create(tx, grid, msg.chat_id, person, msg.text, parsed, source_message_id=msg.message_id)
                return True
        # "搞定了" answering a ticket's card or receipt is about that ticket, not a task.
        about_other = bool(msg.reply_to_message_id and msg.reply_to_bot)
        if about_other and intent in ("completion", "visit", "chitchat"):
            return False
        done_in_a_word = (facts.bare_done or facts.own_done) and intent in ("ack", "chitchat", "completion")
        if person is not None and not about_other and done_in_a_word:
            # "搞定✌️", "OK了", "我们三单元的也好了" say nothing of what is done: with a line open for this
            # person in this group, that is the answer to it.
            tasks = [t for t in await tx.tasks.open_in_chat(msg.chat_id, CLAIM_WINDOW)
                     if any(x.person_id == person.id and x.done_at is None for x in await tx.tasks.targets(t.id))]
            if tasks:
                await self._claim(tx, msg, parsed, person, staff, tasks, how="words")
                return True
        if intent in ("completion", "visit"):
            tasks = await tx.tasks.open_in_chat(msg.chat_id, CLAIM_WINDOW)
            if intent == "visit":  # "今天走访了张大爷" answers a visiting task, not the questionnaire
                tasks = [t for t in tasks if any(w in t.text for w in _VISIT_WORDS)]
            if not tasks:
                return False
            await self._claim(tx, msg, parsed, person, staff, tasks, how="words")
            return True
        if intent == "ack":
            return await self.notices.in_group(tx, msg, person, None)
        return False

    async def _reply(self, tx: Tx, msg: Incoming, parsed: Parsed, person: Person | None, grid: Grid,
                     staff: bool) -> bool | None:
        """A reply to a task card (or the message that made it) or to a notice; None if neither."""
        ref = await tx.outbox.ref_of(msg.chat_id, msg.reply_to_message_id)
        task_id = ref_id(ref, "k")
        if task_id is None and ref is None:
            source = await tx.tasks.by_source(msg.chat_id, msg.reply_to_message_id)
            task_id = source.id if source else None
        if task_id is not None:
            task = await tx.tasks.get(task_id)
            if task is None:
                return None
            if parsed.intent in ("completion", "visit"):
                if task.is_open:
                    await self._claim(tx, msg, parsed, person, staff, [task], how="reply")
                return True
            if may_manage_task(person, task) and parsed.board is not None and \
                    await self._edit_in_words(tx, task, parsed.board):
                return True
            if parsed.intent in ("ack", "chitchat", "query", "task"):
                return True  # "好的" to a task card: nothing to count, nothing to say, no second task
            return None
        notice_id = ref_id(ref, "n")
        notice = await tx.notices.get(notice_id) if notice_id else None
        if notice is None and ref is None:
            notice = await tx.notices.by_source(msg.chat_id, msg.reply_to_message_id)
        if notice is not None and parsed.intent in ("ack", "completion"):
            return await self.notices.in_group(tx, msg, person, notice) or True
        return None

    # -- creating --------------------------------------------------------------------------

    async def create(self, tx: Tx, grid: Grid, chat_id: int, person: Person, text: str, parsed: Parsed | None,
                     *, source_message_id: int | None, title: str | None = None,
                     deadline: datetime | None = None) -> Task | None:
        facts = parsed.board if parsed is not None and parsed.board is not None else board_facts(text, tx.now)
        audience = "building" if facts.audiences == ("building",) else "unit"
        places = facts.scope
        unit_heads, building_heads = await grid_posts(tx, grid)
        slots = resolve_scope(audience, places, unit_heads, building_heads)
        if not slots:
            who = "楼栋长" if audience == "building" else "单元长"
            await tx.outbox.enqueue(text_message(
                chat_id, f"{render.e(grid.name)}的名册里还没有{who}, 这个任务我没法分派。", reply_to=source_message_id))
            return None
        if deadline is None and parsed is not None:
            deadline = parsed.deadline
        task_id = await tx.tasks.create(NewTask(
            community_id=grid.community_id, grid_id=grid.id, chat_id=chat_id, source_message_id=source_message_id,
            title=title or title_from(text, parsed), topic=parsed.topic if parsed else None, text=text,
            audience=audience, deadline=deadline, creator_person_id=person.id, creator_tg=person.telegram_id,
            creator_name=person.name,
        ), slots)
        ref = f"k{task_id}:card"
        await tx.tasks.set_card(task_id, ref)
        task = await tx.tasks.get(task_id)
        targets = await tx.tasks.targets(task_id)
        await tx.outbox.enqueue(text_message(
            chat_id, render.task_card(task, targets, [], self._zone, tx.now), keyboard=render.task_buttons(task),
            reply_to=source_message_id, ref=ref))
        await self._schedule(tx, task)
        return task

    async def command(self, msg: Incoming, arg: str) -> None:
        """/task 标题 [截止时间]: in a grid group, or in private to the sender's grid group."""
        async with self._store.tx(msg.update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id) if msg.user_id else None
            if person is None:
                await refuse(tx, msg, not_linked())
                return
            text = arg.strip()
            if _TASK_NUMBER_RE.fullmatch(text):
                await self._show(tx, msg, person, parse_id(text.lstrip("#")))
                return
            if msg.is_private:
                grid, chat_id, where, text = await self._private_target(tx, person, text)
                if isinstance(grid, str):
                    await tx.outbox.enqueue(text_message(msg.chat_id, grid))
                    return
                if chat_id is None:
                    await tx.outbox.enqueue(text_message(
                        msg.chat_id, "没有找到您网格的群。请在网格群里发 /task, 或写上网格名, 例如「/task 第一网格 收齐问卷 明天下午4点前」。"
                        if grid is None else f"{render.e(grid.name)}还没有绑定群, 请先在群里发 /bind {render.e(grid.name)}。"))
                    return
            else:
                binding = await tx.groups.binding(msg.chat_id)
                if binding is None:
                    return
                grid, chat_id, where = binding.grid, msg.chat_id, binding.title
            if not may_publish_to(person, grid):
                await refuse(tx, msg, "只有本网格的网格员或社区管理员可以发布任务。")
                return
            if not text:
                await tx.outbox.enqueue(text_message(
                    msg.chat_id, "请在 /task 后面写任务和截止时间, 例如「/task 收齐本单元问卷 明天下午4点前」。"
                    "写「楼栋长」就发给各楼栋长, 写「1栋」「3单元」就只发给那里。"))
                return
            if past_deadline(text, tx.now):
                await tx.outbox.enqueue(text_message(msg.chat_id, PAST_DEADLINE, reply_to=msg.message_id))
                return
            deadline, phrase = deadline_in(text, tx.now)
            from bot.nlu import parse

            parsed = parse(text, tx.now, self._lexicon)
            title = title_from(text, None, phrase)
            task = await self.create(tx, grid, chat_id, person, text, parsed, title=title, deadline=deadline,
                                     source_message_id=msg.message_id if chat_id == msg.chat_id else None)
            if task is not None and msg.is_private:
                targets = await tx.tasks.targets(task.id)
                await tx.outbox.enqueue(text_message(
                    msg.chat_id, render.task_created_private(task, targets, where or grid.name + "群")))

    async def _show(self, tx: Tx, msg: Incoming, person: Person, task_id: int | None) -> None:
        """/task 编号: every line of a task, privately (the group card folds past 30 lines)."""
        task = await tx.tasks.get(task_id) if task_id is not None else None
        if task is None or task.community_id != person.community_id:
            await refuse(tx, msg, "没有找到这个任务, 请看一下任务卡片上的编号。")
            return
        if not await tx.groups.can_write_to(person.telegram_id):
            await refuse(tx, msg, "请先私聊我发送 /start, 我再把名单发给您。")
            return
        text = render.task_full(task, await tx.tasks.targets(task.id), self._zone)
        for page in split_html(text):
            await tx.outbox.enqueue(text_message(person.telegram_id, page))

    async def _private_target(self, tx: Tx, person: Person, text: str):
        grids = await tx.places.grids(person.community_id)
        grid = next((g for g in grids if text.startswith(g.name)), None)
        if grid is not None:
            text = text[len(grid.name):].lstrip(" :：,，")
        elif (named := _GRID_WORD_RE.match(text)) is not None:
            # "第三网格 收齐问卷": a grid that is not there is not a reason to publish somewhere else.
            allowed = [g.name for g in grids_run_by(person, grids)]
            choices = "、".join(render.e(n) for n in allowed)
            answer = f"没有找到「{render.e(named.group(0))}」。" + (
                f"您可以发布任务的网格: {choices}。例如「/task {render.e(allowed[0])} 收齐问卷 明天下午4点前」。"
                if allowed else "您还不是哪个网格的网格员, 不能发布任务。")
            return answer, None, None, text
        else:
            mine = staff_grids(person)
            grid = next((g for g in grids if g.id in mine), None)
        if grid is None:
            return None, None, None, text
        groups = await tx.groups.of_grid(grid.id)
        if not groups:
            return grid, None, None, text
        return grid, groups[0].chat_id, groups[0].title, text

    # -- completing ------------------------------------------------------------------------

    def _claim_of(self, msg: Incoming, parsed: Parsed | None, person: Person | None, staff: bool) -> Claim:
        text = msg.text or ""
        places = parsed.board.scope if parsed is not None and parsed.board is not None else Places()
        return Claim(person.id if person else None, places, parsed.topic if parsed else None, text, staff,
                     home_buildings(person))

    async def _claim(self, tx: Tx, msg: Incoming, parsed: Parsed, person: Person | None, staff: bool,
                     tasks: list[Task], how: str) -> None:
        if person is None:
            return  # someone the roster does not know: their words are chat
        claim = self._claim_of(msg, parsed, person, staff)
        who = parsed.board.on_behalf if parsed.board is not None else None
        if who:
            helped = await self._behalf(tx, who, claim, tasks)
            if len(helped) == 1:
                await self._apply(tx, helped[0], person, how, msg.text)
                return
            if helped:
                await self._ask(tx, msg, person, helped)
                return
        resolutions = [resolve(claim, t, await tx.tasks.targets(t.id)) for t in tasks]
        if how == "reply":
            # Answering the card names the task: a topic that does not match is not a reason to ignore it.
            chosen = [r for r in resolutions if r.actionable]
        else:
            chosen = choose(resolutions)
        if len(chosen) == 1:
            await self._apply(tx, chosen[0], person, how, msg.text)
        elif len(chosen) > 1:
            await self._ask(tx, msg, person, chosen)

    async def _behalf(self, tx: Tx, who: str, claim: Claim, tasks: list[Task]) -> list[Resolution]:
        """"我帮周姐收齐了": the open tasks where the person named has a line the message can mean."""
        found = []
        for task in tasks:
            lines = behalf_lines(who, claim.places, await tx.tasks.targets(task.id), claim.home_buildings)
            lines = [t for t in lines if t.person_id != claim.person_id]
            if lines:
                found.append(Resolution(task, tuple(lines), topic=topic_relation(claim.topic, task), helped=True))
        if len(found) > 1:
            best = max(r.topic for r in found)
            found = [r for r in found if r.topic == best and r.topic != NONE]
        return found

    async def _apply(self, tx: Tx, res: Resolution, person: Person, how: str, text: str | None) -> bool:
        task = res.task
        changed = False
        if res.complete:
            for t in res.complete:
                helping = res.helped and t.person_id != person.id
                done_how = "help" if helping else how
                if await tx.tasks.complete(t.id, person.id, person.name, done_how):
                    changed = True
                    await tx.tasks.record(task.id, t.id, person.id, person.telegram_id, person.name, done_how, text)
                    if t.person_id == person.id:
                        await self.points.auto(tx, task.community_id, person.id, "task_done",
                                               f"完成任务「{task.title}」{t.label}", ref=f"task:{task.id}:{t.id}")
                    elif helping:  # credited to both: the line's holder, and the one who did it for them
                        await self.points.auto(tx, task.community_id, t.person_id, "task_done",
                                               f"完成任务「{task.title}」{t.label} ({person.name}帮忙)",
                                               ref=f"task:{task.id}:{t.id}")
                        await self.points.auto(tx, task.community_id, person.id, "task_help",
                                               f"帮{t.person_name or t.label}完成任务「{task.title}」",
                                               ref=f"taskhelp:{task.id}:{person.id}")
        elif res.help and not await tx.tasks.helped(task.id, person.telegram_id, person.id):
            changed = True
            await tx.tasks.record(task.id, None, person.id, person.telegram_id, person.name, how, text)
            await self.points.auto(tx, task.community_id, person.id, "task_help", f"帮忙任务「{task.title}」",
                                   ref=f"taskhelp:{task.id}:{person.id}")
        if changed:
            await self._after_change(tx, task.id)
        return changed

    async def _ask(self, tx: Tx, msg: Incoming, person: Person, chosen: list[Resolution]) -> None:
        options = []
        for r in chosen[:5]:
            data = f"k:{r.task.id}:pk:{person.id}"
            if r.complete:
                ids = ".".join(str(t.id) for t in r.complete)
                if len(f"{data}:{ids}".encode()) <= 64:
                    data = f"{data}:{ids}"
            options.append((r.task, data))
        text, keyboard = render.which_task(person.name, person.telegram_id, options)
        await tx.outbox.enqueue(text_message(msg.chat_id, text, keyboard=keyboard, reply_to=msg.message_id))

    async def _after_change(self, tx: Tx, task_id: int, debounce: bool = True) -> None:
        task = await tx.tasks.get(task_id)
        targets = await tx.tasks.targets(task_id)
        if task.is_open and targets and all(t.done for t in targets):
            await tx.tasks.set_status(task.id, "done")
            await tx.jobs.cancel(f"k{task.id}:")
            task = await tx.tasks.get(task_id)
            await self._summary(tx, task, targets)
        await self._refresh(tx, task, targets, debounce)

    async def _helpers(self, tx: Tx, task_id: int) -> list[tuple[str, datetime]]:
        seen: dict[str, datetime] = {}
        for c in await tx.tasks.completions(task_id):
            if c.target_id is None and c.name not in seen:
                seen[c.name] = c.at
        return list(seen.items())

    async def _refresh(self, tx: Tx, task: Task, targets: list[Target] | None = None, debounce: bool = True) -> None:
        if not task.card_ref:
            return
        targets = targets if targets is not None else await tx.tasks.targets(task.id)
        text = render.task_card(task, targets, await self._helpers(tx, task.id), self._zone, tx.now)
        await tx.outbox.enqueue(edit_text(task.chat_id, task.card_ref, text, keyboard=render.task_buttons(task)),
                                not_before=tx.now + CARD_DEBOUNCE if debounce else None)

    async def _summary(self, tx: Tx, task: Task, targets: list[Target]) -> None:
        if task.summary_sent_at is not None or not task.creator_tg:
            return
        await tx.tasks.summary_sent(task.id)
        if not await tx.groups.can_write_to(task.creator_tg):
            return
        text = render.task_summary(task, targets, await self._helpers(tx, task.id), self._zone)
        await tx.outbox.enqueue(text_message(task.creator_tg, text, ref=f"k{task.id}:v{task.version}:summary"))

    # -- the creator's corrections ---------------------------------------------------------

    async def _edit_in_words(self, tx: Tx, task: Task, facts: BoardFacts) -> bool:
        """The creator answers the card with a new deadline or audience: "截止改为明天下午5点", "改为楼栋长"."""
        edit = facts.edit
        if task.status == "cancelled" or edit is None:
            return False
        changed = False
        if edit.deadline is not None and edit.deadline != task.deadline:
            await self._change(tx, task, deadline=edit.deadline)
            changed = True
        if edit.audience is not None:
            task = await tx.tasks.get(task.id)
            if edit.audience != task.audience:
                await self._change(tx, task, audience=edit.audience)
                changed = True
        return changed

    async def _change(self, tx: Tx, task: Task, *, deadline: datetime | None | bool = False,
                      audience: str | None = None) -> Task:
        if audience is not None:
            grid = await tx.places.grid(task.grid_id) if task.grid_id else None
            if grid is not None:
                unit_heads, building_heads = await grid_posts(tx, grid)
                slots = resolve_scope(audience, named_places(task.text), unit_heads, building_heads)
                if slots:
                    await tx.tasks.set_targets(task.id, slots)
                else:
                    audience = None
        await tx.tasks.change(task.id, deadline=deadline, audience=audience)
        await tx.jobs.cancel(f"k{task.id}:")
        task = await tx.tasks.get(task.id)
        await self._schedule(tx, task)
        await self._after_change(tx, task.id, debounce=False)
        return await tx.tasks.get(task.id)

    # -- buttons ---------------------------------------------------------------------------

    async def press(self, update_id: int, user_id: int, chat_id: int, message_id: int, data: str) -> Answer:
        parsed = parse_callback(data, "k")
        if parsed is None:
            return EXPIRED
        task_id, action, args = parsed
        async with self._store.tx(update_id) as tx:
            task = await tx.tasks.get(task_id)
            if task is None:
                return Answer("这个任务已经不在了。", alert=True)
            person = await tx.people.by_telegram_id(user_id)
            if person is None:
                return Answer("还不知道您是谁, 请先私聊我发送 /start。", alert=True)
            if action in ("ok", "pk"):
                return await self._press_done(tx, task, person, action, args, chat_id, message_id)
            if not may_manage_task(person, task):
                return Answer("只有发布任务的人或网格员可以修改。", alert=True)
            if action == "un":
                if task.status != "cancelled":
                    return Answer("任务没有被取消。")
                await tx.tasks.set_status(task.id, "open")
                await tx.tasks.change(task.id)
                task = await tx.tasks.get(task.id)
                await self._schedule(tx, task)
                await self._after_change(tx, task.id, debounce=False)
                return Answer("任务已恢复。")
            if not task.is_open:
                return Answer(f"任务已经{ '取消' if task.status == 'cancelled' else '完成'}了。", alert=True)
            if action == "x":
                await tx.tasks.set_status(task.id, "cancelled")
                await tx.jobs.cancel(f"k{task.id}:")
                await self._refresh(tx, await tx.tasks.get(task.id), debounce=False)
                if chat_id != task.chat_id:
                    await tx.outbox.enqueue(delete_message(chat_id, message_id))
                return Answer("任务已取消。")
            if action == "ed":
                if not await tx.groups.can_write_to(user_id):
                    return Answer("请先私聊我发送 /start, 我再把修改选项发给您。", alert=True)
                text, keyboard = render.edit_menu(task, self._zone)
                await tx.outbox.enqueue(text_message(user_id, text, keyboard=keyboard))
                return Answer("修改选项已私信发给您。")
            if action == "aud" and args and args[0] in ("u", "b"):
                audience = "unit" if args[0] == "u" else "building"
                if audience == task.audience:
                    return Answer("没有变化。")
                task = await self._change(tx, task, audience=audience)
                await self._update_menu(tx, task, chat_id, message_id)
                return Answer(f"已改为各{'单元长' if audience == 'unit' else '楼栋长'}。")
            if action == "dl" and args and args[0] in ("1h", "1d", "-1h"):
                delta = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "-1h": timedelta(hours=-1)}[args[0]]
                base = task.deadline or tx.now
                new = base + delta
                if new <= tx.now:
                    return Answer("截止时间不能早于现在。", alert=True)
                task = await self._change(tx, task, deadline=new)
                await self._update_menu(tx, task, chat_id, message_id)
                return Answer(f"截止改为 {render.day_time(new, self._zone)}。")
        return EXPIRED

    async def _update_menu(self, tx: Tx, task: Task, chat_id: int, message_id: int) -> None:
        if chat_id == task.chat_id:
            return
        text, keyboard = render.edit_menu(task, self._zone)
        await tx.outbox.enqueue(_edit_by_id(chat_id, message_id, text, keyboard))

    async def _press_done(self, tx: Tx, task: Task, person: Person, action: str, args: list[str],
                          chat_id: int, message_id: int) -> Answer:
        if action == "pk":
            if not args or parse_id(args[0]) != person.id:
                return Answer("这是问别人的, 您可以直接点任务卡片上的「✅ 完成」。", alert=True)
            await tx.outbox.enqueue(delete_message(chat_id, message_id))
        if task.status == "cancelled":
            return Answer("这个任务已经取消了。", alert=True)
        targets = await tx.tasks.targets(task.id)
        staff = is_staff(person, task.community_id, task.grid_id)
        if action == "pk" and len(args) > 1:
            wanted = {n for x in args[1].split(".") if (n := parse_id(x)) is not None}
            picked = tuple(t for t in targets if t.id in wanted and not t.done)
            helped = not staff and any(t.person_id != person.id for t in picked)
            res = Resolution(task, picked, helped=helped) if picked else \
                resolve(Claim(person.id, staff=staff), task, targets)
        else:
            res = resolve(Claim(person.id, staff=staff), task, targets)
        if res.complete:
            await self._apply(tx, res, person, "button", None)
            return Answer(f"已记下: {'、'.join(t.label for t in res.complete)} 完成, 辛苦了!")
        if res.already_done:
            return Answer("已经记下了, 谢谢!")
        if res.help:
            if await self._apply(tx, res, person, "button", None):
                return Answer("谢谢帮忙, 已记下!")
            return Answer("已经记下了, 谢谢!")
        return Answer("这个任务是给各单元长、楼栋长的, 您不用点。")

    # -- timers ----------------------------------------------------------------------------

    async def _schedule(self, tx: Tx, task: Task) -> None:
        if not task.is_open or task.deadline is None or task.deadline <= tx.now:
            return
        payload = {"task": task.id, "version": task.version}
        for what, moment in reminder_plan(tx.now, task.deadline, self._zone, self._quiet):
            await tx.jobs.add(TASK_JOB, moment, dict(payload, what=what), key=f"k{task.id}:v{task.version}:{what}")
        await tx.jobs.add(TASK_JOB, task.deadline, dict(payload, what="due"), key=f"k{task.id}:v{task.version}:due")

    async def on_job(self, tx: Tx, job: Job) -> str | datetime:
        if job.due_at > tx.now:
            return job.due_at  # moved on by another run already
        data = job.payload
        task = await tx.tasks.get(data["task"])
        if task is None or task.version != data["version"] or not task.is_open:
            return "moot"
        what = data["what"]
        if in_quiet_hours(tx.now, self._zone, self._quiet.start, self._quiet.end):
            later = after_quiet_hours(tx.now, self._zone, self._quiet.start, self._quiet.end)
            if what != "due" and task.deadline and later >= task.deadline:
                return "moot"
            return later
        if what != "due" and await self._overtaken(tx, job, task):
            return "superseded"
        targets = await tx.tasks.targets(task.id)
        missing = [t for t in targets if not t.done]
        if what == "due":
            await self._summary(tx, task, targets)
            await self._refresh(tx, task, targets, debounce=False)
            return "summarised"
        if not missing:
            return "moot"
        await self._remind(tx, task, missing, key=f"{job.key}:sent")
        return "reminded"

    async def _overtaken(self, tx: Tx, job: Job, task: Task) -> bool:
        """A later reminder (or the deadline) is due too, as after downtime: say it once, not twice."""
        for other in await tx.jobs.pending(TASK_JOB):
            same = other.payload.get("task") == task.id and other.payload.get("version") == task.version
            if same and other.id != job.id and job.due_at < other.due_at <= tx.now:
                return True
        return False

    async def _remind(self, tx: Tx, task: Task, missing: list[Target], key: str) -> None:
        people = {t.person_id: await tx.people.get(t.person_id) for t in missing if t.person_id}
        ids = [p.telegram_id for p in people.values() if p and p.telegram_id]
        usernames = await tx.notices.usernames(ids)
        mentions = []
        for t in missing:
            p = people.get(t.person_id)
            tg = p.telegram_id if p else None
            mentions.append((t, render.mention(t.person_name or t.label, tg, usernames.get(tg))))
        _, card_id = await tx.outbox.sent_message_id(task.card_ref) if task.card_ref else (None, None)
        await tx.outbox.enqueue(text_message(task.chat_id, render.task_reminder(task, mentions, self._zone, tx.now),
                                             reply_to=card_id, ref=key))


def _edit_by_id(chat_id: int, message_id: int, text: str, keyboard: dict) -> Outgoing:
    return Outgoing(chat_id, "editMessageText", {"message_id": message_id, "text": text, "parse_mode": "HTML",
                                                 "reply_markup": keyboard})
