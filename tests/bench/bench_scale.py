"""The bot on a whole street office (tests/bench/scale.py) through the fake: each command's time, memory, ratios.

    .venv/bin/python tests/bench/scale.py data/scale-1m.sqlite3                 # once: 100k households, 1M tickets
    .venv/bin/python tests/bench/bench_scale.py data/scale-1m.sqlite3            # everything below
    .venv/bin/python tests/bench/bench_scale.py data/scale-1m.sqlite3 --only commands,export,digest,sender
    .venv/bin/python tests/bench/bench_scale.py --only roster --roster-rows 11000,33000,110000
    .venv/bin/python tests/bench/bench_scale.py --only startup

The bot runs on a copy of the database (the generated file stays as it was), in this process, against
the Bot API fake in this process, with the bot's clock at the data's "now". Targets from issue 12.
Without a database only the roster and start-up figures are taken. Not part of the pytest suite.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

import scale  # noqa: E402
from bot import app as bot_app  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.model.messages import text_message  # noqa: E402
from sandbox.playground import MovableClock  # noqa: E402
from sandbox import FakeTelegram  # noqa: E402
from sandbox.world import Chat, User  # noqa: E402

TELEGRAM_LIMIT = 4096
results: list[tuple[str, str, str]] = []  # (what, measured, target)


def load() -> str:
    """The machine's load average over the last minute: every figure is read beside it."""
    return Path("/proc/loadavg").read_text().split()[0]


def report(what: str, measured: str, target: str = "") -> None:
    measured += f" [load {load()}]"
    results.append((what, measured, target))
    print(f"  {what:<58} {measured:<34} {target}", flush=True)


# -- memory ------------------------------------------------------------------------------

