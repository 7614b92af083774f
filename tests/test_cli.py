"""The command line as an administrator meets it: demo, run without a token, roster files."""
from __future__ import annotations

import io
import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict | None = None, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    # The web desk on any free port: 8080 may be taken by another run on this machine, between
    # the demo's check and its bind.
    full_env["BOT_WEB_PORT"] = "0"
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=full_env, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("script", ["basic", "tasks", "newcomer", "day"])
def test_demo_script_replays_the_expected_conversation(script, tmp_path):
    result = run("demo", "--script", f"tests/demo/{script}.txt", "--files", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    expected = (ROOT / f"tests/demo/{script}.expected.txt").read_text(encoding="utf-8")
    # Follow links carry a random token, different in every run.
    shown = re.sub(r"start=f_[A-Za-z0-9_-]+", "start=f_<令牌>", result.stdout.replace(str(tmp_path), "<文件夹>"))
    assert shown == expected


def test_run_without_a_token_says_so_in_one_line():
    result = run("run")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0] and "demo" in lines[0]


def test_roster_import_export_and_invites(tmp_path):
    env = {"BOT_DB": str(tmp_path / "db.sqlite3")}
    first = run("roster", "import", "deploy/roster.example.xlsx", env=env)
    assert first.returncode == 0, first.stderr
    assert "新增人员 27 人" in first.stdout
    again = run("roster", "import", "deploy/roster.example.csv", env=env)
    assert again.stdout.strip() == "名册没有变化。"
    out = tmp_path / "导出.xlsx"
    exported = run("roster", "export", str(out), env=env)
    assert exported.returncode == 0 and out.exists()
    round_trip = run("roster", "import", str(out), env=env)
    assert round_trip.stdout.strip() == "名册没有变化。"
    invites = run("roster", "invites", "--bot", "sanzhang_bot", env=env)
    lines = invites.stdout.strip().splitlines()
    assert len(lines) == 27
    assert lines[1].startswith("祝兰红\t网格员\thttps://t.me/sanzhang_bot?start=")
    assert run("roster", "invites", "--bot", "sanzhang_bot", env=env).stdout == invites.stdout


def test_a_roster_with_errors_imports_nothing(tmp_path):
    env = {"BOT_DB": str(tmp_path / "db.sqlite3")}
    bad = tmp_path / "名册.csv"
    bad.write_text("社区,网格,楼栋,单元,角色,姓名,手机\n"
                   "长山花园社区,第一网格,1栋,1单元,单元长,李红,13800000005\n"
                   "长山花园社区,第一网格,1栋,,组长,王敏,13800000004\n", encoding="utf-8")
    result = run("roster", "import", str(bad), env=env)
    assert result.returncode == 1
    assert "第3行" in result.stderr and "组长" in result.stderr and "网格员" in result.stderr
    assert "没有导入任何内容" in result.stderr
    invites = run("roster", "invites", "--bot", "x", env=env)
    assert "所有人都已绑定" in invites.stdout  # nobody was imported


