"""The Chinese interface shows no English: every screen of the counter application and of the
kiosk is walked in zh under Xvfb, every text of every widget read (labels, buttons, entries,
tables' headings and cells, notebook tabs, menus, the status bar, dialogs), and any Latin-letter
word that is not a name, a code or a unit (tests/app/words.py) fails the test."""

from __future__ import annotations

import csv
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import ttkbootstrap as ttk

from desktop.app.problem_window import ProblemWindow
from desktop.app.unlock import UnlockWindow, stale_keyring_notice
from desktop.core.admin import card_readers, printers
from desktop.core.i18n import _, set_language
from desktop.core.training import CardKind
from models.errors import (
    DamagedRegister,
    DiskFull,
    RegisterBusy,
    RegisterIOError,
    RegisterUnavailable,
    SchemaTooNew,
)
from models.schema import StaffUser
from tests.app.conftest import Sample
from tests.app.driver import AppDriver
from tests.app.test_kiosk import CARD_PIN, KioskDriver, make_kiosk  # noqa: F401 (a fixture)
from tests.app.test_office_admin import (  # noqa: F401 (fixtures)
    enrolled,
    office_template,
    open_app,
)
from tests.app.words import findings, foreign_words, widget_texts


def _names() -> list[str]:
    """Names the office chose or has: staff usernames and display names, card readers and
    printers attached to this computer."""
    names: list[str] = [*card_readers().names, *printers().names]
    for user in StaffUser.select(StaffUser.username, StaffUser.display_name):
        names.extend((user.username, user.display_name))
    return names


class Walk:
    """Reads every screen of one application and keeps what it found."""

    def __init__(self, root: object, names: list[str]) -> None:
        self.root = root
        self.names = names
        self.found: list[str] = []
        self.screens: list[str] = []

    def look(self, name: str, least: int = 6) -> None:
        """Read the window as it is now (at least `least` texts: a window fully drawn)."""
        self.screens.append(name)
        texts = widget_texts(self.root)
        assert len(texts) >= least, f"{name}: hardly any text read: {texts}"
        self.found.extend(f"[{name}] {f}" for f in findings(texts, self.names))


def _customer_tabs(driver: AppDriver, walk: Walk, name: str) -> None:
    tabs = driver.screen.tabs
    for tab in tabs.tabs():
        tabs.select(tab)
        driver.settle()
        walk.look(f"{name} {tabs.tab(tab, 'text')}")
    driver.screenshot(f"zh-{name}")


def _office_screens(driver: AppDriver, walk: Walk, keys: list[str]) -> None:
    for key in keys:
        driver.window.open_office_screen(key)
        driver.wait_for_screen(key)
        walk.look(key)
        driver.screenshot(f"zh-{key}")


def _customer(driver: AppDriver, walk: Walk, samples: dict[str, Sample]) -> None:
    """Each kind of demo person on every tab; the card actions' dialogs; the visit ended."""
    for label in ("contributor", "retiree", "arrears", "lost card"):
        driver.open_by_id(samples[label].ssn)
        _customer_tabs(driver, walk, f"customer {label}")
        for key in ("F5", "F6", "F7", "F2"):  # what each asks first, or says
            driver.press(key, driver.screen)
            driver.settle()
            walk.look(f"customer {label} {key}")
            if driver.window.dialogs.current is not None:
                driver.screenshot(f"zh-customer-{label}-{key}")
                driver.window.dialogs.current.cancel()
                driver.settle()
        driver.screen.actions.end_visit()
        driver.wait_for_screen("waiting")
        walk.look(f"waiting after {label}")


def _waiting(driver: AppDriver, walk: Walk, samples: dict[str, Sample]) -> None:
    """Name search, and the numbers that find nobody or are not numbers at all."""
    waiting = driver.screen
    for typed in (samples["contributor"].name[0], "Z99999999", "11010519491231002X", "3701"):
        driver.type_into(waiting.entry, typed)
        driver.press("Return", waiting.entry)
        driver.settle()
        walk.look(f"waiting {typed}")
    driver.window.training.choose_card()
    driver.settle()
    walk.look("training cards")
    driver.screenshot("zh-training-cards")
    if driver.window.dialogs.current is not None:
        driver.window.dialogs.current.cancel()
        driver.settle()
    for kind in (CardKind.DAMAGED, CardKind.FOREIGN):
        waiting.message.configure(text="")
        driver.window.training.insert(samples["contributor"].card_no, kind)
        driver.pump(lambda: bool(waiting.message.cget("text")), "the card's message")
        driver.settle()
        walk.look(f"waiting {kind.value} card")
        driver.window.training.remove_card()
        driver.settle()
    driver.window.training.insert_other_city()
    screen = driver.wait_for_screen("unknown_card")
    walk.look("unknown_card")
    driver.screenshot("zh-unknown_card")
    driver.press("Escape", screen)
    driver.wait_for_screen("waiting")
    driver.window.training.remove_card()
    driver.window.training.insert(samples["arrears"].card_no, CardKind.NORMAL)
    customer = driver.wait_for_screen("customer")
    panel = customer.verification
    driver.type_into(panel.pin, "000000")
    driver.press("Return", panel.pin)
    driver.settle()
    walk.look("customer by card, wrong PIN")
    driver.screenshot("zh-customer-card")
    customer.actions.end_visit()
    driver.wait_for_screen("waiting")
    driver.window.training.remove_card()
    driver.settle()


