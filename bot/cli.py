"""The command line: run the bot, the demo, roster and elders import/export, the parser."""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import ConfigError, load_config
from bot.ops.logs import configure as configure_logging


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bot",
        description="三长助手。不带参数时: 设置了 BOT_TOKEN 就运行机器人, 否则运行演示 demo。",
    )
    p.add_argument("--config", type=Path, help="TOML 配置文件 (也可用环境变量 BOT_CONFIG)")
    sub = p.add_subparsers(dest="command")

    sub.add_parser("run", help="连接 Telegram 运行机器人 (需要 BOT_TOKEN)")

    demo = sub.add_parser("demo", help="不用 Telegram, 在本机终端里体验机器人")
    demo.add_argument("--script", type=Path, help="按脚本回放对话并打印记录")
    demo.add_argument("--db", type=Path, help="演示用数据库 (默认临时文件)")
    demo.add_argument("--files", type=Path, help="机器人发来的文件 (台账、统计图) 存到哪个文件夹")

    roster = sub.add_parser("roster", help="名册: 导入、导出、邀请链接")
    rsub = roster.add_subparsers(dest="roster_command", required=True)
    imp = rsub.add_parser("import", help="从 XLSX/CSV 导入名册")
    imp.add_argument("file", type=Path)
    exp = rsub.add_parser("export", help="把名册导出为 XLSX/CSV")
    exp.add_argument("file", type=Path)
    inv = rsub.add_parser("invites", help="打印每个人的一次性邀请链接")
    inv.add_argument("--bot", help="机器人用户名 (默认用上次运行时记下的)")
    inv.add_argument("--all", action="store_true", help="也包括已经绑定的人")

    from bot.elders.cli import add_parser as add_elders_parser

    add_elders_parser(sub)

    export = sub.add_parser("export", help="导出台账 XLSX: 诉求、处理记录、任务、完成情况、通知、收到、老人、探访")
    export.add_argument("--from", dest="start", required=True, help="开始日期, 例如 2026-11-01")
    export.add_argument("--to", dest="end", required=True, help="结束日期 (含), 例如 2026-11-30")
    export.add_argument("--grid", help="只导出这个网格, 例如 第一网格")
    export.add_argument("file", type=Path, help="输出文件, 例如 台账-11月.xlsx")

    backup = sub.add_parser("backup", help="机器人运行时也可以做: 把数据库完整复制一份")
    backup.add_argument("file", type=Path, help="备份文件, 例如 /var/backups/sanzhang-2026-11-25.sqlite3")

    parse = sub.add_parser("parse", help="读标准输入的每一行, 输出识别结果 (JSON)")
    parse.add_argument("rest", nargs=argparse.REMAINDER)

    nlu = sub.add_parser("nlu", help="消息理解的模型: train 训练, retrain 用社区的更正重新训练, report 查看")
    nlu.add_argument("rest", nargs=argparse.REMAINDER)

    sandbox = sub.add_parser("sandbox", help="只启动本地的 Telegram 接口模拟器")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # The parser takes its own flags; hand them over untouched.
    if argv[:1] == ["parse"]:
        from bot.nlu.cli import main as parse_main

        return parse_main(argv[1:])
    args = _parser().parse_args(argv)
    try:
        config = load_config(path=args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    command = args.command or ("run" if config.token else "demo")
    # The demo's terminal is the conversation: only problems are logged there.
    level = "WARNING" if command == "demo" else config.log_level.upper()
    configure_logging(config, level, to_file=command == "run")
    try:
        if command == "run":
            from bot.app import run

            run(config)
            return 0
        if command == "demo":
            from sandbox.demo import main as demo_main

            return demo_main(script=getattr(args, "script", None), db=getattr(args, "db", None),
                             files=getattr(args, "files", None))
        if command == "roster":
            from bot.roster import cli as roster_cli

            return asyncio.run(roster_cli.main(args, config))
        if command == "elders":
            from bot.elders import cli as elders_cli

            return asyncio.run(elders_cli.main(args, config))
        if command == "export":
            from bot.tasks.export import export_command_line

            return asyncio.run(export_command_line(args, config))
        if command == "backup":
            from storage.backup import BackupError, backup

            try:
                size = backup(config.db, args.file)
            except BackupError as exc:
                print(exc, file=sys.stderr)
                return 1
            print(f"已备份到 {args.file} ({size / 1024 / 1024:.1f} MB)")
            return 0
        if command == "nlu":
            from bot.understanding.cli import main as nlu_main

            return nlu_main(args.rest, config)
        if command == "sandbox":
            from sandbox import serve

            asyncio.run(serve(args.host, args.port))
            return 0
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

