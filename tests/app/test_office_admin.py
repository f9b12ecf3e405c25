"""The supervisor's and administrator's screens: rejected commands, the headquarters link with
"Sync now", and the office settings, on an office enrolled with a real headquarters.

The office is made once per module (headquarters' demo city on SQLite, a new office register
enrolled and synced, staff, and a card reported lost here that headquarters had cancelled: a
rejected command) and copied per test.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from desktop.app.screens.office.admin_advice import ADVICE, COMMANDS
from desktop.core import admin
from desktop.core.admin import StepFeed
from desktop.core.config import AppConfig, ReaderMode
from desktop.core.i18n import set_language
from desktop.core.sync_link import SyncLink
from hq import register, store
from hq.api import create_app
from hq.offices import enrol_office
from models.actor import Actor
from models.cardops import report_card_lost
from models.db import close_register
from models.demo.people import DEMO_STAFF_PASSWORD
from models.enums import Role
from models.home import OfficeHome, setting
from models.permissions import PermissionDenied
from models.schema import AuditEvent, OfficeSetting, Outbox, StaffUser, write_transaction
from models.staff import hash_password
from sync.client import HqClient
from sync.engine import SyncEngine
from sync.enrolment import connect, enrol
from sync.scheduler import SyncWorker
from sync.settings import hq_settings
from tests.app.driver import AppDriver
from tests.hq_fixtures import sqlite_url
from tests.sync_helpers import ServedHq, free_port

OFFICE = "lixia-1"
STAFF = (("admin", "系统管理员", Role.ADMIN), ("supervisor01", "王芳", Role.SUPERVISOR))
STAFF += (("clerk01", "李强", Role.CLERK),)
CLERK = Actor("clerk01", Role.CLERK)
UNUSED_URL = "http://127.0.0.1:9"  # replaced per test


@dataclass(frozen=True)
class Enrolled:
    """A copy of the enrolled office and of its headquarters' database."""

    home: OfficeHome
    hq_url: str  # the database URL of headquarters
    rejected_card: str


