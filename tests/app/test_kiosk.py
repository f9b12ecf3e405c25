"""The hall's kiosk, driven in-process under Xvfb: card or typed number, PIN or query password,
the citizen's own record, printing, and the end of a session leaving nothing behind."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import shutil
import stat
import subprocess
import time
import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable, Iterator
from pathlib import Path
from tkinter import ttk
from typing import Any

import pytest
from PIL import Image

from cards.virtual import VirtualCard, VpcdLink
from desktop.app.kiosk.config import KioskConfig
from desktop.app.kiosk.messages import kiosk_error
from desktop.app.kiosk.root import build_kiosk
from desktop.app.kiosk.services import (
    REFUSED,
    CardLetterNeeded,
    CardNotUsable,
    identify_typed,
    kiosk_actor,
    open_record,
)
from desktop.app.kiosk.summary import window_years
from desktop.app.kiosk.unknown import UNKNOWN_TRIED
from desktop.app.kiosk.window import KioskWindow
from desktop.app.theme import CJK_FAMILIES
from desktop.core.config import ReaderMode
from desktop.core.formatting import yuan
from desktop.core.training import holder_profile
from models.actor import Actor
from models.enums import CardStatus, Role
from models.home import OfficeHome
from models.idnumber import mask_id_number
from models.lookup import KeyKind, find_one
from models.overview import person_overview
from models.schema import AuditEvent, Person, ServiceVisit, write_transaction
from tests.app.conftest import Sample
from tests.app.driver import FakeClock, pump_until
from tests.cli_helpers import COUNTERDESK, cli_env
from tests.factories import add_card

CARD_PIN = "123456"
TRAINER = Actor("clerk01", Role.CLERK)
FAST = {"tick_ms": 30, "status_refresh_ms": 200}


class KioskDriver:
    """One running kiosk, driven from the test."""

    def __init__(self, window: KioskWindow, clock: FakeClock, shots: Path, keep: Path | None):
        self.window = window
        self.root = window.root
        self.clock = clock
        self.shots = shots
        self.keep = keep

    @property
    def key(self) -> str | None:
        """The key of the screen shown."""
        return self.window.navigator.current_key

    @property
    def screen(self) -> Any:
        """The screen shown."""
        assert self.window.navigator.current is not None
        return self.window.navigator.current

    def pump(self, until: Callable[[], bool], what: str) -> None:
        """Run the Tk loop until `until()` holds (fails after a long wait: a hang)."""
        pump_until(self.root, until, what)

    def settle(self) -> None:
        """Run the loop until no task is pending."""
        self.pump(lambda: self.window.tasks.pending == 0, "the tasks to finish")

    def wait_for(self, key: str) -> Any:
        """Pump until the screen of `key` is shown and its work is done."""
        self.pump(lambda: self.key == key, f"the {key} screen")
        self.settle()
        return self.screen

    def let_ticks_run(self) -> None:
        """Pump the loop long enough for a few of the kiosk's ticks."""
        done: list[bool] = []
        self.root.after(self.window.config.tick_ms * 4, lambda: done.append(True))
        self.pump(lambda: bool(done), "a few ticks")

    def tap(self, keys: str) -> None:
        """Touch Clear, keypad keys of the screen shown, then OK."""
        keypad = self.screen.keypad
        keypad.buttons["clear"].invoke()
        for key in keys:
            keypad.buttons[key].invoke()
        keypad.buttons["ok"].invoke()
        self.root.update()

    def insert_card(self, card_no: str) -> None:
        """A demo holder's virtual card into the training reader."""
        self.window.cards.insert_training_card(holder_profile(card_no, TRAINER))

    def screenshot(self, name: str) -> Path:
        """The whole X screen as PNG."""
        self.settle()
        self.root.update_idletasks()
        self.root.update()
        path = self.shots / f"kiosk-{name}.png"
        subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
        if self.keep is not None:
            self.keep.mkdir(exist_ok=True)
            shutil.copy2(path, self.keep / path.name)
        return path

    def texts(self) -> list[str]:
        """Every text any widget of the window holds: labels, buttons, entries, table cells."""
        found = [self.root.title()]
        stack: list[tk.Misc] = [self.root]
        while stack:
            widget = stack.pop()
            stack.extend(widget.winfo_children())
            with contextlib.suppress(tk.TclError):
                found.append(str(widget.cget("text")))
            if isinstance(widget, tk.Entry | ttk.Entry):
                found.append(widget.get())
            if isinstance(widget, ttk.Treeview):
                for item in widget.get_children():
                    found.extend(str(v) for v in widget.item(item, "values"))
        return found


