"""What people read about a ticket: the card, the group line, the reporter's news."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.model.domain import Person
from bot.model.messages import Button, inline_keyboard, shortenable
from bot.nlu import CATEGORY_LABELS
from bot.model.labels import building_label
from bot.texts import e
from bot.tickets.emergency import safety_steps
from bot.tickets.routing import emergency_number
from bot.model.tickets import STATUS_LABELS, Ticket, TicketEvent

MEDIA_LABELS = {"photo": "照片", "voice": "语音", "video": "视频", "location": "位置",
                "document": "文件", "audio": "录音"}
RATINGS = {"3": "满意", "2": "基本满意", "1": "不满意"}
RETURN_REASONS = {"1": "不属于我的网格", "2": "不属于我的职责", "3": "信息不全, 无法处理"}


def category(code: str) -> str:
    return CATEGORY_LABELS.get(code, "其他")


def summary(t: Ticket) -> str:
    """"#23 给排水 · 6栋2单元302": number, field and place, the first thing anyone reads."""
    text = f"#{t.id} {category(t.category)}"
    if t.place:
        text += f" · {t.place}"
    return text


def local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%m月%d日 %H:%M").lstrip("0")


def span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}分钟"
    if minutes < 48 * 60:
        return f"{minutes // 60}小时"
    return f"{minutes // (24 * 60)}天"


def urgent_mark(t: Ticket) -> str:
    return "🚨紧急 " if t.urgent else ""


def group_line(t: Ticket, assignee: Person | None, role_label: str | None) -> str:
    who = f"已转{role_label or ''}{e(assignee.name)}" if assignee else "已转社区"
    return f"{urgent_mark(t)}已记录 {e(summary(t))}, {who}"


def owner_unreachable_note(assignee: Person) -> str:
    return f"({e(assignee.name)}暂时收不到机器人的消息, 已请社区管理员跟进。)"


def emergency_advice(number: str | None) -> str:
    if number:
        return f"⚠️ 如有危险, 请立即拨打 {number}!"
    return "⚠️ 如有危险, 请立即拨打 110 / 119 / 120!"


def reporter_receipt(t: Ticket, assignee: Person | None, role_label: str | None,
                     accept_within: timedelta) -> str:
    lines = [f"已识别: {e(category(t.category))}" + (f" · {e(t.place)}" if t.place else "")]
    if assignee:
        lines.append(f"已登记 #{t.id}, 转给{role_label or ''}{e(assignee.name)}, {span(accept_within)}内会有人接单。")
    else:
        lines.append(f"已登记 #{t.id}, 社区会尽快安排人处理。")
    lines.append("有照片可以直接发给我, 我会一并转过去。")
    return "\n".join(lines)


def unknown_building(building: str) -> str:
    return f"(名册里没有{e(building_label(building))}, 请核对一下楼号。)"


def quote(text: str) -> str:
    """People's words in 「」, the part shortened with "…" when a message would be too long."""
    return f"「{shortenable(e(text))}」"


def follow_link(bot_username: str, token: str) -> str:
    return f"想收到处理进展, 请点这里私聊我: https://t.me/{bot_username}?start=f_{token}"


def following(t: Ticket, owner: Person | None) -> str:
    who = f", 负责人{e(owner.name)}" if owner else ""
    return f"{e(summary(t))} 现在{STATUS_LABELS[t.status]}{who}。以后的进展我会私聊告诉您。"


def follow_up_note(t: Ticket, text: str) -> str:
    said = quote(text) if text else "发来了照片或语音"
    return f"{e(summary(t))} 报告人{e(t.reporter_name)}补充: {said}"


def follow_up_receipt(t: Ticket, owner: Person | None) -> str:
    who = f"负责人{e(owner.name)}" if owner else "社区"
    phone = f" ({e(owner.phone)})" if owner and owner.phone and t.urgent else ""
    return f"已把您的话转给{who}{phone}。{e(summary(t))} 现在{STATUS_LABELS[t.status]}。"


