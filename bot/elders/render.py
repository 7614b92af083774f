"""What people read about elders: visit receipts, lists, reminders, the finder's and responders' messages."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.model.domain import Person
from bot.model.elders import Elder, Visit
from bot.elders.rules import ElderRules
from bot.model.messages import Button, inline_keyboard
from bot.texts import e

# Written for people in their seventies: short lines, the name first, what to do next in plain words.

CONCERNS: dict[str, str] = {"door": "敲门没人应", "fall": "摔倒了", "ill": "身体不舒服", "other": "有情况"}
_CONCERN_BUTTONS = {"door": "🚪 敲门没人应", "fall": "🤕 摔倒了", "ill": "😣 身体不舒服", "other": "✏️ 别的情况"}
LOCATION_BUTTON = "📍 发送我的位置"
PHONE_BUTTON = "📱 留下我的电话"
OK_BUTTON = "✅ 看过了, 平安"
CONCERN_BUTTON = "⚠️ 有情况"
NOBODY_TO_VISIT = ("您还没有包保的老人。\n探访了哪位老人, 直接写给我就行, 例如「今天去看了3栋2单元的王奶奶, 身体还行」。")
NOT_FOUND = "没有找到这位老人, 或者您没有权限查看。"


def day(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.month}月{local.day}日"


def clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def when(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """"今天 10:32", "昨天 18:05", "11月16日"."""
    local, today = moment.astimezone(zone).date(), now.astimezone(zone).date()
    if local == today:
        return f"今天 {clock(moment, zone)}"
    if local == today - timedelta(days=1):
        return f"昨天 {clock(moment, zone)}"
    return day(moment, zone)


def due(elder: Elder, zone: ZoneInfo, now: datetime) -> str:
    """"最晚明天", "最晚11月25日", "最晚今天 10:32"; once it has passed, a warning saying when it was."""
    moment = elder.next_due_at
    local = moment.astimezone(zone)
    at_midnight = local.hour == 0 and local.minute == 0
    last_day = (local - timedelta(seconds=1)).date() if at_midnight else local.date()
    today = now.astimezone(zone).date()
    if last_day == today:
        words = "今天"
    elif last_day == today + timedelta(days=1):
        words = "明天"
    else:
        words = f"{last_day.month}月{last_day.day}日"
    if not at_midnight:
        words += f" {clock(moment, zone)}"
    if moment <= now:
        return f"⚠️ 已逾期 (最晚应在{words}去)"
    return f"最晚{words}"


def how_often(elder: Elder, rules: ElderRules) -> str:
    days = rules.levels[elder.risk].every_days
    return "每天探访" if days == 1 else f"每{days}天至少探访一次"


def last_seen(elder: Elder, last: Visit | None, zone: ZoneInfo, now: datetime) -> str:
    if last is None:
        return "还没有探访记录"
    outcome = "平安" if last.outcome == "ok" else "有情况"
    return f"上次 {when(last.at, zone, now)} {e(last.visitor_name)} ({outcome})"


# -- visits ----------------------------------------------------------------------------------------

def visit_logged(names: list[str], concern: bool, next_due: str | None, private: bool) -> str:
    who = "、".join(e(n) for n in names)
    if concern:
        return f"记下了: {who} 有情况。"
    text = f"✅ 记下了: {who} 平安" + ("。" if not private else ", 谢谢您!")
    if next_due:
        text += f"\n下次探访: {next_due}。"
    if private:
        text += "\n想补充一句 (比如「血压有点高」), 直接写给我就行。"
    return text


def note_saved(name: str) -> str:
    return f"已记在{e(name)}的探访记录里, 谢谢您!"


def which_elder(said: str, elders: list[Elder]) -> tuple[str, dict]:
    rows = [[Button(f"{x.name} · {x.address}", f"e:k:{x.id}")] for x in elders[:8]]
    rows.append([Button("都不是", "e:k:0")])
    return f"您说的「{e(said)}」是哪一位?", inline_keyboard(rows)


def not_my_elder(said: str) -> str:
    return (f"没有找到「{e(said)}」。请写上楼栋和房号, 例如「今天去看了3栋2单元502的王奶奶」;"
            " 不在老人名册里的, 请联系网格员加上。")


def concern_question(elder: Elder) -> tuple[str, dict]:
    rows = [[Button(_CONCERN_BUTTONS[code], f"e:w:{elder.id}:{code}")] for code in CONCERNS]
    return (f"{e(elder.name)} 怎么了? 点一下, 我马上告诉网格员、健康员和家属。", inline_keyboard(rows))


def concern_sent(elder: Elder, other: bool) -> str:
    if other:
        return f"已告诉网格员和健康员: {e(elder.name)} 有情况。\n请写一句是什么情况, 我马上转给他们。"
    return "想补充情况, 直接写给我, 我转给他们。"


def concern_ticket_text(elder: Elder, said: str) -> str:
    """What the ticket says: the elder and what the visitor found, nothing private."""
    return f"探访{elder.name} ({elder.address}): {said}"


def elder_sheet_for_staff(elder: Elder, keepers: list[Person], ticket_id: int | None) -> str:
    """The elder's private details, for the grid worker, health worker and admins only."""
    head = f"👵 #{ticket_id} 相关老人" if ticket_id else "👵 老人情况"
    lines = [f"{head}: <b>{e(elder.name)}</b> · {e(elder.address)} · {elder.risk_label}"]
    if elder.family_name or elder.family_phone:
        lines.append(f"家属: {e(elder.family_name or '')} {e(elder.family_phone or '')}".rstrip())
    if elder.health_note:
        lines.append(f"健康备注: {e(elder.health_note)}")
    if keepers:
        lines.append("包保人: " + "、".join(f"{e(p.name)} {e(p.phone or '')}".rstrip() for p in keepers))
    return "\n".join(lines)


