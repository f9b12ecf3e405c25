"""Serving a customer: open by ID number or name, act, print, end the visit."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from desktop.core.visit import Purpose
from models.clock import local_today
from models.enums import CardStatus, OutboxStatus
from models.home import OfficeHome
from models.schema import AuditEvent, Card, Outbox, QueryCredential, ServiceVisit
from tests.app.conftest import Sample
from tests.app.driver import AppDriver

FAST = {"status_refresh_ms": 100, "tick_ms": 50}


@pytest.mark.dates
def test_an_id_number_is_checked_as_typed_and_opens_the_customer(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app()
    app.sign_in()
    waiting = app.screen
    app.type_into(waiting.entry, demo_ssn[:10])
    assert waiting.reading.cget("text") == "ID number: 10 of 18 characters."
    wrong = demo_ssn[:16] + ("1" if demo_ssn[16] != "1" else "2") + demo_ssn[17]
    app.type_into(waiting.entry, wrong)
    assert waiting.reading.cget("text").startswith("The check character does not match")
    app.press("Return", waiting.entry)
    assert app.key == "waiting" and "check character" in waiting.reading.cget("text")
    app.screenshot("waiting-invalid-id")
    app.type_into(waiting.entry, demo_ssn)
    assert waiting.reading.cget("text").startswith("Valid ID number: born ")
    customer = app.open_by_id(demo_ssn)
    header = customer.header
    assert header.ssn.cget("text") == f"ID {demo_ssn[:6]}********{demo_ssn[-4:]}"
    assert header.as_of.cget("text").startswith("Data as of")
    periods = {row[0] for row in customer.months.rows()}
    assert len(periods) == 36
    assert "Pension account" in header.balances.cget("text")
    app.screenshot("customer")


def test_a_name_lists_the_matches_and_enter_opens_the_one_picked(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app()
    app.sign_in()
    waiting = app.screen
    surname = samples["contributor"].name[0]
    app.type_into(waiting.entry, surname)
    assert waiting.reading.cget("text") == "A name: press Enter to search."
    app.press("Return", waiting.entry)
    app.pump(lambda: bool(waiting.found), "the name matches")
    assert len(waiting.found) >= 2
    assert app.focused() == waiting.results.tree
    app.screenshot("waiting-names")
    app.press("Down", waiting.results.tree)
    second = waiting.found[1]
    app.press("Return", waiting.results.tree)
    customer = app.wait_for_screen("customer")
    assert customer.visit.overview.person.id == second.id
    assert AuditEvent.select().where(AuditEvent.action == "person.search").count() == 1


@pytest.mark.dates
def test_months_in_arrears_are_marked(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app()
    app.sign_in()
    customer = app.open_by_id(samples["arrears"].ssn)
    tree = customer.months.tree
    marked = [i for i in tree.get_children() if "arrears" in tree.item(i, "tags")]
    assert marked
    assert all(tree.item(i, "values")[5].startswith("⚠") for i in marked)
    customer.tabs.select(customer.years)
    app.screenshot("customer-yearly-totals")
    customer.tabs.select(customer.accounts)
    app.screenshot("customer-accounts")


def test_reporting_a_card_lost_asks_first_and_shows_when_headquarters_confirms(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app(**FAST)
    app.sign_in()
    sample = samples["contributor"]
    customer = app.open_by_id(sample.ssn)
    app.press("F5", customer)
    dialog = app.window.dialogs.current
    assert dialog is not None and sample.card_no in dialog.message.cget("text")
    app.screenshot("confirm-report-lost")
    app.answer_dialog(yes=False)
    assert Card.get(Card.card_no == sample.card_no).status == CardStatus.ACTIVE
    app.press("F5", customer)
    app.answer_dialog(yes=True)
    app.settle()
    assert Card.get(Card.card_no == sample.card_no).status == CardStatus.LOST
    entry = Outbox.get(Outbox.command == "card.report_lost")
    assert entry.status == OutboxStatus.PENDING
    line = customer.log.texts()[-1]
    assert f"Card {sample.card_no} reported lost" in line
    assert line.endswith("waiting for headquarters")
    assert customer.card_panel.state.cget("text") == "reported lost"
    assert customer.visit.purpose is Purpose.CARD_REPORT_LOST
    app.pump(
        lambda: "1 change waiting" in app.window.statusbar.pending.cget("text"),
        "the status bar to count the change",
    )
    app.screenshot("customer-card-reported-lost")
    Outbox.update(status=OutboxStatus.ACCEPTED.value).where(Outbox.seq == entry.seq).execute()
    app.pump(
        lambda: customer.log.texts()[-1].endswith("confirmed by headquarters"),
        "headquarters' confirmation",
    )
    app.press("F6", customer)
    app.answer_dialog(yes=True)
    app.settle()
    assert Card.get(Card.card_no == sample.card_no).status == CardStatus.ACTIVE


def test_a_wrong_query_password_shows_the_tries_left_and_a_reset_needs_confirming(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app()
    app.sign_in()
    customer = app.open_by_id(demo_ssn)
    panel = customer.verification
    app.type_into(panel.password, "00000000")
    panel.password_button.invoke()
    app.settle()
    assert panel.password_state.cget("text") == "Wrong query password: 4 tries left."
    person_id = customer.visit.person_id
    assert QueryCredential.get(QueryCredential.person == person_id).failed_attempts == 1
    app.press("F7", customer)
    dialog = app.window.dialogs.current
    assert dialog is not None and "birth date" in dialog.message.cget("text")
    app.answer_dialog(yes=True)
    app.settle()
    assert QueryCredential.get(QueryCredential.person == person_id).failed_attempts == 0
    assert Outbox.get(Outbox.command == "query_password.reset").status == "pending"
    assert customer.log.texts()[-1].endswith("waiting for headquarters")
    birth = customer.visit.overview.person.birth_date.strftime("%Y%m%d")
    app.type_into(panel.password, birth)
    panel.password_button.invoke()
    app.settle()
    assert panel.password_state.cget("text") == "✔ Query password correct"


@pytest.mark.dates
def test_a_supervisor_prints_a_statement_to_a_pdf_in_the_statements_folder(
    make_app: Callable[..., AppDriver], demo: OfficeHome, demo_ssn: str
) -> None:
    app = make_app()
    app.sign_in("supervisor01")
    customer = app.open_by_id(demo_ssn)
    app.press("F8", customer)
    dialog = app.window.dialogs.current
    assert dialog is not None and dialog.year.get() == str(local_today().year - 1)
    app.screenshot("print-dialog")
    dialog.ok_button.invoke()
    app.settle()
    pdfs = list((demo.path / "statements").glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].stat().st_size > 1000
    assert pdfs[0].read_bytes().startswith(b"%PDF")
    line = customer.log.texts()[-1]
    assert pdfs[0].name in line and customer.visit.purpose is Purpose.STATEMENT


def test_a_clerk_may_not_print_statements(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app()
    app.sign_in("clerk01")
    customer = app.open_by_id(demo_ssn)
    assert str(customer.action_buttons["print_statement"].cget("state")) == "disabled"
    app.press("F8", customer)
    assert app.window.dialogs.current is None


def test_ending_the_visit_records_it_and_puts_the_focus_back_in_the_id_field(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app()
    app.sign_in()
    customer = app.open_by_id(demo_ssn)
    person_id = customer.visit.person_id
    customer.verification.id_check.invoke()
    app.press("F12", customer)
    waiting = app.wait_for_screen("waiting")
    assert app.focused() == waiting.entry
    assert waiting.message.cget("text") == "Visit recorded. Next customer, please."
    visit = ServiceVisit.get()
    assert (visit.purpose, visit.channel, visit.note) == ("lookup", "counter", "verified: id_card")
    assert visit.person_id == person_id
    app.screenshot("waiting-after-visit")


def test_revealing_the_id_number_is_logged_and_escape_asks_before_leaving(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app()
    app.sign_in()
    customer = app.open_by_id(demo_ssn)
    app.press("F2", customer)
    app.settle()
    assert customer.header.ssn.cget("text") == f"ID {demo_ssn}"
    assert AuditEvent.select().where(AuditEvent.action == "person.reveal_id").count() == 1
    app.press("F2", customer)
    assert demo_ssn not in customer.header.ssn.cget("text")
    app.press("Escape", customer)
    assert app.window.dialogs.current is not None
    app.answer_dialog(yes=True)
    app.wait_for_screen("waiting")
    assert ServiceVisit.select().count() == 0


def test_the_status_bar_shows_what_the_sync_worker_publishes(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app(tick_ms=20, status_refresh_ms=600_000)  # only the worker speaks
    from dataclasses import replace

    from sync.scheduler import WorkerUpdate
    from sync.status import read_status

    snapshot = replace(
        read_status(),
        status="failing",
        last_error="headquarters answered 500",
        error_kind="server_error",
        pending=4,
    )
    update = WorkerUpdate(snapshot, None)
    publish = app.window.tasks.listener(app.window.status_published)  # as the worker's
    threading.Thread(target=publish, args=(update,)).start()
    bar = app.window.statusbar
    app.pump(lambda: "failure" in bar.sync.cget("text"), "the published status")
    # the reason in words by its code, not the engine's English
    assert bar.sync.cget("text").startswith("● Sync failing: Headquarters had a failure")
    assert bar.pending.cget("text").startswith("4 changes waiting to be sent")
    unknown = replace(snapshot, error_kind="a_code_of_a_newer_sync")  # no English in the bar
    threading.Thread(target=publish, args=(WorkerUpdate(unknown, None),)).start()
    app.pump(lambda: "failure" not in bar.sync.cget("text"), "the second published status")
    assert bar.sync.cget("text") == "● Sync failing"
