"""The operators' checking tool: one message per line on stdin, one JSON object per line on stdout."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.nlu.deadlines import SHANGHAI
from bot.nlu.lexicon import Lexicon
from bot.nlu.parse import CONTEXTS, ROLES, parse


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors in Chinese and lets main() return the exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _build_parser() -> _Parser:
    parser = _Parser(prog="python -m bot parse", description="逐行读取消息, 每行输出一个 JSON 对象 (识别结果)。",
                     add_help=True)
    parser.add_argument("--now", help="当前时间, ISO 8601 格式, 例如 2026-11-18T09:00:00+08:00; 默认为现在")
    parser.add_argument("--explain", action="store_true", help="附加 explain 字段, 说明判断依据")
    parser.add_argument("--keywords", type=Path, help="运维关键词文件 (TOML), 与内置词表合并")
    parser.add_argument("--context", choices=CONTEXTS, default="group", help="消息发在哪里: group 群里 (默认), private 私聊")
    parser.add_argument("--role", choices=ROLES, default="resident", help="谁发的: resident 居民 (默认) 或三长、管理员")
    parser.add_argument("--model", type=Path, help="用这个模型文件 (默认: 内置模型)")
    return parser


def parse_now(value: str | None) -> datetime:
    """--now as an aware datetime; a time without offset is Beijing time."""
    if value is None:
        return datetime.now(SHANGHAI)
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the parse command; returns the exit code (0, or 2 for bad arguments)."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    try:
        args = _build_parser().parse_args(argv)
    except _UsageError as exc:
        print(f"参数错误: {exc}", file=sys.stderr)
        return 2
    try:
        now = parse_now(args.now)
    except ValueError:
        print(f"--now 的时间格式不对: {args.now!r}。请用 ISO 8601 格式, 例如 2026-11-18T09:00:00+08:00",
              file=sys.stderr)
        return 2
    try:
        lexicon = Lexicon.load(args.keywords, model=args.model) if args.keywords or args.model else Lexicon.default()
    except FileNotFoundError:
        print(f"找不到关键词文件: {args.keywords}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:
        print(f"关键词文件无法读取: {exc}", file=sys.stderr)
        return 2
    for line in stdin:
        text = line.rstrip("\r\n")
        parsed = parse(text, now, lexicon, context=args.context, role=args.role, explain=args.explain)
        record = parsed.to_json()
        if args.explain:
            record["explain"] = list(parsed.explain)
        stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