def family_told(elder: Elder, visitor: str, what: str, at: datetime, zone: ZoneInfo, now: datetime,
                worker: Person | None, community: str) -> str:
    lines = [f"您好, 我是{e(community)}的三长助手。",
             f"{when(at, zone, now)} {e(visitor)}去看望{e(elder.name)}: {e(what)}。"]
    if worker is not None:
        phone = f" ({e(worker.phone)})" if worker.phone else ""
        lines.append(f"网格员{e(worker.name)}{phone} 已经在处理, 请您也尽快和老人联系。")
    else:
        lines.append("社区已经在处理, 请您也尽快和老人联系。")
    return "\n".join(lines)


def visit_buttons(elder: Elder) -> dict:
    return inline_keyboard([[Button(OK_BUTTON, f"e:ok:{elder.id}"), Button(CONCERN_BUTTON, f"e:cc:{elder.id}")]])


# -- lists -------------------------------------------------------------------------------------------

def elder_line(n: int, elder: Elder, last: Visit | None, zone: ZoneInfo, now: datetime) -> str:
    head = f"{n}. <b>{e(elder.name)}</b> · {e(elder.address)} · {elder.risk_label}"
    return f"{head}\n   {last_seen(elder, last, zone, now)} · 下次{due(elder, zone, now)}"


def page_buttons(prefix: str, page: int, pages: int) -> list[Button]:
    row = []
    if page > 0:
        row.append(Button("◀ 上一页", f"{prefix}:{page - 1}"))
    if page + 1 < pages:
        row.append(Button("下一页 ▶", f"{prefix}:{page + 1}"))
    return row


def visit_list(title: str, elders: list[Elder], lasts: dict[int, Visit], offset: int, page: int, pages: int,
               zone: ZoneInfo, now: datetime) -> tuple[str, dict]:
    lines = [title, "看过了点「平安」; 有情况点「有情况」, 我马上告诉网格员和健康员。", ""]
    rows: list[list[Button]] = []
    for i, elder in enumerate(elders, start=offset + 1):
        lines.append(elder_line(i, elder, lasts.get(elder.id), zone, now))
        rows.append([Button(f"✅ {i}. {elder.name} 平安", f"e:ok:{elder.id}:{page}"),
                     Button("⚠️ 有情况", f"e:cc:{elder.id}")])
    rows.append(page_buttons("e:vp", page, pages))
    return "\n".join(lines), inline_keyboard(rows)


