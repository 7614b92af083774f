"""`python -m bot roster …`: import, export and invite links, printed for an administrator."""
from __future__ import annotations

import argparse
import sys

from bot.config import Config
from bot.roster.export import write_roster
from bot.roster.io import read_roster
from storage import Store
from storage.roster import apply_roster, roster_rows


async def main(args: argparse.Namespace, config: Config) -> int:
    store = await Store.open(config.db)
    try:
        if args.roster_command == "import":
            return await import_file(store, args)
        if args.roster_command == "export":
            async with store.read() as r:
                roster = await roster_rows(r)
            write_roster(roster, args.file)
            print(f"已导出 {sum(1 for row in roster.rows if row.is_person)} 条人员记录到 {args.file}")
            return 0
        if args.roster_command == "invites":
            return await invites(store, args)
    finally:
        await store.close()
    return 2


async def import_file(store: Store, args: argparse.Namespace) -> int:
    if not args.file.exists():
        print(f"找不到文件 {args.file}", file=sys.stderr)
        return 1
    roster, errors = read_roster(args.file)
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        print(f"名册有 {len(errors)} 处问题, 没有导入任何内容。请改好后再导入。", file=sys.stderr)
        return 1
    async with store.tx() as tx:
        changes = await apply_roster(tx, roster)
    if changes.nothing:
        print("名册没有变化。")
    else:
        print(
            f"已导入 {'、'.join(changes.communities)}: 新增地点 {changes.places_added} 个,"
            f" 新增人员 {changes.people_added} 人, 更新 {changes.people_updated} 人,"
            f" 移出 {changes.people_removed} 人; 职责 +{changes.roles_added} / -{changes.roles_removed}。"
        )
    return 0


async def invites(store: Store, args: argparse.Namespace) -> int:
    async with store.tx() as tx:
        username = args.bot or await tx.meta.get("bot_username")
        if not username:
            print("不知道机器人的用户名: 请用 --bot 用户名, 或先运行一次机器人。", file=sys.stderr)
            return 1
        username = username.lstrip("@")
        lines = []
        for person in await tx.people.all():
            if not person.active or (person.telegram_id and not args.all):
                continue
            code = await tx.invites.open_code(person.id)
            roles = "、".join(dict.fromkeys(a.role.label for a in person.roles))
            lines.append(f"{person.name}\t{roles}\thttps://t.me/{username}?start={code}")
    print("\n".join(lines) if lines else "所有人都已绑定。")
    return 0