def place_known(t: Ticket) -> str:
    return f"{e(summary(t))} 报告人补充了地址: {e(t.place)}"


def duplicate_notice(t: Ticket, owner: Person | None = None) -> str:
    """What a second reporter is told: the truth about where the request stands."""
    if t.status == "accepted" and owner:
        where = f"{e(owner.name)}正在处理"
    elif owner:
        where = f"已转给{e(owner.name)}, 还在等待接单"
    else:
        where = "还在等待社区安排人"
    return f"#{t.id} 已有人报过, {where}。处理进展会同时告诉您。"


def also_reported(t: Ticket, who: str, text: str) -> str:
    return f"{e(summary(t))} {e(who)}也报告了: {quote(text)}"


def emergency_receipt(t: Ticket, assignee: Person | None, role_label: str | None, private: bool,
                      others: bool = False) -> str:
    """Danger: in private the safety steps come first; no promise of minutes, only who knows."""
    steps = safety_steps(t.category, t.text)
    who = (f"{role_label or ''}{e(assignee.name)}" + ("等工作人员" if others else "")) if assignee else "社区"
    if private:
        # The steps went out just before, as a message of their own (see TicketDesk.report).
        return (f"已识别: {e(category(t.category))}" + (f" · {e(t.place)}" if t.place else "")
                + f"\n🚨 已登记 #{t.id}, 已通知{who}。\n" + emergency_advice(emergency_number(t.category, t.text)))
    owner = f"已转{role_label or ''}{e(assignee.name)}" if assignee else "已转社区"
    also = " (社区和相关人员也已收到)" if others else ""
    return f"🚨紧急 已记录 {e(summary(t))}, {owner}{also}\n{steps}"


def staff_note_kept(t: Ticket) -> str:
    return f"已记在 {e(summary(t))} 的处理记录里。"


def confirm_done(t: Ticket, text: str) -> tuple[str, dict]:
    rows = [[Button("办结", f"t:{t.id}:fin"), Button("只是备注", f"t:{t.id}:keep")]]
    return (f"把 #{t.id} 标为已办结?\n{quote(text)}\n办结后报告人会读到这句话。", inline_keyboard(rows))


def ask_result(t: Ticket) -> str:
    return (f"#{t.id} 已办结。想告诉报告人做了什么, 回复这条消息写一句就行 (比如「换了角阀」); 不写也可以。")


def result_news(t: Ticket, who: Person, result: str) -> str:
    return f"{e(summary(t))} 处理结果 ({e(who.name)}): {quote(result)}"


def reporter_says_fixed(t: Ticket, text: str) -> tuple[str, dict]:
    rows = [[Button("办结", f"t:{t.id}:resy"), Button("先不办结", f"t:{t.id}:x")]]
    return (f"{e(summary(t))} 报告人{e(t.reporter_name)}说: {quote(text)}\n要把 #{t.id} 办结吗?",
            inline_keyboard(rows))


def told_owner_fixed(t: Ticket, owner: Person | None) -> str:
    who = f"负责人{e(owner.name)}" if owner else "社区"
    return f"已把您的话转给{who}, 会把 #{t.id} 办结。谢谢您告诉我们!"


def reopened_by_reporter(t: Ticket, text: str) -> str:
    return f"⚠️ {e(summary(t))} 报告人说还没好: {quote(text)}\n已重新打开, 请再看看。"


def reopened_to_reporter(t: Ticket, owner: Person | None) -> str:
    who = e(owner.name) if owner else "社区"
    return f"已重新打开 #{t.id}, 转回给{who}再处理。给您添麻烦了。"


def relay_prompt(t: Ticket) -> str:
    return (f"回复这条消息, 写下想对 #{t.id} 报告人说的话 (比如约上门时间、要电话), 我会转给TA。"
            "对方看不到您的账号, 只看到您的名字。")


def relayed_to_reporter(t: Ticket, who: Person, text: str, owner: bool = True) -> str:
    role = "负责人" if owner else "工作人员"
    return f"关于您报的 {e(summary(t))}, {role}{e(who.name)}说: {quote(text)}\n直接回复这条消息就能回答TA。"


