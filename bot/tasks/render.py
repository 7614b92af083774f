"""What people read about tasks, notices, points and tallies: short, warm, names and numbers first."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.model.messages import Button, inline_keyboard, shortenable
from bot.nlu.tasktext import clip_phrase
from bot.model.labels import address_label
from bot.model.tasks import AUDIENCE_LABELS, Reader, Target, Task
from bot.texts import e

CARD_HINT = "做完了请点「✅ 完成」, 或回复本消息「完成」。"


def day_time(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def clock(moment: datetime, zone: ZoneInfo, since: datetime | None = None) -> str:
    """"10:32", or "11月11日 10:32" when it is not the day of `since`."""
    local = moment.astimezone(zone)
    if since is not None and since.astimezone(zone).date() != local.date():
        return day_time(moment, zone)
    return f"{local:%H:%M}"


def span(delta: timedelta) -> str:
    minutes = max(0, int(round(delta.total_seconds() / 60)))
    if minutes < 60:
        return f"{minutes}分钟"
    hours = minutes / 60
    if hours < 48:
        return f"{hours:.1f}".rstrip("0").rstrip(".") + "小时"
    return f"{hours / 24:.1f}".rstrip("0").rstrip(".") + "天"


def mention(name: str, telegram_id: int | None, username: str | None = None) -> str:
    if username:
        return f"@{e(username)}"
    if telegram_id:
        return f'<a href="tg://user?id={telegram_id}">{e(name)}</a>'
    return e(name)


# -- tasks -----------------------------------------------------------------------------------

def target_line(t: Target, zone: ZoneInfo, since: datetime) -> str:
    who = e(t.person_name or "") if t.person_name else "(无人)"
    if t.done:
        by = "" if t.done_by_name in (None, t.person_name) else (
            f" ({e(t.done_by_name)}帮忙)" if t.done_how == "help" else f" (由{e(t.done_by_name)}确认)")
        return f"✅ {e(t.label)} {who} {clock(t.done_at, zone, since)}{by}"
    return f"⏳ {e(t.label)} {who}"


# A card lists every line up to this many; past it (a grid with 160 unit heads) it folds: the count, then who is
# still missing, grouped by building, since that is who the grid worker must chase from a phone.
FULL_CARD_LINES = 30
FOLDED_MISSING = 40


def task_card(task: Task, targets: list[Target], helpers: list[tuple[str, datetime]], zone: ZoneInfo,
              now: datetime) -> str:
    done = sum(1 for t in targets if t.done)
    head = {"cancelled": "❌ 已取消 · ", "done": "🎉 全部完成 · "}.get(task.status, "")
    lines = [f"{head}📋 <b>{shortenable(e(task.title))}</b>"]
    when = f"截止 {day_time(task.deadline, zone)}" if task.deadline else "没有截止时间"
    if task.is_open and task.deadline and now >= task.deadline:
        when += " (已截止)"
    lines.append(f"{e(task.creator_name)} 发布 · 各{AUDIENCE_LABELS[task.audience]} · {when}")
    lines.append(f"完成 {done}/{len(targets)}")
    if len(targets) <= FULL_CARD_LINES:
        lines += [target_line(t, zone, task.created_at) for t in targets]
    else:
        lines += folded_missing(task, [t for t in targets if not t.done])
    if helpers:
        shown = helpers[:10]
        lines.append("🤝 帮忙: " + "、".join(f"{e(n)} {clock(at, zone, task.created_at)}" for n, at in shown)
                     + (f" 等{len(helpers)}人" if len(helpers) > len(shown) else ""))
    if task.is_open:
        lines.append(CARD_HINT)
    return "\n".join(lines)


def folded_missing(task: Task, missing: list[Target], limit: int = FOLDED_MISSING) -> list[str]:
    """"⏳ 未完成 40 个:", a line per building ("3栋: 1单元 张伟、2单元 李娜"), the first `limit` only."""
    if not missing:
        return []
    out = [f"⏳ 未完成 {len(missing)} 个:"]
    by_building: dict[str, list[str]] = {}
    for t in missing[:limit]:
        who = e(t.person_name) if t.person_name else "(无人)"
        by_building.setdefault(t.building, []).append(f"{e(t.unit)}单元 {who}" if t.unit else who)
    out += [f"{e(address_label(b, None))}: " + "、".join(names) for b, names in by_building.items()]
    if len(missing) > limit:
        out.append(f"…还有 {len(missing) - limit} 个, 私聊我发「/task {task.id}」看完整名单")
    return out


def task_full(task: Task, targets: list[Target], zone: ZoneInfo) -> str:
    """Every line of a task, for /task 编号 in private (split into several messages when long)."""
    done = sum(1 for t in targets if t.done)
    lines = [f"📋 <b>{e(task.title)}</b> · 完成 {done}/{len(targets)}"]
    lines += [f"⏳ {e(t.label)} {e(t.person_name or '(无人)')}" for t in targets if not t.done]
    lines += [target_line(t, zone, task.created_at) for t in targets if t.done]
    return "\n".join(lines)


def task_buttons(task: Task) -> dict | None:
    if task.status == "open":
        return inline_keyboard([[Button("✅ 完成", f"k:{task.id}:ok")],
                                [Button("✏️ 修改", f"k:{task.id}:ed"), Button("取消任务", f"k:{task.id}:x")]])
    if task.status == "cancelled":
        return inline_keyboard([[Button("↩️ 恢复任务", f"k:{task.id}:un")]])
    return inline_keyboard([])


def edit_menu(task: Task, zone: ZoneInfo) -> tuple[str, dict]:
    other = "building" if task.audience == "unit" else "unit"
    when = day_time(task.deadline, zone) if task.deadline else "没有"
    text = (f"修改任务「{e(task.title)}」\n现在: 各{AUDIENCE_LABELS[task.audience]} · 截止 {when}\n"
            "也可以在群里回复任务卡片, 写新的截止时间, 例如「截止改为明天下午5点」。")
    rows = [[Button(f"改为各{AUDIENCE_LABELS[other]}", f"k:{task.id}:aud:{other[0]}")],
            [Button("截止推迟1小时", f"k:{task.id}:dl:1h"), Button("截止推迟1天", f"k:{task.id}:dl:1d")],
            [Button("取消任务", f"k:{task.id}:x")]]
    if task.deadline:
        rows[1].insert(0, Button("提前1小时", f"k:{task.id}:dl:-1h"))
    return text, inline_keyboard(rows)


def which_task(name: str, telegram_id: int | None, tasks: list[tuple[Task, str]]) -> tuple[str, dict]:
    rows = [[Button(f"📋 {clip_phrase(task.title, 24)}", data)] for task, data in tasks]
    return f"{mention(name, telegram_id)}, 您完成的是哪个任务?", inline_keyboard(rows)


# A reminder names at most this many people: more would not fit, and nobody reads a wall of names.
REMINDER_MENTIONS = 30


def task_reminder(task: Task, missing: list[tuple[Target, str]], zone: ZoneInfo, now: datetime) -> str:
    left = span(task.deadline - now) if task.deadline else ""
    shown = missing[:REMINDER_MENTIONS]
    who = "、".join(f"{m} ({e(t.label)})" for t, m in shown)
    if len(missing) > len(shown):
        who += f" 等{len(missing)}位"
    return (f"⏰ 「{e(task.title)}」还差 {len(missing)} 个, 截止 {clock(task.deadline, zone, now)}"
            + (f" (还有{left})" if left else "") + f"\n请 {who} 抓紧, 做完了点卡片上的「✅ 完成」。")


def task_summary(task: Task, targets: list[Target], helpers: list[tuple[str, datetime]], zone: ZoneInfo) -> str:
    done = [t for t in targets if t.done]
    if len(done) == len(targets):
        last = max(done, key=lambda t: t.done_at, default=None)
        text = f"🎉 任务「{e(task.title)}」全部完成 {len(done)}/{len(targets)}"
        if last:
            text += f", 最后完成: {e(last.label)} {e(last.person_name or '')} {clock(last.done_at, zone)}"
        text += "。"
    else:
        missing = [t for t in targets if not t.done]
        text = (f"📋 任务「{e(task.title)}」到截止时间了: 完成 {len(done)}/{len(targets)}。\n未完成: "
                + "、".join(f"{e(t.label)} {e(t.person_name or '')}".rstrip() for t in missing[:FOLDED_MISSING]))
        if len(missing) > FOLDED_MISSING:
            text += f" 等{len(missing)}个, 完整名单发「/task {task.id}」"
    if helpers:
        text += "\n帮忙: " + "、".join(e(n) for n, _ in helpers)
    return text


def task_created_private(task: Task, targets: list[Target], where: str) -> str:
    return f"已在{e(where)}发布任务「{e(task.title)}」, 共 {len(targets)} 个{AUDIENCE_LABELS[task.audience]}。"


# -- notices ---------------------------------------------------------------------------------

_NOTICE_WORD_RE = re.compile(r"^\W{0,3}(?:通知|公告)\W*")


def notice_card(text: str, creator: str, readers: list[Reader], acked: set[int], extra: int) -> str:
    """The notice itself (its words cut first if the card would pass 4096), then who has read it."""
    count = sum(1 for r in readers if r.person_id in acked)
    tally = f"已收到 {count}/{len(readers)}" + (f" · 另有{extra}人" if extra else "")
    body = _NOTICE_WORD_RE.sub("", text.strip()) or text.strip()  # the header already says 通知
    return f"📢 <b>通知</b> · {e(creator)}\n{shortenable(e(body))}\n\n{tally}"


def notice_buttons(notice_id: int) -> dict:
    return inline_keyboard([[Button("收到", f"n:{notice_id}:ok"), Button("谁还没收到", f"n:{notice_id}:who")]])


def notice_title(text: str) -> str:
    """"通知: 明天上午9点到12点停水, 请大家提前储水" → "明天上午9点到12点停水"."""
    body = re.sub(r"^\W{0,3}(?:通知|公告)[\W]*", "", text.strip()) or text.strip()
    first = re.split(r"[,，。.!！;；\n]", body, maxsplit=1)[0].strip() or body
    return clip_phrase(first, 20)


def notice_missing(text: str, missing: list[Reader]) -> tuple[str, bool]:
    title = notice_title(text) or "通知"
    if not missing:
        return f"「{e(title)}」大家都收到了。", False
    return (f"「{e(title)}」还没收到的 {len(missing)} 人: " + "、".join(e(r.name) for r in missing), True)


def notice_nudge(missing: list[tuple[Reader, str]]) -> str:
    return "📢 " + "、".join(m for _, m in missing) + " 请看一下上面的通知, 看过回复「收到」。"


def notice_posted(where: list[str]) -> str:
    return "已发到 " + "、".join(e(w) for w in where) + ", 大家点「收到」后我会记下。"


# -- points ----------------------------------------------------------------------------------

def awarded(name: str, amount: int, reason: str, month_total: int) -> str:
    verb = "记" if amount >= 0 else "扣"
    return (f"✅ 已给{e(name)}{verb}{abs(amount)}分" + (f" ({e(reason)})" if reason else "")
            + f", 本月共 {month_total} 分。")


def ranking(month_label: str, rows: list[tuple[int, str, int]], limit: int = 10) -> str:
    if not rows:
        return f"🏅 {month_label}积分榜: 还没有人得分。"
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = [f"🏅 <b>{month_label}积分榜</b>"]
    for i, (_, name, total) in enumerate(rows[:limit], start=1):
        lines.append(f"{medals.get(i, f'{i}.')} {e(name)} {total}分")
    return "\n".join(lines)


def points_usage() -> str:
    return ("记积分: 在群里写「给刘凤霞记5分 照顾独居老人」, 或发 /points add 刘凤霞 5 照顾独居老人。\n"
            "/points 查看本月积分榜。")


# -- places ----------------------------------------------------------------------------------

def place(building: str | None, unit: str | None) -> str:
    return address_label(building, unit) or "-"