@pytest.fixture
def make_kiosk(
    display: str, demo: OfficeHome, shots: Path, keep_screens: Path | None
) -> Iterator[Callable[..., KioskDriver]]:
    """Build and start the kiosk on the test's demo district copy."""
    drivers: list[KioskDriver] = []

    def make(**config: Any) -> KioskDriver:
        settings: dict[str, Any] = {"lang": "en", "reader": ReaderMode.NONE, **FAST}
        settings.update(config)
        clock = FakeClock()
        window = build_kiosk(demo, KioskConfig(**settings), clock=clock)
        window.start()
        driver = KioskDriver(window, clock, shots, keep_screens)
        drivers.append(driver)
        driver.wait_for("welcome")
        return driver

    yield make
    for driver in drivers:
        driver.window.quit()
        gc.collect()


def _leftovers(kiosk: KioskDriver, sample: Sample, extra: tuple[str, ...] = ()) -> list[str]:
    secrets = (sample.name, sample.ssn, mask_id_number(sample.ssn), sample.card_no, *extra)
    return [text for text in kiosk.texts() for secret in secrets if secret and secret in text]


def _open_by_card(kiosk: KioskDriver, sample: Sample) -> Any:
    kiosk.insert_card(sample.card_no)
    kiosk.wait_for("verify")
    kiosk.tap(CARD_PIN)
    return kiosk.wait_for("record")


# the card ------------------------------------------------------------------------------------


