"""A street office at a given size: households, people, grids, buildings, a year of tickets, events, tasks.

    .venv/bin/python tests/bench/scale.py --households 100000 --tickets 1000000 data/scale-1m.sqlite3
    .venv/bin/python tests/bench/scale.py --households 100000 --roster-csv data/roster-110k.csv

Deterministic for a seed. Rows go in through the storage layer's bulk loader, many per statement,
so a million tickets take a couple of minutes, not hours. The database is an ordinary bot database:
`python -m bot` can run on it, and tests/bench/bench_scale.py runs the bot on it through the fake.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.nlu import CATEGORY_LABELS  # noqa: E402
from storage import Store  # noqa: E402
from storage.timefmt import to_db  # noqa: E402

# Wednesday 25 November 2026, 10:00 in Shanghai: "now" for the data; tickets cover the year before.
END = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)
COMMUNITY = "长山街道社区"
TG_BASE = 7_000_000_000          # telegram id = TG_BASE + person id
GROUP_BASE = 2_001_000_000_000   # group chat id = -(GROUP_BASE + grid number)
UNITS_PER_BUILDING = 4
HOUSEHOLDS_PER_BUILDING = 50
CHUNK = 50_000

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔")
_GIVEN = ("秀英 桂英 秀兰 玉兰 桂兰 凤英 建华 建国 国庆 丽娟 淑芬 淑兰 玉梅 春燕 晓东 志刚 永明 立新 兰红 德胜 "
          "玉珍 红梅 海燕 文华 丽华 建平 明华 国华 金凤 小红 丽萍 秀珍 凤兰 翠兰 桂芳 建军 志强 海涛 卫东 春梅 "
          "晓丽 德华 家明 少华 振华 宝华 爱国 爱华 红霞 彩霞 冬梅 秋菊 月娥 素芬 美兰 玉凤 淑珍 惠芳 雪梅 艳华").split()
_CHARS = "".join(dict.fromkeys("".join(_GIVEN) + "文武明亮伟芳娜敏静磊强军洋勇艳杰娟涛超秀霞平刚桂"))
_PROBLEMS = {
    "water": ["厨房管道漏水了", "下水道堵了, 味道很大", "楼上渗水到我家天花板"],
    "electric": ["楼道灯不亮了", "单元门口的路灯坏了", "电表箱冒火花"],
    "facility": ["单元门关不上了", "楼梯扶手松了", "外墙瓷砖掉下来了"],
    "heating_gas": ["暖气不热", "暖气片漏水", "闻到有点煤气味"],
    "sanitation": ["垃圾好几天没人清理了", "楼道里堆满了杂物", "门口有狗屎没人管"],
    "greenery": ["楼下的树枝挡住窗户了", "草坪被人踩坏了"],
    "parking": ["消防通道被车堵了", "充电桩坏了"],
    "noise": ["楼上装修太吵了", "晚上广场舞声音太大"],
    "safety": ["电动车在楼道里充电", "门禁坏了陌生人随便进"],
    "elderly": ["独居老人好几天没下楼了", "老人需要人帮忙买菜"],
    "health": ["老人摔倒了起不来", "想问问打疫苗的事"],
    "dispute": ["邻居在楼道堆东西吵起来了"],
    "legal": ["想咨询一下租房合同的问题"],
    "welfare": ["低保怎么申请"],
    "property": ["物业不管事, 电梯又坏了", "电梯困人了"],
    "other": ["想问一下社区几点上班"],
}
_WEIGHTS = {"water": 16, "electric": 12, "facility": 12, "heating_gas": 8, "sanitation": 14, "greenery": 4,
            "parking": 6, "noise": 6, "safety": 4, "elderly": 3, "health": 3, "dispute": 3, "legal": 1,
            "welfare": 1, "property": 6, "other": 1}
_TASK_TITLES = ("收齐问卷", "统计独居老人名单", "通知到户: 停水", "排查电动车充电", "收集意见", "核对住户信息")


@dataclass
class Person:
    id: int
    name: str
    phone: str
    role: str
    grid: int | None = None       # grid number, 1-based
    building: int | None = None   # building number, 1-based across the community
    unit: int | None = None       # 1..UNITS_PER_BUILDING
    room: str | None = None
    linked: bool = True

    @property
    def telegram_id(self) -> int | None:
        return TG_BASE + self.id if self.linked else None


@dataclass
class Population:
    """Everyone on the roster, in roster order, with the places they belong to."""

    households: int
    grids: int
    buildings: int
    people: list[Person] = field(default_factory=list)

    def grid_of(self, building: int) -> int:
        return (building - 1) * self.grids // self.buildings + 1

    def of_role(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]


def names(count: int, rng: random.Random) -> list[str]:
    """Distinct Chinese names: a namesake would be one person to the roster."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        if name in seen:  # the common names are taken: two characters from the whole pool
            name = rng.choice(_SURNAMES) + rng.choice(_CHARS) + rng.choice(_CHARS)
        if name in seen:
            continue
        seen.add(name)
        out.append(name)
    return out


