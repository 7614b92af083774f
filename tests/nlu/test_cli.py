"""The parse command: JSON lines on stdout, --explain, a bad --now, and an operator's keywords file."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.nlu.cli import main

NOW = "2026-11-18T09:00:00+08:00"
FIELDS = ["intent", "category", "urgent", "building", "unit", "room", "deadline", "topic", "keywords", "confidence",
          "unsure"]


def run(argv: list[str], text: str) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = main(argv, io.StringIO(text), out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_json_object_per_line() -> None:
    code, rows = run(["--now", NOW], "5栋2单元302卫生间漏水了\n大家早上好\n\n请各单元长周三之前把问卷收齐\n")
    assert code == 0
    assert len(rows) == 4
    assert all(list(row) == FIELDS for row in rows)
    report, hello, empty, task = rows
    assert report["intent"] == "report" and report["category"] == "water"
    assert (report["building"], report["unit"], report["room"]) == ("5", "2", "302")
    assert hello["intent"] == "chitchat" and hello["category"] is None
    assert empty["intent"] == "chitchat"
    assert task["deadline"] == "2026-11-18T23:59:00+08:00" and task["topic"] == "问卷"


def test_output_keeps_chinese_readable() -> None:
    out = io.StringIO()
    main(["--now", NOW], io.StringIO("楼道灯坏了\n"), out)
    assert "楼道灯" in out.getvalue()


def test_explain_adds_reasons() -> None:
    code, rows = run(["--now", NOW, "--explain"], "楼道里有很重的煤气味!!快来人\n")
    assert code == 0
    assert rows[0]["urgent"] is True
    assert any("紧急" in reason for reason in rows[0]["explain"])


def test_now_without_offset_is_beijing_time() -> None:
    _, rows = run(["--now", "2026-11-18T09:00:00"], "请各单元长明天上午10点前把签名表交上来\n")
    assert rows[0]["deadline"] == "2026-11-19T10:00:00+08:00"


def test_bad_now_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["--now", "下周三"], io.StringIO("收到\n"), out) == 2
    assert out.getvalue() == ""
    assert "--now" in capsys.readouterr().err


def test_operator_keywords_add_a_category_word(tmp_path: Path) -> None:
    message = "小区东门的地锁坏了\n"
    _, before = run(["--now", NOW], message)
    assert before[0]["category"] != "parking"
    extra = tmp_path / "keywords.toml"
    extra.write_text('[categories.parking]\nstrong = ["地锁"]\n', encoding="utf-8")
    _, after = run(["--now", NOW, "--keywords", str(extra)], message)
    assert after[0]["intent"] == "report" and after[0]["category"] == "parking"
    assert "地锁" in after[0]["keywords"]


def test_operator_file_with_unknown_category_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = tmp_path / "keywords.toml"
    extra.write_text('[categories.pets]\nstrong = ["猫"]\n', encoding="utf-8")
    assert main(["--keywords", str(extra)], io.StringIO("猫丢了\n"), io.StringIO()) == 2
    assert "pets" in capsys.readouterr().err


def test_example_file_in_deploy_loads() -> None:
    example = Path(__file__).resolve().parents[2] / "deploy" / "keywords.example.toml"
    _, rows = run(["--now", NOW, "--keywords", str(example)], "化粪池满了往外冒\n")
    assert rows[0]["category"] == "sanitation"