def relayed_done(t: Ticket) -> str:
    return f"已转给 #{t.id} 的报告人。TA回复后我会转给您。"


def open_requests(tickets: list[Ticket], names: dict[int, str]) -> str:
    if not tickets:
        return "您现在没有在办的报事。有新问题直接写给我就行。"
    return ticket_list("您在办的报事", tickets, names) + "\n想问哪一件, 写上编号就行, 比如「#" + str(tickets[0].id) + " 怎么样了」。"


def card(t: Ticket, reporter_phone: str | None, zone: ZoneInfo, source: str | None,
         accept_within: timedelta | None = None, note: str | None = None, whole: bool = False) -> str:
    """The owner's card; with `whole`, the report is never shortened (/ticket pages it instead)."""
    lines = [f"<b>{urgent_mark(t)}{e(summary(t))}</b>  [{STATUS_LABELS[t.status]}]"]
    lines.append(f"「{e(t.text)}」" if whole else quote(t.text))
    reporter = e(t.reporter_name) + (f" {e(reporter_phone)}" if reporter_phone else "")
    lines.append(f"报告人: {reporter}")
    lines.append(f"时间: {local(t.created_at, zone)}" + (f" · 来自{e(source)}" if source else ""))
    if t.status == "open" and accept_within:
        lines.append(f"请在{span(accept_within)}内接单。")
    if note:
        lines.append(note)
    return "\n".join(lines)


def card_buttons(t: Ticket, reach_reporter: bool = False) -> dict | None:
    """The owner's buttons; with `reach_reporter`, a way to talk to a reporter the roster has no phone for."""
    if t.status == "open":
        rows = [[Button("接单", f"t:{t.id}:acc"), Button("已办结", f"t:{t.id}:res")],
                [Button("转派", f"t:{t.id}:tr"), Button("退回(不属于我)", f"t:{t.id}:ret")]]
    elif t.status == "accepted":
        rows = [[Button("已办结", f"t:{t.id}:res"), Button("转派", f"t:{t.id}:tr")]]
    else:
        return None
    if reach_reporter:
        rows.append([Button("联系报告人", f"t:{t.id}:rel")])
    return inline_keyboard(rows)


def transfer_choices(t: Ticket, people: list[tuple[Person, str]]) -> tuple[str, dict]:
    rows = [[Button(f"{label} {p.name}", f"t:{t.id}:to:{p.id}")] for p, label in people]
    rows.append([Button("取消", f"t:{t.id}:x")])
    return f"把 {e(summary(t))} 转给谁?", inline_keyboard(rows)


def return_choices(t: Ticket) -> tuple[str, dict]:
    rows = [[Button(text, f"t:{t.id}:rr:{code}")] for code, text in RETURN_REASONS.items()]
    rows.append([Button("取消", f"t:{t.id}:x")])
    return f"为什么退回 {e(summary(t))}?", inline_keyboard(rows)


def confirm_resolve(t: Ticket) -> tuple[str, dict]:
    rows = [[Button("是的, 已经办好了", f"t:{t.id}:resy"), Button("还没有", f"t:{t.id}:x")]]
    return f"{e(summary(t))} 还没有接单。确定已经办好了吗?", inline_keyboard(rows)


def rating_buttons(t: Ticket) -> dict:
    return inline_keyboard([[Button(label, f"t:{t.id}:rate:{code}") for code, label in RATINGS.items()]])


def news_accepted(t: Ticket, who: Person) -> str:
    return f"{e(summary(t))} 已由{e(who.name)}接单, 正在处理。"


def news_transferred(t: Ticket, who: Person | None) -> str:
    return f"{e(summary(t))} 已转给{e(who.name) if who else '社区'}处理。"


def news_resolved(t: Ticket, who: Person, ask_rating: bool = True, result: str | None = None) -> str:
    done = f"{e(summary(t))} 已由{e(who.name)}办结。"
    if result:
        done += f"\n处理结果: {quote(result)}\n"
    return done + "请您评价一下这次的处理:" if ask_rating else done


