"""The online self-query in a real browser (headless Chromium, no JavaScript) against
`counterdesk hq serve` on loopback: first sign-in, the forced new password, the record; with
screenshots at phone and desktop widths (kept in $COUNTERDESK_SCREENSHOTS when set)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models.idnumber import mask_id_number
from testkit.services import Service
from tests.browser_fixtures import DESKTOP, PHONE, hq_serving_a_copy, screenshot, set_viewport
from tests.selfquery_helpers import NEW_PASSWORD, Holder, a_holder_with_arrears

pytestmark = pytest.mark.slow


@pytest.fixture
def served(tmp_path: Path, hq_sqlite_demo_template: Path) -> Iterator[tuple[Service, Holder]]:
    """`counterdesk hq serve` over a copy of the demo city, and a holder to sign in as."""
    with hq_serving_a_copy(hq_sqlite_demo_template, tmp_path, a_holder_with_arrears) as served:
        service, holder, _url = served
        yield service, holder


_shot = screenshot


def _submit(driver: Any, fields: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    last = None
    for name, value in fields.items():
        last = driver.find_element(By.NAME, name)
        last.clear()
        last.send_keys(value)
    assert last is not None
    last.send_keys(Keys.ENTER)  # the keyboard submits the form


def _arrive(driver: Any, url: str) -> None:
    """Wait until the browser shows `url` (a form's answer has arrived)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(expected_conditions.url_to_be(url))


def test_first_sign_in_new_password_and_the_record_in_chromium(
    chromium: Any, served: tuple[Service, Holder], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    service, holder = served
    driver = chromium
    base = f"http://127.0.0.1:{service.port}/selfquery/"
    for size, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        set_viewport(driver, size)
        driver.get(base)
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
        assert driver.find_element(By.CSS_SELECTOR, "label[for=idno]").text == "身份证号码"
        _shot(driver, tmp_path, f"selfquery-signin-{label}")

    set_viewport(driver, PHONE)
    _submit(driver, {"idno": holder.ssn, "password": holder.birth})
    _arrive(driver, base + "password")
    assert holder.ssn not in driver.current_url
    _shot(driver, tmp_path, "selfquery-password-phone")
    _submit(driver, {"new": NEW_PASSWORD, "again": NEW_PASSWORD})
    _arrive(driver, base + "record")

    page = driver.page_source
    assert mask_id_number(holder.ssn) in page and holder.ssn not in page
    assert driver.find_elements(By.CSS_SELECTOR, "tr.arrears")
    cookie = next(c for c in driver.get_cookies() if c["name"] == "cd_selfquery")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    for size, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        set_viewport(driver, size)
        _shot(driver, tmp_path, f"selfquery-record-{label}")
        set_viewport(driver, size, full_height=True)
        _shot(driver, tmp_path, f"selfquery-record-{label}-full")

    set_viewport(driver, DESKTOP)
    driver.get(base + "?lang=en")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Your record" in driver.page_source
    _shot(driver, tmp_path, "selfquery-record-desktop-en")
    driver.get(base + "record?lang=es")
    assert "Su registro" in driver.page_source
    set_viewport(driver, PHONE)
    _shot(driver, tmp_path, "selfquery-record-phone-es")
    set_viewport(driver, DESKTOP)
    driver.find_element(By.CSS_SELECTOR, "header form button").send_keys(Keys.ENTER)
    _arrive(driver, base)
    driver.get(base + "record")
    assert driver.current_url.endswith("/selfquery/")  # signed out: back to the form

    set_viewport(driver, PHONE)
    driver.get(base + "verify?lang=zh")
    driver.find_element(By.NAME, "code").send_keys("CD1|370102-20261120-00007|rights|x|y|z")
    driver.find_element(By.CSS_SELECTOR, "main button").send_keys(Keys.ENTER)
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    alert = (By.CSS_SELECTOR, "[role=alert]")
    WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located(alert))
    assert "未能确认" in driver.page_source
    _shot(driver, tmp_path, "selfquery-verify-phone")
    log = service.tail(10_000)
    assert "/selfquery/" in log  # the access log is there, without the ID number or passwords
    for secret in (holder.ssn, holder.birth, NEW_PASSWORD):
        assert secret not in log
