"""Aggregate figures on the frozen evaluation sets (run by hand, twice in a change's life: before and at the end).

    .venv/bin/python tests/nlu/frozen_report.py [--dir tests/nlu/frozen] [--code PATH_OF_A_CHECKOUT]

Prints only totals, never a message or a per-message miss: the sets' texts stay unread so that nobody tunes
to them. Works against any checkout of the bot (--code), with or without parse(context=, role=), so the same
script measures the parser before and after a change.

chat.jsonl     group and private messages with their labels, and "context"/"role" keys;
citizen.jsonl  formal citizen letters, with an "actionable" key (a community could act on it); read in private
               context, as a resident writing to the bot.
"""
from __future__ import annotations

import argparse
import inspect
import json
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = "2026-11-18T09:00:00+08:00"
# What the bot does something about. "acted on" for chit-chat: anything but chit-chat.
ACTED = ("report", "task", "query", "completion", "visit", "ack")


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Ratio:
    def __init__(self) -> None:
        self.right = 0
        self.total = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += bool(ok)

    def __str__(self) -> str:
        if not self.total:
            return "   -   (0/0)"
        return f"{self.right / self.total:6.3f} ({self.right}/{self.total})"


def _parser(code: Path | None):
    if code is not None:
        sys.path.insert(0, str(code.resolve()))
    import bot.nlu as nlu  # noqa: PLC0415

    parse = nlu.parse
    takes_context = "context" in inspect.signature(parse).parameters
    return parse, takes_context, Path(nlu.__file__).resolve().parent


def _call(parse, takes_context: bool, text: str, now: datetime, context: str, role: str) -> dict:
    if takes_context:
        return parse(text, now, context=context, role=role).to_json()
    return parse(text, now).to_json()


def chat_report(rows: list[dict], parse, takes_context: bool) -> dict[str, Ratio | int]:
    m: dict[str, Ratio | int] = {k: Ratio() for k in ("intent", "category (reports)", "location exact",
                                                      "deadline exact", "urgent recall", "chit-chat acted on",
                                                      "chit-chat acted on (gated)", "others asked (unsure)")}
    m["false urgent"] = 0
    by_context: dict[str, Ratio] = {}
    for row in rows:
        now = datetime.fromisoformat(row.get("now") or NOW)
        context = row.get("context") or "group"
        got = _call(parse, takes_context, row["text"], now, context, row.get("role") or "resident")
        m["intent"].add(got["intent"] == row["intent"])
        by_context.setdefault(f"intent ({context})", Ratio()).add(got["intent"] == row["intent"])
        if row["intent"] == "report":
            m["category (reports)"].add(got["category"] == row.get("category"))
        want = (row.get("building"), row.get("unit"), row.get("room"))
        m["location exact"].add((got["building"], got["unit"], got["room"]) == want)
        if row["intent"] == "task" or row.get("deadline"):
            m["deadline exact"].add(got["deadline"] == row.get("deadline"))
        if row.get("urgent"):
            m["urgent recall"].add(got["urgent"])
        elif got["urgent"]:
            m["false urgent"] += 1
        if row["intent"] == "chitchat":
            m["chit-chat acted on"].add(got["intent"] in ACTED)
            # With confidence gating: an unsure reading is asked about, not acted on.
            m["chit-chat acted on (gated)"].add(got["intent"] in ACTED and not got.get("unsure", False))
        else:
            m["others asked (unsure)"].add(bool(got.get("unsure", False)))
    m.update(by_context)
    return m


def citizen_report(rows: list[dict], parse, takes_context: bool) -> dict[str, Ratio]:
    m = {k: Ratio() for k in ("acted on (actionable)", "category (actionable)", "place exact (named)",
                              "acted on (not actionable)", "acted on unasked (actionable)")}
    for row in rows:
        now = datetime.fromisoformat(row.get("now") or NOW)
        got = _call(parse, takes_context, row["text"], now, "private", "resident")
        acted = got["intent"] == "report"
        if row.get("actionable"):
            m["acted on (actionable)"].add(acted)
            m["acted on unasked (actionable)"].add(acted and not got.get("unsure", False))
            if row.get("category"):
                m["category (actionable)"].add(got["category"] == row["category"])
        else:
            m["acted on (not actionable)"].add(acted)
        want = (row.get("building"), row.get("unit"), row.get("room"))
        if any(want):
            m["place exact (named)"].add((got["building"], got["unit"], got["room"]) == want)
    return m


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=HERE / "frozen")
    ap.add_argument("--code", type=Path, help="a checkout of the bot to measure (default: this one)")
    args = ap.parse_args(argv)
    parse, takes_context, where = _parser(args.code)
    print(f"parser: {where} (context/role: {'yes' if takes_context else 'no'})")
    for name, report in (("chat.jsonl", chat_report), ("citizen.jsonl", citizen_report)):
        path = args.dir / name
        if not path.exists():
            print(f"{name}: missing")
            continue
        rows = _rows(path)
        keys = sorted({k for r in rows for k in r})
        print(f"{name}: {len(rows)} rows; fields: {', '.join(keys)}")
        for metric, value in report(rows, parse, takes_context).items():
            print(f"  {metric:28s} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
