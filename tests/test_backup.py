"""An operator backs up the database while the bot is running, and can restore from the copy."""
from __future__ import annotations

import asyncio
import sys

from storage import Store

REPORT = "3单元201家的厨房管道老化漏水了"


async def test_a_backup_taken_while_the_bot_runs_holds_what_was_committed(pg, tmp_path):
    await pg.say("李红", REPORT, where=pg.group())
    copy = tmp_path / "backup.sqlite3"
    # The bot keeps working while the copy is made.
    pg.fake.send_text(pg.user("周秀英"), pg.group(), "2单元楼道灯坏了")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "backup", str(copy), env={"BOT_DB": str(pg.db), "PATH": ""},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert out.decode().startswith(f"已备份到 {copy}")
    await pg.settle()
    restored = await Store.open(copy)
    try:
        async with restored.read() as r:
            first = await r.tickets.get(1)
        assert first is not None and first.text == REPORT
    finally:
        await restored.close()


async def test_a_backup_to_a_folder_that_does_not_exist_says_so(tmp_path):
    await (await Store.open(tmp_path / "bot.sqlite3")).close()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "backup", str(tmp_path / "nope" / "b.sqlite3"),
        env={"BOT_DB": str(tmp_path / "bot.sqlite3"), "PATH": ""},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await proc.communicate()
    assert proc.returncode == 1
    assert err.decode().strip() == f"目录 {tmp_path / 'nope'} 不存在"
