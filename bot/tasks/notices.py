"""Notices (通知) with a 收到 roll-call: the card counts who has read it, the sender sees who has not."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.model.domain import Grid, Person
from bot.model.incoming import Incoming
from bot.model.messages import Button, edit_text, inline_keyboard, text_message
from bot.nlu.tasktext import is_bare_ack
from bot.tasks import render
from bot.policy import grids_run_by, may_publish_to, may_see_who_has_not_read
from bot.tasks.common import actor_name, grid_readers
from bot.model.tasks import Notice
from bot.model.messages import Answer
from bot.model.ids import parse_callback
from bot.refusals import EXPIRED, refuse
from bot.texts import not_linked
from storage import Store, Tx

CARD_DEBOUNCE = timedelta(seconds=3)
# A bare "收到" in the group, not a reply, is taken for the newest notice this recent.
ACK_WINDOW = timedelta(hours=24)
class NoticeBoard:
    def __init__(self, store: Store, zone: ZoneInfo) -> None:
        self._store = store
        self._zone = zone

    # -- posting ---------------------------------------------------------------------------

    async def post(self, tx: Tx, grid: Grid, chat_id: int, person: Person | None, creator_name: str,
                   text: str, source_message_id: int | None, quoted: bool,
                   audiences: tuple[str, ...] = ()) -> Notice:
        readers = await grid_readers(tx, grid, skip=person.id if person else None, audiences=audiences)
        notice_id = await tx.notices.create(
            grid.community_id, grid.id, chat_id, source_message_id, text, person.id if person else None,
            person.telegram_id if person else None, creator_name, readers, quoted=quoted)
        ref = f"n{notice_id}:card"
        await tx.notices.set_card(notice_id, ref)
        notice = await tx.notices.get(notice_id)
        await tx.outbox.enqueue(text_message(
            chat_id, render.notice_card(text, creator_name, readers, set(), 0),
            keyboard=render.notice_buttons(notice_id), ref=ref,
            reply_to=None if quoted else source_message_id))
        return notice

    async def from_group(self, tx: Tx, msg: Incoming, person: Person, grid: Grid,
                         audiences: tuple[str, ...] = ()) -> None:
        """A staff notice in words ("通知: …", "楼栋长和单元长明晚7点开会"): the card answers it, repeats it
        (so that it reads on its own when forwarded or found later), and counts the 收到 of those it names."""
        await self.post(tx, grid, msg.chat_id, person, person.name, msg.text, msg.message_id, quoted=False,
                        audiences=audiences)

    async def command(self, msg: Incoming, arg: str) -> None:
        """/notice 文本: in a grid group, or in private to the sender's grid groups."""
        async with self._store.tx(msg.update_id) as tx:
            person = await tx.people.by_telegram_id(msg.user_id) if msg.user_id else None
            text = arg.strip()
            if person is None:
                await refuse(tx, msg, not_linked())
                return
            if msg.is_private:
                targets, text = await self._private_targets(tx, person, text)
            else:
                binding = await tx.groups.binding(msg.chat_id)
                if binding is None or not may_publish_to(person, binding.grid):
                    await refuse(tx, msg, "只有本网格的网格员或社区管理员可以发通知。")
                    return
                targets = [(binding.grid, msg.chat_id, binding.title)]
            if not text:
                await tx.outbox.enqueue(text_message(
                    msg.chat_id, "请在 /notice 后面写通知内容, 例如「/notice 明天上午9点到12点停水, 请提前储水」。"))
                return
            if not targets:
                await tx.outbox.enqueue(text_message(
                    msg.chat_id, "没有找到可以发通知的网格群。网格员在群里发 /bind 网格名 绑定后再试。"))
                return
            for grid, chat_id, _ in targets:
                await self.post(tx, grid, chat_id, person, person.name, text,
                                msg.message_id if chat_id == msg.chat_id else None, quoted=True)
            if msg.is_private:
                await tx.outbox.enqueue(text_message(
                    msg.chat_id, render.notice_posted([title or grid.name for grid, _, title in targets])))

    async def _private_targets(self, tx: Tx, person: Person, text: str):
        """The groups a notice sent in private goes to: a grid named first, else the sender's grids."""
        grids = await tx.places.grids(person.community_id)
        named = next((g for g in grids if text.startswith(g.name)), None)
        if named is not None:
            text = text[len(named.name):].lstrip(" :：,，")
            chosen = [named] if may_publish_to(person, named) else []
        else:
            chosen = grids_run_by(person, grids)
        targets = []
        for grid in chosen:
            for binding in await tx.groups.of_grid(grid.id):
                targets.append((grid, binding.chat_id, binding.title))
        return targets, text

    # -- acknowledging ---------------------------------------------------------------------

    async def ack(self, tx: Tx, notice: Notice, telegram_id: int, person: Person | None, name: str,
                  how: str) -> bool:
        if notice.creator_tg is not None and telegram_id == notice.creator_tg:
            return False
        if not await tx.notices.ack(notice.id, telegram_id, person.id if person else None, name, how):
            return False
        await self.refresh(tx, notice)
        return True

    async def refresh(self, tx: Tx, notice: Notice) -> None:
        readers = await tx.notices.readers(notice.id)
        acks = await tx.notices.acks(notice.id)
        acked = {a.person_id for a in acks if a.person_id is not None}
        reader_ids = {r.person_id for r in readers}
        extra = sum(1 for a in acks if a.person_id not in reader_ids)
        text = render.notice_card(notice.text, notice.creator_name, readers, acked, extra)
        await tx.outbox.enqueue(
            edit_text(notice.chat_id, notice.card_ref, text, keyboard=render.notice_buttons(notice.id)),
            not_before=tx.now + CARD_DEBOUNCE)

    async def in_group(self, tx: Tx, msg: Incoming, person: Person | None, notice: Notice | None) -> bool:
        """A "收到" in the group: for the notice it answers, or the newest one."""
        if notice is None:
            # Not a reply: only a bare acknowledgement counts for the newest notice, so that
            # "问卷收到了, 下午交" (about something else) does not tick it.
            if not is_bare_ack(msg.text):
                return False
            notice = await tx.notices.latest_in_chat(msg.chat_id, ACK_WINDOW)
        if notice is None:
            return False
        await self.ack(tx, notice, msg.user_id, person, actor_name(person, msg), "reply")
        return True

    # -- buttons ---------------------------------------------------------------------------

    async def press(self, update_id: int, user_id: int, chat_id: int, message_id: int, data: str,
                    display_name: str) -> Answer:
        parsed = parse_callback(data, "n")
        if parsed is None:
            return EXPIRED
        notice_id, action, _ = parsed
        async with self._store.tx(update_id) as tx:
            notice = await tx.notices.get(notice_id)
            if notice is None:
                return Answer("这个通知已经不在了。", alert=True)
            person = await tx.people.by_telegram_id(user_id)
            if action == "ok":
                if notice.creator_tg == user_id:
                    return Answer("这是您发的通知。")
                if await self.ack(tx, notice, user_id, person, person.name if person else display_name, "button"):
                    return Answer("已记下: 收到, 谢谢!")
                return Answer("已经记下了, 谢谢!")
            if not may_see_who_has_not_read(person, notice):
                return Answer("只有发通知的人或网格员可以查看。", alert=True)
            missing = await self._missing(tx, notice)
            if action == "who":
                if not await tx.groups.can_write_to(user_id):
                    return Answer("请先私聊我发送 /start, 我再把名单发给您。", alert=True)
                text, some = render.notice_missing(notice.text, missing)
                keyboard = inline_keyboard([[Button("在群里提醒他们", f"n:{notice.id}:nudge")]]) if some else None
                await tx.outbox.enqueue(text_message(user_id, text, keyboard=keyboard))
                return Answer("名单已私信发给您。" if chat_id != user_id else None)
            if action == "nudge":
                if not missing:
                    return Answer("大家都收到了。")
                names = await tx.notices.usernames([r.telegram_id for r in missing if r.telegram_id])
                mentions = [(r, render.mention(r.name, r.telegram_id, names.get(r.telegram_id))) for r in missing]
                sent_id = await tx.outbox.sent_message_id(notice.card_ref)
                await tx.outbox.enqueue(text_message(notice.chat_id, render.notice_nudge(mentions),
                                                     reply_to=sent_id[1]))
                return Answer("已在群里提醒。")
        return EXPIRED

    async def _missing(self, tx: Tx, notice: Notice):
        acked = {a.person_id for a in await tx.notices.acks(notice.id)}
        return [r for r in await tx.notices.readers(notice.id) if r.person_id not in acked]
