"""A real browser for the web pages' tests: the system's headless Chromium, driven through its
own ChromeDriver (installed by `bash .ci/chromium`; nothing is downloaded at test time).

The bot runs on the test's event loop, so every browser call runs in a thread (`await`ed) and
the loop keeps serving the pages the browser asks for.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
NAVIGATION_TIMEOUT = 20.0  # seconds: a slow CI machine under load
PHONE_SIZE = "390,844"  # a small phone's viewport, in CSS pixels
# No sandbox (CI runs as root), and none of Chromium's own traffic: the network is closed.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--window-size={PHONE_SIZE}",
)
# The smallest computed font size of any element that shows text of its own, or takes typing
# (a radio button or checkbox shows no text: its label does).
SMALLEST_TEXT_PX = """
let smallest = Infinity;
for (const el of document.body.querySelectorAll('*')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const shown = el.getClientRects().length > 0;
  const typed = el.matches('textarea, button, input:not([type=radio]):not([type=checkbox])');
  if ((own || typed) && shown) {
    smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
  }
}
return smallest;
"""
# Which document is shown, once it has loaded (null while loading): each navigation has its own.
NEW_DOCUMENT = "return document.readyState === 'complete' ? performance.timeOrigin : null;"
PAGE_BYTES = """
return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
  .reduce((sum, entry) => sum + entry.transferSize, 0);
"""


def chromium_available() -> bool:
    """Say whether the system's Chromium and ChromeDriver are installed."""
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


@dataclass
class Browser:
    """One headless Chromium window, the size of a phone; every call is awaited in a thread."""

    driver: webdriver.Chrome

    async def open(self, url: str) -> None:
        """Load a page and wait for it."""
        await asyncio.to_thread(self.driver.get, url)

    async def tap(self, label: str) -> None:
        """Tap the button (or link) showing this label, and wait for the next page."""
        await asyncio.to_thread(self._tap, label)

    async def type_into(self, label: str, text: str) -> None:
        """Type into the field whose <label> reads `label`."""
        await asyncio.to_thread(self._type_into, label, text)

    async def pick(self, label: str) -> None:
        """Tick the radio button or checkbox whose label reads `label`."""
        await asyncio.to_thread(self._pick, label)

    async def text(self) -> str:
        """Return the page's visible text."""
        return await asyncio.to_thread(lambda: self.driver.find_element(By.TAG_NAME, "body").text)

    async def smallest_text_px(self) -> float:
        """Return the smallest font size (CSS px) of any text shown on the page."""
        return float(await asyncio.to_thread(self.driver.execute_script, SMALLEST_TEXT_PX))

    async def page_bytes(self) -> int:
        """Return the bytes the page and everything it loaded took on the wire."""
        return int(await asyncio.to_thread(self.driver.execute_script, PAGE_BYTES))

    @property
    def url(self) -> str:
        return str(self.driver.current_url)

    def _tap(self, label: str) -> None:
        for element in self.driver.find_elements(By.CSS_SELECTOR, "button, a, input[type=submit]"):
            if _shows(element, label):
                before = self.driver.execute_script(NEW_DOCUMENT)
                element.click()
                self._wait_for_new_document(before)
                return
        raise AssertionError(f"no button or link reads {label!r} on {self.driver.current_url}")

    def _wait_for_new_document(self, before: object) -> None:
        """Wait until the page that was shown is replaced by another, fully loaded."""
        wait = WebDriverWait(
            self.driver, NAVIGATION_TIMEOUT, ignored_exceptions=(WebDriverException,)
        )
        wait.until(lambda driver: driver.execute_script(NEW_DOCUMENT) not in (before, None))

    def _pick(self, label: str) -> None:
        for element in self.driver.find_elements(By.CSS_SELECTOR, "label"):
            if element.text.strip() == label:
                element.click()
                return
        raise AssertionError(f"nothing to pick reads {label!r} on {self.driver.current_url}")

    def _type_into(self, label: str, text: str) -> None:
        for element in self.driver.find_elements(By.TAG_NAME, "label"):
            if element.text.strip() == label:
                target = element.get_attribute("for")
                field = self.driver.find_element(By.ID, str(target))
                field.clear()
                field.send_keys(text)
                return
        raise AssertionError(f"no field is labelled {label!r} on {self.driver.current_url}")


def _shows(element: WebElement, label: str) -> bool:
    """Say whether a button or link shows exactly this label (its text or its value)."""
    shown = element.text.strip() or (element.get_attribute("value") or "").strip()
    return shown == label


@pytest.fixture(scope="session")
def chromium() -> Iterator[webdriver.Chrome]:
    """One Chromium for the session's browser tests (each test starts on a blank page)."""
    if not chromium_available():
        if os.environ.get("FOLLOWUP_CI"):
            pytest.fail("Chromium is missing: CI installs it with `bash .ci/chromium`")
        pytest.skip("Chromium is missing: install it with `bash .ci/chromium`")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="followup-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(chromium: webdriver.Chrome) -> Browser:
    """A phone-sized browser with no cookies from an earlier test."""
    chromium.delete_all_cookies()
    chromium.get("about:blank")
    return Browser(chromium)
