"""Every text the bot says, in plain Chinese, with names escaped for Telegram's HTML."""
from __future__ import annotations

from html import escape

from bot.model.domain import Assignment, Grid, Person
from bot.model.fitting import MARKERS
from bot.model.labels import building_label, unit_label
from bot.model.roles import Role

CONTACT_BUTTON = "📱 分享手机号"
MENU_REPORT = "报事报修"
MENU_MINE = "我的诉求"
MENU_CONTACT = "联系网格员"
# The answer to a press of any button the bot no longer knows (old, forged, or of another version).
BUTTON_EXPIRED = "这个按钮已经失效了。"

_NO_MARKERS = {ord(c): None for c in MARKERS}


def e(text: object) -> str:
    """Escape anything that came from people or files before it goes into an HTML message."""
    return escape(str(text).translate(_NO_MARKERS), quote=False)


def role_line(a: Assignment) -> str:
    if a.role in (Role.ADMIN,) or (a.grid is None and a.building is None):
        where = a.community
    elif a.building is None:
        where = f"{a.community} {a.grid}"
    else:
        where = f"{a.community} {a.place}"
    return f"• {a.role.label} · {e(where)}"


# -- private chat: linking ------------------------------------------------------------------

def ask_for_phone(first_name: str) -> str:
    return (
        f"{e(first_name)}, 您好! 我是三长助手。\n"
        "三长和社区工作人员: 请点下方「分享手机号」, 我会按社区名册确认您的身份。\n"
        "居民: 请直接告诉我您的住址, 例如「5栋2单元301」或「5-2-301」。"
    )


def ask_address_first() -> str:
    return "收到, 我先记下了。请告诉我您的住址, 例如「5栋2单元301」或「5-2-301」, 我马上帮您登记。"


def ask_address_later() -> str:
    return "方便的话, 再告诉我您的住址 (例如「5栋2单元301」), 以后报事就不用每次写了。"


def private_only() -> str:
    return "这个命令请私聊我使用。"


def group_only() -> str:
    return "这个命令请在网格群里发。"


def you_are_welcome() -> str:
    return "不客气! 有事随时写给我。"


def unknown_command() -> str:
    return "没有这个命令。发 /help 看看我能做什么, 有事也可以直接写给我。"


def ask_address_again() -> str:
    return "好的, 请重新输入您的住址, 例如「5栋2单元301」。"


def address_unknown(address: str) -> str:
    return (f"社区名册里没有找到「{e(address)}」这栋楼。您反映的事我会照样转给社区;"
            " 也请核对一下楼号, 写错了可以重新告诉我。")


def confirm_address(community: str, address: str) -> str:
    return f"您的住址是 {e(community)} {e(address)} 吗?"


def registered(address: str) -> str:
    return (f"登记好了: {e(address)}。\n有事直接写给我就行, 比如「楼道灯坏了」, 可以附照片。"
            "我会转给负责的人, 并告诉您进展。")


def how_to_report() -> str:
    return "请直接写下您遇到的问题, 比如「厨房水管漏水了」, 写上楼号更好。可以附照片。"


def media_needs_words() -> str:
    return "照片收到了。请再用一句话说说是什么问题, 我会和照片一起登记。"


def private_chitchat(name: str) -> str:
    return f"{e(name)}, 您好! 有什么需要帮忙的, 直接写给我就行。发 /help 查看更多。"


def your_grid_worker(workers: list[Person]) -> str:
    if not workers:
        return "暂时没有找到您的网格员, 请发 /contacts 查看社区联系人。"
    return "您的网格员: " + "; ".join(f"{e(p.name)} {e(p.phone or '')}".rstrip() for p in workers)


def linked(person: Person) -> str:
    lines = [f"✅ 已确认身份: {e(person.name)}"]
    lines += [role_line(a) for a in person.roles]
    lines.append("发 /help 看看我能帮您做什么。")
    return "\n".join(lines)


def welcome_back(person: Person) -> str:
    return f"{e(person.name)}, 您好! 您的身份已确认过了, 发 /whoami 可以查看。"


def not_own_contact() -> str:
    return "只能分享您自己的手机号。请点下方「分享手机号」按钮。"


def phone_not_in_roster(admins: list[Person]) -> str:
    text = "名册里没有找到这个手机号。"
    if admins:
        names = "、".join(e(p.name) for p in admins[:3])
        text += f"请联系社区管理员{names}, 把您加进名册后再试。"
    else:
        text += "请联系您的网格员或社区工作人员, 把您加进名册后再试。"
    return text


def invite_unknown() -> str:
    return "这个邀请链接无效。请向网格员要一个新的链接, 或点下方按钮分享手机号。"


def invite_used() -> str:
    return "这个邀请链接已经用过了。如果不是您本人用的, 请联系网格员。"


def account_taken() -> str:
    return "名册里的这个人已绑定了另一个 Telegram 账号。如需更换, 请联系网格员。"


