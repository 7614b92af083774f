"""`python -m bot elders …` as the community's administrator uses it."""
from __future__ import annotations

import csv
import re

from PIL import Image

from bot.elders.qr import card_geometry, qr_matrix
from tests.test_cli import ROOT, run


def env(tmp_path) -> dict:
    return {"BOT_DB": str(tmp_path / "db.sqlite3")}


def test_import_export_and_a_file_with_errors(tmp_path):
    e = env(tmp_path)
    assert run("roster", "import", "deploy/roster.example.csv", env=e).returncode == 0
    first = run("elders", "import", "deploy/elders.example.xlsx", env=e)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "已导入老人名册: 新增 10 位, 更新 0 位, 移出 0 位。"
    assert run("elders", "import", "deploy/elders.example.csv", env=e).stdout.strip() == "老人名册没有变化。"
    out = tmp_path / "导出.xlsx"
    exported = run("elders", "export", str(out), env=e)
    assert exported.returncode == 0 and "已导出 10 位老人" in exported.stdout and out.exists()
    assert run("elders", "import", str(out), env=e).stdout.strip() == "老人名册没有变化。"

    bad = tmp_path / "错的.csv"
    bad.write_text("姓名,楼栋,风险等级,包保人\n王秀兰,1栋,重点,李红\n刘桂芝,8栋,一般,王敏\n", encoding="utf-8")
    result = run("elders", "import", str(bad), env=e)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "第3行「楼栋」列: 名册里没有8栋: 请先在名册里加上这栋楼和它所属的网格",
        "老人名册有 1 处问题, 没有导入任何内容。请改好后再导入。",
    ]
    missing = run("elders", "import", str(tmp_path / "没有.xlsx"), env=e)
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
    wrong = tmp_path / "老人.txt"
    wrong.write_text("x", encoding="utf-8")
    assert "请用 .xlsx 或 .csv" in run("elders", "import", str(wrong), env=e).stderr


def test_links_codes_and_revoking_a_code(tmp_path):
    e = env(tmp_path)
    run("roster", "import", "deploy/roster.example.csv", env=e)
    run("elders", "import", "deploy/elders.example.csv", env=e)
    links = run("elders", "links", "--bot", "sanzhang_bot", env=e).stdout.strip().splitlines()
    assert len(links) == 10 and links[0].startswith("王秀兰\thttps://t.me/sanzhang_bot?start=lost-")
    tokens = [line.rsplit("lost-", 1)[1] for line in links]
    assert len(set(tokens)) == 10 and all(re.fullmatch(r"[A-Za-z0-9_-]{22}", t) for t in tokens)
    assert run("elders", "links", "--bot", "sanzhang_bot", env=e).stdout.strip().splitlines() == links
    family = run("elders", "links", "--bot", "sanzhang_bot", "--family", env=e).stdout
    assert family.count("?start=kin-") == 10

    out = tmp_path / "二维码"
    made = run("elders", "qr", "--bot", "sanzhang_bot", "--out", str(out), env=e)
    assert made.returncode == 0, made.stderr
    assert "已生成 10 张防走失二维码" in made.stdout
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 10 and (out / "打印总表.pdf").read_bytes()[:5] == b"%PDF-"
    with (out / "名单.csv").open(encoding="utf-8-sig") as f:
        listing = list(csv.DictReader(f))
    first = listing[0]
    assert first["姓名"] == "王秀兰" and first["链接"] == links[0].split("\t")[1]
    # The card is the code of that link: read each module back from the picture.
    with Image.open(out / first["文件"]) as card:
        assert read_modules(card.convert("L"), first["链接"]) == qr_matrix(first["链接"])

    revoked = run("elders", "revoke", "王秀兰", env=e)
    assert revoked.returncode == 0 and "已停用王秀兰的防走失码 1 个" in revoked.stdout
    again = run("elders", "links", "--bot", "sanzhang_bot", env=e).stdout.strip().splitlines()
    assert again[0] != links[0] and again[1:] == links[1:]
    assert run("elders", "revoke", "没有这人", env=e).returncode == 1


def read_modules(image, link: str) -> list[list[bool]]:
    g = card_geometry(link)
    half = g.module // 2
    return [[image.getpixel((g.left + x * g.module + half, g.top + y * g.module + half)) < 128
             for x in range(g.modules)] for y in range(g.modules)]


def test_the_readme_documents_the_elders_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("elders import", "elders export", "elders qr", "elders links", "/visit", "/elders"):
        assert command in readme, command
