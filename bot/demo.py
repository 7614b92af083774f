"""`python -m bot demo`: chat with the bot in a terminal, as anyone in the example community."""
from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from bot.playground import MovableClock, Playground, buttons
from bot.sandbox import Chat

# Scripts run at a fixed moment so their transcripts are the same on every machine.
SCRIPT_START = datetime(2026, 11, 18, 1, 30, tzinfo=timezone.utc)  # 周三 09:30 in Shanghai

HELP = """\
演示命令 (其余输入都会作为消息发出):
  /as 名字            换一个人说话, 例如 /as 李红 或 /as 网格员 祝兰红
  /in 群 | 私聊        在哪里说话: 本人网格的三长群, 或与机器人的私聊 (也可 /in 第二网格)
  /tap 数字           按下当前聊天里最新一排按钮中的第几个
  /share              分享自己的手机号 (确认身份)
  /photo [说明]       发一张照片, 可带说明文字
  /clock +4h          时间快进 (支持 m/h/d), 到期的提醒会发出
  /people             看看社区里都有谁
  /quit               退出"""

ROLE_WORDS = ("社区管理员", "网格员", "楼栋长", "单元长", "健康员", "法律咨询员", "民警", "物业", "志愿者", "居民")


class Demo:
    def __init__(self, pg: Playground, out: TextIO) -> None:
        self.pg = pg
        self.out = out
        self.who = "李红"
        self.where = "群"
        self.mark = 0

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    # -- places and people -----------------------------------------------------------------

    def chat(self) -> Chat:
        if self.where == "私聊":
            return self.pg.private(self.who)
        if self.where in self.pg.groups:
            return self.pg.groups[self.where]
        grid = self.pg.members[self.who].grid or next(iter(self.pg.groups))
        return self.pg.groups.get(grid) or next(iter(self.pg.groups.values()))

    def chat_name(self, chat_id: int) -> str:
        for grid, chat in self.pg.groups.items():
            if chat.id == chat_id:
                return chat.title or grid
        for name, member in self.pg.members.items():
            if member.user.id == chat_id:
                return f"{name}(私聊)"
        return str(chat_id)

    def banner(self) -> None:
        self.say("三长助手 演示: 本机模拟的 Telegram, 示例名册 (长山花园社区)。")
        for grid, chat in self.pg.groups.items():
            worker = next((m.name for m in self.pg.members.values()
                           if m.grid == grid and any(r.value == "grid_worker" for r in m.roles)), "")
            self.say(f"  {chat.title}: 网格员 {worker}")
        self.say(HELP)
        self.say(f"现在您是 {self.who}, 在 {self.chat_name(self.chat().id)} 说话。")

    # -- one line of input -----------------------------------------------------------------

    async def handle(self, line: str) -> bool:
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        self.say(f"【{self.who} @ {self.chat_name(self.chat().id)}】 {line}")
        if line in ("/quit", "/exit", "退出"):
            return False
        command, _, rest = line.partition(" ")
        self.mark = self.pg.mark()
        try:
            match command:
                case "/as":
                    self._as(rest)
                case "/in":
                    self._in(rest)
                case "/tap" | "/按":
                    await self._tap(rest)
                case "/share":
                    await self.pg.share_phone(self.who)
                case "/photo":
                    await self.pg.send_photo(self.who, self._where_obj(), caption=rest or None)
                case "/clock":
                    await self._clock(rest)
                case "/people":
                    self._people()
                case "/demo" | "/帮助":
                    self.say(HELP)
                case _:
                    await self.pg.say(self.who, line, where=self._where_obj())
        except (ValueError, KeyError, LookupError, AssertionError) as exc:
            self.say(f"  (演示提示: {exc})")
        # Cards are edited a few seconds after a change (edits are bundled): show them too.
        await self.pg.settle(within=5)
        self._show_output()
        return True

    def _where_obj(self) -> Chat | None:
        chat = self.chat()
        return None if chat.type == "private" else chat

    def _as(self, rest: str) -> None:
        words = [w for w in rest.split() if w not in ROLE_WORDS]
        name = words[-1] if words else ""
        if name not in self.pg.members:
            if not name:
                raise ValueError("请写上名字, 例如 /as 李红")
            self.pg.newcomer(name)
            self.say(f"  ({name} 不在名册里, 是一位新用户)")
        self.who = name
        self.say(f"  现在您是 {name}, 在 {self.chat_name(self.chat().id)} 说话。")

    def _in(self, rest: str) -> None:
        place = rest.strip() or "群"
        if place not in ("群", "私聊") and place not in self.pg.groups:
            raise ValueError(f"没有「{place}」, 可选: 群、私聊、" + "、".join(self.pg.groups))
        self.where = place
        self.say(f"  现在在 {self.chat_name(self.chat().id)} 说话。")

    async def _tap(self, rest: str) -> None:
        chat = self.chat()
        with_buttons = [m for m in self.pg.fake.sent(chat) if not m.deleted and buttons(m)]
        if not with_buttons:
            raise ValueError("这里没有可以按的按钮")
        message = with_buttons[-1]
        labels = buttons(message)
        if not rest.strip().isdigit() or not 1 <= int(rest) <= len(labels):
            raise ValueError(f"请写 1 到 {len(labels)} 之间的数字")
        await self.pg.press(self.who, message, labels[int(rest) - 1][0])

    async def _clock(self, rest: str) -> None:
        match = re.fullmatch(r"\+?(\d+)([mhd])", rest.strip())
        if not match:
            raise ValueError("例如 /clock +4h 或 /clock +30m")
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        self.pg.clock.advance(**{unit: int(match.group(1))})
        await self.pg.services.jobs.run_due()
        await self.pg.settle()
        local = self.pg.clock.now.astimezone(self.pg.services.config.zone)
        self.say(f"  (现在是 {local:%m月%d日 %H:%M})")

    def _people(self) -> None:
        for name, member in self.pg.members.items():
            roles = "、".join(sorted({r.label for r in member.roles})) or "新用户"
            self.say(f"  {name}: {roles}" + (f" · {member.grid}" if member.grid else ""))

    # -- what the bot did ------------------------------------------------------------------

    def _show_output(self) -> None:
        for call in self.pg.fake.calls()[self.mark:]:
            if not call.ok:
                continue
            params, result = call.params, call.result
            method = call.method
            if method in ("sendMessage", "sendPhoto", "sendDocument", "copyMessage", "sendVoice"):
                chat_id = params.get("chat_id")
                if method == "copyMessage":
                    self.say(f"  🤖 → {self.chat_name(chat_id)}: [转来一条照片/语音]")
                    continue
                text = (result or {}).get("text") or (result or {}).get("caption") or "[文件]"
                self._print_message(chat_id, text, (result or {}).get("reply_markup"))
            elif method == "editMessageText":
                self._print_message(params.get("chat_id"), (result or {}).get("text", ""),
                                    (result or {}).get("reply_markup"), edited=True)
            elif method == "deleteMessage":
                self.say(f"  🗑 {self.chat_name(params.get('chat_id'))}: 收起了一条消息")
            elif method == "answerCallbackQuery" and params.get("text"):
                mark = "⚠️" if params.get("show_alert") else "💬"
                self.say(f"  {mark} {params['text']}")

    def _print_message(self, chat_id: int, text: str, markup: dict | None, edited: bool = False) -> None:
        head = "✏️ 改为" if edited else "🤖 →"
        lines = text.splitlines() or [""]
        self.say(f"  {head} {self.chat_name(chat_id)}: {lines[0]}")
        for line in lines[1:]:
            self.say(f"      {line}")
        rows = (markup or {}).get("inline_keyboard", [])
        labels = [b["text"] for row in rows for b in row]
        if labels:
            self.say("      " + "  ".join(f"[{i}] {label}" for i, label in enumerate(labels, 1)))


async def run(script: Path | None, db: Path | None, out: TextIO) -> int:
    with tempfile.TemporaryDirectory(prefix="sanzhang-demo-") as tmp:
        clock = MovableClock(SCRIPT_START if script else None)
        pg = Playground(db or Path(tmp) / "demo.sqlite3", clock=clock)
        await pg.start()
        demo = Demo(pg, out)
        try:
            demo.banner()
            if script is not None:
                for line in script.read_text(encoding="utf-8").splitlines():
                    if not await demo.handle(line):
                        break
            else:
                loop = asyncio.get_running_loop()
                while True:
                    try:
                        line = await loop.run_in_executor(None, lambda: input("> "))
                    except EOFError:
                        break
                    if not await demo.handle(line):
                        break
        finally:
            await pg.stop()
    return 0


def main(script: Path | None = None, db: Path | None = None) -> int:
    if script is not None and not script.exists():
        print(f"找不到脚本 {script}", file=sys.stderr)
        return 2
    return asyncio.run(run(script, db, sys.stdout))

