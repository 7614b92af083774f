"""The command menus Telegram shows: short for residents, fuller for those who work the grid."""
from __future__ import annotations

from bot import texts
from bot.model.domain import Person
from bot.model.messages import Outgoing, reply_keyboard
from bot.model.roles import Role

Menu = list[tuple[str, str]]

RESIDENT_MENU: Menu = [
    ("start", "开始 / 确认身份"),
    ("my", "我报的事和进展"),
    ("contacts", "一线工作清单: 找对人"),
    ("whoami", "我的身份"),
    ("help", "我能做什么"),
]

# Building and unit heads and volunteers: residents who also look after elders (包保).
HELPER_MENU: Menu = [
    ("visit", "探访老人: 一键记平安"),
    ("elders", "我包保的老人"),
    *RESIDENT_MENU,
]

STAFF_MENU: Menu = [
    ("mine", "待我处理的诉求"),
    ("ticket", "查看某个诉求: /ticket 编号"),
    ("task", "发任务到网格群"),
    ("notice", "发通知到网格群"),
    ("stats", "本周本月统计"),
    ("export", "导出台账 (XLSX)"),
    ("points", "本月积分榜"),
    ("elders", "老人名册: 谁该去看了"),
    ("visit", "探访老人: 一键记平安"),
    ("failures", "没发出去的消息"),
    ("desk", "网页工作台: 电脑上看诉求、统计、下载"),
    ("my", "我报的事和进展"),
    ("contacts", "一线工作清单"),
    ("whoami", "我的身份"),
    ("help", "我能做什么"),
]

GROUP_MENU: Menu = [
    ("contacts", "本网格一线工作清单"),
    ("whoami", "我的身份"),
    ("bind", "网格员: 把本群绑定到网格"),
    ("task", "网格员: 发任务, 例如 /task 收齐问卷 明天下午4点前"),
    ("notice", "网格员: 发通知, 大家点收到"),
    ("stats", "网格员: 本周本月统计"),
    ("points", "本月积分榜"),
    ("help", "我能做什么"),
]

# Roles whose private chat shows the fuller menu, and those who get the elders' commands.
_WORKING = {Role.ADMIN, Role.GRID_WORKER, Role.HEALTH, Role.LEGAL, Role.POLICE, Role.PROPERTY}
_HELPING = {Role.BUILDING_HEAD, Role.UNIT_HEAD, Role.VOLUNTEER}


def personal_menu(person: Person) -> Outgoing | None:
    """The fuller menu for one person's private chat, or None if the default one fits them."""
    if person.telegram_id is None:
        return None
    if any(a.role in _WORKING for a in person.roles):
        menu = STAFF_MENU
    elif any(a.role in _HELPING for a in person.roles):
        menu = HELPER_MENU
    else:
        return None
    commands = [{"command": c, "description": d} for c, d in menu]
    scope = {"type": "chat", "chat_id": person.telegram_id}
    return Outgoing(person.telegram_id, "setMyCommands", {"commands": commands, "scope": scope},
                    ref=f"menu:{person.telegram_id}:{len(menu)}")


def menu_keyboard() -> dict:
    """Large buttons under the input field for the common things, for people who do not type much."""
    return reply_keyboard([[texts.MENU_REPORT, texts.MENU_MINE], [texts.MENU_CONTACT]])