def test_parse_reads_lines_and_writes_json():
    result = run("parse", "--now", "2026-11-18T09:00:00+08:00", stdin="5栋2单元302厨房漏水了\n大家早上好\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert '"intent": "report"' in lines[0] and '"building": "5"' in lines[0]
    assert '"intent": "chitchat"' in lines[1]


# -- the demo as a newcomer plays it ------------------------------------------------------------


async def play(tmp_path: Path, *lines: str, problems=None) -> str:
    """Replay `lines` through the demo in this process; returns the transcript."""
    from sandbox.demo import run as run_demo

    script = tmp_path / "script.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    assert await run_demo(script, None, out, tmp_path / "files", problems) == 0
    return out.getvalue()


def turn(transcript: str, line: str) -> list[str]:
    """What the demo printed after the echo of `line`, up to the next line typed."""
    after = transcript.split(f"】 {line}\n", 1)[1]
    return after.split("\n【", 1)[0].splitlines()


async def test_moving_the_clock_past_many_reminders_shows_each_and_the_demo_goes_on(tmp_path):
    # Eighteen requests nobody takes: 18 reminders to one grid worker, then 18 escalations to the admin,
    # far more than Telegram lets the paced sender put in one private chat at once.
    reports = [f"{b}栋{u}单元{room}家里的下水道堵了" for b in (1, 2) for u in (1, 2, 3) for room in (101, 201, 301)]
    transcript = await play(tmp_path, "/as 李红", "/in 群", *reports, "/clock +4d", "/clock +4h", "/whoami")
    moved = turn(transcript, "/clock +4d")
    assert sum("还没有接单" in line for line in moved) == 18
    assert sum("超时未接单" in line for line in moved) == 18
    # The report turns end when their paced cards and gathered receipts are out: a minute of demo time.
    assert moved[0] == "  ⏰ 11月18日 周三 13:00" and moved[-1] == "  (现在是 11月22日 周日 09:01)"
    assert turn(transcript, "/clock +4h") == ["  (现在是 11月22日 周日 13:01)"]
    assert "🤖 → 第一网格三长群: 李红" in turn(transcript, "/whoami")[0]


async def test_a_group_flood_while_the_clock_moves_is_paced_and_said_so(tmp_path):
    # 22 tasks with a reminder each at the same moment: more than a group may get in a minute.
    tasks = [f"/task 收齐第{i}份表 今天下午5点前" for i in range(1, 23)]
    transcript = await play(tmp_path, "/as 祝兰红", "/in 群", *tasks, "/clock +4h")
    moved = turn(transcript, "/clock +4h")
    assert sum("⏰ 「收齐第" in line for line in moved) == 22
    assert any(line.startswith("  (消息多, 机器人按 Telegram 的限速慢慢发") for line in moved)


async def test_the_demos_own_words_are_chinese_and_a_newcomer_in_a_group_is_added_to_it(tmp_path):
    transcript = await play(
        tmp_path, "/as 张阿姨", "我家楼上漏水了", "/photo 照片", "/tap 1", "/in 火星", "/tap", "/tap 99",
        "/clock 明天", "/clock -1h", "/clock +99999d", "/as", "/as 网格员", "/share", "x" * 5000, "/photo " + "说" * 1100)
    notes = [line for line in transcript.splitlines() if line.startswith("  (")]
    # English words, leaving out the demo's own commands ("/clock +4h", "/people")
    assert notes and not [line for line in notes if re.search(r"[A-Za-z]{3,}", re.sub(r"/[a-z]+", "", line))]
    assert "还不在 第一网格三长群 里, 先把 张阿姨 拉进群" in transcript
    assert "已记录 #1 给排水" in transcript
    assert turn(transcript, "x" * 5000) == ["  (演示提示: 一条消息最多 4096 个字, 这条有 5000 个字, 请分几条发)"]
    assert turn(transcript, "/photo " + "说" * 1100) == ["  (演示提示: 照片的说明最多 1024 个字, 这条有 1100 个字)"]
    assert "演示出了点问题" not in transcript and "Traceback" not in transcript


@pytest.mark.bot_fails
async def test_a_bot_error_shows_as_one_chinese_line_pointing_to_the_log(tmp_path, monkeypatch):
    from bot.conversation.accounts import Accounts
    from sandbox.demo import Problems

    async def broken(self, msg):
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(Accounts, "whoami", broken)
    problems = Problems(tmp_path / "demo.log")
    logging.getLogger().addHandler(problems)
    try:
        transcript = await play(tmp_path, "/whoami", "/contacts", problems=problems)
    finally:
        logging.getLogger().removeHandler(problems)
    assert turn(transcript, "/whoami") == [f"  (机器人记下了一个错误, 详情在 {tmp_path / 'demo.log'})"]
    assert "一线工作清单" in turn(transcript, "/contacts")[0]  # the demo went on
    assert "fire" not in transcript and "Traceback" not in transcript


async def test_the_banner_says_the_demo_time_and_the_quiet_hours(tmp_path):
    banner = (await play(tmp_path, "/quit")).splitlines()
    assert "演示时钟现在是 11月18日 周三 09:00 (北京时间), 不是您电脑上的时间; 用 /clock +4h 让时间快进。" in banner
    assert "夜间免打扰 21:30–07:30: 这段时间不紧急的提醒不发, 等到早上再发; 紧急情况照发。" in banner


async def test_clock_moves_by_minutes_hours_and_days_and_says_when_it_is_night(tmp_path):
    transcript = await play(tmp_path, "/clock +90m", "/clock +4小时", "/clock +1d", "/clock +9h", "/clock")
    assert turn(transcript, "/clock +90m") == ["  (现在是 11月18日 周三 10:30)"]
    assert turn(transcript, "/clock +4小时") == ["  (现在是 11月18日 周三 14:30)"]
    assert turn(transcript, "/clock +1d") == ["  (现在是 11月19日 周四 14:30)"]
    assert turn(transcript, "/clock +9h") == ["  (现在是 11月19日 周四 23:30, 夜间免打扰 21:30–07:30: 不紧急的提醒等到早上再发)"]
    assert turn(transcript, "/clock")[-1].startswith("  (现在是 11月19日 周四 23:30")


async def test_a_sent_file_is_saved_and_the_demo_says_where(tmp_path):
    transcript = await play(tmp_path, "/as 赵淑芬", "/in 私聊", "/export")
    lines = turn(transcript, "/export")
    assert lines[0] == "  🤖 → 赵淑芬(私聊): 正在生成台账, 稍后发给您。"
    line = next(x for x in lines if "已存到" in x)
    saved = Path(re.search(r"已存到 (.+\.xlsx)\]", line).group(1))
    assert saved.parent == tmp_path / "files" and saved.read_bytes()[:2] == b"PK"  # an XLSX is a zip


async def test_people_shows_each_persons_building_and_unit(tmp_path):
    people = turn(await play(tmp_path, "/people"), "/people")
    assert "  李红: 单元长 1栋1单元 · 第一网格" in people
    assert "  王敏: 楼栋长 1栋、单元长 1栋2单元 · 第一网格" in people
    assert "  祝兰红: 网格员 第一网格 (1栋、2栋)" in people
    assert "  宋玉兰: 居民 1栋2单元301 · 第一网格" in people


def test_the_interactive_demo_reads_what_is_typed_and_logs_to_a_file(tmp_path):
    result = run("demo", "--files", str(tmp_path), stdin="/as 小李\n楼道灯坏了\n/ticket 99999999999999999999999\n/quit\n")
    assert result.returncode == 0 and result.stderr == ""
    assert "已记录 #1 电力照明" in result.stdout and "Traceback" not in result.stdout
    assert "演示时钟现在是 11月18日 周三 09:00" in result.stdout  # a person's demo starts there too


def test_ctrl_c_ends_the_interactive_demo(tmp_path):
    """Ctrl-C at the prompt ends the demo, rather than leaving it waiting for one more line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    # As from a terminal: a suite started in the background (`... &`) hands its children an ignored SIGINT.
    demo = subprocess.Popen([sys.executable, "-m", "bot", "demo", "--files", str(tmp_path)], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for line in demo.stdout:  # the banner, up to where the demo waits for the first line
            if line.startswith("现在您是 李红".encode()):
                break
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 130
        assert b"Traceback" not in demo.stderr.read()
    finally:
        if demo.poll() is None:
            demo.kill()


def test_clock_moves_are_read_as_people_type_them():
    from datetime import timedelta

    from sandbox.demo import Hint, parse_clock_move

    assert parse_clock_move("+4H") == parse_clock_move("4h") == parse_clock_move("+4小时") == timedelta(hours=4)
    assert parse_clock_move("+1d3h") == timedelta(days=1, hours=3)
    assert parse_clock_move("+ 90 m") == parse_clock_move("+90分钟") == timedelta(minutes=90)
    for wrong, hint in [("-1h", "不能倒回去"), ("+1.5h", "请这样写"), ("+h", "请这样写"), ("+61d", "最多快进 60 天"),
                        ("+99999999999d", "最多快进 60 天")]:
        with pytest.raises(Hint, match=hint):
            parse_clock_move(wrong)
