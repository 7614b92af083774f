"""`python -m bot demo`: chat with the bot in a terminal, as anyone in the example community."""
from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import sys
import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.conversation.groups import grid_key
from bot.delivery.jobs import in_quiet_hours
from bot.tickets.acks import EDIT_EVERY
from sandbox.playground import START, MovableClock, Playground, buttons
from sandbox import Chat
from bot.services import quiet_hours

log = logging.getLogger(__name__)

# Where sent files (exports, charts) are written so they can be opened; `--files` changes it.
FILES = Path(tempfile.gettempdir()) / "sanzhang-demo"
MAX_CLOCK_MOVE = timedelta(days=60)
PACED_NOTE = timedelta(seconds=30)  # sending took this much longer than the moment things fell due: say why
MAX_TEXT = 4096  # what one Telegram message may hold
MAX_CAPTION = 1024  # and a photo's caption
WEEKDAYS = "一二三四五六日"

HELP = """\
演示命令 (其余输入都会作为消息发出):
  /as 名字            换一个人说话, 例如 /as 李红 或 /as 网格员 祝兰红; 名册里没有的名字是一位新用户
  /in 群 | 私聊        在哪里说话: 本人网格的三长群, 或与机器人的私聊 (也可 /in 第二网格)
  /tap 数字           按下当前聊天里最新一排按钮中的第几个
  /share              分享自己的手机号 (确认身份)
  /photo [说明]       发一张照片, 可带说明文字
  /reply [#编号] 文字  回复当前聊天里机器人最新的一条消息 (写 #编号 就回复提到这个编号的最新一条)
  /clock +4h          时间快进: +30m 分钟, +4h 小时, +2d 天; 这段时间里到期的提醒会依次发出
  /people             看看社区里都有谁, 各管哪栋楼哪个单元
  /quit               退出"""

ROLE_WORDS = ("社区管理员", "网格员", "楼栋长", "单元长", "健康员", "法律咨询员", "民警", "物业", "志愿者", "居民")
CLOCK_UNITS = {"m": "minutes", "min": "minutes", "分": "minutes", "分钟": "minutes",
               "h": "hours", "小时": "hours", "时": "hours", "个小时": "hours",
               "d": "days", "天": "days", "日": "days"}


class Hint(Exception):
    """Something typed that the demo cannot do, explained in Chinese."""


class Problems(logging.Handler):
    """Counts the errors the bot logs, so the demo can say in Chinese that one happened and where it is."""

    def __init__(self, log_file: Path) -> None:
        super().__init__(logging.ERROR)
        self.log_file = log_file
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def log_to_file(files: Path) -> Problems | None:
    """The terminal is the conversation: the bot's log goes to a file in `files` instead."""
    try:
        files.mkdir(parents=True, exist_ok=True)
        to_file = logging.FileHandler(files / "demo.log", mode="w", encoding="utf-8")
    except OSError:
        return None
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler) is logging.StreamHandler:
            root.removeHandler(handler)
    problems = Problems(files / "demo.log")
    root.addHandler(to_file)
    root.addHandler(problems)
    return problems


def parse_clock_move(text: str) -> timedelta:
    """"+4h", "90m", "+2d", "+1d3h", "+4小时": how far to move the demo clock forward."""
    text = re.sub(r"\s+", "", text).lower()
    if text.startswith("-"):
        raise Hint("时间只能往前拨, 不能倒回去。例如 /clock +4h")
    parts = re.findall(r"(\d+)(个小时|小时|分钟|min|[mhd分时天日])", text.removeprefix("+"))
    if not text or "".join(n + u for n, u in parts) != text.removeprefix("+"):
        raise Hint("请这样写: /clock +30m (30分钟后)、/clock +4h (4小时后)、/clock +2d (2天后)")
    moved = timedelta()
    for number, unit in parts:
        if len(number) > 6:
            raise Hint(f"一次最多快进 {MAX_CLOCK_MOVE.days} 天")
        moved += timedelta(**{CLOCK_UNITS[unit]: int(number)})
    if moved > MAX_CLOCK_MOVE:
        raise Hint(f"一次最多快进 {MAX_CLOCK_MOVE.days} 天")
    return moved


