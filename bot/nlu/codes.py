"""The codes of the public interface: intents and report categories with their Chinese labels."""
from __future__ import annotations

INTENT_CODES: tuple[str, ...] = ("report", "completion", "task", "visit", "ack", "query", "chitchat")

CATEGORY_LABELS: dict[str, str] = {
    "water": "给排水",
    "electric": "电力照明",
    "facility": "房屋设施",
    "heating_gas": "供暖燃气",
    "sanitation": "环境卫生",
    "greenery": "绿化",
    "parking": "停车与充电",
    "noise": "噪音",
    "safety": "治安消防",
    "elderly": "养老助老",
    "health": "医疗健康",
    "dispute": "邻里纠纷",
    "legal": "法律咨询",
    "welfare": "社会救助",
    "property": "物业服务",
    "other": "其他",
}

INTENT_LABELS: dict[str, str] = {
    "report": "反映问题",
    "completion": "任务完成",
    "task": "派发任务",
    "visit": "走访记录",
    "ack": "收到",
    "query": "询问进度",
    "chitchat": "闲聊",
}
