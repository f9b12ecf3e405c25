"""The 12333 hotline console in a real browser (headless Chromium, no JavaScript) against
`counterdesk hq serve` on loopback: sign-in, finding the caller, a wrong then a right query
password, the record, a card reported lost, the note; with screenshots at phone (390 px) and
desktop (1280 px) widths in the test's folder (copied to $COUNTERDESK_SCREENSHOTS when set)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hq import store
from models.clock import utc_now
from models.idnumber import mask_id_number
from testkit.services import Service
from tests.browser_fixtures import (
    PHONE,
    hq_serving_a_copy,
    screenshot,
    screenshots_at_both_widths,
    set_viewport,
)
from tests.hotline_helpers import (
    AGENT,
    AGENT_PASSWORD,
    CALLER_PASSWORD,
    Caller,
    a_caller,
    add_agent,
)

pytestmark = pytest.mark.slow
DESKTOP = (1280, 800)


@pytest.fixture
def served(tmp_path: Path, hq_sqlite_demo_template: Path) -> Iterator[tuple[Service, Caller, str]]:
    """`counterdesk hq serve` over a copy of the demo city with an agent and a caller."""

    def prepare() -> Caller:
        add_agent()
        return a_caller(utc_now())

    with hq_serving_a_copy(hq_sqlite_demo_template, tmp_path, prepare) as served:
        yield served


def _both(driver: Any, folder: Path, name: str) -> None:
    """Screenshots of the page at both widths, each as tall as the page."""
    screenshots_at_both_widths(driver, folder, f"hotline-{name}", desktop=DESKTOP)


def _fill(driver: Any, form: str, fields: dict[str, str]) -> None:
    """Type into the fields of the form posting to `form` and press Enter in the last one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.CSS_SELECTOR, f'form[action="/hotline{form}"]')
    last = None
    for name, value in fields.items():
        last = box.find_element(By.NAME, name)
        last.clear()
        last.send_keys(value)
    assert last is not None
    last.send_keys(Keys.ENTER)


def _wait_for(driver: Any, text: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(lambda d: text in d.page_source)


def test_an_agent_answers_a_call_end_to_end_in_chromium(
    chromium: Any, served: tuple[Service, Caller, str], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    service, caller, url = served
    driver = chromium
    base = f"http://127.0.0.1:{service.port}/hotline/"
    set_viewport(driver, DESKTOP)
    driver.get(base)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert driver.find_element(By.CSS_SELECTOR, "label[for=username]").text == "用户名"
    _both(driver, tmp_path, "signin")

    _fill(driver, "/signin", {"username": AGENT, "password": AGENT_PASSWORD})
    _wait_for(driver, "查找来电人")
    _both(driver, tmp_path, "find")
    Select(driver.find_element(By.ID, "find-purpose")).select_by_value("card")
    _fill(driver, "/find", {"number": caller.ssn})
    _wait_for(driver, "尚未核验身份")
    assert driver.current_url == base + "call" and caller.ssn not in driver.current_url
    page = driver.page_source
    assert mask_id_number(caller.ssn) in page and caller.ssn not in page
    assert caller.card_no not in page and "逐月缴费明细" not in page
    _both(driver, tmp_path, "caller-unverified")

    _fill(driver, "/verify/password", {"password": "000000"})
    _wait_for(driver, "还可尝试 4 次")
    _both(driver, tmp_path, "wrong-password")
    _fill(driver, "/verify/password", {"password": CALLER_PASSWORD})
    _wait_for(driver, "已通过查询密码核验")
    assert driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=s-months]")
    assert mask_id_number(caller.ssn) in driver.page_source
    _both(driver, tmp_path, "record")

    box = driver.find_element(By.CSS_SELECTOR, 'form[action="/hotline/card/lost"]')
    box.find_element(By.NAME, "confirm").click()
    box.find_element(By.TAG_NAME, "button").click()
    _wait_for(driver, "已挂失")
    _both(driver, tmp_path, "card-lost")

    note = driver.find_element(By.CSS_SELECTOR, 'form[action="/hotline/note"]')
    note.find_element(By.NAME, "outcome").send_keys("卡已挂失，告知到柜台补卡。")
    note.find_element(By.TAG_NAME, "button").click()  # Enter in a textarea is a new line
    _wait_for(driver, "通话已记录")
    _both(driver, tmp_path, "noted")

    driver.get(base + "?lang=es")
    assert "Buscar a quien llama" in driver.page_source
    set_viewport(driver, PHONE)
    screenshot(driver, tmp_path, "hotline-find-phone-es")
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    _wait_for(driver, "Acceso de agente")

    store.connect(url)
    try:
        actions = [
            r[0] for r in store.execute("SELECT action FROM hotline_event ORDER BY id").fetchall()
        ]
        status = store.execute(
            "SELECT status FROM card WHERE card_no = ?", (caller.card_no,)
        ).fetchone()[0]
    finally:
        store.close()
    assert actions[:4] == ["sign_in", "lookup", "password_failed", "password_ok"]
    assert {"record_read", "card_lost", "note"} <= set(actions) and actions[-1] == "sign_out"
    assert status == "lost"
    log = service.tail(20_000)
    assert "/hotline/" in log
    for secret in (caller.ssn, CALLER_PASSWORD, AGENT_PASSWORD):
        assert secret not in log
