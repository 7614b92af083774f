"""The optional large-model assist, its language side: what it is asked, how its answer is checked and used.

Only for messages the local reading is unsure of; phone numbers are masked before anything leaves the machine;
the answer must be one JSON object matching ANSWER_SCHEMA, else it is ignored.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from bot.nlu.codes import CATEGORY_LABELS, INTENT_CODES, INTENT_LABELS
from bot.nlu.parse import Parsed

# Mobile numbers, landlines with an area code, and any other long run of digits (an ID card, a bank card).
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)"
                       r"|(?<!\d)0\d{2,3}[-\s]?\d{7,8}(?!\d)|(?<!\d)\d{7,}[\dXx]?(?!\d)")
MASK = "[电话]"

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": list(INTENT_CODES)},
        "category": {"type": ["string", "null"], "enum": [*CATEGORY_LABELS, None]},
        "urgent": {"type": "boolean"},
    },
    "required": ["intent", "category", "urgent"],
}

SYSTEM_PROMPT = (
    "你是社区网格群里的助手, 判断一条中文消息是什么意思。只回答一个 JSON 对象, 不要别的文字, 格式: "
    + json.dumps({"intent": "report", "category": "water", "urgent": False}, ensure_ascii=False)
    + "。intent 取值: " + "; ".join(f"{c}={INTENT_LABELS[c]}" for c in INTENT_CODES)
    + "。category 只在 intent 为 report 时填写, 否则为 null, 取值: "
    + "; ".join(f"{c}={label}" for c, label in CATEGORY_LABELS.items())
    + "。urgent: 此刻有人身或财产危险 (煤气味、着火、有人被困或摔倒、水管爆裂淹水) 为 true, 设想的、过去的为 false。"
    + " 闲聊、转发的通知、假设、回忆、向邻居借东西、感谢都是 chitchat。"
)


@dataclass(frozen=True)
class Advice:
    """What the large model read."""
    intent: str
    category: str | None
    urgent: bool


def mask_phones(text: str) -> str:
    """The text with every phone number (and other long number) replaced by [电话]."""
    return _PHONE_RE.sub(MASK, text)


def messages_for(text: str, context: str) -> list[dict[str, str]]:
    where = "私聊里居民发给社区的" if context == "private" else "网格群里的"
    return [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"{where}消息: {mask_phones(text)}"}]


def read_answer(content: Any) -> Advice | None:
    """The model's answer checked against ANSWER_SCHEMA; None when it is not exactly that."""
    if isinstance(content, str):
        content = content.strip()
        if content.startswith("```"):  # some models wrap JSON in a code fence
            content = content.strip("`").removeprefix("json").strip()
        try:
            content = json.loads(content)
        except ValueError:
            return None
    if not isinstance(content, dict):
        return None
    intent, category, urgent = content.get("intent"), content.get("category"), content.get("urgent")
    if intent not in INTENT_CODES or not isinstance(urgent, bool) or "category" not in content:
        return None
    if category is not None and category not in CATEGORY_LABELS:
        return None
    if intent == "report" and category is None:
        return None
    if intent != "report":
        category, urgent = None, False
    return Advice(intent, category, urgent)


def apply_advice(parsed: Parsed, advice: Advice | None) -> Parsed:
    """The reading with the large model's intent, category and urgency; places, deadline and the rest stay.

    A danger the local rules saw stays a danger."""
    if advice is None:
        return parsed
    urgent = advice.urgent or (parsed.urgent and advice.intent == "report")
    return replace(parsed, intent=advice.intent, category=advice.category, urgent=urgent,
                   deadline=parsed.deadline if advice.intent == "task" else None,
                   explain=parsed.explain + (f"大模型: {advice.intent} {advice.category or ''}".rstrip(),))
