"""The counter screen's rough edges (issue 17, part 5): name searches that are cut, a single
match, the left column's width, the confirmation dialog's keys, 'data as of', the card at the
end of a visit, training mode."""

from __future__ import annotations

import threading
import tkinter.font as tkfont
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from desktop.app import theme
from desktop.core.i18n import _, ngettext, set_language
from desktop.core.training import TRAINING_PIN, CardKind, holder_profile
from models.actor import Actor
from models.clock import utc_now
from models.enums import CardStatus, Role
from models.schema import AuditEvent, Card
from sync.scheduler import WorkerUpdate
from sync.status import read_status
from tests.app.conftest import Sample
from tests.app.driver import AppDriver, xdotool
from tests.factories import add_person

TRAINER = Actor("clerk01", Role.CLERK)
GIVEN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土日月星"


def _many_named(surname: str, count: int, region: str = "370105", first: int = 0) -> None:
    """`count` more people whose name starts with `surname`, born 1960-1979 (one a year in
    turn), with ID numbers of `region` (by default another district than the demo's); `first`
    skips that many names and sequence numbers (for more people of the same surname)."""
    for i in range(first, first + count):
        add_person(
            surname + GIVEN[i % len(GIVEN)] + GIVEN[i // len(GIVEN)],
            birth=date(1960 + i % 20, 3, 1 + i // 20),
            sequence=100 + i,
            region=region,
        )


def test_a_name_search_cut_at_fifty_says_how_many_match_and_how_to_narrow(
    make_app: Callable[..., AppDriver],
) -> None:
    _many_named("闵", 60)
    app = make_app()
    app.sign_in()
    waiting = app.screen
    app.type_into(waiting.entry, "闵")
    app.press("Return", waiting.entry)
    app.pump(lambda: bool(waiting.found), "the name matches")
    title = waiting.results_title.cget("text")
    assert len(waiting.found) == 50
    assert title.startswith("60 found; the first 50 are listed.")
    assert "add the birth year or the district after the name" in title
    assert "“闵\N{NO-BREAK SPACE}1975”" in title
    app.screenshot("waiting-names-cut")
    app.type_into(waiting.entry, "闵 1975")
    assert waiting.reading.cget("text").startswith("A name and a birth year")
    app.press("Return", waiting.entry)
    app.pump(lambda: len(waiting.found) == 3, "the matches born in 1975")
    assert {p.birth_date.year for p in waiting.found} == {1975}
    assert waiting.results_title.cget("text").startswith("3 found: pick one")


def test_a_district_after_the_name_narrows_a_cut_list_to_that_districts_people(
    make_app: Callable[..., AppDriver],
) -> None:
    _many_named("闵", 55)  # 天桥区
    _many_named("闵", 20, region="370104", first=55)  # 槐荫区: one born each year 1960-1979
    app = make_app()
    app.sign_in()
    waiting = app.screen
    app.type_into(waiting.entry, "闵")
    app.press("Return", waiting.entry)
    app.pump(lambda: bool(waiting.found), "the name matches")
    assert waiting.results_title.cget("text").startswith("75 found; the first 50 are listed.")
    app.type_into(waiting.entry, "闵 槐荫区")
    assert waiting.reading.cget("text").startswith("A name and a district")
    app.press("Return", waiting.entry)
    app.pump(lambda: len(waiting.found) == 20, "the matches of 槐荫区")
    assert {p.region_code for p in waiting.found} == {"370104"}
    app.type_into(waiting.entry, "闵 1975 天桥区")
    app.press("Return", waiting.entry)
    app.pump(lambda: len(waiting.found) == 2, "the matches of 天桥区 born in 1975")
    assert {(p.region_code, p.birth_date.year) for p in waiting.found} == {("370105", 1975)}
    app.screenshot("waiting-names-of-a-district")


def test_a_birth_year_that_cannot_be_is_refused_as_typed(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app()
    app.sign_in()
    waiting = app.screen
    app.type_into(waiting.entry, "王芳 1850")
    assert waiting.reading.cget("text").startswith("1850 is not a birth year")
    app.press("Return", waiting.entry)
    assert app.key == "waiting" and not waiting.found


def test_a_name_only_one_person_has_opens_that_person_at_once(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    only = add_person("欧阳独秀", birth=date(1971, 5, 5), sequence=17, region="370105")
    app = make_app()
    app.sign_in()
    waiting = app.screen
    app.type_into(waiting.entry, "欧阳独秀")
    app.press("Return", waiting.entry)
    customer = app.wait_for_screen("customer")
    assert customer.visit.overview.person.id == only.id
    assert AuditEvent.select().where(AuditEvent.action == "person.search").count() == 1


def test_the_header_says_the_same_data_age_as_the_status_bar(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app(tick_ms=20, status_refresh_ms=600_000)  # only the worker speaks after start
    app.sign_in()
    customer = app.open_by_id(demo_ssn)
    bar, header = app.window.statusbar, customer.header
    app.pump(lambda: bool(bar.as_of.cget("text")), "the first status reading")
    assert header.as_of.cget("text") == bar.as_of.cget("text")
    synced = utc_now() - timedelta(minutes=3)
    snapshot = replace(
        read_status(), status="online", last_success_at=synced, data_as_of=synced, pending=0
    )
    publish = app.window.tasks.listener(app.window.status_published)  # as the worker's
    threading.Thread(target=publish, args=(WorkerUpdate(snapshot, None),)).start()
    app.pump(lambda: "3 minutes ago" in bar.as_of.cget("text"), "the published status")
    assert header.as_of.cget("text") == bar.as_of.cget("text")
    app.screenshot("customer-data-as-of")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_data_age_stays_whole_in_a_busy_status_bar_at_1366_pixels(
    make_app: Callable[..., AppDriver], demo_ssn: str, lang: str
) -> None:
    app = make_app(lang=lang, tick_ms=20, status_refresh_ms=600_000)
    app.sign_in()
    app.open_by_id(demo_ssn)
    bar = app.window.statusbar
    app.pump(lambda: bool(bar.as_of.cget("text")), "the first status reading")
    synced = utc_now() - timedelta(hours=5)
    busy = replace(  # everything the bar can say at once, in its longest words
        read_status(),
        status="failing",
        last_error="headquarters answered 503",
        error_kind="server_error",
        last_success_at=synced,
        data_as_of=synced,
        pending=1234,
        rejected_awaiting=12,
        clock_skew_s=1800.0,
    )
    publish = app.window.tasks.listener(app.window.status_published)
    threading.Thread(target=publish, args=(WorkerUpdate(busy, None),)).start()
    app.pump(lambda: "1234" in bar.pending.cget("text"), "the busy status")
    app.root.update_idletasks()
    assert app.root.winfo_width() <= 1366
    assert bar.as_of.winfo_ismapped(), "the data age is cut off the status bar"
    assert bar.as_of.winfo_width() >= bar.as_of.winfo_reqwidth(), bar.as_of.cget("text")
    app.screenshot(f"statusbar-busy-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_left_column_keeps_its_width_when_a_card_is_read_or_an_error_shown(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample], lang: str
) -> None:
    set_language(lang)
    app = make_app(training=True, lang=lang)
    app.sign_in()
    sample = samples["contributor"]
    customer = app.open_by_id(sample.ssn)
    app.settle()

    def column() -> tuple[int, int]:
        app.root.update_idletasks()
        return customer.left.winfo_width(), customer.tabs.winfo_rootx()

    before = column()
    app.window.training.insert(sample.card_no, CardKind.NORMAL)
    app.pump(lambda: customer.visit.card is not None, "the card read")
    app.settle()
    assert customer.card_panel.details.cget("text").endswith(_("read at the counter"))
    assert column() == before
    panel = customer.verification
    app.type_into(panel.password, "00000000")
    panel.password_button.invoke()
    app.settle()
    wrong = ngettext(
        "Wrong query password: {n} try left.", "Wrong query password: {n} tries left.", 4
    )
    assert panel.password_state.cget("text") == wrong.format(n=4)
    panel.say_pin(_("Insert this person's card first."), "danger")
    app.root.update()
    assert column() == before
    app.screenshot(f"customer-left-column-{lang}")


def test_the_confirmation_keeps_enter_and_escape_after_a_click_outside_it(
    make_app: Callable[..., AppDriver], display: str, demo_ssn: str
) -> None:
    app = make_app()
    app.sign_in()
    customer = app.open_by_id(demo_ssn)
    for key, answered in (("Escape", False), ("Return", True)):
        app.press("F5", customer)
        dialog = app.window.dialogs.current
        assert dialog is not None
        app.pump(lambda d=dialog: d.winfo_viewable(), "the dialog on screen")
        app.settle()
        # a click on the record behind the dialog, then the key, both through the X server
        x = customer.tabs.winfo_rootx() + 40
        y = customer.tabs.winfo_rooty() + 120
        xdotool("mousemove", str(x), str(y), "click", "1", display=display)
        # as a window manager does on that click: the main window gets the keyboard
        xdotool("windowfocus", "--sync", str(int(app.root.wm_frame(), 16)), display=display)
        app.pump(lambda: True, "the click")
        app.settle()
        xdotool("key", key, display=display)
        app.pump(lambda: app.window.dialogs.current is None, f"{key} to answer the dialog")
        app.settle()
        status = Card.get(Card.card_no == customer.visit.current_card_no).status
        assert (status == CardStatus.LOST) is answered


def test_ending_a_visit_with_the_card_in_the_reader_asks_to_hand_it_back(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app(training=True)
    app.sign_in()
    sample = samples["contributor"]
    app.window.training.insert(sample.card_no, CardKind.NORMAL)
    customer = app.wait_for_screen("customer")
    assert customer.visit.card is not None
    app.press("F12", customer)
    waiting = app.wait_for_screen("waiting")
    reminder = waiting.message.cget("text")
    assert reminder.startswith("Visit recorded.")
    assert "hand the social security card back to the customer" in reminder
    assert "danger" in str(waiting.message.cget("style"))
    app.screenshot("waiting-hand-back-the-card")
    app.window.training.remove_card()
    app.pump(lambda: "handed back" in waiting.message.cget("text"), "the card taken out")
    assert app.key == "waiting"


def test_signing_out_forgets_the_training_card_and_a_card_left_in_is_read_at_sign_in(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app(training=True)
    app.sign_in()
    sample = samples["contributor"]
    app.window.training.insert(sample.card_no, CardKind.NORMAL)
    app.wait_for_screen("customer")
    app.window.sign_out()
    app.wait_for_screen("login")
    bar = app.window.statusbar
    app.pump(lambda: not app.window.cards.view.card_present, "the training card taken out")
    assert bar.reader.cget("text").endswith("no card")
    assert app.window.ctx.visit is None
    # a card put in while nobody is signed in (a real reader's card stays in): read at sign-in
    other = samples["retiree"]
    app.window.cards.insert_training_card(holder_profile(other.card_no, TRAINER))
    app.pump(lambda: app.window.cards.view.card_present, "the card in the reader")
    assert app.key == "login"
    app.sign_in(lands_on="customer")
    assert app.screen.visit.overview.person.ssn == other.ssn


def test_training_mode_says_so_on_every_screen_with_the_training_pin(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app(training=True)
    banner = app.window.training_banner
    for step in ("login", "waiting", "customer"):
        if step == "waiting":
            app.sign_in()
        elif step == "customer":
            app.open_by_id(demo_ssn)
        assert banner.winfo_ismapped(), f"no banner on the {step} screen"
        assert banner.cget("text").startswith("TRAINING MODE")
        assert f"PIN of every training card: {TRAINING_PIN}" in banner.cget("text")
    app.screenshot("customer-training-banner")
    app.press("Escape", app.screen)
    app.answer_dialog(yes=True)
    app.wait_for_screen("waiting")
    app.window.training.choose_card()
    app.pump(lambda: app.window.dialogs.current is not None, "the training card dialog")
    dialog_texts = [
        w.cget("text")
        for w in app.window.dialogs.current.body.winfo_children()
        if w.winfo_class() == "TLabel"
    ]
    assert f"The PIN of every training card is {TRAINING_PIN}." in dialog_texts


def test_outside_training_there_is_no_banner(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app()
    app.sign_in()
    assert not app.window.training_banner.winfo_ismapped()


def test_headings_use_a_real_bold_face_or_none(make_app: Callable[..., AppDriver]) -> None:
    app = make_app()
    family = theme.cjk_family(app.root)
    assert family == "WenQuanYi Micro Hei"  # the font the tests' machines install
    assert not theme.has_bold_face(family)
    for name in (theme.TITLE_FONT, "TkHeadingFont", "TkCaptionFont"):
        font = tkfont.nametofont(name, app.root)
        assert font.actual("family") == family
        assert font.actual("weight") == "normal", f"{name} would be smeared bold"
    text = tkfont.nametofont("TkDefaultFont", app.root)
    assert tkfont.nametofont("TkHeadingFont", app.root).actual("size") > text.actual("size")


def test_a_family_with_a_bold_face_keeps_it() -> None:
    assert theme.font_weight(None, 14, "bold") == (14, "bold")  # Tk's own font
    assert theme.font_weight("WenQuanYi Micro Hei", 14, "bold") == (15, "normal")
    assert theme.font_weight("WenQuanYi Micro Hei", 14, "normal") == (14, "normal")


def test_the_statement_screen_says_the_same_data_age_as_the_status_bar(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app()
    app.sign_in("supervisor01")
    bar = app.window.statusbar
    app.pump(lambda: bool(bar.as_of.cget("text")), "the first status reading")
    app.window.open_office_screen("statement")
    screen = app.wait_for_screen("statement")
    assert screen.as_of.cget("text") == bar.as_of.cget("text")


def test_a_dialogs_own_dropdown_keeps_the_keyboard(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app()
    app.sign_in("supervisor01")
    customer = app.open_by_id(demo_ssn)
    app.press("F8", customer)
    dialog = app.window.dialogs.current
    assert dialog is not None
    app.pump(lambda: dialog.winfo_viewable(), "the print dialog on screen")
    app.root.tk.call("ttk::combobox::Post", str(dialog.year_box))
    app.settle()
    focused = str(app.root.tk.call("focus"))
    assert focused.startswith(f"{dialog.year_box}.popdown"), focused
    app.root.tk.call("ttk::combobox::Unpost", str(dialog.year_box))
    app.settle()
    dialog.cancel()
