"""The online self-query walked end to end in a real browser (headless Chromium, JavaScript
off) against headquarters served on loopback, with a real office register synced from it:
first sign-in and the forced new password, the record, the rights record downloaded (its text
and QR code read back) and verified by upload, a card reported lost and seen by the office
after its next sync, a form posted with a wrong token, lockout and the counter's unlock, and an
expired session. Screenshots of every page at 390 and 1280 px (kept in
$COUNTERDESK_SCREENSHOTS when set)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from hq import store
from hq.api import create_app
from hq.offices import enrol_office
from hq.selfquery_store import SELF_ACTOR
from hq.web.security import IDLE_TIMEOUT
from models.actor import Actor
from models.credentials import MAX_ATTEMPTS, reset_query_password
from models.db import close_register
from models.enums import Role
from models.home import OfficeHome
from models.idnumber import mask_id_number
from models.schema import db
from sync.client import HqClient
from sync.engine import SyncEngine
from sync.enrolment import enrol
from tests.browser_fixtures import PHONE, page_replaced, screenshots_at_both_widths, set_viewport
from tests.pdf_helpers import layout_text, scan_qr
from tests.selfquery_helpers import (
    NEW_PASSWORD,
    Holder,
    MovableClock,
    a_holder_with_arrears,
    a_newcomer,
)
from tests.sync_helpers import ServedHq

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("hq_demo_url", ["sqlite"], indirect=True)]

WIDE = (1280, 800)
CLERK = Actor("clerk01", Role.CLERK)
COUNTER_PASSWORD = "24681357"  # chosen by the holder at the counter when the lock is lifted


@dataclass
class World:
    """Headquarters on a movable clock, served on loopback; the district's office, enrolled
    and synced; a holder of the district."""

    base: str
    clock: MovableClock
    token: str
    url: str
    holder: Holder

    def sync(self) -> None:
        """One sync of the office (push, then pull)."""
        client = HqClient(httpx.Client(base_url=self.url, timeout=30), self.token)
        with client:
            assert SyncEngine(client).run_once().completed


@pytest.fixture
def world(hq_demo_url: str, tmp_path: Path) -> Iterator[World]:
    store.connect(hq_demo_url)
    token = enrol_office("lixia", ["370102"], "历下区社保服务中心")
    holder = a_holder_with_arrears()
    clock = MovableClock()
    served = ServedHq(create_app(hq_demo_url, clock=clock))
    home = OfficeHome(tmp_path / "office")
    home.create("370102", "历下区社保服务中心")
    try:
        with HqClient(httpx.Client(base_url=served.url, timeout=30), token) as client:
            enrol(home, client, served.url, CLERK)
        found = World(f"{served.url}/selfquery/", clock, token, served.url, holder)
        found.sync()
        yield found
    finally:
        close_register()
        served.close()


def _shots(driver: Any, folder: Path, name: str) -> None:
    """The page as it is, at phone and at desktop width, whole."""
    screenshots_at_both_widths(driver, folder, f"walk-{name}", desktop=WIDE, then=PHONE)


def _fill(driver: Any, fields: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By

    for name, value in fields.items():
        element = driver.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)


def _press(driver: Any, css: str) -> None:
    """Submit with the keyboard: Enter on the form's button, then wait for the new page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, css).send_keys(Keys.ENTER)
    WebDriverWait(driver, 30).until(page_replaced(old))


def _forge_token(driver: Any, form_css: str) -> None:
    """Change a form's CSRF field in the page (DevTools' DOM, no JavaScript)."""
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    found = driver.execute_cdp_cmd(
        "DOM.querySelector", {"nodeId": root, "selector": f"{form_css} input[name=csrf]"}
    )
    driver.execute_cdp_cmd(
        "DOM.setAttributeValue", {"nodeId": found["nodeId"], "name": "value", "value": "forged"}
    )


def _downloaded(folder: Path) -> Path:
    """The PDF the browser saved in `folder`, once complete."""
    for _ in range(300):
        done = list(folder.glob("*.pdf"))
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no PDF was downloaded into {folder}")


def _card_at_office(card_no: str) -> str:
    return db.execute_sql("SELECT status FROM card WHERE card_no = ?", (card_no,)).fetchone()[0]


