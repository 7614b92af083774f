"""A consistent copy of the live database, taken with SQLite's online backup while the bot runs."""
from __future__ import annotations

import sqlite3
from pathlib import Path


class BackupError(Exception):
    """The copy could not be made; the message says why in one line."""


def backup(source: Path, dest: Path) -> int:
    """Copy `source` to `dest` (replacing it only once the copy is whole); returns its size in bytes.

    In WAL mode a reader never blocks the bot's writers, so the copy is made in one step from one
    snapshot: what was committed when it began, nothing half-written.
    """
    if not source.exists():
        raise BackupError(f"找不到数据库 {source}")
    if not dest.parent.exists():
        raise BackupError(f"目录 {dest.parent} 不存在")
    partial = dest.with_name(dest.name + ".partial")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        out = sqlite3.connect(partial)
        try:
            src.backup(out)
            (verdict,) = out.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"副本检查没有通过: {verdict}")
        finally:
            out.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份失败: {exc}") from None
    finally:
        src.close()
    partial.replace(dest)
    return dest.stat().st_size
