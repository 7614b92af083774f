"""The command line as an administrator meets it: demo, run without a token, roster files."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict | None = None, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=full_env, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("script", ["basic", "tasks"])
def test_demo_script_replays_the_expected_conversation(script):
    result = run("demo", "--script", f"tests/demo/{script}.txt")
    assert result.returncode == 0, result.stderr
    expected = (ROOT / f"tests/demo/{script}.expected.txt").read_text(encoding="utf-8")
    assert result.stdout == expected


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
