"""The supervisor's documents, as plain functions for worker threads: one person's statement,
the daily report and the audit extract (the audit log's screen: `audit_log`; batches:
`office_batch`).

Each function is told who acts and checks that role itself (`models.permissions`), besides the
checks of `models` and `reports` underneath, which also write the audit log. Errors a
supervisor can act on have their own types here, so that the screens can say what happened in
the language in use instead of showing the lower layers' English.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from desktop.core.services import STATEMENTS_FOLDER
from models.actor import Actor
from models.document_kinds import Span, document_kind
from models.errors import InvalidRequest, NotFound
from models.home import OfficeHome
from models.lookup import KeyKind, find_one
from models.people import PersonSummary
from models.permissions import Permission, require
from reports.errors import PeriodBackwards
from reports.issue import OutputNotWritable, check_writable
from reports.printing import PrintFailed

REPORTS_FOLDER = "reports"


# -- errors the screens explain ------------------------------------------------------------------


class UnknownPerson(NotFound):
    """No person with this ID or card number in the office's register."""


class FolderNotWritable(OutputNotWritable):
    """The folder for the PDFs cannot be created or written."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(f"cannot write in {folder}: choose another folder")


class EmptyBatch(InvalidRequest):
    """Nobody to make statements for."""


class BatchStopped(RuntimeError):
    """The batch's process ended without saying how."""


class IdsFileUnreadable(InvalidRequest):
    """The file of ID numbers cannot be read."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"cannot read {path}: {reason}")


def writable_folder(folder: Path) -> Path:
    """`folder`, created if needed, once a file could be written in it; FolderNotWritable if
    not."""
    try:
        check_writable(folder)
    except OutputNotWritable as exc:
        raise FolderNotWritable(folder) from exc
    return folder


# -- one document ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRequest:
    """One person's statement: who (ID or card number), which, for when, in which language."""

    key_kind: KeyKind
    value: str
    kind: str  # a kind made for one person (models.document_kinds)
    year: int | None = None  # a kind of a year
    date_from: date | None = None  # a kind of a period
    date_to: date | None = None
    lang: str = "zh"

    @property
    def by_year(self) -> bool:
        """True for a kind that states a year, False for one that states a period."""
        return document_kind(self.kind).span is Span.YEAR

    @property
    def span(self) -> str:
        """The year, or the period as 'FROM_TO', as put in the file name."""
        if self.by_year:
            return str(self.year)
        return f"{self.date_from}_{self.date_to}"


@dataclass(frozen=True)
class Issued:
    """A document written (and perhaps printed)."""

    number: str
    path: Path
    pages: int
    printer: str | None  # where it was sent, None when only saved
    job: str | None  # the printing system's answer
    holder: str | None = None  # the person's name, for statements
    print_error: PrintFailed | None = None  # saved, but the printer did not take it


def _print(
    path: Path, number: str, actor: Actor, printer: str | None
) -> tuple[str | None, PrintFailed | None]:
    """Send a saved document to `printer` (if any): (job, None), or (None, why not)."""
    from reports.printing import send_to_printer

    if not printer:
        return None, None
    try:
        return send_to_printer(path, number, actor, None if printer == "default" else printer), None
    except PrintFailed as exc:  # the PDF is saved all the same: the screen says both
        return None, exc


def _issue_named(
    home: OfficeHome, actor: Actor, kind: str, folder: Path, suffix: str, **options: Any
) -> tuple[str, Path, int]:
    """Issue into `folder` under a draft name, then rename to NUMBER-KIND-SUFFIX.pdf (a number is
    never reused, so nothing is ever overwritten)."""
    from reports.issue import issue

    writable_folder(folder)
    draft = folder / f".{kind}-{suffix}-{uuid.uuid4().hex}.pdf"
    doc = issue(home, actor, kind, draft, **options)
    path = folder / f"{doc.number}-{kind}-{suffix}.pdf"
    doc.path.replace(path)
    return doc.number, path, doc.pages


def find_person(key_kind: KeyKind, value: str) -> PersonSummary:
    """The person of an ID or card number; UnknownPerson, InvalidIdNumber or InvalidCardNumber."""
    try:
        return find_one(key_kind, value)
    except NotFound as exc:
        raise UnknownPerson(str(exc)) from exc


def make_statement(
    home: OfficeHome, actor: Actor, request: StatementRequest, printer: str | None
) -> Issued:
    """One person's statement in the office home's statements folder, printed when a printer is
    set. The read of the person is logged with the statement's number (models.statements).
    An empty year or period raises `reports.errors.NothingToState`, a person without a medical
    account `NoMedicalAccount`: nothing is numbered then."""
    kind = document_kind(request.kind)
    if not kind.about_person:
        raise ValueError(f"{kind.name} is not a statement for one person")
    require(actor, kind.permission)
    if not request.by_year:
        if request.date_from is None or request.date_to is None:
            raise ValueError("this statement needs a period")
        if request.date_from > request.date_to:
            raise PeriodBackwards(request.date_from, request.date_to)
    person = find_person(request.key_kind, request.value)
    options: dict[str, Any] = {"person": person, "lang": request.lang}
    if request.by_year:
        options["year"] = request.year
    else:
        options.update(date_from=request.date_from, date_to=request.date_to)
    folder = home.path / STATEMENTS_FOLDER
    number, path, pages = _issue_named(home, actor, request.kind, folder, request.span, **options)
    job, error = _print(path, number, actor, printer)
    sent = printer if job is not None else None
    return Issued(number, path, pages, sent, job, person.name, error)


def make_daily_report(
    home: OfficeHome, actor: Actor, day: date, lang: str, printer: str | None
) -> Issued:
    """The office's daily report of `day` (a local date) in the reports folder, printed when a
    printer is set."""
    require(actor, Permission.REPORTS)
    folder = home.path / REPORTS_FOLDER
    number, path, pages = _issue_named(
        home, actor, "daily", folder, day.isoformat(), date_from=day, lang=lang
    )
    job, error = _print(path, number, actor, printer)
    return Issued(number, path, pages, printer if job is not None else None, job, None, error)


def export_audit(
    home: OfficeHome, actor: Actor, date_from: date, date_to: date, lang: str
) -> Issued:
    """The audit extract (who looked at whom, ID numbers masked) of a period, saved as a PDF in
    the reports folder."""
    require(actor, Permission.AUDIT)
    if date_from > date_to:
        raise PeriodBackwards(date_from, date_to)
    folder = home.path / REPORTS_FOLDER
    suffix = f"{date_from}_{date_to}"
    number, path, pages = _issue_named(
        home, actor, "audit", folder, suffix, date_from=date_from, date_to=date_to, lang=lang
    )
    return Issued(number, path, pages, None, None)
