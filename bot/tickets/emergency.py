"""What to do first in an emergency, by kind: the steps that protect people come before any receipt."""
from __future__ import annotations

import re

from bot.tickets.routing import emergency_number

_GAS = re.compile(r"煤气|燃气|天然气|液化气|漏气|气味.{0,3}(刺鼻|很大|很浓)")
_FIRE = re.compile(r"着火|起火|火灾|冒烟|浓烟|烧起来|火苗|电线.{0,4}(冒|打)火")
_FALL = re.compile(r"摔|跌倒|倒地|起不来|晕倒|昏倒|不省人事")
_LIFT = re.compile(r"电梯.{0,8}(困|关|卡|夹|出不来)|(困|关|卡)在电梯")

SAFETY_STEPS = {
    "gas": "⚠️ 先保护自己: 马上开窗通风; 不要开关电灯电器, 不要点火, 不要在屋里打电话; "
           "关掉燃气阀门; 人先离开到室外, 再拨打 119 和燃气公司抢修电话。",
    "fire": "⚠️ 先保护自己: 马上离开, 不要坐电梯, 用湿毛巾捂住口鼻弯腰走; 到了安全的地方拨打 119。",
    "fall": "⚠️ 先别急着把人拉起来, 也别挪动; 看看是否清醒、哪里疼, 马上拨打 120; 给人盖上衣服保暖。",
    "lift": "⚠️ 告诉电梯里的人: 不要扒门, 不要跳; 按电梯里的警铃或拨打电梯里贴的紧急电话, 同时联系物业。",
}


def kind_of(text: str) -> str | None:
    """gas, fire, fall or lift, when the words say which; None for other dangers."""
    for kind, pattern in (("gas", _GAS), ("fire", _FIRE), ("lift", _LIFT), ("fall", _FALL)):
        if pattern.search(text or ""):
            return kind
    return None


def safety_steps(category: str, text: str) -> str:
    """The first lines an endangered person reads: what to do now, then whom to call."""
    kind = kind_of(text)
    if kind is not None:
        return SAFETY_STEPS[kind]
    number = emergency_number(category, text)
    if number:
        return f"⚠️ 如有危险, 请先离开危险的地方, 立即拨打 {number}!"
    return "⚠️ 如有危险, 请先离开危险的地方, 立即拨打 110 / 119 / 120!"


ASK_ADDRESS_NOW = "请马上告诉我详细地址 (比如 5栋2单元301), 需要有人赶过去。"
ASK_PHONE_AND_ADDRESS_NOW = ("请马上把您的电话和详细地址 (比如 5栋2单元301) 发给我, 需要有人赶过去, "
                             "也好随时联系您。点下面的按钮就能发电话。")
