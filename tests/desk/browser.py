"""Headless Chromium for the desk's browser tests and screenshots (Debian's chromium + chromedriver)."""
from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
DRIVER = ("chromedriver",)


def find(names: tuple[str, ...]) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


def missing() -> str | None:
    """Why no browser can be started here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if find(CHROMIUM) is None:
        return "no Chromium here: apt-get install -y chromium chromium-driver (.ci/run does it)"
    if find(DRIVER) is None:
        return "no chromedriver here: apt-get install -y chromium-driver (.ci/run does it)"
    return None


def start(downloads: Path, width: int = 1366, height: int = 768):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = find(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={width},{height}", "--lang=zh-CN", "--hide-scrollbars"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "intl.accept_languages": "zh-CN"})
    driver = webdriver.Chrome(options=options, service=Service(find(DRIVER)))
    driver.implicitly_wait(10)  # an element of the next page may take a moment to appear
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def wait_for_url(driver, part: str, patience: float = 10.0) -> None:
    """A click that submits a form returns before the next page is there: wait for its address."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, patience).until(lambda d: part in d.current_url)