def already_someone_else(person: Person, workers: list[Person]) -> str:
    """An account linked to one roster person opened another person's invite."""
    who = "、".join(f"{e(w.name)} {e(w.phone or '')}".rstrip() for w in workers[:2])
    ask = f"请联系网格员{who}" if who else "请联系您的网格员或社区工作人员"
    return (f"您的账号已经确认为 {e(person.name)}, 不能再用别人的邀请链接。"
            f"如果确认身份时弄错了, {ask}, 请他们帮您更正。这个邀请链接没有用掉, 还可以给本人用。")


def follow_refused() -> str:
    """A follow link that is not (or no longer) for this person: it tells nothing about any request."""
    return ("这个链接已经失效了, 或者不是给您的。您有事要反映, 直接写给我就行; "
            "想看自己报过的事, 发 /my。")


def ticket_usage() -> str:
    return "请在 /ticket 后面写诉求编号, 例如「/ticket 23」。"


def ticket_in_private(ticket_id: int | None) -> str:
    """/ticket in a group: the details hold a home's problem and a phone number, so only in private."""
    return f"诉求详情请私聊我查看: 发「/ticket {ticket_id or '编号'}」。"


def refused_in_group(title: str | None, text: str) -> str:
    """A refusal to a command someone sent in a group, told to them privately."""
    where = f"「{e(title)}」" if title else "群里"
    return f"您在{where}发的命令没有执行: {text}"


def refused_short() -> str:
    """The one line a group sees when the person refused cannot be written to privately."""
    return "抱歉, 您没有这个权限。"


def not_linked() -> str:
    return "还不知道您是谁。请私聊我发送 /start, 按提示分享手机号确认身份。"


# -- who am I, contacts, help ---------------------------------------------------------------

def whoami(person: Person, private: bool = True) -> str:
    lines = [f"<b>{e(person.name)}</b>"]
    if person.phone and private:  # a phone number is not for the whole group to read
        lines.append(f"手机: {e(person.phone)}")
    lines += [role_line(a) for a in person.roles] or ["(名册里没有您的职责)"]
    return "\n".join(lines)


def contacts(grid: Grid, buildings: list[str], heads: dict, workers: list[Person],
             specialists: list[tuple[Role, Person]], admins: list[Person]) -> str:
    """The grid's 一线工作清单: who to ask for what, so residents find the right person at once."""
    lines = [f"<b>{e(grid.community)} {e(grid.name)} · 一线工作清单</b>"]
    span = "、".join(building_label(b) for b in buildings)
    for w in workers:
        lines.append(f"网格员: {e(w.name)} {e(w.phone or '')}".rstrip() + (f" (负责{span})" if span else ""))
    for b in buildings:
        building_heads, units = heads.get(b, ([], {}))
        parts = [f"楼栋长 {'、'.join(e(p.name) for p in building_heads)}"] if building_heads else []
        for u, people in units.items():
            parts.append(f"{unit_label(u)} {'、'.join(e(p.name) for p in people)}")
        if parts:
            lines.append(f"{building_label(b)}: " + "; ".join(parts))
    if specialists:
        lines.append("专业力量:")
        for role, p in specialists:
            lines.append(f"• {role.label} {e(p.name)} {e(p.phone or '')}".rstrip())
    if admins:
        lines.append("社区: " + "、".join(f"{e(p.name)} {e(p.phone or '')}".rstrip() for p in admins))
    return "\n".join(lines)


def no_grid_here() -> str:
    return "这个群还没有绑定网格。网格员发送 /bind 网格名 就可以绑定。"


HELP_PRIVATE = (
    "<b>三长助手能做什么</b>\n"
    "• 有事找社区: 直接把事情写给我, 比如「3单元201厨房漏水了」, 我会转给负责的网格员或专业人员。\n"
    "• /whoami 看看您的身份\n"
    "• /contacts 看看网格一线工作清单: 谁负责哪栋楼、哪方面的事\n"
    "• /my 看看您报的事办得怎么样了\n"
    "• 第一次用请发 /start, 点「分享手机号」确认身份。\n"
    "包保老人: /visit 一键记探访 · /elders 我包保的老人, 或直接说「今天去看了3栋2单元的王奶奶, 身体还行」\n"
    "网格员和专业人员: /mine 待我处理 · /task 派任务 · /notice 发通知 · /stats 统计 · /export 导出台账"
)