@pytest.fixture(scope="module")
def office_template(
    hq_sqlite_demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """Headquarters and an office enrolled with it, synced, with one rejected command."""
    folder = tmp_path_factory.mktemp("enrolled-office")
    shutil.copyfile(hq_sqlite_demo_template, folder / "hq.db")
    url = sqlite_url(folder / "hq.db")
    store.connect(url)
    try:
        token = enrol_office(OFFICE, ["370102"], "历下区社保服务中心")
        home = OfficeHome(folder / "office")
        home.create("370102", "历下区社保服务中心")
        with TestClient(create_app(url)) as http:
            client = HqClient(http, token, actor="setup")
            enrol(home, client, UNUSED_URL, CLERK)
            assert SyncEngine(client).run_once().completed
            with write_transaction():
                hashed = hash_password(DEMO_STAFF_PASSWORD)
                for username, name, role in STAFF:  # unless headquarters' roster brought them
                    StaffUser.insert(
                        username=username, display_name=name, role=role.value, password_hash=hashed
                    ).on_conflict_ignore().execute()
            card = store.execute(
                "SELECT c.card_no FROM card c JOIN person p ON p.id = c.person_id "
                "WHERE p.district = '370102' AND c.status = 'active' ORDER BY c.id LIMIT 1"
            ).fetchone()[0]
            register.set_card_status(card, "cancelled")  # the office has not seen it yet
            report_card_lost(card, CLERK)  # still active here: queued, then rejected
            report = SyncEngine(client).run_once()
            assert report.completed and report.push.rejected == 1
    finally:
        close_register()
        store.close()
    yield folder, card


@pytest.fixture
def enrolled(office_template: tuple[Path, str], tmp_path: Path) -> Iterator[Enrolled]:
    """A private copy of the office and its headquarters."""
    folder, card = office_template
    target = tmp_path / "world"
    shutil.copytree(folder, target)
    yield Enrolled(OfficeHome(target / "office"), sqlite_url(target / "hq.db"), card)
    close_register()
    store.close()


@pytest.fixture
def open_app(
    display: str, enrolled: Enrolled, shots: Path, keep_screens: Path | None
) -> Iterator[Callable[..., AppDriver]]:
    """Build the application on the enrolled office and sign in as `username`."""
    drivers: list[AppDriver] = []

    def make(username: str, hq_address: str | None = None) -> AppDriver:
        if hq_address is not None:
            enrolled.home.open()
            with write_transaction():
                OfficeSetting.replace(key="hq_url", value=hq_address).execute()
        config = AppConfig(lang="en", reader=ReaderMode.NONE)
        driver = AppDriver.build(enrolled.home, config, shots, keep_screens)
        drivers.append(driver)
        driver.sign_in(username)
        return driver

    yield make
    for driver in drivers:
        driver.close()


def open_screen(driver: AppDriver, key: str) -> object:
    """Open an Office menu screen as the menu does, and wait for its data."""
    driver.window.open_office_screen(key)
    return driver.wait_for_screen(key)


def snap(driver: AppDriver, name: str) -> None:
    """A screenshot while a task is still running (the driver's own waits for the tasks)."""
    driver.root.update_idletasks()
    path = driver.shots / f"{name}.png"
    subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
    if driver.keep is not None:
        driver.keep.mkdir(exist_ok=True)
        shutil.copy2(path, driver.keep / path.name)


def in_both_languages(driver: AppDriver, name: str) -> None:
    """Screenshots in English and in Chinese (the default language of the office)."""
    driver.screenshot(f"{name}-en")
    driver.window.set_language("zh")
    driver.settle()
    driver.screenshot(f"{name}-zh")
    driver.window.set_language("en")
    driver.settle()
    set_language("en")


# rejected commands -----------------------------------------------------------------------------


def test_a_supervisor_sees_each_rejected_command_with_the_reason_and_what_to_do(
    open_app: Callable[..., AppDriver], enrolled: Enrolled
) -> None:
    driver = open_app("supervisor01")
    screen = open_screen(driver, "office_rejected")
    [row] = screen.table.rows()
    assert row[1] == "Card reported lost" and row[2] == enrolled.rejected_card
    assert row[4] == "clerk01" and row[5] == "the card is in another state at headquarters"
    lines = screen.detail_lines
    assert lines["reason"].cget("text") == row[5]
    own_words = lines["own_words"].cget("text")  # headquarters' English, as the details
    assert "cancelled at headquarters" in own_words and "(code: card_state)" in own_words
    assert "check the card's state with the customer" in lines["advice"].cget("text")
    assert lines["seen"].cget("text") == "not yet"
    assert "1 rejected" in driver.window.statusbar.pending.cget("text")
    in_both_languages(driver, "office-rejected")


def test_acknowledging_a_rejection_takes_it_off_the_list_and_records_who(
    open_app: Callable[..., AppDriver],
) -> None:
    driver = open_app("supervisor01")
    screen = open_screen(driver, "office_rejected")
    screen.table.focus_first()
    driver.press("Return", screen.table.tree)
    dialog = driver.window.dialogs.current
    assert dialog is not None and "Acknowledge it as dealt with?" in dialog.message.cget("text")
    driver.screenshot("office-rejected-confirm")
    driver.answer_dialog(yes=True)
    driver.settle()
    assert screen.table.rows() == []
    assert "Acknowledged: Card reported lost, by supervisor01." in screen.message.cget("text")
    row = Outbox.get(Outbox.status == "rejected")
    assert row.acknowledged_by == "supervisor01" and row.acknowledged_at is not None
    event = AuditEvent.select().where(AuditEvent.action == "outbox.acknowledge").get()
    assert event.actor == "supervisor01"

    driver.press("F6")
    driver.settle()
    [seen] = screen.table.rows()
    assert seen[1] == "Card reported lost"
    assert screen.detail_lines["seen"].cget("text").startswith("by supervisor01 at ")
    assert not screen.ack_button.winfo_ismapped()
    driver.screenshot("office-rejected-acknowledged-en")


def test_a_clerk_can_neither_open_the_settings_nor_change_them_through_the_service(
    open_app: Callable[..., AppDriver],
) -> None:
    driver = open_app("clerk01")
    for key in ("office_settings", "office_rejected"):
        driver.window.open_office_screen(key)
        driver.settle()
        assert driver.key == "waiting"
        assert "Your role cannot open" in driver.window.notice.cget("text")
    with pytest.raises(PermissionDenied):
        admin.save_settings(CLERK, {admin.PRINTER: "default"})
    with pytest.raises(PermissionDenied):
        admin.acknowledge(CLERK, "any")
    assert setting(admin.PRINTER) is None


# settings --------------------------------------------------------------------------------------


def test_an_admin_changes_the_printer_and_the_change_is_stored_and_audited(
    open_app: Callable[..., AppDriver],
) -> None:
    driver = open_app("admin")
    screen = open_screen(driver, "office_settings")
    assert screen.chosen(admin.PRINTER) == ""  # save PDFs only
    in_both_languages(driver, "office-settings")
    screen = driver.screen
    screen.choose(admin.PRINTER, "default")
    driver.press("F9")
    driver.settle()
    assert "Saved: Printer." in screen.message.cget("text")
    assert setting(admin.PRINTER) == "default"
    event = AuditEvent.select().where(AuditEvent.action == "settings.change").get()
    assert event.actor == "admin"
    assert json.loads(event.detail) == {"key": "printer", "before": "", "after": "default"}


def test_an_invalid_headquarters_address_is_refused_and_a_valid_one_is_confirmed_first(
    open_app: Callable[..., AppDriver],
) -> None:
    driver = open_app("admin")
    screen = open_screen(driver, "office_settings")
    before = hq_settings()
    driver.type_into(screen.url_entry, "ftp://hq.example")
    driver.press("F9")
    driver.settle()
    assert driver.window.dialogs.current is None
    assert "The headquarters address cannot be used" in screen.message.cget("text")
    assert "http:// or https://" in screen.message.cget("text")
    driver.screenshot("office-settings-refused-en")
    assert setting("hq_url") == UNUSED_URL

    driver.type_into(screen.url_entry, "https://hq.jinan.example:8700/")
    driver.press("F9")
    dialog = driver.window.dialogs.current
    assert dialog is not None and "keeps its token" in dialog.message.cget("text")
    driver.answer_dialog(yes=True)
    driver.settle()
    after = hq_settings()
    assert before is not None and after is not None
    assert after.url == "https://hq.jinan.example:8700" and after.token == before.token


# the headquarters link -------------------------------------------------------------------------


def test_sync_now_against_a_real_headquarters_reaches_synced_with_its_phases(
    open_app: Callable[..., AppDriver], enrolled: Enrolled
) -> None:
    served = ServedHq(create_app(enrolled.hq_url))
    try:
        driver = open_app("clerk01", hq_address=served.url)
        screen = open_screen(driver, "office_link")
        assert screen.enrolment.text("url") == served.url
        assert screen.enrolment.text("office") == OFFICE
        assert "token" not in " ".join(screen.enrolment.text(k) for k in screen.enrolment.values)
        in_both_languages(driver, "office-link")
        screen = driver.screen
        driver.press("F5")
        driver.pump(lambda: not screen.running, "the sync to end")
        driver.settle()
        assert screen.outcome.cget("text").startswith("Synced: ")
        assert screen.sync.text("state").startswith("Online")
        assert {"audit", "pull", "check"} <= set(screen.phases_seen)
        driver.screenshot("office-link-synced-en")
    finally:
        served.close()


def test_sync_now_with_headquarters_hanging_then_gone_keeps_the_window_working(
    open_app: Callable[..., AppDriver],
) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # connections are taken by the kernel, never answered
    address = f"http://127.0.0.1:{listener.getsockname()[1]}"
    driver = open_app("clerk01", hq_address=address)
    screen = open_screen(driver, "office_link")
    driver.press("F5")
    driver.pump(lambda: bool(screen.phases_seen), "the sync to send its first request")
    # headquarters does not answer: the window goes on working meanwhile
    assert screen.running and str(screen.sync_button.cget("state")) == "disabled"
    driver.press("F5")  # a second sync is not started beside the first
    assert driver.window.tasks.pending >= 1
    snap(driver, "office-link-waiting-en")
    listener.close()  # headquarters goes away: its connections are reset
    driver.pump(lambda: not screen.running, "the sync to end")
    driver.settle()
    assert screen.outcome.cget("text").startswith("Offline: headquarters cannot be reached.")
    assert screen.sync.text("state").startswith("Offline")
    assert "Details: the connection to headquarters" in screen.sync.text("state")

    free = free_port()  # and now a dead address: refused at once
    with write_transaction():
        OfficeSetting.replace(key="hq_url", value=f"http://127.0.0.1:{free}").execute()
    driver.press("F5")
    driver.pump(lambda: not screen.running, "the second sync to end")
    driver.settle()
    assert screen.outcome.cget("text").startswith("Offline: headquarters cannot be reached.")
    assert "Details: cannot reach headquarters" in screen.sync.text("state")
    driver.screenshot("office-link-offline-en")


def test_sync_now_goes_through_the_applications_background_sync_worker_when_it_has_one(
    open_app: Callable[..., AppDriver], enrolled: Enrolled
) -> None:
    served = ServedHq(create_app(enrolled.hq_url))
    try:
        driver = open_app("clerk01", hq_address=served.url)
        steps = StepFeed()
        worker = SyncWorker(enrolled.home, steps.watch(lambda: connect(actor="test")), poll_s=3600)
        link = SyncLink(worker.start(), steps)
        driver.window.sync = link
        driver.window.ctx.sync_link = lambda: link  # type: ignore[attr-defined]  # lead's change
        screen = open_screen(driver, "office_link")
        driver.press("F5")
        driver.pump(lambda: not screen.running, "the worker's sync to end")
        driver.settle()
        assert worker.runs >= 1  # the worker ran it, not the screen, and told its steps:
        assert "pull" in screen.phases_seen and not steps.listened
        assert screen.outcome.cget("text").startswith("Synced: ")
        assert screen.sync.text("state").startswith("Online")
    finally:
        served.close()


# the services without a window ------------------------------------------------------------------


def test_every_rejection_code_of_headquarters_has_advice_for_the_supervisor() -> None:
    from hq.commands import RejectCode
    from models.commands import CommandName

    assert {code.value for code in RejectCode} == set(ADVICE)
    assert {name.value for name in CommandName} == set(COMMANDS)


@pytest.mark.parametrize(
    ("stored", "text", "code"),
    [
        (
            "card X is lost at headquarters (card_state)",
            "card X is lost at headquarters",
            "card_state",
        ),
        ("no code here", "no code here", None),
        (None, "", None),
    ],
)
def test_headquarters_reason_is_split_into_its_words_and_its_code(
    stored: str | None, text: str, code: str | None
) -> None:
    assert admin.split_reason(stored) == (text, code)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "hq.example",
        "ftp://hq.example",
        "http://",
        "http://user:pw@hq",
        "http://hq/?a=1",
        "http://h q",
    ],
)
def test_a_headquarters_address_that_is_not_http_of_a_host_is_refused(address: str) -> None:
    with pytest.raises(admin.InvalidAddress):
        admin.check_hq_url(address)


def test_a_headquarters_address_is_kept_without_its_trailing_slash() -> None:
    assert admin.check_hq_url(" https://hq.jinan.example:8700/ ") == "https://hq.jinan.example:8700"


def test_printers_come_from_lpstat_or_the_reason_there_are_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(admin.shutil, "which", lambda name: f"/usr/bin/{name}")
    done = subprocess.CompletedProcess(["lpstat", "-e"], 0, "Office_Laser\nHall_Kiosk\n", "")
    assert admin.printers(lambda *a, **k: done).names == ("Office_Laser", "Hall_Kiosk")
    refused = subprocess.CompletedProcess(["lpstat", "-e"], 1, "", "lpstat: No destinations added.")
    found = admin.printers(lambda *a, **k: refused)
    assert found.names == () and found.problem == "lpstat: No destinations added."
    monkeypatch.setattr(admin.shutil, "which", lambda name: None)
    assert "cups-client" in (admin.printers().problem or "")
