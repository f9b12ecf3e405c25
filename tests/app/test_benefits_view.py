"""The counter shows benefits: a retiree's note on the contribution table, the Benefits tab,
and recording the yearly pension eligibility check."""

from __future__ import annotations

import json
from collections.abc import Callable

from models.enums import OutboxStatus
from models.schema import AuditEvent, Outbox, db
from tests.app.conftest import Sample
from tests.app.driver import AppDriver


def test_a_retiree_sees_why_there_are_no_contributions_and_the_pension_months(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app()
    app.sign_in()
    customer = app.open_by_id(samples["retiree"].ssn)
    b = customer.visit.overview.benefits
    note = customer.retired_note.label
    assert note.winfo_ismapped()
    assert note.cget("text") == (
        f"Retired since {b.retired_since.isoformat()}: no contributions are due. "
        "See the Benefits tab."
    )
    app.screenshot("customer-retiree-months")
    customer.tabs.select(customer.benefits)
    app.settle()
    rows = customer.benefits.table.rows()
    assert len(rows) == len(b.payments) > 0
    first = b.payments[0]
    assert rows[0][1] == "Monthly pension" and rows[0][3] == first.paid_date.isoformat()
    assert rows[0][4] == first.account_masked and "*" * 8 in rows[0][4]
    assert customer.benefits.check.cget("text").startswith("Pension eligibility check")
    assert customer.benefits.record.winfo_ismapped()
    app.screenshot("customer-retiree-benefits")


def test_a_contributor_sees_no_retiree_note_and_cannot_record_a_check(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app()
    app.sign_in()
    customer = app.open_by_id(samples["contributor"].ssn)
    assert not customer.retired_note.label.winfo_ismapped()
    customer.tabs.select(customer.benefits)
    app.settle()
    assert customer.benefits.table.rows() == []
    assert not customer.benefits.record.winfo_ismapped()
    assert "No pension is paid" in customer.benefits.check.cget("text")


def test_recording_a_check_asks_first_queues_it_and_shows_it(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app(status_refresh_ms=100, tick_ms=50)
    app.sign_in()
    customer = app.open_by_id(samples["retiree"].ssn)
    customer.tabs.select(customer.benefits)
    app.settle()
    customer.benefits.record.invoke()
    dialog = app.window.dialogs.current
    assert dialog is not None and samples["retiree"].name in dialog.message.cget("text")
    app.screenshot("confirm-pension-check")
    app.answer_dialog(yes=False)
    assert not Outbox.select().where(Outbox.command == "pension.check_recorded").exists()
    customer.benefits.record.invoke()
    app.answer_dialog(yes=True)
    app.pump(
        lambda: Outbox.select().where(Outbox.command == "pension.check_recorded").exists(),
        "the check to be queued",
    )
    app.settle()
    entry = Outbox.get(Outbox.command == "pension.check_recorded")
    assert entry.status == OutboxStatus.PENDING
    assert json.loads(entry.payload)["ssn"] == samples["retiree"].ssn
    pid = customer.visit.overview.person.id
    assert (
        AuditEvent.select()
        .where((AuditEvent.action == "pension.check_recorded") & (AuditEvent.person == pid))
        .exists()
    )
    held = db.execute_sql(
        "SELECT checked_date, channel FROM pension_check WHERE person_id = ? ORDER BY year DESC",
        (pid,),
    ).fetchone()
    assert held[1] == "counter"
    app.pump(
        lambda: "Pension eligibility check recorded" in customer.log.texts()[-1],
        "the action log line",
    )
    text = customer.benefits.check.cget("text")
    assert f"done on {held[0]} (at a counter)" in text
    app.screenshot("customer-pension-check-recorded")


def test_the_benefits_tab_in_chinese(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app(lang="zh")
    app.sign_in()
    customer = app.open_by_id(samples["retiree"].ssn)
    assert "起退休" in customer.retired_note.label.cget("text")
    app.screenshot("customer-retiree-months-zh")
    customer.tabs.select(customer.benefits)
    app.settle()
    assert customer.benefits.table.rows()[0][1] == "基本养老金"
    app.screenshot("customer-retiree-benefits-zh")