HELP_GROUP = (
    "<b>三长助手在群里</b>\n"
    "我会读群里的消息: 有人报事报修, 我会登记并转给负责的人; 大家平常聊天, 我不说话。\n"
    "• 网格员派任务, 如「请各单元长今天下午4点前把问卷收齐」, 我会列出名单, 大家说「1单元问卷收齐了」或点「✅ 完成」\n"
    "• 网格员发「通知: …」, 大家回复「收到」, 我来数\n"
    "• 探访了包保的老人, 说一声「今天去看了3栋2单元的王奶奶, 身体还行」我就记下; 有情况马上告诉网格员\n"
    "• /stats 本周本月统计 · /points 积分榜\n"
    "• /contacts 本网格一线工作清单\n"
    "• /whoami 看看您的身份\n"
    "• /bind 网格名 — 网格员把本群绑定到网格\n"
    "想单独反映问题, 请私聊我。"
)


# -- groups ---------------------------------------------------------------------------------

def bound(grid: Grid) -> str:
    return f"✅ 本群已绑定 {e(grid.community)} {e(grid.name)}。群里报的事我会记下并转给负责的人。"


def bind_usage(grids: list[Grid]) -> str:
    names = "、".join(e(g.name) for g in grids) or "(名册里还没有网格)"
    return f"请在 /bind 后面写网格名, 例如「/bind {e(grids[0].name) if grids else '第一网格'}」。可选: {names}"


def bind_unknown_grid(name: str, grids: list[Grid]) -> str:
    names = "、".join(e(g.name) for g in grids) or "(名册里还没有网格)"
    return f"没有找到网格「{e(name)}」。可选: {names}"


def bind_refused() -> str:
    return "抱歉, 只有本网格的网格员或社区管理员可以绑定群。"


def bind_taken(grid: Grid) -> str:
    return (f"本群已绑定 {e(grid.community)} {e(grid.name)}。"
            f"改绑要由{e(grid.name)}的网格员或社区管理员来操作。")


def rebound(title: str | None, old: Grid, new: Grid, actor: Person) -> str:
    """To the previous grid's worker: their group now belongs to another grid."""
    group = f"「{e(title)}」" if title else "一个群"
    return (f"⚠️ {group}原来绑定{e(old.name)}, 已由{e(actor.name)}改绑到{e(new.name)}, "
            f"群里报的事以后转给{e(new.name)}。如有疑问, 请联系社区管理员。")


def bind_ambiguous(grids: list[Grid]) -> str:
    names = "、".join(f"{e(g.community)} {e(g.name)}" for g in grids)
    return f"有几个同名网格: {names}。请写上社区名, 例如「/bind {e(grids[0].community)} {e(grids[0].name)}」。"


def privacy_warning(bot_username: str) -> str:
    return (
        "⚠️ 我现在只能看到命令, 看不到大家的普通消息, 没法帮忙登记报事。请任选一种办法:\n"
        f"1. 在 @BotFather 发 /setprivacy, 选 @{e(bot_username)}, 选 Disable; 然后把我移出本群再重新拉进来。\n"
        "2. 或者把我设为本群管理员。"
    )


def added_to_group() -> str:
    return "大家好, 我是三长助手。请本网格的网格员发送「/bind 网格名」把本群绑定到网格。"


def something_went_wrong() -> str:
    return "抱歉, 刚才出了点问题, 没有处理成功。请稍后再试一次。"


# -- administration -------------------------------------------------------------------------

def staff_only() -> str:
    return "抱歉, 这个命令只有网格员和社区管理员可以用。"


# Telegram's refusals, in words an administrator can act on.
_FAILURE_REASONS = {
    "blocked": "对方停用了机器人",
    "initiate": "对方还没有私聊过机器人",
    "kicked": "机器人已被移出群",
    "not a member": "机器人不在群里",
    "not found": "聊天不存在",
}


def failure_reason(error: str | None) -> str:
    low = (error or "").lower()
    for key, words in _FAILURE_REASONS.items():
        if key in low:
            return words
    return error or "未知原因"


def failures(rows: list[dict], counts: dict[str, int], names: dict[int, str | None]) -> str:
    pending = counts.get("pending", 0)
    head = f"待发送 {pending} 条, 已发送 {counts.get('sent', 0)} 条, 发送失败 {counts.get('failed', 0)} 条。"
    if not rows:
        return head
    lines = [head, "最近的失败:"]
    for row in rows:
        who = names.get(row["chat_id"]) or ("群" if row["chat_id"] < 0 else "某位用户")
        lines.append(f"• {e(who)}: {e(failure_reason(row['error']))}")
    return "\n".join(lines)


# -- the web desk -------------------------------------------------------------------------------

def desk_link(url: str, minutes: int) -> str:
    return (f"网页工作台: {url}\n"
            f"这个链接 {minutes} 分钟内有效, 只能用一次, 请不要转发给别人。"
            "在电脑或手机的浏览器里打开; 登录后 12 小时内不用再登录。")


def desk_refused() -> str:
    return "抱歉, 网页工作台是给社区工作人员 (网格员、社区管理员、健康员、物业等) 用的。有什么事直接写给我就行, 我帮您登记。"


def desk_unavailable() -> str:
    return "网页工作台现在没有开启, 请联系系统管理员。"