class Demo:
    def __init__(self, pg: Playground, out: TextIO, files: Path = FILES, problems: Problems | None = None) -> None:
        self.pg = pg
        self.out = out
        self.files = files
        self.problems = problems
        self.problems_told = 0
        self.printed = 0
        self.at_prompt = False  # the "> " prompt is showing: start output on a fresh line
        self.who = "李红"
        self.where = "群"
        self.shown = len(pg.fake.calls())  # how many of the bot's calls have been printed
        self.heading: str | None = None  # printed before the next output (a moment while the clock moves)
        self.last_heading: str | None = None
        self.paced = timedelta()
        self.desk_url: str | None = None  # the web desk's address, in an interactive demo  # how long the paced sender took beyond the moments things fell due

    def say(self, text: str = "") -> None:
        if self.at_prompt:
            print(file=self.out)
            self.at_prompt = False
        print(text, file=self.out, flush=True)
        self.printed += 1

    # -- places, people, time --------------------------------------------------------------

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

    def moment(self, when: datetime | None = None) -> str:
        local = (when or self.pg.clock.now).astimezone(self.pg.services.config.zone)
        return f"{local.month}月{local.day}日 周{WEEKDAYS[local.weekday()]} {local:%H:%M}"

    def quiet_note(self) -> str:
        quiet = quiet_hours(self.pg.services.config)
        return f"夜间免打扰 {quiet.start:%H:%M}–{quiet.end:%H:%M}"

    def in_quiet_hours(self) -> bool:
        quiet = quiet_hours(self.pg.services.config)
        return in_quiet_hours(self.pg.clock.now, self.pg.services.config.zone, quiet.start, quiet.end)

    def banner(self) -> None:
        self.say("三长助手 演示: 本机模拟的 Telegram, 示例名册 (长山花园社区)。")
        for grid, chat in self.pg.groups.items():
            worker = next((m.name for m in self.pg.members.values()
                           if m.grid == grid and any(r.value == "grid_worker" for r in m.roles)), "")
            self.say(f"  {chat.title}: 网格员 {worker}")
        self.say(f"演示时钟现在是 {self.moment()} (北京时间), 不是您电脑上的时间; 用 /clock +4h 让时间快进。")
        self.say(f"{self.quiet_note()}: 这段时间不紧急的提醒不发, 等到早上再发; 紧急情况照发。")
        self.say(f"机器人发来的文件 (台账、统计图) 存在 {self.files}")
        if self.desk_url:
            self.say(f"网页工作台: {self.desk_url}/desk —— 登录: /as 网格员 祝兰红, /in 私聊, 发 /desk, "
                     "在浏览器里打开机器人给的链接。")
        self.say(HELP)
        self.say(f"现在您是 {self.who}, 在 {self.chat_name(self.chat().id)} 说话。")

    # -- one line of input -----------------------------------------------------------------

    async def handle(self, line: str) -> bool:
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        self.show_new()  # anything sent while nobody was typing
        self.say(f"【{self.who} @ {self.chat_name(self.chat().id)}】 {line}")
        if line in ("/quit", "/exit", "退出"):
            return False
        command, _, rest = line.partition(" ")
        began, self.paced = self.pg.clock.now, timedelta()
        try:
            match command:
                case "/as":
                    self._as(rest)
                case "/in":
                    self._in(rest)
                case "/tap" | "/按":
                    await self._tap(rest)
                case "/share":
                    await self._share()
                case "/photo":
                    if len(rest.strip()) > MAX_CAPTION:
                        raise Hint(f"照片的说明最多 {MAX_CAPTION} 个字, 这条有 {len(rest.strip())} 个字")
                    self._join_if_needed()
                    await self.pg.send_photo(self.who, self._where_obj(), caption=rest.strip() or None)
                case "/reply" | "/回复":
                    await self._reply(rest)
                case "/clock":
                    await self._clock(rest)
                case "/people":
                    self._people()
                case "/demo" | "/帮助":
                    self.say(HELP)
                case _:
                    if len(line) > MAX_TEXT:
                        raise Hint(f"一条消息最多 {MAX_TEXT} 个字, 这条有 {len(line)} 个字, 请分几条发")
                    self._join_if_needed()
                    await self.pg.say(self.who, line, where=self._where_obj())
            # Cards are edited a few seconds after a change (edits are bundled), a busy group's
            # gathered receipts every ten (bot/tickets/acks.py): show them in this turn too, or a
            # transcript would depend on how fast the machine typed the turns.
            await self.pg.settle(within=EDIT_EVERY.total_seconds() + 1, on_progress=self.show_new)
            if command != "/clock":
                self.show_new()
                self.paced = self.pg.clock.now - began
                self._paced_note()
        except Hint as hint:
            self.say(f"  (演示提示: {hint})")
        except TimeoutError:
            self.say("  (还有消息在排队, 机器人稍后会发出)")
        except Exception:  # the demo goes on whatever one turn does; the details are for developers
            log.error("demo turn %r failed", line, exc_info=True)
            self.say("  (演示出了点问题, 这一步没有做完。可以接着试别的, 或者输入 /quit 退出)")
        self.show_new()
        if self.problems is not None and self.problems.count > self.problems_told:
            self.problems_told = self.problems.count
            self.say(f"  (机器人记下了一个错误, 详情在 {self.problems.log_file})")
        return True

    async def _reply(self, rest: str) -> None:
        """Answer one of the bot's messages by replying to it, as people do on their phones."""
        target, _, text = rest.strip().partition(" ")
        if not re.fullmatch(r"#\d{1,9}", target):
            target, text = "", rest.strip()
        if not text:
            raise Hint("用法: /reply 文字, 或 /reply #3 文字")
        if len(text) > MAX_TEXT:
            raise Hint(f"一条消息最多 {MAX_TEXT} 个字, 这条有 {len(text)} 个字, 请分几条发")
        mine = [m for m in self.pg.fake.sent(self.chat()) if not m.deleted and (not target or target in (m.text or ""))]
        if not mine:
            raise Hint("这里还没有机器人的消息可以回复" + (f" (没有提到 {target} 的)" if target else ""))
        self._join_if_needed()
        await self.pg.say(self.who, text, where=self._where_obj(), reply_to=mine[-1])

    def _where_obj(self) -> Chat | None:
        chat = self.chat()
        return None if chat.type == "private" else chat

    def _join_if_needed(self) -> None:
        """Someone new who speaks in a group is first added to it, as a grid worker would."""
        chat = self.chat()
        user = self.pg.user(self.who)
        if chat.type != "private" and chat.members.get(user.id, "left") in ("left", "kicked"):
            self.say(f"  ({self.who} 还不在 {chat.title} 里, 先把 {self.who} 拉进群)")
            self.pg.fake.add_member(chat, user)

    def _as(self, rest: str) -> None:
        words = [w for w in rest.split() if w not in ROLE_WORDS]
        name = words[-1] if words else ""
        if not name:
            raise Hint("请写上名字, 例如 /as 李红 (输入 /people 看看都有谁)")
        if len(name) > 32 or name.startswith("/"):
            raise Hint("这不像一个名字, 例如 /as 李红")
        if name not in self.pg.members:
            self.pg.newcomer(name)
            self.say(f"  ({name} 不在名册里, 是一位新用户)")
        self.who = name
        self.say(f"  现在您是 {name}, 在 {self.chat_name(self.chat().id)} 说话。")

    def _in(self, rest: str) -> None:
        place = rest.strip() or "群"
        if place not in ("群", "私聊"):
            found = [grid for grid, chat in self.pg.groups.items()
                     if grid_key(place.removesuffix("三长群")) == grid_key(grid) or place == chat.title]
            if not found:
                raise Hint(f"没有「{place[:20]}」, 可选: 群、私聊、" + "、".join(self.pg.groups))
            place = found[0]
        self.where = place
        self.say(f"  现在在 {self.chat_name(self.chat().id)} 说话。")

    async def _tap(self, rest: str) -> None:
        chat = self.chat()
        with_buttons = [m for m in self.pg.fake.sent(chat) if not m.deleted and buttons(m)]
        if not with_buttons:
            raise Hint("这里没有可以按的按钮")
        message = with_buttons[-1]
        labels = buttons(message)
        choice = rest.strip()
        if not choice.isdecimal() or len(choice) > 3 or not 1 <= int(choice) <= len(labels):
            raise Hint(f"请写 1 到 {len(labels)} 之间的数字, 例如 /tap 1")
        self._join_if_needed()
        await self.pg.press(self.who, message, labels[int(choice) - 1][0])

    async def _share(self) -> None:
        member = self.pg.members[self.who]
        # Someone new has no number in the roster: they share one the roster does not know.
        phone = None if member.person_id else f"139{member.user.id % 100_000_000:08d}"
        self.say(f"  ({self.who} 在私聊里分享了自己的手机号)")
        await self.pg.share_phone(self.who, phone=phone)

    async def _clock(self, rest: str) -> None:
        moved = parse_clock_move(rest) if rest.strip() else timedelta()
        clock = self.pg.clock
        target = clock.now + moved
        # Step from one due reminder to the next, so each goes out at its own moment.
        last_due = None
        while True:
            async with self.pg.services.store.read() as r:
                due = await r.jobs.next_due_at()
            if due is None or due > target or due == last_due:
                break
            last_due = due
            clock.now = max(clock.now, due)
            await self._run_due()
        clock.now = max(clock.now, target)
        await self._run_due()
        self.last_heading = None
        self._paced_note()
        note = f"  (现在是 {self.moment()}"
        if self.in_quiet_hours():
            note += f", {self.quiet_note()}: 不紧急的提醒等到早上再发"
        self.say(note + ")")

    def _paced_note(self) -> None:
        if self.paced >= PACED_NOTE:
            self.say(f"  (消息多, 机器人按 Telegram 的限速慢慢发: 群里每分钟最多 20 条, 私聊每秒约 1 条; "
                     f"都发完时是 {self.moment()})")
        self.paced = timedelta()

    async def _run_due(self) -> None:
        """Run what is due now and show what goes out, as the paced sender gets it out."""
        began = self.pg.clock.now
        self.heading = f"  ⏰ {self.moment()}"
        await self.pg.services.jobs.run_due()
        await self.pg.settle(on_progress=self.show_new)
        self.show_new()
        self.heading = None
        self.paced += self.pg.clock.now - began

    def _people(self) -> None:
        members = self.pg.members.values()
        buildings: dict[str, list[str]] = {}
        for a in (a for m in members for a in m.assignments):
            if a.grid and a.building and a.building not in buildings.setdefault(a.grid, []):
                buildings[a.grid].append(a.building)
        for member in members:
            held = []
            for a in member.assignments:
                if a.building or not a.grid:
                    held.append(f"{a.role.label} {a.place}")
                else:  # a grid worker: the grid and its buildings
                    held.append(f"{a.role.label} {a.grid} (" + "、".join(
                        f"{b}栋" for b in sorted(buildings.get(a.grid, []), key=_number_first)) + ")")
            where = f" · {member.grid}" if member.grid and any(a.building for a in member.assignments) else ""
            self.say(f"  {member.name}: " + ("、".join(held) or "新用户 (名册里没有)") + where)

    # -- what the bot did ------------------------------------------------------------------

    def show_new(self) -> None:
        calls = self.pg.fake.calls()
        start, self.shown = self.shown, len(calls)
        for call in calls[start:]:
            if call.ok:
                self._show_call(call.method, call.params, call.result or {})

    def _show_call(self, method: str, params: dict, result: dict) -> None:
        chat_id = params.get("chat_id")
        if method in ("sendMessage", "sendPhoto", "sendDocument", "copyMessage", "sendVoice"):
            self._heading()
            if method == "copyMessage":
                self.say(f"  🤖 → {self.chat_name(chat_id)}: [转来一条照片/语音]")
                return
            text = result.get("text") or result.get("caption") or ""
            if method in ("sendPhoto", "sendDocument"):
                text = self._saved(result) + ("\n" + text if text else "")
            self._print_message(chat_id, text, result.get("reply_markup"))
        elif method == "editMessageText":
            self._heading()
            self._print_message(chat_id, result.get("text", ""), result.get("reply_markup"), edited=True)
        elif method == "deleteMessage":
            self._heading()
            self.say(f"  🗑 {self.chat_name(chat_id)}: 收起了一条消息")
        elif method == "answerCallbackQuery" and params.get("text"):
            mark = "⚠️" if params.get("show_alert") else "💬"
            self.say(f"  {mark} {params['text']}")

    def _heading(self) -> None:
        if self.heading and self.heading != self.last_heading:
            self.say(self.heading)
            self.last_heading = self.heading
        self.heading = None

    def _saved(self, result: dict) -> str:
        """Write a sent file where it can be opened; returns the line that says where."""
        if "document" in result:
            file_id, name, kind = result["document"]["file_id"], result["document"].get("file_name"), "文件"
        else:
            file_id, name, kind = result["photo"][-1]["file_id"], None, "图片"
        stored = self.pg.fake.files.get(file_id)
        if stored is None:
            return f"[{kind}]"
        if not name:
            ext = ".png" if stored.data.startswith(b"\x89PNG") else ".jpg"
            chat = self.chat_name(result.get("chat", {}).get("id", 0))
            name = f"{chat}-消息{result.get('message_id', 0)}{ext}"
        path = self.files / Path(name).name
        try:
            self.files.mkdir(parents=True, exist_ok=True)
            path.write_bytes(stored.data)
        except OSError:
            return f"[{kind} {name}: 没能存到 {self.files}]"
        return f"[{kind} {name}, 已存到 {path}]"

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


