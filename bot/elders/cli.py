"""`python -m bot elders …`: import and export the registry, print links, make the 防走失 QR codes, revoke."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Config
from bot.elders.registry import apply_elders, elder_rows, new_token, resolve
from bot.elders.rules import ElderRules
from bot.elders.sheet import read_elders, write_elders
from bot.roster.io import RosterFileError
from storage import Store

LOST_PREFIX = "lost-"
FAMILY_PREFIX = "kin-"


def add_parser(sub) -> None:
    elders = sub.add_parser("elders", help="老人名册: 导入、导出、防走失二维码、链接")
    esub = elders.add_subparsers(dest="elders_command", required=True)
    imp = esub.add_parser("import", help="从 XLSX/CSV 导入老人名册 (照片放在表格旁边)")
    imp.add_argument("file", type=Path)
    exp = esub.add_parser("export", help="把老人名册导出为 XLSX/CSV (照片写到旁边的「照片」文件夹)")
    exp.add_argument("file", type=Path)
    qr = esub.add_parser("qr", help="生成每位老人的防走失二维码 PNG 和一张打印用的总表")
    qr.add_argument("--out", type=Path, default=Path("防走失二维码"), help="输出文件夹 (默认 ./防走失二维码)")
    qr.add_argument("--bot", help="机器人用户名 (默认用上次运行时记下的)")
    links = esub.add_parser("links", help="打印每位老人的防走失链接 (--family: 家属绑定链接)")
    links.add_argument("--bot", help="机器人用户名 (默认用上次运行时记下的)")
    links.add_argument("--family", action="store_true", help="打印家属绑定链接 (每个链接只能用一次)")
    revoke = esub.add_parser("revoke", help="停用某位老人的防走失码并换一个新的 (旧码扫了不再有效)")
    revoke.add_argument("name", help="老人姓名")
    revoke.add_argument("--family", action="store_true", help="停用没用过的家属链接")


async def main(args: argparse.Namespace, config: Config) -> int:
    store = await Store.open(config.db)
    try:
        command = args.elders_command
        if command == "import":
            return await import_file(store, args.file, config)
        if command == "export":
            return await export_file(store, args.file)
        if command == "links":
            return await print_links(store, args.bot, args.family)
        if command == "qr":
            return await make_codes(store, args.bot, args.out)
        if command == "revoke":
            return await revoke(store, args.name, args.family)
    finally:
        await store.close()
    return 2


async def import_file(store: Store, file: Path, config: Config) -> int:
    if not file.exists():
        print(f"找不到文件 {file}", file=sys.stderr)
        return 1
    try:
        sheet, errors = read_elders(file)
    except RosterFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    if not errors and not sheet.rows:
        print("表格里没有老人, 没有导入任何内容。", file=sys.stderr)
        return 1
    rules = ElderRules.from_config(config.extra.get("elders"))
    async with store.tx() as tx:
        records, more = await resolve(tx, sheet)
        errors = sorted(errors + more, key=lambda e: e.line)
        if errors:
            for error in errors:
                print(error, file=sys.stderr)
            print(f"老人名册有 {len(errors)} 处问题, 没有导入任何内容。请改好后再导入。", file=sys.stderr)
            return 1
        changes = await apply_elders(tx, records, rules, config.zone)
    if changes.nothing:
        print("老人名册没有变化。")
    else:
        print(f"已导入老人名册: 新增 {changes.added} 位, 更新 {changes.updated} 位, 移出 {changes.removed} 位。")
    if changes.without_keeper:
        names = "、".join(changes.without_keeper[:10]) + (" 等" if len(changes.without_keeper) > 10 else "")
        print(f"提醒: {len(changes.without_keeper)} 位老人还没有包保人 ({names}), 到期的提醒会直接发给网格员。")
    return 0


async def export_file(store: Store, file: Path) -> int:
    file.parent.mkdir(parents=True, exist_ok=True)
    async with store.read() as r:
        rows, with_community = await elder_rows(r, file.parent)
    try:
        write_elders(rows, file, with_community)
    except RosterFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    photos = sum(1 for row in rows if row.photo)
    print(f"已导出 {len(rows)} 位老人到 {file}" + (f", 照片 {photos} 张在 {file.parent / '照片'}" if photos else ""))
    return 0


async def _username(store: Store, given: str | None) -> str | None:
    async with store.read() as r:
        username = given or await r.meta.get("bot_username")
    if not username:
        print("不知道机器人的用户名: 请用 --bot 用户名, 或先运行一次机器人。", file=sys.stderr)
        return None
    return username.lstrip("@")


def deep_link(username: str, prefix: str, token: str) -> str:
    return f"https://t.me/{username}?start={prefix}{token}"


async def code_links(store: Store, username: str, family: bool = False) -> list[tuple[int, str, str]]:
    """(elder id, name, link) for every active elder; makes the missing tokens."""
    kind, prefix = ("family", FAMILY_PREFIX) if family else ("qr", LOST_PREFIX)
    out = []
    async with store.tx() as tx:
        for elder in await tx.elders.all_active():
            token = await tx.elders.open_link(elder.id, kind, new_token())
            out.append((elder.id, elder.name, deep_link(username, prefix, token)))
    return out


async def print_links(store: Store, bot: str | None, family: bool) -> int:
    username = await _username(store, bot)
    if username is None:
        return 1
    links = await code_links(store, username, family)
    print("\n".join(f"{name}\t{link}" for _, name, link in links) if links else "老人名册是空的。")
    return 0


async def make_codes(store: Store, bot: str | None, out: Path) -> int:
    from bot.elders.qr import write_codes

    username = await _username(store, bot)
    if username is None:
        return 1
    links = await code_links(store, username)
    if not links:
        print("老人名册是空的, 没有生成二维码。")
        return 0
    written = write_codes(links, out)
    print(f"已生成 {len(links)} 张防走失二维码到 {out}/, 打印用的总表: {', '.join(str(p) for p in written.sheets)}")
    if written.note:
        print(written.note)
    return 0


async def revoke(store: Store, name: str, family: bool) -> int:
    async with store.tx() as tx:
        elders = [x for x in await tx.elders.all_active() if x.name == name]
        if not elders:
            print(f"老人名册里没有「{name}」", file=sys.stderr)
            return 1
        if len(elders) > 1:
            print(f"有 {len(elders)} 位「{name}」, 请先在名册里把名字区分开", file=sys.stderr)
            return 1
        kind = "family" if family else "qr"
        count = await tx.elders.revoke_links(elders[0].id, kind)
        if not family:
            await tx.elders.open_link(elders[0].id, "qr", new_token())
    what = "家属链接" if family else "防走失码"
    print(f"已停用{name}的{what} {count} 个。" + ("" if family else " 请重新生成二维码并换上新的: python -m bot elders qr"))
    return 0