def rss_mib(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PeakMemory:
    """The highest resident memory of this process and its children while the block runs."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()

    def _children(self) -> list[str]:
        try:
            return Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
        except OSError:
            return []

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = rss_mib() + sum(rss_mib(c) for c in self._children())
            self.peak = max(self.peak, total)
            self._stop.wait(0.02)

    def __enter__(self) -> "PeakMemory":
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class LockWatch:
    """How long the store's lock (every transaction and read) was held at most, since reset()."""

    def __init__(self, store) -> None:
        self.longest = 0.0
        self._since = 0.0
        lock = store._lock
        acquire, release = lock.acquire, lock.release
        watch = self

        async def timed_acquire():
            result = await acquire()
            watch._since = time.perf_counter()
            return result

        def timed_release():
            watch.longest = max(watch.longest, time.perf_counter() - watch._since)
            release()

        lock.acquire, lock.release = timed_acquire, timed_release

    def reset(self) -> None:
        self.longest = 0.0


# -- the stage ---------------------------------------------------------------------------

class Stage:
    """The fake with every linked person and bound group of the database, and the bot running on it."""

    def __init__(self, db: Path, latency: float = 0.0) -> None:
        self.db = db
        self.fake = FakeTelegram(latency=latency)
        self.users: dict[str, User] = {}
        self.groups: dict[int, Chat] = {}  # grid number → chat
        self.app = None

    async def start(self) -> "Stage":
        await self.fake.start()
        con = sqlite3.connect(self.db)
        world = self.fake.world
        for name, tg in con.execute("SELECT name, telegram_id FROM people WHERE telegram_id IS NOT NULL"):
            user = User(id=tg, first_name=name, started=True)
            world.users[tg] = user
            self.users[name] = user
        staff = {}
        for tg, grid in con.execute(
                "SELECT p.telegram_id, COALESCE(pr.grid_id, b.grid_id) FROM people p JOIN person_roles pr"
                " ON pr.person_id = p.id LEFT JOIN buildings b ON b.id = pr.building_id"
                " WHERE p.telegram_id IS NOT NULL AND pr.role != 'resident'"):
            staff.setdefault(grid, []).append(tg)
        for chat_id, grid, title in con.execute("SELECT chat_id, grid_id, title FROM group_chats"):
            top = con.execute("SELECT MAX(source_message_id) FROM tickets WHERE source_chat_id = ?",
                              (chat_id,)).fetchone()[0] or 0
            chat = Chat(id=chat_id, type="supergroup", title=title, bot_status="member",
                        next_message_id=top + 1000)
            chat.members = {tg: "member" for tg in staff.get(grid, [])}
            world.chats[chat_id] = chat
            self.groups[grid] = chat
        now = con.execute("SELECT MAX(created_at) FROM tickets").fetchone()[0]
        con.close()
        from storage.timefmt import from_db

        self.clock = MovableClock(from_db(now) + timedelta(minutes=5) if now else scale.END)
        config = Config(token=self.fake.token, api_url=self.fake.base_url, file_url=self.fake.file_base_url,
                        db=self.db, log_level="WARNING")
        self.app = bot_app.build_application(config, clock=self.clock)
        await bot_app.start(self.app, poll_timeout=1)
        self.store = self.app.bot_data["services"].store
        self.locks = LockWatch(self.store)
        return self

    async def stop(self) -> None:
        if self.app is not None:
            await bot_app.stop(self.app)
        await self.fake.stop()

    @property
    def services(self):
        return self.app.bot_data["services"]

    def person(self, sql: str, *args) -> tuple[str, User]:
        con = sqlite3.connect(self.db)
        name = con.execute(sql, args).fetchone()[0]
        con.close()
        return name, self.users[name]

    async def ask(self, user: User, chat: Chat, text: str, until: str = "send", timeout: float = 300.0
                  ) -> tuple[float, list]:
        """Send `text`; wait for the bot's first call of kind `until` to `chat`; (seconds, those calls)."""
        mark = len(self.fake.world.calls)
        t0 = time.perf_counter()
        self.fake.send_text(user, chat, text)

        def answered():
            calls = [c for c in self.fake.world.calls[mark:]
                     if c.finished and c.method.startswith(until) and _chat_of(c) == chat.id]
            return calls or None

        calls = await self.fake.wait_for(answered, timeout=timeout)
        return time.perf_counter() - t0, calls


def _chat_of(call) -> int | None:
    try:
        return int(call.params.get("chat_id"))
    except (TypeError, ValueError):
        return None


def _text_of(call) -> str:
    if call.ok and isinstance(call.result, dict):
        return call.result.get("text") or call.result.get("caption") or ""
    return ""


def describe(seconds: float, calls: list) -> str:
    call = calls[0]
    if not call.ok:
        return f"{seconds:.2f} s, refused: {call.description}"
    return f"{seconds:.2f} s, {len(_text_of(call)):,} chars"


async def settle(stage: Stage) -> None:
    await stage.fake.settle(quiet=0.3, timeout=120)


# -- the benchmarks ----------------------------------------------------------------------

async def bench_commands(stage: Stage) -> None:
    worker_name, worker = stage.person(
        "SELECT p.name FROM people p JOIN tickets t ON t.assignee_person_id = p.id"
        " JOIN person_roles r ON r.person_id = p.id AND r.role = 'grid_worker'"
        " WHERE t.status IN ('open', 'accepted') GROUP BY p.id ORDER BY COUNT(*) DESC LIMIT 1")
    grid = int(sqlite3.connect(stage.db).execute(
        "SELECT r.grid_id FROM person_roles r JOIN people p ON p.id = r.person_id WHERE p.name = ?"
        " AND r.role = 'grid_worker'", (worker_name,)).fetchone()[0])
    admin_name, admin = stage.person("SELECT p.name FROM people p JOIN person_roles r ON r.person_id = p.id"
                                     " WHERE r.role = 'admin' ORDER BY p.id LIMIT 1")
    reporter_name, reporter = stage.person(
        "SELECT reporter_name FROM tickets WHERE reporter_tg IS NOT NULL GROUP BY reporter_tg"
        " ORDER BY COUNT(*) DESC LIMIT 1")
    group = stage.groups[grid]
    fake = stage.fake
    heads = sqlite3.connect(stage.db).execute(
        "SELECT COUNT(*) FROM person_roles r JOIN buildings b ON b.id = r.building_id"
        " WHERE r.role = 'unit_head' AND b.grid_id = ?", (grid,)).fetchone()[0]

    seconds, calls = await stage.ask(worker, fake.private(worker), "/whoami")
    report("/whoami (nothing else running)", describe(seconds, calls))
    for label, user, chat, text, target in (
            (f"/stats in a grid group ({heads} unit heads)", worker, group, "/stats", "≤ 1 s, fits"),
            ("/stats for the whole community (admin)", admin, fake.private(admin), "/stats", "≤ 1 s, fits"),
            (f"/mine of the busiest grid worker ({worker_name})", worker, fake.private(worker), "/mine",
             "≤ 0.3 s, fits"),
            ("/my of the busiest reporter", reporter, fake.private(reporter), "/my", "fits"),
            ("/contacts of the admin (every grid)", admin, fake.private(admin), "/contacts", "fits")):
        await settle(stage)
        cpu = time.process_time()
        with PeakMemory() as memory:
            seconds, calls = await stage.ask(user, chat, text)
        cpu = time.process_time() - cpu
        report(label, describe(seconds, calls) + f" (CPU {cpu:.2f} s), {memory.peak:.0f} MiB", target)

    # A reply in the group to an old report: the ticket is found by its source message.
    await settle(stage)
    old = sqlite3.connect(stage.db).execute(
        "SELECT source_message_id FROM tickets WHERE source_chat_id = ? ORDER BY id LIMIT 1", (group.id,)
    ).fetchone()[0]
    t0 = time.perf_counter()
    before = len(fake.world.calls)
    record = fake.world.store({"message_id": old, "chat": group.to_api(), "date": 0, "text": "旧消息",
                               "from": worker.to_api()}, from_bot=False)
    fake.send_photo(worker, group, reply_to=record)
    await settle(stage)
    report("a photo replying to a year-old report in the group", f"{time.perf_counter() - t0:.2f} s"
           f" ({len(fake.world.calls) - before} calls)")


async def bench_export(stage: Stage) -> None:
    fake = stage.fake
    admin_name, admin = stage.person("SELECT p.name FROM people p JOIN person_roles r ON r.person_id = p.id"
                                     " WHERE r.role = 'admin' ORDER BY p.id LIMIT 1")
    other_name, other = stage.person("SELECT p.name FROM people p JOIN person_roles r ON r.person_id = p.id"
                                     " WHERE r.role = 'unit_head' ORDER BY p.id LIMIT 1")
    await settle(stage)
    base = rss_mib()
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = usage.ru_utime + usage.ru_stime
    with PeakMemory() as memory:
        export = asyncio.ensure_future(stage.ask(admin, fake.private(admin), "/export 上月", until="sendDocument",
                                                 timeout=900))
        await asyncio.sleep(1.0)  # the export is under way
        whoami = []
        for _ in range(3):
            seconds, _ = await stage.ask(other, fake.private(other), "/whoami", timeout=900)
            whoami.append(seconds)
            if export.done():
                break
        seconds, calls = await export
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = usage.ru_utime + usage.ru_stime - worker_cpu
    call = calls[0]
    size = ""
    if call.ok:
        stored = fake.files[call.result["document"]["file_id"]]
        size = f", {len(stored.data) / 2**20:.1f} MB"
    else:
        size = f", refused: {call.description}"
    report("/export 上月 for the community (document arrives)", f"{seconds:.1f} s{size}", "≤ 15 s")
    report("  CPU time of the export worker process", f"{worker_cpu:.1f} s")
    report("  peak memory meanwhile (bot + fake + worker)", f"{memory.peak:.0f} MiB (bot before {base:.0f})",
           "≤ 400 MiB")
    if children > before_children:
        report("  of which the export worker process", f"{children:.0f} MiB")
    report("  another user's /whoami meanwhile", " / ".join(f"{s:.2f} s" for s in whoami), "≤ 0.5 s")


async def bench_digest(stage: Stage) -> None:
    services = stage.services
    await settle(stage)
    await services.jobs.run_due()  # the weekly job finds its first slot
    await settle(stage)
    # Only the digest is measured: the tickets' reminders, due by Monday too, are moved out of the way.
    async with stage.store.tx() as tx:
        await tx.db.execute("UPDATE jobs SET due_at = '2099-01-01T00:00:00.000000Z'"
                            " WHERE kind = 'ticket_sla' AND done_at IS NULL")
    clock = stage.clock
    local = clock.now.astimezone(services.config.zone)
    monday = local + timedelta(days=(7 - local.weekday()) % 7 or 7)
    clock.now = monday.replace(hour=8, minute=30, second=1, microsecond=0)
    stage.locks.reset()
    mark = len(stage.fake.world.calls)
    t0 = time.perf_counter()
    with PeakMemory() as memory:
        await services.jobs.run_due()
        queued = time.perf_counter() - t0
        await stage.fake.wait_for(lambda: sum(1 for c in stage.fake.world.calls[mark:]
                                              if c.finished and c.method in ("sendPhoto", "sendMessage")
                                              and (_chat_of(c) or 0) < 0) >= len(stage.groups), timeout=900)
    total = time.perf_counter() - t0
    report(f"weekly digest to {len(stage.groups)} groups: queued / delivered",
           f"{queued:.1f} s / {total:.1f} s, {memory.peak:.0f} MiB")
    report("  longest transaction (store lock held) meanwhile", f"{stage.locks.longest:.2f} s", "≤ 1 s")


async def bench_sender(stage: Stage) -> None:
    fake = stage.fake
    store = stage.store
    group = stage.groups[1]
    worker_name, worker = stage.person(
        "SELECT p.name FROM people p JOIN person_roles r ON r.person_id = p.id"
        " WHERE r.role = 'grid_worker' ORDER BY p.id LIMIT 1")
    await settle(stage)
    # An urgent card queued behind 150 answers to one busy group.
    async with store.tx() as tx:
        for i in range(150):
            await tx.outbox.enqueue(text_message(group.id, f"已记录 #{i} 楼道灯不亮了"))
    t0 = time.perf_counter()
    async with store.tx() as tx:
        await _enqueue_urgent(tx, text_message(worker.id, "🚨紧急 #999 供暖燃气 · 3栋2单元301 闻到煤气味"))
    await fake.wait_for(lambda: fake.sent(fake.private(worker)) and "#999" in (fake.sent(fake.private(worker))[-1].text or ""),
                        timeout=300)
    report("an urgent card behind 150 queued group answers", f"{time.perf_counter() - t0:.2f} s", "≤ 2 s")
    # Let the busy group's backlog go: it is not what the broadcast measures.
    async with store.tx() as tx:
        await tx.db.execute("UPDATE outbox SET status = 'failed', error = 'bench' WHERE status = 'pending'")

    # A broadcast: 1,000 messages to 200 groups, 100 ms round trip, Telegram's flood control on.
    chats = list(stage.groups.values())
    while len(chats) < 200:
        chats.append(fake.add_group(f"广播群{len(chats)}"))
    fake.drop_pending_updates()
    fake.latency = 0.1
    fake.flood_control = True
    mark = len(fake.world.calls)
    t0 = time.perf_counter()
    cpu = time.process_time()
    async with store.tx() as tx:
        for round_ in range(5):
            for chat in chats:
                await tx.outbox.enqueue(text_message(chat.id, f"停水通知 ({round_ + 1}/5): 明天 9:00–12:00 检修管道。"))
    ids = {c.id for c in chats}
    done = lambda: sum(1 for c in fake.world.calls[mark:] if c.ok and c.method == "sendMessage"  # noqa: E731
                       and _chat_of(c) in ids)
    await fake.wait_for(lambda: done() >= 1000, timeout=900)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu
    limited = sum(1 for c in fake.world.calls[mark:] if c.status == 429)
    minimum = 1000 / 30
    report("broadcast, 1,000 messages to 200 groups, 100 ms round trip",
           f"{seconds:.1f} s = {seconds / minimum:.2f}× Telegram's minimum ({limited} × 429;"
           f" CPU of bot + fake {cpu:.1f} s)", "≤ 1.1×")
    fake.latency = 0.0
    fake.flood_control = False


async def _enqueue_urgent(tx, message) -> None:
    try:
        await tx.outbox.enqueue(message, urgent=True)
    except TypeError:  # the sender before issue 12 knows no priorities
        await tx.outbox.enqueue(message)


def bench_roster(rows_wanted: list[int]) -> None:
    from bot.roster.io import read_roster
    from storage import Store
    from storage.roster import apply_roster

    async def one(households: int) -> tuple[int, float, float, float]:
        with tempfile.TemporaryDirectory() as tmp:
            pop = scale.population(households)
            path = Path(tmp) / "roster.csv"
            rows = scale.write_roster_csv(pop, path)
            t0 = time.perf_counter()
            roster, errors = read_roster(path)
            assert not errors, errors[:3]
            read = time.perf_counter() - t0
            store = await Store.open(Path(tmp) / "r.sqlite3")
            t1 = time.perf_counter()
            async with store.tx() as tx:
                await apply_roster(tx, roster)
            first = time.perf_counter() - t1
            t2 = time.perf_counter()
            async with store.tx() as tx:
                changes = await apply_roster(tx, roster)
            again = time.perf_counter() - t2
            assert changes.nothing
            await store.close()
            return rows, read, first, again

    for wanted in rows_wanted:
        households = max(1, round(wanted / 1.1))
        rows, read, first, again = asyncio.run(one(households))
        report(f"roster import, {rows:,} rows: read+check / first import / again",
               f"{read:.1f} s / {first:.1f} s / {again:.1f} s", "≤ 60 s at 110k" if rows > 100_000 else "")


BARE_PTB = """
import sys
from telegram.ext import Application, MessageHandler, filters
async def answer(update, context):
    await update.effective_message.reply_text("您好")
app = Application.builder().token(sys.argv[1]).base_url(sys.argv[2]).build()
app.add_handler(MessageHandler(filters.ALL, answer))
app.run_polling(timeout=1)
"""


def bench_startup(runs: int = 3) -> None:
    async def first_answer(cmd: list[str], env: dict, fake: FakeTelegram, user: User, text: str) -> float:
        mark = len(fake.sent(fake.private(user)))
        fake.send_text(user, fake.private(user), text)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            await fake.wait_for(lambda: len(fake.sent(fake.private(user))) > mark, timeout=60)
            return time.perf_counter() - t0
        finally:
            proc.terminate()
            proc.wait()

    async def main() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bot.sqlite3"
            await scale.generate(db, households=2000, tickets=0, grids=4)
            fake = await FakeTelegram().start()
            user = fake.add_user("测试")
            user.started = True
            bare, ours, report_first = [], [], []
            env = dict(os.environ, BOT_TOKEN=fake.token, BOT_API_URL=fake.base_url, BOT_DB=str(db),
                       BOT_LOG_FILE="-", BOT_LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
            for _ in range(runs):
                bare.append(await first_answer([sys.executable, "-c", BARE_PTB, fake.token, fake.base_url],
                                               env, fake, user, "/start"))
                fake.drop_pending_updates()
                ours.append(await first_answer([sys.executable, "-m", "bot", "run"], env, fake, user, "/whoami"))
                fake.drop_pending_updates()
                report_first.append(await first_answer([sys.executable, "-m", "bot", "run"], env, fake, user,
                                                       "5栋2单元301厨房漏水了"))
                fake.drop_pending_updates()
            await fake.stop()
        b, o, r = sorted(bare)[runs // 2], sorted(ours)[runs // 2], sorted(report_first)[runs // 2]
        report("start-up to first answer: bare PTB bot", f"{b:.2f} s")
        report("start-up to first answer: /whoami", f"{o:.2f} s = {o / b:.2f}×", "≤ 1.5×")
        report("start-up to first answer: a report (needs the segmenter)", f"{r:.2f} s = {r / b:.2f}×")

    asyncio.run(main())


async def bench_with_bot(db: Path, only: set[str]) -> None:
    with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
        copy = Path(tmp) / db.name
        t0 = time.perf_counter()
        shutil.copyfile(db, copy)
        print(f"  (copied {db.stat().st_size / 2**20:,.0f} MiB in {time.perf_counter() - t0:.0f} s)", flush=True)
        t0 = time.perf_counter()
        stage = await Stage(copy).start()
        print(f"  (bot up on it in {time.perf_counter() - t0:.1f} s, {rss_mib():.0f} MiB)", flush=True)
        try:
            if "commands" in only:
                await bench_commands(stage)
            if "export" in only:
                await bench_export(stage)
            if "digest" in only:
                await bench_digest(stage)
            if "sender" in only:
                await bench_sender(stage)
        finally:
            await stage.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path, nargs="?", help="a database from tests/bench/scale.py")
    ap.add_argument("--only", default="commands,export,digest,sender,roster,startup")
    ap.add_argument("--roster-rows", default="11000,33000,110000")
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    if args.db is not None and only & {"commands", "export", "digest", "sender"}:
        print(f"== the bot on {args.db}")
        asyncio.run(bench_with_bot(args.db, only))
    if "roster" in only:
        print("== roster import")
        bench_roster([int(x) for x in args.roster_rows.split(",")])
    if "startup" in only:
        print("== start-up")
        bench_startup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