def _number_first(name: str) -> tuple[int, str]:
    digits = re.match(r"\d+", name)
    return (int(digits.group()) if digits else 1 << 30, name)


async def run(script: Path | None, db: Path | None, out: TextIO, files: Path = FILES,
              problems: Problems | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="sanzhang-demo-") as tmp:
        # A script's clock stands still between its lines, so its transcript is the same on any
        # machine; a person's clock runs like a watch. Both start on the same Wednesday morning.
        clock = MovableClock(START, ticks=lambda: 0.0) if script else MovableClock(START)
        # A person gets the web desk on BOT_WEB_PORT (8080), or any free port if that one is taken.
        port = 0 if script else _free_or_any(web_port())
        pg = Playground(db or Path(tmp) / "demo.sqlite3", clock=clock, web_port=port)
        await pg.start()
        demo = Demo(pg, out, files, problems)
        if script is None:
            demo.desk_url = pg.web_url
        try:
            demo.banner()
            if script is not None:
                for line in script.read_text(encoding="utf-8").splitlines():
                    if not await demo.handle(line):
                        break
            else:
                await _interactive(demo)
        finally:
            await pg.stop()
    return 0


def web_port() -> int:
    try:
        return int(os.environ.get("BOT_WEB_PORT") or 8080)
    except ValueError:
        return 8080


