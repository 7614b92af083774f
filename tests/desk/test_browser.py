"""The desk in a real browser (headless Chromium): log in from /desk, filter, transfer, download.

One browser serves every test here; each test clears its cookies. The bot's web server runs on the
test's event loop, so every browser call is made from a thread (a blocking call would stall it).
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import openpyxl
import pytest

from tests.desk import browser
from tests.desk.client import login_link

pytestmark = pytest.mark.skipif(browser.missing() is not None,
                                reason=f"browser tests skipped: {browser.missing()}")

LEAK = "3单元201家的厨房管道老化漏水了"
LAMP = "2单元楼道灯坏了好几天了, 晚上看不见"


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    driver = browser.start(downloads)
    driver.downloads = downloads
    yield driver
    driver.quit()


@pytest.fixture
def web(chromium):
    chromium.delete_all_cookies()
    for old in chromium.downloads.iterdir():
        old.unlink()
    return chromium


async def run(fn, *args):
    return await asyncio.to_thread(fn, *args)


async def log_in(pg, driver, name: str) -> None:
    from selenium.webdriver.common.by import By

    link = await login_link(pg, name)
    await run(driver.get, link)
    await run(lambda: driver.find_element(By.ID, "enter").click())
    await run(browser.wait_for_url, driver, "/desk/tickets")


async def test_an_admin_logs_in_filters_transfers_and_downloads(pg, web):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    await pg.say("李红", LEAK, where=pg.group())
    await pg.say("王敏", LAMP, where=pg.group())
    await log_in(pg, web, "赵淑芬")
    total = await run(lambda: web.find_element(By.ID, "total").text)
    assert "共 2 件" in total

    # Filter: only 电力照明.
    def choose_electric() -> None:
        Select(web.find_element(By.NAME, "category")).select_by_visible_text("电力照明")
        web.find_element(By.ID, "apply").click()
    await run(choose_electric)
    await run(browser.wait_for_url, web, "category=electric")
    body = await run(lambda: web.find_element(By.TAG_NAME, "body").text)
    assert "共 1 件" in body and "楼道灯" in body and "漏水" not in body

    # Open it and hand it to the property company.
    await run(lambda: web.find_element(By.PARTIAL_LINK_TEXT, "#2").click())
    await run(browser.wait_for_url, web, "/desk/tickets/2")
    before = len(pg.inbox("钱永明"))

    def transfer() -> None:
        Select(web.find_element(By.CSS_SELECTOR, "#transfer select")).select_by_visible_text("物业 钱永明")
        web.find_element(By.CSS_SELECTOR, "#transfer button").click()
    await run(transfer)
    await run(browser.wait_for_url, web, "note=")
    note = await run(lambda: web.find_element(By.ID, "note").text)
    assert "已转给钱永明" in note
    await pg.settle()
    card = pg.inbox("钱永明")[before:]
    assert card and "由赵淑芬转来" in card[0].text and "楼道灯" in card[0].text
    history = await run(lambda: web.find_element(By.TAG_NAME, "body").text)
    assert "网页" in history and "转派给: 钱永明" in history

    # Back to the filtered list, and download it.
    await run(web.get, pg.web_url + "/desk/tickets?category=electric")
    await run(lambda: web.find_element(By.ID, "download").click())
    book = await asyncio.to_thread(wait_for_download, web.downloads)
    rows = list(openpyxl.load_workbook(book)["诉求"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4]) for r in rows] == [(2, "电力照明")]


async def test_a_grid_worker_is_kept_to_their_grid_in_the_browser(pg, web):
    from selenium.webdriver.common.by import By

    await pg.say("冯国庆", "2单元302卫生间漏水了", where=pg.group("第二网格"))
    await log_in(pg, web, "祝兰红")
    assert "共 0 件" in await run(lambda: web.find_element(By.ID, "total").text)
    await run(web.get, pg.web_url + "/desk/tickets/1")
    body = await run(lambda: web.find_element(By.TAG_NAME, "body").text)
    assert "找不到" in body and "卫生间" not in body


def wait_for_download(folder: Path, patience: float = 10.0) -> Path:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == ".xlsx"]
        if done:
            return done[0]
        time.sleep(0.05)
    raise AssertionError(f"no download in {folder}: {list(folder.iterdir())}")