def recategorized(t: Ticket, who: Person, before: str) -> str:
    return f"{e(summary(t))}: {e(who.name)}把类别从{e(before)}改为{e(category(t.category))}。"


def rating_comment(t: Ticket, text: str) -> str:
    rating = f" ({e(t.rating)})" if t.rating else ""
    return f"{e(summary(t))} 报告人的评价{rating}: {quote(text)}"


def thanks_for_rating(label: str) -> str:
    return f"谢谢您的评价: {label}。还想说点什么, 可以直接写给我。"


def reopened_to_admin(t: Ticket) -> str:
    return f"{e(summary(t))} 居民不满意, 已重新打开, 请社区跟进。"


def reminder(t: Ticket, stage: str) -> str:
    what = "接单" if stage == "accept" else "办结"
    return f"⏰ {e(summary(t))} 还没有{what}, 请尽快处理。"


def escalation(t: Ticket, stage: str, assignee: Person | None) -> str:
    what = "接单" if stage == "accept" else "办结"
    who = e(assignee.name) if assignee else "无人"
    return f"⚠️ {e(summary(t))} 超时未{what} (负责人: {who}), 请社区协调。\n{quote(t.text)}"


def unreachable(t: Ticket, assignee: Person) -> str:
    return (f"{e(summary(t))} 转给了{e(assignee.name)}, 但{e(assignee.name)}还没有私聊过机器人, "
            "收不到通知。请提醒TA私聊机器人发送 /start。")


def history(events: list[TicketEvent], zone: ZoneInfo) -> str:
    lines = ["<b>处理记录</b>"]
    for ev in events:
        who = f"{e(ev.actor_name)} " if ev.actor_name else ""
        if ev.via:
            who += f"({e(ev.via)}) "
        # The report itself is the card above the history: not a second time.
        detail = f": {e(ev.detail)}" if ev.detail and ev.kind != "created" else ""
        lines.append(f"{local(ev.at, zone)} {who}{EVENT_LABELS.get(ev.kind, ev.kind)}{detail}")
    return "\n".join(lines)


EVENT_LABELS = {
    "created": "登记",
    "assigned": "派给",
    "accepted": "接单",
    "resolved": "办结",
    "transferred": "转派给",
    "returned": "退回",
    "rated": "评价",
    "comment": "补充意见",
    "reopened": "重新打开",
    "reminded": "超时提醒",
    "escalated": "上报社区",
    "duplicate": "重复报告",
    "media": "补充材料",
    "unreachable": "通知不到",
    "place": "补充地址",
    "category": "改类别",
    "note": "备注",
    "result": "处理结果",
    "relayed": "转告报告人",
    "fixed": "报告人说已好",
}


def ticket_list(title: str, tickets: list[Ticket], names: dict[int, str], own: bool = False) -> str:
    """One line a ticket, urgent ones first and marked; `own` lists leave out the owner's name."""
    if not tickets:
        return f"{title}: 暂时没有。"
    lines = [f"<b>{title}</b>"]
    for t in sorted(tickets, key=lambda t: not (t.urgent and t.is_open)):
        lines.append(ticket_line(t, names, own))
    lines.append(detail_hint(tickets[0].id))
    return "\n".join(lines)


def ticket_line(t: Ticket, names: dict[int, str], own: bool = False) -> str:
    """"🚨紧急 #23 给排水 · 6栋2单元302 · 待接单 · 祝兰红": one ticket on a list."""
    who = None if own else names.get(t.assignee_person_id or 0)
    return (f"{urgent_mark(t) if t.is_open else ''}{e(summary(t))} · {STATUS_LABELS[t.status]}"
            + (f" · {e(who)}" if who else ""))


def detail_hint(ticket_id: int) -> str:
    return f"发 /ticket 编号 查看详情, 例如 /ticket {ticket_id}"


def details_passed(t: Ticket) -> str:
    return f"已转给所有正在赶来处理 #{t.id} 的人。请注意安全, 保持电话畅通。"