def _documents(driver: AppDriver, walk: Walk, samples: dict[str, Sample], folder: Path) -> None:
    """A statement, a batch with failures, the daily report, the audit log and its check."""
    person = samples["contributor"]
    screen = driver.window.open_office_screen("statement") or driver.wait_for_screen("statement")
    for typed in ("11010519491231002X", person.ssn):
        driver.type_into(screen.person.entry, typed)
        driver.press("Return", screen.person.entry)
        driver.settle()
        walk.look(f"statement {typed}")
    driver.screenshot("zh-statement")
    driver.window.open_office_screen("statement_batch")
    screen = driver.wait_for_screen("statement_batch")
    good = person.ssn
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    ids = folder / "ids.txt"
    ids.write_text(f"{good}\n{bad}\n11010519491231002X\n")
    driver.type_into(screen.ids_file.entry, str(ids))
    driver.type_into(screen.folder.entry, str(folder / "batch"))
    driver.press("Return", screen.start_button)
    driver.pump(lambda: screen.outcome is not None, "the batch's summary")
    driver.settle()
    walk.look("statement_batch done")
    # the failures CSV in the application's language, for Excel (UTF-8 with a BOM)
    raw = screen.outcome.failures_csv.read_bytes()
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert raw.startswith(b"\xef\xbb\xbf") and rows[0] == ["当事人", "原因代码", "原因", "详细信息"]
    reasons = [row[1:3] for row in rows[1:]]
    assert ["invalid-id", "身份证号码无效"] in reasons
    assert ["unknown", "不在本经办机构登记库中"] in reasons
    assert [row[0] for row in screen.failures.rows()] == [row[0] for row in rows[1:]]
    driver.screenshot("zh-statement_batch")
    driver.window.open_office_screen("daily_report")
    screen = driver.wait_for_screen("daily_report")
    driver.press("Return", screen.day.entry)
    driver.settle()
    walk.look("daily_report made")
    driver.window.open_office_screen("audit_log")
    screen = driver.wait_for_screen("audit_log")
    driver.press("F6", screen)
    driver.pump(lambda: not screen.verifying, "the chain check")
    driver.settle()
    walk.look("audit_log checked")
    driver.screenshot("zh-audit_log")


@pytest.mark.slow
def test_every_counter_screen_in_chinese_shows_no_english(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample], tmp_path: Path
) -> None:
    driver = make_app(lang="zh", training=True)
    set_language("zh")
    walk = Walk(driver.root, _names())
    walk.look("login")
    driver.type_into(driver.screen.username, "supervisor01")
    driver.type_into(driver.screen.password, "wrong-password")
    driver.press("Return", driver.screen.password)
    driver.settle()
    walk.look("login refused")
    driver.sign_in("supervisor01")
    walk.look("waiting")
    _waiting(driver, walk, samples)
    _customer(driver, walk, samples)
    _documents(driver, walk, samples, tmp_path)
    _office_screens(driver, walk, ["office_rejected", "office_link", "office_staff"])
    driver.window.open_office_screen("office_link")
    office_row = driver.wait_for_screen("office_link").enrolment.names["office"].cget("text")
    assert office_row == "本网点" and office_row != _("Office")  # not the menu's name
    driver.window.lock()
    driver.wait_for_screen("lock")
    walk.look("lock")
    driver.window.sign_out()
    driver.wait_for_screen("login")
    driver.sign_in("admin")
    walk.look("office_settings")
    driver.screenshot("zh-office_settings")
    _office_screens(driver, walk, ["office_staff", "office_link"])
    assert len(walk.screens) > 40
    assert not walk.found, "\n".join(walk.found)


@pytest.mark.slow
def test_an_enrolled_offices_link_rejections_and_settings_in_chinese_show_no_english(
    open_app: Callable[..., AppDriver],  # noqa: F811 (the fixture imported above)
) -> None:
    driver = open_app("supervisor01")
    driver.window.set_language("zh")
    driver.settle()
    walk = Walk(driver.root, _names())
    _office_screens(driver, walk, ["office_rejected", "office_link"])
    driver.press("F5", driver.screen)  # sync now: headquarters is not there
    driver.pump(lambda: not driver.screen.running, "the sync attempt")
    driver.settle()
    walk.look("office_link after sync now")
    assert driver.screen.enrolment.text("districts") == "370102 历下区"
    driver.screenshot("zh-office_link-enrolled")
    driver.window.sign_out()
    driver.wait_for_screen("login")
    driver.sign_in("admin")
    screen = driver.screen
    driver.type_into(screen.url_entry, "ftp://hq.example")
    driver.press("F9")
    driver.settle()
    walk.look("office_settings address refused")
    driver.screenshot("zh-office_settings-refused")
    assert not walk.found, "\n".join(walk.found)


