"""Screenshots of the desk's main pages for docs/, taken with headless Chromium at 1366×768 (and a phone).

A playground gets a few days of the example community's life (reports in the groups, a task, the
example elders), then an administrator logs in through /desk and each page is photographed.

Run: .venv/bin/python -m tests.desk.screenshots [docs]
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from bot.elders.registry import apply_elders, resolve
from bot.elders.sheet import read_elders
from sandbox.playground import DEPLOY, Playground
from sandbox import tiny_png
from tests.desk import browser
from tests.desk.client import login_link

REPORTS = [
    ("李红", "第一网格", "3单元201家的厨房管道老化漏水了"),
    ("王敏", "第一网格", "2单元楼道灯坏了好几天了, 晚上看不见"),
    ("刘凤霞", "第一网格", "1单元楼道里有很浓的煤气味"),
    ("冯国庆", "第二网格", "2单元302卫生间漏水了, 楼下也渗了"),
    ("张桂荣", "第二网格", "5栋门口的垃圾两天没人清了, 味道很大"),
    ("周秀英", "第一网格", "3单元302的老人最近血压一直很高, 想请健康员上门看看"),
    ("马晓东", "第二网格", "1单元电梯又坏了, 老人上不去楼"),
]


async def populate(pg: Playground) -> None:
    for i, (name, grid, text) in enumerate(REPORTS):
        await pg.say(name, text, where=pg.group(grid))
        if i == 0:  # the leak, with a photo just after it
            pg.fake.send_photo(pg.user(name), pg.group(grid), data=tiny_png(320, 240, (70, 110, 160)))
            await pg.settle()
        pg.clock.advance(hours=5 if i % 2 else 20)
    card = pg.inbox("祝兰红")[0]
    await pg.press("祝兰红", card, "接单")
    await pg.say("祝兰红", "请各单元长今天下午4点前把本单元的问卷收齐", where=pg.group())
    await pg.say("李红", "1单元问卷收齐了", where=pg.group())
    sheet, errors = read_elders(DEPLOY / "elders.example.csv")
    assert not errors, errors
    services = pg.services
    async with services.store.tx() as tx:
        records, problems = await resolve(tx, sheet)
        assert not problems, problems
        await apply_elders(tx, records, services.elders.rules, services.config.zone)


def shoot(driver, url: str, path: Path) -> None:
    driver.get(url)
    height = driver.execute_script("return document.body.scrollHeight")  # CDP-side; pages have no JS
    driver.set_window_size(driver.get_window_size()["width"], min(max(768, height + 20), 1400))
    driver.save_screenshot(str(path))


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        async with Playground(Path(tmp) / "shots.sqlite3") as pg:
            await populate(pg)
            link = await login_link(pg, "赵淑芬")
            driver = await asyncio.to_thread(browser.start, Path(tmp))
            try:
                def run() -> None:
                    from selenium.webdriver.common.by import By

                    driver.get(link)
                    driver.find_element(By.ID, "enter").click()
                    browser.wait_for_url(driver, "/desk/tickets")
                    base = pg.web_url
                    for name, path in [("desk-tickets", "/desk/tickets"), ("desk-ticket", "/desk/tickets/1"),
                                       ("desk-tasks", "/desk/tasks"), ("desk-elders", "/desk/elders"),
                                       ("desk-stats", "/desk/stats")]:
                        driver.set_window_size(1366, 768)
                        shoot(driver, base + path, out / f"{name}.png")
                    driver.set_window_size(390, 844)
                    shoot(driver, base + "/desk/tickets?status=active", out / "desk-phone.png")
                await asyncio.to_thread(run)
            finally:
                await asyncio.to_thread(driver.quit)
    print("\n".join(str(p) for p in sorted(out.glob("desk-*.png"))))


if __name__ == "__main__":
    reason = browser.missing()
    if reason:
        sys.exit(reason)
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