def test_the_self_query_walked_in_chromium_with_an_office_synced_from_headquarters(
    chromium: Any, world: World, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    driver, base, holder = chromium, world.base, world.holder
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    set_viewport(driver, PHONE)

    # First sign-in: the initial password forces a new one before anything is shown.
    driver.get(base)
    _shots(driver, tmp_path, "01-signin")
    _fill(driver, {"idno": holder.ssn, "password": holder.birth})
    _press(driver, "main form button")
    assert driver.current_url == base + "password"
    assert "您仍在使用初始密码" in driver.page_source
    _shots(driver, tmp_path, "02-password")
    _fill(driver, {"new": NEW_PASSWORD, "again": NEW_PASSWORD})
    _press(driver, "main form button")
    assert driver.current_url == base + "record"
    page = driver.page_source
    assert mask_id_number(holder.ssn) in page and holder.ssn not in page
    _shots(driver, tmp_path, "03-record")

    # The rights record of the last complete year, downloaded and read back.
    year = driver.find_element(By.CSS_SELECTOR, "#year option[selected]").text
    assert int(year) == world.clock().astimezone().year - 1
    driver.find_element(By.CSS_SELECTOR, "form[action='/selfquery/statement'] button").click()
    pdf = _downloaded(downloads)
    assert holder.ssn not in driver.current_url and driver.current_url == base + "record"
    text = layout_text(pdf.read_bytes(), tmp_path)
    code = scan_qr(pdf, tmp_path)
    number = code.split("|")[1]
    assert pdf.name == f"{number}.pdf" and "-HQ-" in number
    assert number in text and year in text and holder.ssn in text

    # Verified on the public page by uploading the PDF itself.
    driver.get(base + "verify")
    _shots(driver, tmp_path, "04-verify")
    driver.find_element(By.ID, "statement").send_keys(str(pdf))
    _press(driver, "form[action='/selfquery/verify/upload'] button")
    assert "真实：社保中心确认此对账单" in driver.page_source and number in driver.page_source
    _shots(driver, tmp_path, "05-verify-genuine")
    wrong = tmp_path / "notes.txt"
    wrong.write_text("CD1|not a statement")
    driver.find_element(By.ID, "statement").send_keys(str(wrong))
    _press(driver, "form[action='/selfquery/verify/upload'] button")
    assert "无法读取此类文件" in driver.page_source
    _shots(driver, tmp_path, "06-verify-wrong-file")

    # A card reported lost: first with a forged token (refused), then for real; the office
    # sees it after its next sync.
    driver.get(base + "record")
    lost_form = "form[action='/selfquery/card/lost']"
    card_no = driver.find_element(By.CSS_SELECTOR, f"{lost_form} input[name=card]")
    card_no = card_no.get_attribute("value")
    assert _card_at_office(card_no) == "active"
    _forge_token(driver, lost_form)
    driver.find_element(By.CSS_SELECTOR, f"{lost_form} input[name=confirm]").click()
    _press(driver, f"{lost_form} button")
    refused = driver.page_source
    assert "页面已过期，请重新提交。" in refused
    _shots(driver, tmp_path, "07-csrf-refused")
    assert store.execute("SELECT status FROM card WHERE card_no = ?", (card_no,)).fetchone() == (
        "active",
    ), refused[:300]
    # still signed in: the page leads back to the record
    assert driver.find_elements(By.CSS_SELECTOR, "header form[action='/selfquery/signout']")
    driver.find_element(By.CSS_SELECTOR, "main a[href='/selfquery/record']").click()
    driver.find_element(By.CSS_SELECTOR, f"{lost_form} input[name=confirm]").click()
    _press(driver, f"{lost_form} button")
    assert driver.current_url == base + "record"
    assert not driver.find_elements(By.CSS_SELECTOR, lost_form)
    _shots(driver, tmp_path, "08-record-card-lost")
    world.sync()
    assert _card_at_office(card_no) == "lost"

    # Sign out, then wrong passwords until the lock; the counter lifts it (a new password the
    # holder chooses there), the office syncs, and the holder signs in again.
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        driver.get(base)
        _fill(driver, {"idno": holder.ssn, "password": "11111111"})
        _press(driver, "main form button")
        if attempt == 1:
            assert f"还可尝试 {MAX_ATTEMPTS - 1} 次" in driver.page_source
            _shots(driver, tmp_path, "09-signin-wrong")
    assert "密码错误次数过多，已锁定至" in driver.page_source
    _shots(driver, tmp_path, "10-signin-locked")
    driver.get(base)
    _fill(driver, {"idno": holder.ssn, "password": NEW_PASSWORD})
    _press(driver, "main form button")
    assert "已锁定至" in driver.page_source  # even the right password, while locked
    world.sync()
    locked = db.execute_sql(
        "SELECT locked_until FROM query_credential WHERE person_id = ?", (holder.id,)
    ).fetchone()
    assert locked and locked[0] is not None  # the office saw the lock
    reset_query_password(holder.id, CLERK, COUNTER_PASSWORD)
    world.sync()
    driver.get(base)
    _fill(driver, {"idno": holder.ssn, "password": COUNTER_PASSWORD})
    _press(driver, "main form button")
    assert driver.current_url == base + "record"

    # Ten idle minutes later (headquarters' clock) the session has ended.
    world.clock.advance(IDLE_TIMEOUT + timedelta(minutes=1))
    driver.get(base + "record")
    assert "会话已结束，请重新登录。" in driver.page_source
    assert driver.find_elements(By.NAME, "idno")
    _shots(driver, tmp_path, "11-session-expired")

    # Someone who started work less than ten years ago asks for a year before: a clear page.
    oldest = world.clock().astimezone().year - 9
    newcomer = a_newcomer(oldest)
    _fill(driver, {"idno": newcomer.ssn, "password": newcomer.birth})
    _press(driver, "main form button")
    _fill(driver, {"new": NEW_PASSWORD, "again": NEW_PASSWORD})
    _press(driver, "main form button")
    Select(driver.find_element(By.ID, "year")).select_by_value(str(oldest))
    _press(driver, "form[action='/selfquery/statement'] button")
    assert f"{oldest} 年没有可出具的内容" in driver.page_source
    _shots(driver, tmp_path, "12-nothing-to-state")

    reads = store.execute(
        "SELECT key_kind, count(*) FROM access_log WHERE person_id = ? AND actor = ? "
        "GROUP BY key_kind",
        (holder.id, SELF_ACTOR),
    ).fetchall()
    assert {kind for kind, _ in reads} >= {"self", "download", "cardlost"}
