"""A headless Chromium (Debian's `chromium` with `chromium-driver`) driven by Selenium.

Missing binaries skip the browser tests on a developer's machine and fail them under CI
(`CI` set), as PostgreSQL's do. JavaScript is switched off: the pages must work without it.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from hq import store
from testkit.services import Service, start_service
from tests.cli_helpers import COUNTERDESK, cli_env
from tests.hq_fixtures import sqlite_url

T = TypeVar("T")

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PHONE = (390, 844)
DESKTOP = (1366, 768)


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[object]:
    """A headless Chromium without JavaScript, quit at the test's end."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        message = (
            "Chromium is not installed (no /usr/bin/chromium or /usr/bin/chromedriver): "
            "apt-get install chromium chromium-driver"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


def set_viewport(driver: object, size: tuple[int, int], full_height: bool = False) -> None:
    """Emulate a screen of `size` CSS pixels (a phone is `mobile`); with `full_height`, as tall
    as the page so that a screenshot shows all of it."""
    width, height = size
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # type: ignore[attr-defined]
    if full_height:
        layout = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})  # type: ignore[attr-defined]
        metrics["height"] = max(height, int(layout["cssContentSize"]["height"]))
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # type: ignore[attr-defined]


def screenshot(driver: Any, folder: Path, name: str) -> Path:
    """Save the browser's view as `folder/name.png` (also copied to $COUNTERDESK_SCREENSHOTS
    when set, to be looked at) and check that it is not empty."""
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    keep = os.environ.get("COUNTERDESK_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(keep) / path.name)
    assert path.stat().st_size > 5000, f"{name}: an empty screenshot"
    return path


def screenshots_at_both_widths(
    driver: Any,
    folder: Path,
    name: str,
    desktop: tuple[int, int] = DESKTOP,
    then: tuple[int, int] | None = None,
) -> None:
    """Whole-page screenshots at phone and at desktop width (`name-phone`, `name-desktop`);
    the viewport is left at `then` (the desktop size when not given)."""
    for size, label in ((PHONE, "phone"), (desktop, "desktop")):
        set_viewport(driver, size, full_height=True)
        screenshot(driver, folder, f"{name}-{label}")
    set_viewport(driver, then or desktop)


@contextmanager
def hq_serving_a_copy(
    template: Path, folder: Path, prepare: Callable[[], T]
) -> Iterator[tuple[Service, T, str]]:
    """`counterdesk hq serve` on loopback over a copy of the demo city's SQLite file in
    `folder`; `prepare` runs first on the copy (connected in this process) and its value is
    yielded with the service and the database's URL."""
    target = folder / "hq.db"
    shutil.copyfile(template, target)
    url = sqlite_url(target)
    store.connect(url)
    try:
        prepared = prepare()
    finally:
        store.close()
    service = start_service(
        ["hq", "serve", "--db", url],
        program=[str(COUNTERDESK)],
        env=cli_env(),
        timeout_s=15,
        stop_signal=signal.SIGINT,
        stop_timeout_s=20,
    )
    try:
        yield service, prepared, url
    finally:
        service.stop()


def page_replaced(old: Any) -> Callable[[Any], bool]:
    """A wait condition: the page that held the element `old` has been replaced by another.
    While Chromium swaps the documents, asking for the old node may also fail with an inspector
    error ("does not belong to the document") instead of a stale reference: both mean gone."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def replaced(_driver: Any) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return replaced