def elders_list(title: str, elders: list[Elder], lasts: dict[int, Visit], offset: int, page: int, pages: int,
                zone: ZoneInfo, now: datetime) -> tuple[str, dict | None]:
    lines = [title, ""]
    for i, elder in enumerate(elders, start=offset + 1):
        lines.append(elder_line(i, elder, lasts.get(elder.id), zone, now))
    lines += ["", "发 /visit 一键记平安; 发「/elders 名字」看详细情况。"]
    buttons = page_buttons("e:lp", page, pages)
    return "\n".join(lines), inline_keyboard([buttons]) if buttons else None


def elder_detail(elder: Elder, keepers: list[Person], family_linked: int, last: Visit | None, rules: ElderRules,
                 zone: ZoneInfo, now: datetime) -> str:
    lines = [f"<b>{e(elder.name)}</b> · {e(elder.address)}" + (f" · {e(elder.grid)}" if elder.grid else "")]
    category = "、".join(elder.categories) or "未填"
    lines.append(f"类别: {category} · 风险: {elder.risk_label} ({how_often(elder, rules)})")
    lines.append("包保人: " + ("、".join(e(p.name) for p in keepers) if keepers else "还没有"))
    if elder.family_name or elder.family_phone:
        linked = " · 已绑定机器人" if family_linked else ""
        lines.append(f"家属: {e(elder.family_name or '')} {e(elder.family_phone or '')}".rstrip() + linked)
    if elder.health_note:
        lines.append(f"健康备注: {e(elder.health_note)}")
    lines.append(last_seen(elder, last, zone, now))
    lines.append(f"下次探访: {due(elder, zone, now)}")
    return "\n".join(lines)


# -- reminders -------------------------------------------------------------------------------------

def reminder(elder: Elder, last: Visit | None, rules: ElderRules, zone: ZoneInfo, now: datetime) -> str:
    # After a worrying visit the next one is due within hours, whatever the level says.
    why = "上次探访有情况, 要再去看看" if last is not None and last.worrying else how_often(elder, rules)
    return (f"⏰ 该去看看<b>{e(elder.name)}</b>了\n"
            f"{e(elder.address)} · {elder.risk_label} ({why})\n"
            f"{last_seen(elder, last, zone, now)}\n"
            "看过后点下面的按钮, 或者在群里说一声就行。")


def escalation(elder: Elder, last: Visit | None, keepers: list[Person], reminded: list[Person], zone: ZoneInfo,
               now: datetime) -> str:
    lines = [f"⏰ <b>{e(elder.name)}</b> ({e(elder.address)}, {elder.risk_label}) 逾期没人探访",
             f"下次探访: {due(elder, zone, now)}", last_seen(elder, last, zone, now)]
    if reminded:
        lines.append("已提醒过包保人: " + "、".join(e(p.name) for p in reminded) + "。")
    elif keepers:
        lines.append("包保人 " + "、".join(e(p.name) for p in keepers) + " 还没有绑定机器人, 提醒不到。")
    else:
        lines.append("这位老人还没有包保人。")
    lines.append("请安排人去看看, 看过后点下面的按钮。")
    return "\n".join(lines)


# -- the 防走失 finder flow ------------------------------------------------------------------------

def finder_welcome(given: str) -> str:
    return (f"您好, 谢谢您帮忙! 🙏\n这位老人叫「{e(given)}」。\n"
            "请您陪老人稍等, 家属和社区马上联系您。\n"
            f"请点下面的「{LOCATION_BUTTON}」, 我们好找到您; 也可以点「{PHONE_BUTTON}」。\n"
            "有什么情况直接写给我, 我会转告家属。")


def finder_photo(given: str) -> str:
    return f"这位老人叫「{e(given)}」。"