def population(households: int, grids: int = 50, seed: int = 7, linked_residents: float = 0.05) -> Population:
    rng = random.Random(seed)
    buildings = max(grids, households // HOUSEHOLDS_PER_BUILDING)
    pop = Population(households, grids, buildings)
    staff = 2 + 4 + grids + buildings + buildings * UNITS_PER_BUILDING
    pool = iter(names(staff + households, rng))
    people = pop.people

    def add(role: str, **kw) -> None:
        pid = len(people) + 1
        people.append(Person(pid, next(pool), f"1{3 + pid % 7}{pid:09d}"[:11], role, **kw))

    add("admin")
    add("admin")
    for role in ("health", "legal", "police", "property"):
        add(role)
    for g in range(1, grids + 1):
        add("grid_worker", grid=g)
    for b in range(1, buildings + 1):
        add("building_head", grid=pop.grid_of(b), building=b)
        for u in range(1, UNITS_PER_BUILDING + 1):
            add("unit_head", grid=pop.grid_of(b), building=b, unit=u)
    for h in range(households):
        b = h % buildings + 1
        u = (h // buildings) % UNITS_PER_BUILDING + 1
        k = h // (buildings * UNITS_PER_BUILDING)
        room = f"{k // 2 + 1}0{k % 2 + 1}"
        add("resident", grid=pop.grid_of(b), building=b, unit=u, room=room,
            linked=rng.random() < linked_residents)
    return pop


ROLE_LABELS = {"admin": "社区管理员", "health": "健康员", "legal": "法律咨询员", "police": "民警", "property": "物业",
               "grid_worker": "网格员", "building_head": "楼栋长", "unit_head": "单元长", "resident": "居民"}


def write_roster_csv(pop: Population, path: Path) -> int:
    """The population as the roster file a community secretary would import; returns its rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["社区", "网格", "楼栋", "单元", "房号", "角色", "姓名", "手机"])
        for p in pop.people:
            out.writerow([COMMUNITY, f"第{p.grid}网格" if p.grid else "", f"{p.building}栋" if p.building else "",
                          f"{p.unit}单元" if p.unit else "", p.room or "", ROLE_LABELS[p.role], p.name, p.phone])
    return len(pop.people)


def _payload(text: str, keyboard: bool = False) -> str:
    params: dict = {"text": text, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}
    if keyboard:
        params["reply_markup"] = {"inline_keyboard": []}
    return json.dumps(params, ensure_ascii=False)


async def generate(path: Path, households: int = 100_000, tickets: int = 1_000_000, grids: int = 50,
                   seed: int = 7, end: datetime = END, days: int = 365, progress: bool = False) -> Population:
    """Write a fresh bot database at `path` (replaced if it exists)."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    pop = population(households, grids, seed)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = await Store.open(path, clock=lambda: end)

    def say(what: str) -> None:
        if progress:
            print(f"  {time.perf_counter() - t0:6.1f} s  {what}", file=sys.stderr)

    start = end - timedelta(days=days)
    created = to_db(start)
    people = pop.people
    workers = {p.grid: p for p in pop.of_role("grid_worker")}
    unit_heads: dict[int, list[Person]] = {}
    building_heads: dict[int, list[Person]] = {}
    residents: dict[int, list[Person]] = {}
    for p in people:
        if p.role == "unit_head":
            unit_heads.setdefault(p.grid, []).append(p)
        elif p.role == "building_head":
            building_heads.setdefault(p.grid, []).append(p)
        elif p.role == "resident":
            residents.setdefault(p.grid, []).append(p)
    specialists = {p.role: p for p in people if p.role in ("health", "legal", "police", "property")}
    admin = people[0]

    def chat_of(grid: int) -> int:
        return -(GROUP_BASE + grid)

    unit_id = {}  # (building, unit) → id
    async with store.tx() as tx:
        b = tx.bulk
        await b.insert("communities", [(1, COMMUNITY)])
        await b.insert("grids", [(g, 1, f"第{g}网格") for g in range(1, grids + 1)])
        await b.insert("buildings", [(n, 1, pop.grid_of(n), str(n)) for n in range(1, pop.buildings + 1)])
        rows = []
        for n in range(1, pop.buildings + 1):
            for u in range(1, UNITS_PER_BUILDING + 1):
                unit_id[(n, u)] = len(rows) + 1
                rows.append((len(rows) + 1, n, str(u)))
        await b.insert("units", rows)
        await b.insert("people", [(p.id, 1, p.name, p.phone, p.telegram_id, created,
                                   created if p.linked else None) for p in people])
        await b.insert("person_roles", [
            (p.id, p.role, 1, p.grid, p.building, unit_id.get((p.building, p.unit)),
             p.room if p.role == "resident" else None) for p in people])
        await b.insert("private_chats", [(p.telegram_id, created) for p in people if p.linked])
        await b.insert("group_chats", [(chat_of(g), g, f"第{g}网格三长群", workers[g].telegram_id, created)
                                       for g in range(1, grids + 1)])
    say(f"{len(people):,} people in {pop.buildings:,} buildings, {grids} grids")

    categories = list(_WEIGHTS)
    weights = [_WEIGHTS[c] for c in categories]
    owner_of = {"health": "health", "legal": "legal", "safety": "police", "property": "property"}
    message_ids: dict[int, int] = {}
    span = (end - start).total_seconds()
    ticket_id = 0
    while ticket_id < tickets:
        batch_t, batch_e, batch_o, batch_j = [], [], [], []
        for _ in range(min(CHUNK, tickets - ticket_id)):
            ticket_id += 1
            at = start + timedelta(seconds=span * ticket_id / (tickets + 1))
            grid = rng.randint(1, grids)
            reporter = rng.choice(residents.get(grid) or unit_heads[grid])
            category = rng.choices(categories, weights)[0]
            urgent = rng.random() < 0.02
            text = f"{reporter.building}栋{reporter.unit}单元{reporter.room or ''}" + rng.choice(_PROBLEMS[category])
            owner = specialists.get(owner_of.get(category, ""), None) if rng.random() < 0.5 else None
            owner = owner or workers[grid]
            age = (end - at).days
            roll = rng.random()
            if age < 30:
                status = "open" if roll < 0.2 else "accepted" if roll < 0.4 else "resolved" if roll < 0.95 else "closed"
            else:
                status = "open" if roll < 0.01 else "accepted" if roll < 0.02 else "resolved" if roll < 0.92 else "closed"
            accepted = at + timedelta(minutes=rng.lognormvariate(3.5, 1.0)) if status != "open" else None
            resolved = None
            if status in ("resolved", "closed"):
                resolved = accepted + timedelta(hours=rng.lognormvariate(2.5, 1.2))
                if resolved > end:
                    resolved = end - timedelta(minutes=1)
                if accepted > resolved:
                    accepted = resolved
            rating = None
            if resolved and rng.random() < 0.4:
                rating = rng.choices(("满意", "基本满意", "不满意"), (70, 20, 10))[0]
            in_group = not reporter.linked or rng.random() < 0.8
            chat = chat_of(grid) if in_group else reporter.telegram_id
            message_ids[chat] = message_ids.get(chat, 0) + 2
            source = message_ids[chat] - 1
            batch_t.append((ticket_id, 1, grid, str(reporter.building), str(reporter.unit), reporter.room, category,
                            int(urgent), text, status, reporter.telegram_id, reporter.id, reporter.name, chat, source,
                            owner.id, to_db(at), to_db(at), to_db(accepted) if accepted else None,
                            to_db(resolved) if resolved else None, rating))
            batch_e.append((ticket_id, to_db(at), reporter.telegram_id, reporter.name, "created", text))
            batch_e.append((ticket_id, to_db(at), None, None, "assigned", f"网格员{owner.name}"))
            if rng.random() < 0.05:
                late = at + timedelta(hours=4)
                if late < end:
                    batch_e.append((ticket_id, to_db(late), None, None, "escalated", "超时上报社区"))
            if accepted:
                batch_e.append((ticket_id, to_db(accepted), owner.telegram_id, owner.name, "accepted", None))
            if resolved:
                batch_e.append((ticket_id, to_db(resolved), owner.telegram_id, owner.name, "resolved", None))
            if rating:
                batch_e.append((ticket_id, to_db(resolved), reporter.telegram_id, reporter.name, "rated", rating))
            sent = to_db(at)
            batch_o.append((chat, "sendMessage", _payload(f"已记录 #{ticket_id} {CATEGORY_LABELS[category]}"),
                            f"t{ticket_id}:receipt", "sent", 1, sent, sent, sent, source + 1))
            card = message_ids[owner.telegram_id] = message_ids.get(owner.telegram_id, 0) + 1
            batch_o.append((owner.telegram_id, "sendMessage", _payload(f"<b>#{ticket_id}</b>「{text}」", True),
                            f"t{ticket_id}:card:1", "sent", 1, sent, sent, sent, card))
            if status in ("open", "accepted"):
                stage = "accept" if status == "open" else "resolve"
                batch_j.append((ticket_id, stage, to_db(end + timedelta(hours=rng.randint(1, 72)))))
        async with store.tx() as tx:
            await tx.bulk.insert("tickets", batch_t)
            await tx.bulk.insert("ticket_events", batch_e)
            await tx.bulk.insert("outbox", batch_o)
            for tid, stage, due in batch_j:
                await tx.jobs.add("ticket_sla", datetime.fromisoformat(due.replace("Z", "+00:00")),
                                  {"ticket": tid, "stage": stage, "level": 1, "seq": 1, "window": 14400},
                                  key=f"t{tid}:{stage}:1:1")
        say(f"{ticket_id:,} tickets")

    # A task a week per grid for its unit heads, a notice a month per grid for all its heads.
    task_id = notice_id = 0
    week = timedelta(days=7)
    moment = start + timedelta(days=(7 - start.weekday()) % 7)
    tasks, targets, notices, audience, acks = [], [], [], [], []
    done_lines: list[tuple[int, Person, str, str]] = []
    while moment + timedelta(days=2) < end:
        for g in range(1, grids + 1):
            task_id += 1
            deadline = moment + timedelta(days=2)
            worker = workers[g]
            title = _TASK_TITLES[task_id % len(_TASK_TITLES)]
            tasks.append((task_id, 1, g, chat_of(g), title, f"请各单元长{title}", "unit", to_db(deadline),
                          worker.id, worker.name, "done", to_db(moment), to_db(deadline)))
            for head in unit_heads[g]:
                done = rng.random() < 0.85
                when = to_db(moment + timedelta(minutes=rng.randint(10, 2 * 24 * 60))) if done else None
                targets.append((task_id, str(head.building), str(head.unit), head.id, head.name, when,
                                head.id if done else None, head.name if done else None,
                                rng.choice(("words", "button", "reply")) if done else None))
                if done:
                    done_lines.append((task_id, head, str(head.building), when))
            if moment.day <= 7:
                notice_id += 1
                notices.append((notice_id, 1, g, chat_of(g), "通知: 本周六上午9点社区开展消防演练, 请各位准时参加",
                                worker.id, worker.name, to_db(moment)))
                for head in building_heads[g] + unit_heads[g]:
                    audience.append((notice_id, head.id, head.name, head.telegram_id))
                    if rng.random() < 0.75:
                        acks.append((notice_id, head.telegram_id, head.id, head.name, "button",
                                     to_db(moment + timedelta(minutes=rng.randint(1, 600)))))
        moment += week
    async with store.tx() as tx:
        b = tx.bulk
        await b.insert("tasks", tasks)
        for i in range(0, len(targets), CHUNK):
            await b.insert("task_targets", targets[i:i + CHUNK])
        ids = await b.task_target_ids(list(range(1, task_id + 1)))
        completions = [(t, ids[(t, building, str(head.unit))], head.id, head.name, "button", when)
                       for t, head, building, when in done_lines]
        for i in range(0, len(completions), CHUNK):
            await b.insert("task_completions", completions[i:i + CHUNK])
            await b.insert("points", [(1, c[2], 1, "完成任务", "rule", c[5]) for c in completions[i:i + CHUNK]])
        await b.insert("notices", notices)
        await b.insert("notice_audience", audience)
        await b.insert("notice_acks", acks)
    say(f"{task_id:,} tasks with {len(targets):,} lines, {notice_id:,} notices")
    async with store.tx() as tx:
        await tx.db.execute("ANALYZE")
    await store.close()
    say("done")
    return pop


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path, nargs="?", help="the database to write (replaced)")
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--grids", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--roster-csv", type=Path, help="also write the roster of this population as CSV")
    args = ap.parse_args(argv)
    if args.roster_csv:
        rows = write_roster_csv(population(args.households, args.grids, args.seed), args.roster_csv)
        print(f"{args.roster_csv}: {rows:,} rows")
    if args.db:
        t0 = time.perf_counter()
        args.db.parent.mkdir(parents=True, exist_ok=True)
        asyncio.run(generate(args.db, args.households, args.tickets, args.grids, args.seed, progress=True))
        size = args.db.stat().st_size / 2**20
        print(f"{args.db}: {args.households:,} households, {args.tickets:,} tickets, {size:,.0f} MiB"
              f" in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
