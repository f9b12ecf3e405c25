"""A headless Chromium (Debian's `chromium` with `chromium-driver`) driven by Selenium.

Missing binaries skip the browser tests on a developer's machine and fail them under CI
(`CI` set), as PostgreSQL's do. JavaScript is switched off: the pages must work without it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

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
