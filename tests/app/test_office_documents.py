"""The supervisor's documents in the application: one statement, a batch, the daily report and
the audit log, opened from the "Office" menu."""

from __future__ import annotations

import os
import signal
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.app.screens.office.documents import SCREENS
from desktop.core import audit_log, documents, office_batch
from models.actor import Actor
from models.clock import local_today
from models.enums import Role
from models.home import OfficeHome
from models.lookup import KeyKind
from models.permissions import PermissionDenied
from models.schema import AuditEvent, OfficeSetting, Statement
from reports.printing import PrintFailed
from tests.app.conftest import Sample
from tests.app.driver import AppDriver
from tests.factories import add_person

KEYS = [screen.key for screen in SCREENS]


def _open(app: AppDriver, key: str) -> object:
    app.window.open_office_screen(key)
    return app.wait_for_screen(key)


def _pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def _message(screen: object) -> str:
    return str(screen.message.cget("text"))  # type: ignore[attr-defined]


def _fake_lp(folder: Path) -> Path:
    log = folder / "lp.log"
    script = folder / "lp"
    script.write_text(f'#!/bin/sh\necho "$@" >> {log}\necho "request id is counter-1-7"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return log


def test_a_clerk_is_refused_the_document_screens(make_app: Callable[..., AppDriver]) -> None:
    app = make_app()
    app.sign_in("clerk01")
    menu = app.window.menus.office
    assert menu is not None
    labels = {menu.entrycget(i, "label") for i in range(menu.index("end") + 1)}
    assert {"Statement for one person…", "Audit log…", "Daily report…"} <= labels
    for key in KEYS:
        app.window.open_office_screen(key)
        app.root.update()
        assert app.key == "waiting"
        assert "cannot open" in app.window.notice.cget("text")


@pytest.mark.dates
def test_a_supervisor_makes_a_statement_and_the_pdf_names_the_person(
    make_app: Callable[..., AppDriver], demo: OfficeHome, samples: dict[str, Sample]
) -> None:
    person = samples["contributor"]
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement")
    assert screen.as_of.cget("text").startswith("Data as of")
    wrong = person.ssn[:16] + ("1" if person.ssn[16] != "1" else "2") + person.ssn[17]
    app.type_into(screen.person.entry, wrong)
    assert "check character" in screen.person.reading_label.cget("text")
    app.press("Return", screen.person.entry)
    assert "valid ID number" in _message(screen) and Statement.select().count() == 0
    app.type_into(screen.person.entry, "11010519491231002X")
    app.press("Return", screen.person.entry)
    app.settle()
    assert _message(screen).startswith("Nobody with this number")
    app.type_into(screen.person.entry, person.ssn)
    app.press("Return", screen.person.entry)
    app.settle()
    pdfs = list((demo.path / "statements").glob("*-rights-*.pdf"))
    assert len(pdfs) == 1
    assert f"Statement {pdfs[0].name.split('-rights')[0]} for {person.name}" in _message(screen)
    assert str(pdfs[0]) in _message(screen) and "no printer" in screen.hint.cget("text")
    assert person.name in _pdf_text(pdfs[0])
    app.screenshot("docs-statement-en")


@pytest.mark.dates
def test_a_statement_finds_its_person_by_name_and_the_one_picked_is_stated(
    make_app: Callable[..., AppDriver], demo: OfficeHome, samples: dict[str, Sample]
) -> None:
    person = samples["contributor"]
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement")
    app.type_into(screen.person.entry, person.name[0])
    assert screen.person.reading_label.cget("text") == "A name: Enter lists the matches."
    app.press("Return", screen.person.entry)
    app.pump(lambda: bool(screen.found), "the name's matches")
    assert screen.matches.winfo_ismapped() and Statement.select().count() == 0
    assert app.focused() == screen.matches_table.tree
    app.screenshot("docs-statement-name-matches-en")
    index = next(i for i, p in enumerate(screen.found) if p.ssn == person.ssn)
    tree = screen.matches_table.tree
    row = tree.get_children()[index]
    tree.selection_set(row)
    tree.focus(row)
    app.press("Return", tree)
    assert not screen.matches.winfo_ismapped()
    masked = f"{person.ssn[:6]}********{person.ssn[-4:]}"
    assert screen.person.reading_label.cget("text").startswith(f"{person.name}, ID {masked}")
    assert app.focused() == screen.person.entry
    app.press("Return", screen.person.entry)
    app.settle()
    pdfs = list((demo.path / "statements").glob("*-rights-*.pdf"))
    assert len(pdfs) == 1, _message(screen)
    assert f"for {person.name}" in _message(screen)
    assert person.name in _pdf_text(pdfs[0])
    app.type_into(screen.person.entry, person.name + "x")
    assert "Not an ID number" in screen.person.reading_label.cget("text")


def test_a_name_only_one_person_has_is_taken_at_once_for_the_statement(
    make_app: Callable[..., AppDriver],
) -> None:
    only = add_person("欧阳独秀", sequence=17, region="370105")
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement")
    app.type_into(screen.person.entry, "欧阳独秀")
    app.press("Return", screen.person.entry)
    app.pump(lambda: screen.person.chosen is not None, "the one match taken")
    assert screen.person.key() == (KeyKind.ID_NUMBER, only.ssn)
    assert not screen.matches.winfo_ismapped()
    assert Statement.select().count() == 0


def test_f7_makes_a_certificate_of_contributions_for_the_period(
    make_app: Callable[..., AppDriver], demo: OfficeHome, samples: dict[str, Sample]
) -> None:
    person = samples["arrears"]
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement")
    app.type_into(screen.person.entry, person.card_no)
    app.press("F7", screen)
    assert screen.kind.get() == "certificate"
    assert screen.period.winfo_ismapped() and not screen.year_box.winfo_ismapped()
    app.press("Return", screen.person.entry)
    app.settle()
    pdfs = list((demo.path / "statements").glob("*-certificate-*.pdf"))
    assert len(pdfs) == 1, _message(screen)
    assert person.name in _message(screen)
    text = _pdf_text(pdfs[0])
    assert "参保缴费证明" in text and person.name in text
    app.screenshot("docs-certificate-en")


def test_an_empty_period_and_a_backwards_period_are_explained(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    person = samples["contributor"]
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement")
    app.type_into(screen.person.entry, person.card_no)
    app.press("F6", screen)
    assert screen.period.winfo_ismapped() and not screen.year_box.winfo_ismapped()
    app.type_into(screen.date_from.entry, "2000-01-01")
    app.type_into(screen.date_to.entry, "2000-01-31")
    app.press("Return", screen.date_to.entry)
    app.settle()
    assert _message(screen).startswith(f"Nothing to state: {person.name} has nothing")
    app.type_into(screen.date_from.entry, "2026-11-20")
    app.type_into(screen.date_to.entry, "2026-11-01")
    app.press("Return", screen.date_to.entry)
    app.settle()
    assert _message(screen) == "The period runs backwards: 2026-11-20 is after 2026-11-01."
    app.type_into(screen.date_to.entry, "2026-11")
    assert screen.date_to.check.cget("text") == "a date like 2026-11-28"
    app.type_into(screen.date_to.entry, "2026-13-01")
    assert screen.date_to.check.cget("text") == "no such date (there is no month 13)"
    app.type_into(screen.date_to.entry, "2025-02-30")
    assert screen.date_to.check.cget("text") == "no such date (2025-02 has 28 days)"
    app.press("Return", screen.date_to.entry)
    assert _message(screen) == "2025-02-30: no such date (2025-02 has 28 days)."
    app.type_into(screen.date_to.entry, "30.2.2025")
    app.press("Return", screen.date_to.entry)
    assert _message(screen) == "Type the period's days like 2026-11-28."
    assert Statement.select().count() == 0


def test_with_an_office_printer_the_statement_is_also_printed(
    make_app: Callable[..., AppDriver],
    samples: dict[str, Sample],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = _fake_lp(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    app = make_app(printer="counter-1")
    app.sign_in("supervisor01")
    screen = _open(app, "statement")
    assert "printed on counter-1" in screen.hint.cget("text")
    app.type_into(screen.person.entry, samples["contributor"].ssn)
    app.press("Return", screen.person.entry)
    app.settle()
    assert "and sent to counter-1" in _message(screen)
    assert log.read_text().split()[:2] == ["-d", "counter-1"]
    assert AuditEvent.select().where(AuditEvent.action == "statement.printed").count() == 1


def _run_batch(app: AppDriver, screen: object) -> office_batch.BatchOutcome:
    app.press("Return", screen.start_button)  # type: ignore[attr-defined]
    app.pump(lambda: screen.outcome is not None, "the batch's summary")  # type: ignore[attr-defined]
    app.settle()
    return screen.outcome  # type: ignore[attr-defined]


@pytest.mark.dates
def test_a_batch_of_an_ids_file_ends_with_a_summary_that_lists_the_failures(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample], tmp_path: Path
) -> None:
    good = samples["contributor"].ssn
    bad = good[:17] + ("1" if good[17] != "1" else "2")  # the check character does not match
    ids = tmp_path / "ids.txt"
    ids.write_text(f"{good}\n{samples['arrears'].ssn}\n{bad}\n")
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement_batch")
    app.type_into(screen.ids_file.entry, str(ids))
    assert screen.source.get() == "file"
    app.type_into(screen.folder.entry, str(tmp_path / "out"))
    outcome = _run_batch(app, screen)
    assert (outcome.progress.total, outcome.progress.made, outcome.progress.failed) == (3, 2, 1)
    assert not outcome.cancelled
    assert _message(screen).startswith("Done: 2 made, 0 already made")
    assert screen.failures.rows() == [(f"{bad[:6]}********{bad[-4:]}", "invalid ID number", "")]
    year = local_today().year - 1
    assert len(list((tmp_path / "out").glob(f"rights-{year}-*.pdf"))) == 2
    assert (tmp_path / "out" / f"rights-{year}-failures.csv").exists()
    assert f"rights-{year}-summary.json" in screen.files.cget("text")
    assert "2 made" in screen.progress.counts.cget("text")
    app.screenshot("docs-batch-summary-en")
    again = _run_batch(app, screen)  # a second run keeps what is there
    assert (again.progress.made, again.progress.skipped) == (0, 2)


def test_a_batch_into_an_unwritable_folder_is_refused_before_it_starts(
    make_app: Callable[..., AppDriver], tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("x")
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement_batch")
    app.type_into(screen.folder.entry, str(tmp_path / "file" / "out"))
    app.press("Return", screen.start_button)
    app.settle()
    assert _message(screen).startswith(f"Cannot write in the folder {tmp_path / 'file' / 'out'}")
    assert screen.job is None and str(screen.start_button.cget("state")) == "normal"


def test_a_cancelled_batch_stops_and_says_so(
    make_app: Callable[..., AppDriver], tmp_path: Path
) -> None:
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement_batch")
    assert screen.source.get() == "district"
    app.type_into(screen.folder.entry, str(tmp_path / "out"))
    app.press("Return", screen.start_button)
    app.pump(lambda: screen.job is not None, "the batch to start")
    process = screen.job._process
    os.kill(process.pid, signal.SIGSTOP)  # held still: the district is done in a second
    try:
        assert app.window.footer.captions["Escape"].cget("text") == "Cancel the batch"
        app.screenshot("docs-batch-running-en")
        app.press("Escape", screen)
        assert _message(screen).startswith("Cancelling")
    finally:
        os.kill(process.pid, signal.SIGCONT)
    app.pump(lambda: screen.outcome is not None, "the cancelled batch's summary")
    outcome = screen.outcome
    assert outcome.cancelled and outcome.progress.done < outcome.progress.total
    assert _message(screen).startswith("Cancelled: ")
    app.screenshot("docs-batch-cancelled-en")
    assert app.key == "statement_batch" and screen.job is None
    app.press("Escape", screen)
    assert app.key == "waiting"


def test_a_batch_goes_on_when_the_language_changes_and_its_summary_follows(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample], tmp_path: Path
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text(f"{samples['contributor'].ssn}\n")
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement_batch")
    app.type_into(screen.ids_file.entry, str(ids))
    app.type_into(screen.folder.entry, str(tmp_path / "out"))
    app.press("Return", screen.start_button)
    app.pump(lambda: screen.job is not None, "the batch to start")
    app.window.set_language("es")  # the screen is made again
    rebuilt = app.screen
    assert rebuilt is not screen and rebuilt.job is not None
    app.pump(lambda: rebuilt.outcome is not None, "the batch's summary on the new screen")
    assert rebuilt.outcome.progress.made == 1 and rebuilt.job is None


@pytest.mark.dates
def test_the_daily_report_is_written_and_says_where(
    make_app: Callable[..., AppDriver], demo: OfficeHome
) -> None:
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "daily_report")
    assert screen.day.text.get() == local_today().isoformat()
    app.type_into(screen.day.entry, "yesterday")
    app.press("Return", screen.day.entry)
    assert _message(screen) == "Type the day like 2026-11-28."
    app.press("F5", screen)
    app.press("Return", screen.day.entry)
    app.settle()
    reports = list((demo.path / "reports").glob("*-daily-*.pdf"))
    assert len(reports) == 1 and str(reports[0]) in _message(screen)
    assert reports[0].read_bytes().startswith(b"%PDF")
    app.screenshot("docs-daily-en")


@pytest.mark.dates
def test_the_audit_log_lists_the_lookups_masked_pages_and_verifies_intact(
    make_app: Callable[..., AppDriver],
    demo: OfficeHome,
    samples: dict[str, Sample],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(audit_log, "AUDIT_PAGE_SIZE", 2)
    app = make_app()
    app.sign_in("supervisor01")
    for sample in ("contributor", "retiree"):
        app.open_by_id(samples[sample].ssn)
        app.press("Escape", app.screen)
        app.answer_dialog(yes=True)
        app.wait_for_screen("waiting")
    screen = _open(app, "audit_log")
    first = screen.table.rows()
    assert len(first) == 2 and first[0][2] == "looked at the record"
    assert first[0][3].startswith(samples["retiree"].name)
    assert samples["retiree"].ssn not in first[0][3] and "********" in first[0][3]
    assert AuditEvent.select().where(AuditEvent.action == "audit.query").count() == 1
    app.press("F8", screen)
    app.settle()
    second = screen.table.rows()
    assert second and second[0] != first[0] and screen.page_label.cget("text").startswith("Page 2")
    app.press("F7", screen)
    app.settle()
    assert screen.table.rows() == first  # the same page: paging is not a new query
    assert AuditEvent.select().where(AuditEvent.action == "audit.query").count() == 1
    app.type_into(screen.person.entry, samples["contributor"].ssn)
    app.press("Return", screen.person.entry)
    app.settle()
    rows = screen.table.rows()
    assert rows and all(row[3].startswith(samples["contributor"].name) for row in rows)
    person_query = (
        AuditEvent.select().where(AuditEvent.action == "audit.query").order_by(AuditEvent.id.desc())
    )
    assert person_query.first().person_id is not None
    app.press("F6", screen)
    app.pump(lambda: not screen.verifying, "the chain check")
    assert screen.chain.cget("text").startswith("✔ Intact")
    app.press("F9", screen)
    app.settle()
    extract = list((demo.path / "reports").glob("*-audit-*.pdf"))
    assert len(extract) == 1 and str(extract[0]) in _message(screen)
    app.screenshot("docs-audit-en")


def test_escape_goes_back_to_the_waiting_screen_from_each_document_screen(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app()
    app.sign_in("supervisor01")
    for key in KEYS:
        screen = _open(app, key)
        footer = app.window.footer.captions
        assert footer["Escape"].cget("text") == "Back" and "Return" in footer
        app.press("Escape", app.focused() or screen)
        waiting = app.wait_for_screen("waiting")
        assert app.focused() == waiting.entry


def test_tab_walks_the_statement_form_in_reading_order(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "statement")
    assert app.focused() == screen.person.entry
    expected = [*screen.kind_buttons.values(), screen.year_box, screen.lang, screen.button]
    order = [screen.person.entry]
    for _ in expected:
        order.append(order[-1].tk_focusNext())
    assert order[1:] == expected


def test_the_document_screens_in_chinese(make_app: Callable[..., AppDriver]) -> None:
    app = make_app(lang="zh")
    app.sign_in("supervisor01")
    for key in KEYS:
        screen = _open(app, key)
        assert screen.as_of.cget("text")
        app.screenshot(f"docs-{key}-zh")


def test_the_document_services_check_the_role_themselves(
    demo: OfficeHome, samples: dict[str, Sample], tmp_path: Path
) -> None:
    clerk = Actor("clerk01", Role.CLERK)
    today = local_today()
    request = documents.StatementRequest(
        KeyKind.ID_NUMBER, samples["contributor"].ssn, "rights", year=today.year - 1
    )
    refused = [
        lambda: documents.make_statement(demo, clerk, request, None),
        lambda: documents.make_daily_report(demo, clerk, today, "zh", None),
        lambda: audit_log.read_audit(clerk, audit_log.AuditQuery(today, today)),
        lambda: audit_log.verify_audit(clerk),
        lambda: documents.export_audit(demo, clerk, today, today, "zh"),
        lambda: office_batch.plan_batch(
            demo, clerk, office_batch.BatchRequest(today.year - 1, tmp_path, district="370102")
        ),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied):
            call()
    assert Statement.select().count() == 0 and AuditEvent.select().count() == 0


def test_a_printer_that_refuses_still_leaves_the_saved_pdf_and_says_both(
    demo: OfficeHome,
    samples: dict[str, Sample],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = tmp_path / "lp"
    script.write_text("#!/bin/sh\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    issued = documents.make_daily_report(
        demo, Actor("supervisor01", Role.SUPERVISOR), local_today(), "en", "nowhere"
    )
    assert issued.path.exists() and issued.printer is None
    assert isinstance(issued.print_error, PrintFailed)


def test_a_missing_font_is_explained_and_nothing_is_written(
    make_app: Callable[..., AppDriver], demo: OfficeHome, tmp_path: Path
) -> None:
    OfficeSetting.replace(key="statement_font", value=str(tmp_path / "no-such-font.ttf")).execute()
    app = make_app()
    app.sign_in("supervisor01")
    screen = _open(app, "daily_report")
    app.press("Return", screen.day.entry)
    app.settle()
    assert _message(screen).startswith("The PDF cannot be made: no font for Chinese text")
    assert not list((demo.path / "reports").glob("*.pdf"))