@pytest.mark.dates
def test_a_card_and_its_pin_show_the_holders_own_record_as_the_register_adds_it_up(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk(training=True)
    kiosk.screenshot("welcome")
    sample = samples["contributor"]
    kiosk.insert_card(sample.card_no)
    verify = kiosk.wait_for("verify")
    assert verify.by_card
    kiosk.tap("000000")
    kiosk.settle()
    assert verify.message.cget("text") == "Wrong PIN: 2 tries left before the card locks."
    assert verify.entry.get() == ""
    kiosk.screenshot("verify-wrong-pin")
    kiosk.tap(CARD_PIN)
    record = kiosk.wait_for("record")
    person = find_one(KeyKind.CARD, sample.card_no)
    expected = window_years(person_overview(person))
    years = sorted({y.year for y in expected}, reverse=True)
    assert list(record.year_buttons) == years and record.shown_year == years[0]
    for year in years:  # one year at a time: the table never needs its scroll bar
        record.year_buttons[year].invoke()
        of_year = [y for y in expected if y.year == year]
        personal = [yuan(y.personal_fen).removeprefix("¥") for y in of_year]
        assert [row[3] for row in record.years.rows()] == personal
        assert [row[1] for row in record.years.rows()] == [str(y.months_paid) for y in of_year]
        kiosk.root.update()
        squeezed = [  # every heading and cell whole: nothing cut off, no row out of sight
            cell.cget("text")
            for cell in [*record.years.headings, *(c for row in record.years._cells for c in row)]
            if not cell.winfo_ismapped()
            or cell.winfo_height() < cell.winfo_reqheight()
            or cell.winfo_width() < cell.winfo_reqwidth()
        ]
        assert squeezed == [], year
        assert record.years.winfo_height() >= record.years.winfo_reqheight(), year
    overview = kiosk.window.session.customer.overview
    assert [b.cget("text") for b in record.balances] == [
        yuan(a.balance_fen) for a in sorted(overview.accounts, key=lambda a: a.kind != "pension")
    ]
    assert record.ssn.cget("text") == mask_id_number(sample.ssn)
    assert sample.ssn not in kiosk.texts()
    assert record.as_of.cget("text").startswith("Data as of")
    assert record.as_of.cget("text") == kiosk.window.as_of.cget("text")  # one source
    read = AuditEvent.select().where(AuditEvent.action == "person.read").order_by(AuditEvent.id)
    assert read[-1].actor == kiosk.window.actor.name
    assert kiosk.window.actor.name.startswith("kiosk:")
    visit = ServiceVisit.select().order_by(ServiceVisit.id.desc()).first()
    assert (visit.channel, visit.card_no, visit.person_id) == ("kiosk", sample.card_no, person.id)
    kiosk.screenshot("record")
    kiosk.window.cards.remove_training_card()
    kiosk.wait_for("welcome")
    assert kiosk.window.session.customer is None
    assert _leftovers(kiosk, sample) == []


def test_a_lost_card_is_refused_before_its_pin_with_what_to_do_and_the_attempt_logged(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk(training=True)
    sample = samples["lost card"]
    kiosk.insert_card(sample.card_no)
    kiosk.pump(
        lambda: kiosk.screen.message.cget("text").startswith("This card is reported lost"),
        "the refusal",
    )
    assert kiosk.key == "welcome" and kiosk.window.session.customer is None
    assert "go to a counter" in kiosk.screen.message.cget("text")
    mine = AuditEvent.select().where(AuditEvent.actor == kiosk.window.actor.name)
    refused = mine.where(AuditEvent.action == REFUSED).get()
    assert refused.person_id == find_one(KeyKind.CARD, sample.card_no).id
    assert sample.card_no in refused.detail and "lost" in refused.detail
    assert not mine.where(AuditEvent.action == "person.read").exists()
    kiosk.screenshot("welcome-lost-card")


def test_a_typed_number_of_a_lost_card_is_refused_only_after_its_holder_proved_who_they_are(
    demo: OfficeHome, samples: dict[str, Sample]
) -> None:
    sample = samples["lost card"]
    actor = kiosk_actor("test")
    customer = identify_typed(KeyKind.CARD, sample.card_no)  # answered like any other number
    with pytest.raises(CardNotUsable) as refused:
        open_record(customer, actor, "query_password")
    assert refused.value.status == "lost"
    mine = AuditEvent.select().where(AuditEvent.actor == actor.name)
    assert [e.action for e in mine] == [REFUSED]  # nothing of the record was read
    assert (
        not ServiceVisit.select()
        .where(ServiceVisit.person == customer.person_id)
        .where(ServiceVisit.channel == "kiosk")
        .exists()
    )


def test_taking_the_card_out_at_the_pin_ends_the_session(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk(training=True)
    sample = samples["arrears"]
    kiosk.insert_card(sample.card_no)
    kiosk.wait_for("verify")
    kiosk.window.cards.remove_training_card()
    kiosk.wait_for("welcome")
    assert kiosk.window.session.customer is None
    assert _leftovers(kiosk, sample) == []


def test_finishing_with_the_card_in_says_to_take_it_and_taking_it_brings_the_welcome(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk(training=True)
    sample = samples["contributor"]
    record = _open_by_card(kiosk, sample)
    record.finish.invoke()
    goodbye = kiosk.wait_for("goodbye")
    assert goodbye.reminder.cget("text") == "Please take your card."
    assert not record.winfo_exists()
    assert _leftovers(kiosk, sample) == []
    kiosk.screenshot("goodbye-take-card")
    kiosk.window.cards.remove_training_card()
    kiosk.wait_for("welcome")
    assert not goodbye.winfo_exists()


def test_a_card_in_a_real_pcsc_reader_opens_the_record_after_its_pin(
    make_kiosk: Callable[..., KioskDriver],
    samples: dict[str, Sample],
    vpcd_port: int,
    vpcd_reader: str,
) -> None:
    kiosk = make_kiosk(reader=ReaderMode.PCSC)
    kiosk.pump(lambda: kiosk.window.cards.view.reader == vpcd_reader, "pcscd's virtual reader")
    sample = samples["retiree"]
    card = VirtualCard(holder_profile(sample.card_no, TRAINER))
    with VpcdLink(card, port=vpcd_port):
        kiosk.wait_for("verify")
        kiosk.tap(CARD_PIN)
        record = kiosk.wait_for("record")
        assert record.name.cget("text") == sample.name
    kiosk.wait_for("welcome")
    assert _leftovers(kiosk, sample) == []


# the typed number and the query password -----------------------------------------------------


def test_a_typed_id_number_and_the_query_password_open_the_record_and_finish_says_goodbye(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk()
    sample = samples["contributor"]
    welcome = kiosk.screen
    kiosk.tap(sample.ssn[:10])
    assert "18-character ID number" in welcome.message.cget("text")
    kiosk.screenshot("welcome-typed-too-short")
    kiosk.tap(sample.ssn)
    verify = kiosk.wait_for("verify")
    assert not verify.by_card
    reads = AuditEvent.select().where(AuditEvent.actor == kiosk.window.actor.name)
    assert not reads.where(AuditEvent.action == "person.read").exists()  # nothing read yet
    kiosk.tap("11111111")
    kiosk.settle()
    assert verify.message.cget("text") == "Wrong query password: 4 tries left."
    kiosk.screenshot("verify-password")
    birth = find_one(KeyKind.ID_NUMBER, sample.ssn).birth_date.strftime("%Y%m%d")
    kiosk.tap(birth)
    record = kiosk.wait_for("record")
    assert record.name.cget("text") == sample.name
    record.finish.invoke()
    goodbye = kiosk.wait_for("goodbye")
    assert goodbye.reminder.cget("text") == ""
    assert kiosk.window.session.customer is None
    assert _leftovers(kiosk, sample) == []
    kiosk.screenshot("goodbye")
    kiosk.clock.advance(kiosk.window.config.goodbye_seconds)
    kiosk.wait_for("welcome")


def test_the_keypad_has_x_for_id_numbers_and_keys_large_enough_to_touch(
    make_kiosk: Callable[..., KioskDriver],
) -> None:
    kiosk = make_kiosk()
    keypad = kiosk.screen.keypad
    keypad.buttons["3"].invoke()
    keypad.buttons["X"].invoke()
    assert kiosk.screen.typed.get() == "3X"
    keypad.buttons["⌫"].invoke()
    assert kiosk.screen.typed.get() == "3"
    kiosk.root.update()
    heights = [button.winfo_height() for button in keypad.buttons.values()]
    widths = [button.winfo_width() for button in keypad.buttons.values()]
    assert min(heights) >= 48 and min(widths) >= 48


def _answers(kiosk: KioskDriver, number: str) -> list[str]:
    """What the kiosk says to a typed number and six wrong query passwords."""
    kiosk.tap(number)
    verify = kiosk.wait_for("verify")
    said = [verify.message.cget("text")]
    for _attempt in range(6):
        kiosk.tap("11111111")
        kiosk.settle()
        said.append(verify.message.cget("text"))
    said.append(str(verify.keypad.buttons["ok"].cget("state")))
    verify.cancel.invoke()
    kiosk.wait_for("welcome")
    return said


def test_a_number_nobody_has_here_is_answered_like_one_in_the_register_and_logged_masked(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk()
    unknown = "110101199003070011"  # valid, not in this district's register
    held = _answers(kiosk, samples["arrears"].ssn)
    assert held[1] == "Wrong query password: 4 tries left."
    assert held[-2].startswith("Your query password is locked") and held[-1] == "disabled"
    assert _answers(kiosk, unknown) == held  # the hall cannot tell the two apart
    tried = AuditEvent.select().where(AuditEvent.action == UNKNOWN_TRIED)
    assert tried.count() == 5 and all(e.person_id is None for e in tried)  # then no keypad
    assert all(mask_id_number(unknown) in e.detail and unknown not in e.detail for e in tried)
    assert _answers(kiosk, unknown)[1].startswith("Your query password is locked")  # held on


def test_a_card_number_is_typed_with_the_abc_key_or_as_its_8_digits_alone(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk()
    sample = samples["contributor"]
    keypad = kiosk.screen.keypad
    keypad.buttons["abc"].invoke()
    assert keypad.showing_letters
    kiosk.root.update()
    sizes = [(b.winfo_width(), b.winfo_height()) for b in keypad.letter_buttons.values()]
    assert min(min(size) for size in sizes) >= 48  # large enough to touch
    kiosk.screenshot("welcome-letters")
    keypad.letter_buttons[sample.card_no[0]].invoke()
    assert not keypad.showing_letters  # back to the digits for the rest
    for digit in sample.card_no[1:]:
        keypad.buttons[digit].invoke()
    assert kiosk.screen.typed.get() == sample.card_no
    keypad.buttons["ok"].invoke()
    verify = kiosk.wait_for("verify")
    assert verify.customer.value == sample.card_no and verify.customer.person_id is not None
    verify.cancel.invoke()
    kiosk.wait_for("welcome")
    kiosk.tap(sample.card_no[1:])  # the digits alone: the register finds the letter
    verify = kiosk.wait_for("verify")
    assert verify.customer.value == sample.card_no
    assert verify.customer.person_id == find_one(KeyKind.CARD, sample.card_no).id


def test_eight_digits_of_two_cards_ask_for_the_letter(
    demo: OfficeHome, samples: dict[str, Sample]
) -> None:
    sample = samples["contributor"]
    holder = Person.get_by_id(find_one(KeyKind.CARD, sample.card_no).id)
    other = "Z" if sample.card_no[0] != "Z" else "Y"
    add_card(holder, other + sample.card_no[1:], CardStatus.REPLACED)
    with pytest.raises(CardLetterNeeded):
        identify_typed(KeyKind.CARD, sample.card_no[1:])
    assert "ABC" in kiosk_error(CardLetterNeeded("2 cards"))
    assert identify_typed(KeyKind.CARD, sample.card_no).person_id == holder.id


def test_a_locked_query_password_is_told_and_the_keypad_stops(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk()
    kiosk.tap(samples["arrears"].ssn)
    verify = kiosk.wait_for("verify")
    for _attempt in range(5):
        kiosk.tap("11111111")
        kiosk.settle()
    assert verify.message.cget("text").startswith("Your query password is locked")
    assert str(verify.keypad.buttons["ok"].cget("state")) == "disabled"
    kiosk.screenshot("verify-password-locked")
    verify.cancel.invoke()
    kiosk.wait_for("welcome")
    kiosk.tap(samples["arrears"].ssn)
    verify = kiosk.wait_for("verify")
    kiosk.tap("19000101")
    kiosk.settle()
    assert verify.message.cget("text").startswith("Your query password is locked")


# the end of a session ------------------------------------------------------------------------


def test_the_idle_timeout_destroys_every_widget_and_datum_of_the_citizen(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk(training=True, idle_seconds=60)
    sample = samples["contributor"]
    record = _open_by_card(kiosk, sample)
    balances = tuple(b.cget("text") for b in record.balances)
    assert _leftovers(kiosk, sample, balances)  # the walk finds them while shown
    kiosk.clock.advance(59)
    kiosk.let_ticks_run()
    assert kiosk.key == "record" and record.winfo_exists()
    kiosk.clock.advance(1)
    kiosk.wait_for("welcome")
    assert not record.winfo_exists()
    assert kiosk.window.session.customer is None
    assert _leftovers(kiosk, sample, balances) == []
    kiosk.screenshot("after-idle-reset")


def test_digits_typed_and_left_are_cleared_by_the_idle_timeout(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk()
    first = kiosk.screen
    kiosk.clock.advance(kiosk.window.config.idle_seconds)
    kiosk.let_ticks_run()
    assert kiosk.screen is first  # an untouched welcome stays
    kiosk.screen.typed.set(samples["contributor"].ssn[:12])
    kiosk.clock.advance(kiosk.window.config.idle_seconds)
    kiosk.pump(lambda: kiosk.screen is not first, "a new welcome")
    assert kiosk.screen.typed.get() == ""


# printing ------------------------------------------------------------------------------------


def test_print_without_a_printer_says_to_ask_at_the_counter(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample], demo: OfficeHome
) -> None:
    kiosk = make_kiosk(training=True, printer="")
    record = _open_by_card(kiosk, samples["contributor"])
    record.print_button.invoke()
    screen = kiosk.wait_for("print")
    assert screen.message.cget("text").startswith("This kiosk has no printer")
    assert not (demo.path / "statements").exists() or not list(
        (demo.path / "statements").glob("*.pdf")
    )
    kiosk.screenshot("print-no-printer")
    screen.back.invoke()
    kiosk.wait_for("record")


@pytest.mark.dates
def test_print_with_a_printer_writes_the_statement_and_hands_it_to_lp(
    make_kiosk: Callable[..., KioskDriver],
    samples: dict[str, Sample],
    demo: OfficeHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lp = bin_dir / "lp"
    log = tmp_path / "lp.log"
    lp.write_text(f'#!/bin/sh\necho "$@" >> {log}\necho "request id is hall-1 (1 file(s))"\n')
    lp.chmod(lp.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    kiosk = make_kiosk(training=True, printer="hall")
    record = _open_by_card(kiosk, samples["contributor"])
    record.print_button.invoke()
    screen = kiosk.wait_for("print")
    assert screen.printed is not None, screen.message.cget("text")
    assert screen.printed.path.exists()
    assert screen.printed.number in screen.message.cget("text")
    assert log.read_text().startswith(f"-d hall -t {screen.printed.number} ")
    kiosk.screenshot("print-done")


# Chinese -------------------------------------------------------------------------------------


def test_the_kiosk_speaks_chinese_in_a_chinese_font(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample]
) -> None:
    kiosk = make_kiosk(lang="zh", training=True)
    family = tkfont.nametofont("TkDefaultFont", kiosk.root).actual("family")
    assert family in CJK_FAMILIES
    assert kiosk.screen.keypad.buttons["ok"].cget("text") == "确定"
    path = kiosk.screenshot("welcome-zh")
    bar = kiosk.window.training
    assert bar is not None
    training = [str(w.cget("text")) for w in bar.winfo_children()]
    assert len(training) == 6 and not [t for t in training if re.search("[A-Za-z]", t)], training
    with Image.open(path) as image:
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 50  # not blank
    record = _open_by_card(kiosk, samples["contributor"])
    assert record.years.rows()
    kiosk.screenshot("record-zh")


# the command ---------------------------------------------------------------------------------


def test_the_kiosk_command_opens_a_full_screen_window_and_ends_on_sigterm(
    display: str, demo_home: Path, shots: Path, keep_screens: Path | None
) -> None:
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is not installed (Debian package xdotool)", pytrace=False)
    env = cli_env({"DISPLAY": display})
    argv = [str(COUNTERDESK), "--home", str(demo_home), "kiosk", "--training", "--idle", "30"]
    kiosk = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--class", "Tk"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        window = found.stdout.split()[0]
        geometry = subprocess.run(
            ["xdotool", "getwindowgeometry", window],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert "1366x768" in geometry.stdout
        time.sleep(0.5)  # let it draw: the screenshot is only looked at, not compared
        path = shots / "kiosk-process-zh.png"
        subprocess.run(["import", "-window", "root", str(path)], env=env, check=True, timeout=30)
        if keep_screens is not None:
            keep_screens.mkdir(exist_ok=True)
            shutil.copy2(path, keep_screens / path.name)
    finally:
        kiosk.terminate()
        _out, err = kiosk.communicate(timeout=20)
    assert kiosk.returncode == 0, err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_while_the_register_loads_a_number_here_or_not_is_answered_alike_with_try_later(
    make_kiosk: Callable[..., KioskDriver], samples: dict[str, Sample], lang: str
) -> None:
    from sync import settings, state

    with write_transaction():  # an enrolled office whose first copy stopped in the persons
        settings.store("http://127.0.0.1:9", "lixia.x", "lixia", ("370102",), "2026-11-28")
        state.update_detail(
            bootstrap={"phase": "person", "after": 1, "snapshot": 3, "pages": 4, "rows": 9,
                       "order": ["staff", "employer", "person", "office"], "persons": 200,
                       "persons_total": 400, "started_at": "2026-11-28T08:00:00+00:00"}
        )  # fmt: skip
    kiosk = make_kiosk(lang=lang)
    held = _answers(kiosk, samples["arrears"].ssn)
    assert _answers(kiosk, "110101199003070011") == held  # the hall cannot tell the two apart
    if lang == "en":
        assert held[1] == (
            "The query password is wrong, or your record has not arrived at this machine yet: "
            "4 tries left. Please try again later, or go to a counter."
        )
    else:
        assert held[1].startswith("查询密码错误，或您的记录尚未传到本机")
    assert held[-2] != held[1] and held[-1] == "disabled"  # then locked, as always
    kiosk.tap(samples["contributor"].ssn)
    verify = kiosk.wait_for("verify")
    kiosk.tap("11111111")
    kiosk.settle()
    kiosk.screenshot(f"loading-wrong-or-not-here-{lang}")
    verify.cancel.invoke()