def finder_keyboard(location: bool = True, phone: bool = True) -> dict:
    keys = []
    if location:
        keys.append([{"text": LOCATION_BUTTON, "request_location": True}])
    if phone:
        keys.append([{"text": PHONE_BUTTON, "request_contact": True}])
    if not keys:
        return {"remove_keyboard": True}
    return {"keyboard": keys, "resize_keyboard": True, "is_persistent": True}


CODE_STOPPED = "这个二维码已经停用了。\n如果您身边有需要帮助的老人, 请拨打 110, 谢谢您!"
FINDER_LOCATED = "收到您的位置了, 谢谢! 家属和社区的人正在赶来。"
FINDER_PHONE = "收到您的电话了, 他们会打给您。谢谢!"
FINDER_RELAYED = "已转告家属和社区。"
FINDER_THANKS = "老人已经和家人、社区联系上了, 谢谢您的热心帮助! 🙏"

SIDE_WORDS = {"family": "老人家属", "community": "社区工作人员", "police": "民警"}


def to_finder(side: str, text: str) -> str:
    return f"💬 {SIDE_WORDS.get(side, '社区工作人员')}说: {e(text)}"


def to_finder_media(side: str) -> str:
    return f"💬 {SIDE_WORDS.get(side, '社区工作人员')}发来:"


MEDIA_WORDS = {"photo": "(一张照片)", "voice": "(一段语音)", "location": "(一个位置)", "video": "(一段视频)"}


def lost_alert(elder: Elder, zone: ZoneInfo, now: datetime) -> str:
    lines = [f"🚨 <b>{e(elder.name)}</b> 的防走失码刚刚被人扫了, 老人可能走失了!",
             f"住址: {e(elder.address)}" + (f" · {e(elder.grid)}" if elder.grid else "")]
    if elder.health_note:
        lines.append(f"健康备注: {e(elder.health_note)}")
    if elder.family_name or elder.family_phone:
        lines.append(f"家属: {e(elder.family_name or '')} {e(elder.family_phone or '')}".rstrip())
    lines.append(f"扫码时间: {clock(now, zone)}。发现人正陪着老人, 他发来位置我马上转给您。")
    lines.append("点「给发现人发消息」可以和他说话 (不会显示您的名字和电话)。")
    return "\n".join(lines)


def lost_buttons(scan_id: int) -> dict:
    return inline_keyboard([[Button("💬 给发现人发消息", f"e:t:{scan_id}")],
                            [Button("✅ 老人已接到", f"e:x:{scan_id}")]])


def finder_location(elder: Elder) -> str:
    return f"📍 发现{e(elder.name)}的人发来了位置:"


def finder_phone(elder: Elder, phone: str) -> str:
    return f"📱 发现{e(elder.name)}的人留了电话: {e(phone)}"


def finder_said(elder: Elder, text: str) -> str:
    return f"💬 发现{e(elder.name)}的人说: {e(text)}"


def finder_sent_media(elder: Elder) -> str:
    return f"💬 发现{e(elder.name)}的人发来:"


def responder_said(name: str, text: str) -> str:
    return f"💬 {e(name)} 对发现人说: {e(text)}"


def talking(elder: Elder) -> str:
    return (f"好的。现在您写的话会转给发现{e(elder.name)}的人 (不显示您的名字和电话)。\n"
            "说完了点「结束对话」。也可以直接回复他发来的消息。")


def talk_buttons(scan_id: int) -> dict:
    return inline_keyboard([[Button("结束对话", f"e:q:{scan_id}")]])


def case_closed(elder: Elder, by: str) -> str:
    return f"✅ {e(elder.name)} 已接到 ({e(by)} 确认), 谢谢大家!"


CASE_OVER = "这件事已经结束了, 消息没有再转给发现人。"


# -- family links ----------------------------------------------------------------------------------

def family_linked(elder: Elder) -> str:
    return (f"✅ 您已绑定为 {e(elder.name)} 的家属。\n"
            "老人的防走失码被人扫了、或者探访时发现情况, 我会第一时间告诉您。")


FAMILY_LINK_USED = "这个家属链接已经用过了。如需再绑定一位家属, 请向社区要一个新的链接。"
FAMILY_LINK_BAD = "这个链接无效或已停用, 请向社区要一个新的。"