def test_the_unlock_and_start_up_problem_windows_in_chinese_show_no_english(
    display: str, shots: Path
) -> None:
    set_language("zh")
    root = ttk.App(title="counterdesk")
    try:
        office = "历下区社会保险服务中心（/srv/office）"
        unlock = UnlockWindow(root, lambda typed: False, office, stale_keyring_notice())
        root.update()
        walk = Walk(root, [])
        walk.look("unlock")
        for typed in ("", "not the office passphrase"):
            unlock.entry.insert(0, typed)
            unlock.submit()
            root.update()
            walk.look(f"unlock {typed or 'empty'}")
        assert unlock.message.cget("text").startswith("口令错误") and unlock.passphrase is None
    finally:
        root.destroy()
    problems = [
        DamagedRegister("file is not a database"),
        SchemaTooNew(9, 8, "/srv/office/register.db"),
        RegisterBusy("database is locked"),
        DiskFull("database or disk is full"),
        RegisterIOError("disk I/O error"),
        RegisterUnavailable("unable to open database file"),
    ]
    for error in problems:
        root = ttk.App(title="counterdesk")
        try:
            window = ProblemWindow(root, error)
            root.update()
            walk.root = root
            walk.look(f"problem {type(error).__name__}", least=4)  # title, heading, advice, Close
            assert str(error) in window.details.cget("text")  # for support, as it was given
            if isinstance(error, DamagedRegister):
                path = shots / "zh-problem-damaged.png"
                subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
        finally:
            root.destroy()
    assert len(walk.screens) == 9
    assert not walk.found, "\n".join(walk.found)


@pytest.mark.slow
def test_every_kiosk_screen_in_chinese_shows_no_english(
    make_kiosk: Callable[..., KioskDriver],  # noqa: F811 (the fixture imported above)
    samples: dict[str, Sample],
) -> None:
    kiosk = make_kiosk(lang="zh", training=True)
    set_language("zh")
    walk = Walk(kiosk.root, _names())
    walk.look("welcome")
    kiosk.screenshot("zh-welcome")
    kiosk.tap("3701")  # too short
    kiosk.settle()
    walk.look("welcome 3701")
    kiosk.tap("110101199003070011")  # nobody here: asked for the password like anyone
    kiosk.wait_for("verify")
    kiosk.tap("11111111")
    kiosk.settle()
    walk.look("verify a number nobody here holds")
    kiosk.screen.cancel.invoke()
    kiosk.wait_for("welcome")
    kiosk.screen.keypad.buttons["abc"].invoke()
    walk.look("welcome letters")
    kiosk.screen.keypad.buttons["clear"].invoke()
    for label in ("contributor", "retiree", "arrears"):
        kiosk.insert_card(samples[label].card_no)
        kiosk.wait_for("verify")
        walk.look(f"verify {label}")
        kiosk.tap("000000")  # a wrong PIN first
        kiosk.settle()
        walk.look(f"verify {label} wrong PIN")
        kiosk.tap(CARD_PIN)
        kiosk.wait_for("record")
        walk.look(f"record {label}")
        kiosk.screenshot(f"zh-record-{label}")
        kiosk.window.navigator.show("print")
        kiosk.settle()
        walk.look(f"print {label}")
        kiosk.window.navigator.show("record")
        kiosk.wait_for("record").finish.invoke()
        kiosk.wait_for("goodbye")
        walk.look(f"goodbye {label}")
        kiosk.window.cards.remove_training_card()
        kiosk.clock.advance(kiosk.window.config.goodbye_seconds)
        kiosk.wait_for("welcome")
    kiosk.tap(samples["contributor"].ssn)
    kiosk.wait_for("verify")
    kiosk.tap("11111111")  # a wrong query password
    kiosk.settle()
    walk.look("verify typed wrong password")
    kiosk.screen.cancel.invoke()
    kiosk.wait_for("welcome")
    kiosk.insert_card(samples["lost card"].card_no)
    kiosk.settle()
    walk.look("lost card")
    kiosk.screenshot("zh-lost-card")
    assert len(walk.screens) > 15
    assert not walk.found, "\n".join(walk.found)


def test_the_walk_tells_english_from_names_codes_and_units() -> None:
    assert foreign_words("Wrong PIN: 2 tries left") == ["Wrong", "tries", "left"]
    assert foreign_words("卡号 A08015542，PDF 已保存到 /tmp/out/rights-2025.pdf") == []
    assert foreign_words("按 F5 同步（Ctrl+L 锁定），Esc 返回；12 pt") == []
    assert foreign_words("请运行 counterdesk sync enrol --hq URL --token TOKEN。") == []
    assert foreign_words("办事处 clerk01 登录", names=["clerk01"]) == []
    assert foreign_words("登录者：admin", names=["admin"]) == []
    assert foreign_words("登录者：admin") == ["admin"]
    assert foreign_words("districts: ['370102']") == ["districts"]
    assert foreign_words("详细信息：no statement X") == ["no", "statement"]