def _free_or_any(port: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return 0
    return port


async def _interactive(demo: Demo) -> None:
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    wanted = threading.Event()
    busy = asyncio.Lock()

    def read() -> None:
        """Reads one line whenever the demo asks. A daemon thread, not the loop's executor: Ctrl-C
        must end the demo at once, not wait for a line that input() is still waiting for."""
        while True:
            wanted.wait()
            wanted.clear()
            try:
                line: str | None = input("> ")
            except (EOFError, OSError):
                line = None
            loop.call_soon_threadsafe(lines.put_nowait, line)
            if line is None:
                return

    async def watch() -> None:
        """Print what the bot sends on its own (a reminder, a late edit) while the person reads."""
        while True:
            await asyncio.sleep(0.5)
            if not busy.locked():
                printed = demo.printed
                demo.show_new()
                if demo.printed > printed:
                    print("> ", end="", file=demo.out, flush=True)
                    demo.at_prompt = True

    threading.Thread(target=read, name="demo-input", daemon=True).start()
    watcher = asyncio.create_task(watch())
    try:
        while True:
            demo.at_prompt = True
            wanted.set()
            line = await lines.get()
            if line is None:
                break
            demo.at_prompt = False
            async with busy:
                if not await demo.handle(line):
                    break
    finally:
        watcher.cancel()


def main(script: Path | None = None, db: Path | None = None, files: Path | None = None) -> int:
    if script is not None and not script.exists():
        print(f"找不到脚本 {script}", file=sys.stderr)
        return 2
    files = files or FILES
    problems = log_to_file(files)
    try:
        return asyncio.run(run(script, db, sys.stdout, files, problems))
    except KeyboardInterrupt:
        # Ctrl-C while the input thread sits in input(): a normal exit would wait on (or abort over)
        # its lock on stdin. The session is already closed; leave now.
        print(flush=True)
        logging.shutdown()
        os._exit(130)
