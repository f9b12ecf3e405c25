"""The supervisor's documents, as plain functions for worker threads: one person's statement,
the daily report, the audit log (read, verified, exported) and batches of statements.

Each function is told who acts and checks that role itself (`models.permissions`), besides the
checks of `models` and `reports` underneath, which also write the audit log. Errors a
supervisor can act on have their own types here, so that the screens can say what happened in
the language in use instead of showing the lower layers' English.

Batches run in a process of their own (`BatchProcess`): see the note there.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import multiprocessing
import os
import pickle
import re
import select
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from desktop.app.services import STATEMENTS_FOLDER
from models import audit
from models.actor import Actor
from models.audit import ChainReport, verify_chain
from models.db import close_register
from models.errors import InvalidRequest, NotFound
from models.home import OfficeHome
from models.idnumber import mask_id_number
from models.lookup import KeyKind, find_one
from models.people import PersonSummary, find_by_ssn
from models.permissions import Permission, require
from models.schema import StaffUser, db, write_transaction
from reports.issue import OutputNotWritable, check_writable
from reports.printing import PrintFailed

REPORTS_FOLDER = "reports"
BATCH_FOLDER = "batches"
AUDIT_PAGE_SIZE = 50
KINDS = ("rights", "medical")
_ID_LIKE = re.compile(r"\b\d{17}[\dXx]\b")


# -- errors the screens explain ------------------------------------------------------------------


class UnknownPerson(NotFound):
    """No person with this ID or card number in the office's register."""


class NoMedicalAccount(NotFound):
    """The person has no medical personal account."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"{name} has no medical personal account in this register")


class NothingToState(InvalidRequest):
    """The year or period holds nothing for this person (nothing was numbered)."""

    def __init__(self, name: str, span: str) -> None:
        self.name, self.span = name, span
        super().__init__(f"nothing to state for {name} in {span}")


class PeriodBackwards(InvalidRequest):
    """A period whose first day is after its last."""

    def __init__(self, date_from: date, date_to: date) -> None:
        self.date_from, self.date_to = date_from, date_to
        super().__init__(f"the period runs backwards: {date_from} is after {date_to}")


class FolderNotWritable(OutputNotWritable):
    """The folder for the PDFs cannot be created or written."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(f"cannot write in {folder}: choose another folder")


class EmptyBatch(InvalidRequest):
    """Nobody to make statements for."""


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
    kind: str  # rights / medical
    year: int | None = None  # rights
    date_from: date | None = None  # medical
    date_to: date | None = None  # medical
    lang: str = "zh"

    @property
    def span(self) -> str:
        """The year, or the period as 'FROM_TO', as put in the file name."""
        if self.kind == "rights":
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
    set. The read of the person is logged with the statement's number (models.statements)."""
    require(actor, Permission.STATEMENTS)
    if request.kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if request.kind == "medical":
        if request.date_from is None or request.date_to is None:
            raise ValueError("a medical statement needs a period")
        if request.date_from > request.date_to:
            raise PeriodBackwards(request.date_from, request.date_to)
    person = find_person(request.key_kind, request.value)
    options: dict[str, Any] = {"person": person, "lang": request.lang}
    if request.kind == "rights":
        options["year"] = request.year
    else:
        options.update(date_from=request.date_from, date_to=request.date_to)
    folder = home.path / STATEMENTS_FOLDER
    try:
        number, path, pages = _issue_named(
            home, actor, request.kind, folder, request.span, **options
        )
    except InvalidRequest as exc:  # the reports layer's words for an empty year or period
        if str(exc).startswith("nothing to state"):
            raise NothingToState(person.name, request.span.replace("_", " – ")) from exc
        raise
    except NotFound as exc:
        if request.kind == "medical" and "medical personal account" in str(exc):
            raise NoMedicalAccount(person.name) from exc
        raise
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


# -- the audit log -------------------------------------------------------------------------------

# Whether looking at the audit log is itself logged: the log holds, for every event about a
# person, that person's name and masked ID number, and filtering by an ID number shows when and
# by whom that person was served. So each query is recorded as `audit.query` (its first page,
# including today's query run when the screen opens; not each further page), with the filtered
# person's id when there is one (so that it shows in that person's own trail) and the period and
# staff filter in the detail. Verifying the chain reads no personal data and is not recorded;
# the PDF extract is recorded as an issued document (models.statements).

Cursor = tuple[str, int]  # (stored time, id) of the last event of a page: the next page is older


@dataclass(frozen=True)
class AuditQuery:
    """Which events: a period of local days, and optionally one member of staff or person."""

    date_from: date
    date_to: date
    staff: str | None = None  # the actor as stored (a username, kiosk:..., cli:...)
    person_ssn: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One event as the screen shows it (the person's ID number masked)."""

    id: int
    at: datetime
    actor: str
    staff_name: str | None
    action: str
    person: str  # 'name 370102********1234', or '' when the event is about nobody
    detail: str


@dataclass(frozen=True)
class AuditPage:
    """A page of events, newest first."""

    entries: list[AuditEntry]
    next_cursor: Cursor | None  # None: this is the last page
    person_name: str | None = None  # the filtered person's name
    top_cursor: Cursor | None = None  # reads this page again, without events added since


def day_bounds(first: date, last: date) -> tuple[str, str]:
    """Local days first..last as a UTC range [start, end) in the stored text form."""
    start = datetime.combine(first, time.min).astimezone().astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min).astimezone().astimezone(UTC)
    return start.isoformat(timespec="microseconds"), end.isoformat(timespec="microseconds")


def _detail_text(raw: str | None) -> str:
    if not raw:
        return ""
    try:
        detail = json.loads(raw)
    except ValueError:
        return _ID_LIKE.sub(lambda m: mask_id_number(m.group(0)), raw)
    if not isinstance(detail, dict):
        return str(detail)
    parts = [f"{key}: {value}" for key, value in sorted(detail.items())]
    return _ID_LIKE.sub(lambda m: mask_id_number(m.group(0)), ", ".join(parts))


_AUDIT_PAGE = (
    "SELECT a.id, a.at, a.actor, s.display_name, a.action, p.name, p.ssn, a.detail "
    "FROM audit_event a LEFT JOIN person p ON p.id = a.person_id "
    "LEFT JOIN staff_user s ON s.username = a.actor "
    "WHERE a.at >= ? AND a.at {upper} ?{filters} ORDER BY a.at DESC, a.id DESC LIMIT ?"
)


def read_audit(
    actor: Actor, query: AuditQuery, cursor: Cursor | None = None, limit: int = AUDIT_PAGE_SIZE
) -> AuditPage:
    """One page of audit events of the query, newest first, after `cursor` (keyset paging on
    the time index: a page costs the same at any depth of a log of millions). The first page
    (no cursor) is a new query, and is recorded as one."""
    require(actor, Permission.AUDIT)
    if query.date_from > query.date_to:
        raise PeriodBackwards(query.date_from, query.date_to)
    start, end = day_bounds(query.date_from, query.date_to)
    person: PersonSummary | None = None
    if query.person_ssn:
        person = find_by_ssn(query.person_ssn)  # InvalidIdNumber for a malformed one
        if person is None:
            raise UnknownPerson(f"no person {mask_id_number(query.person_ssn)} in this register")
    # after a cursor, the index range itself ends at the cursor's time: a seek, not a skip
    upper, args = ("<", [start, end]) if cursor is None else ("<=", [start, cursor[0]])
    filters = ""
    if query.staff:
        filters += " AND a.actor = ?"
        args.append(query.staff)
    if person is not None:
        filters += " AND a.person_id = ?"
        args.append(person.id)
    if cursor is not None:
        filters += " AND (a.at, a.id) < (?, ?)"
        args.extend(cursor)
    sql = _AUDIT_PAGE.format(upper=upper, filters=filters)
    rows = db.execute_sql(sql, (*args, limit + 1)).fetchall()
    entries = [
        AuditEntry(
            row[0],
            datetime.fromisoformat(row[1]),
            row[2],
            row[3],
            row[4],
            f"{row[5]} {mask_id_number(row[6])}" if row[6] else "",
            _detail_text(row[7]),
        )
        for row in rows[:limit]
    ]
    more = len(rows) > limit
    next_cursor = (rows[limit - 1][1], rows[limit - 1][0]) if more else None
    top_cursor = (rows[0][1], rows[0][0] + 1) if rows else None
    if cursor is None:
        _record_query(actor, query, person)
    return AuditPage(entries, next_cursor, person.name if person else None, top_cursor)


def _record_query(actor: Actor, query: AuditQuery, person: PersonSummary | None) -> None:
    detail: dict[str, Any] = {"from": query.date_from.isoformat(), "to": query.date_to.isoformat()}
    if query.staff:
        detail["staff"] = query.staff
    with write_transaction():
        audit.record(actor, "audit.query", person.id if person else None, **detail)


def verify_audit(actor: Actor) -> ChainReport:
    """Walk the whole audit chain (can take seconds on millions of events)."""
    require(actor, Permission.AUDIT)
    return verify_chain()


def staff_list() -> list[tuple[str, str]]:
    """(username, display name) of the office's staff, by username."""
    rows = StaffUser.select(StaffUser.username, StaffUser.display_name).order_by(StaffUser.username)
    return [(r.username, r.display_name) for r in rows]


# -- batches -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRequest:
    """What to make: the rights records of `year` for a district or a file of ID numbers."""

    year: int
    out_dir: Path
    lang: str = "zh"
    district: str | None = None
    ids_file: Path | None = None
    workers: int | None = None  # None: all cores but one (the counter keeps working)


@dataclass(frozen=True)
class BatchPlan:
    """A checked request: the people found, and the lines of the IDs file that failed."""

    home: OfficeHome
    actor: Actor
    request: BatchRequest
    person_ids: list[int]
    earlier_failures: list[tuple[str, str]]

    @property
    def total(self) -> int:
        """People asked for (found or not)."""
        return len(self.person_ids) + len(self.earlier_failures)


@dataclass(frozen=True)
class BatchProgress:
    """How far a batch is."""

    total: int
    made: int
    skipped: int
    failed: int
    seconds: float

    @property
    def done(self) -> int:
        """Statements made, skipped or failed so far."""
        return self.made + self.skipped + self.failed

    @property
    def per_second(self) -> float:
        """Statements made per second."""
        return self.made / self.seconds if self.seconds > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        """The time left at the present pace (None before there is a pace)."""
        rate = self.per_second
        return (self.total - self.done) / rate if rate > 0 else None

    @classmethod
    def of(cls, summary: Any) -> BatchProgress:
        """From a reports.batch.BatchSummary."""
        return cls(
            summary.total, summary.made, summary.skipped, len(summary.failed), summary.seconds
        )


@dataclass(frozen=True)
class BatchOutcome:
    """How a batch ended, and where its summary files are."""

    progress: BatchProgress
    failures: list[tuple[str, str]]
    cancelled: bool
    failures_csv: Path
    summary_json: Path


def default_batch_folder(home: OfficeHome, year: int) -> Path:
    """Where a batch of `year` goes unless another folder is chosen (a second run resumes)."""
    return home.path / STATEMENTS_FOLDER / BATCH_FOLDER / f"rights-{year}"


def plan_batch(home: OfficeHome, actor: Actor, request: BatchRequest) -> BatchPlan:
    """Check the request and find the people: the permission, the folder, the IDs file."""
    from reports.batch import people_from_ids, people_of_district

    require(actor, Permission.STATEMENTS)
    writable_folder(request.out_dir)
    if request.ids_file is not None:
        try:
            lines = request.ids_file.read_text("utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise IdsFileUnreadable(request.ids_file, "not a UTF-8 text file") from exc
        except OSError as exc:
            raise IdsFileUnreadable(request.ids_file, exc.strerror or str(exc)) from exc
        ids, failed = people_from_ids(lines)
    elif request.district:
        ids, failed = people_of_district(request.district), []
    else:
        raise ValueError("a batch needs a district or a file of ID numbers")
    if not ids and not failed:
        raise EmptyBatch("nobody to make statements for")
    if home.is_encrypted():  # the batch's own process opens the register with it
        home = home.with_passphrase(home.known_passphrase())
    return BatchPlan(home, actor, request, ids, failed)


# Why a process of its own. `reports.batch.run_batch` forks worker processes and, around them,
# closes and reopens the register (`close_register()`, `home.open()`). In the application that
# is unsafe from a worker thread:
# - fork() copies the whole application: the Tk interpreter, and the SQLite connections that
#   other threads (the task runner, the sync worker) hold open at that moment. SQLite forbids
#   carrying a connection across fork, and a Tk object collected in a forked worker would call
#   into a Tcl interpreter whose thread does not exist there (a hang);
# - peewee keeps one connection per thread, but `close_register()` and `home.open()` change
#   what the whole process shares: the register's lock (models.reglock), the driver class and
#   the database path of the one `db` object, under the feet of the other threads.
# So the batch runs in a fresh interpreter started with "spawn": no Tk, no threads, no open
# connection; it opens the register itself (with the passphrase the plan carries) and forks
# its workers from there, as the command line does. The application's own connections are never
# touched and the counter keeps working meanwhile (SQLite WAL; writers queue with the busy
# timeout). Progress comes back over a pipe that the Tk main loop reads with after().


def _batch_child(
    plan: BatchPlan, conn: Connection, stop: Any, parent_pid: int
) -> None:  # pragma: no cover - runs in the batch's own process
    """The batch's process: open the register, run the batch, send progress and the outcome."""
    from reports.batch import run_batch

    def progress(summary: Any) -> None:
        if _writable(conn):  # nobody reading (the screen is away): skip, never block the batch
            conn.send(BatchProgress.of(summary))

    def should_stop() -> bool:  # cancelled, or the application went away
        return stop.is_set() or os.getppid() != parent_pid

    request = plan.request
    try:
        plan.home.open()
        summary = run_batch(
            plan.home,
            plan.actor,
            plan.person_ids,
            request.year,
            request.out_dir,
            request.lang,
            request.workers or max(1, (os.cpu_count() or 2) - 1),
            progress,
            plan.earlier_failures,
            should_stop=should_stop,
        )
        conn.send(
            BatchOutcome(
                BatchProgress.of(summary),
                list(summary.failed),
                summary.cancelled,
                request.out_dir / f"rights-{request.year}-failures.csv",
                request.out_dir / f"rights-{request.year}-summary.json",
            )
        )
    except BaseException as exc:
        _send_error(conn, exc)
    finally:
        close_register()
        conn.close()


def _writable(conn: Connection) -> bool:
    """True if a small message can be sent without waiting for the reader."""
    try:
        return bool(select.select([], [conn], [], 0)[1])
    except (OSError, ValueError, TypeError):  # no select() on Windows pipes: just send
        return True


def _send_error(conn: Connection, exc: BaseException) -> None:
    try:
        pickle.loads(pickle.dumps(exc))  # some exceptions cannot be rebuilt on the other side
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):  # the application may be gone
        conn.send(exc)


def start_batch(home: OfficeHome, actor: Actor, request: BatchRequest) -> BatchProcess:
    """Check the request, then start the batch in its own process (returns at once)."""
    job = BatchProcess(plan_batch(home, actor, request))
    job.start()
    return job


class BatchStopped(RuntimeError):
    """The batch's process ended without saying how."""


@dataclass
class BatchProcess:
    """A batch running in its own process; the main loop calls `poll()` for what it sent."""

    plan: BatchPlan
    _process: Any = None
    _conn: Connection | None = None
    _stop: Any = None
    finished: bool = False
    cancel_requested: bool = False

    def start(self) -> None:
        """Start the batch's process (returns at once)."""
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        self._stop = context.Event()
        self._process = context.Process(
            target=_batch_child,
            args=(self.plan, sender, self._stop, os.getpid()),
            name="counterdesk-batch",
        )
        self._process.start()
        sender.close()  # the child holds the other end: EOF when it exits
        self._conn = receiver
        atexit.register(self.stop_and_wait)  # the application closes: stop the batch too

    def cancel(self) -> None:
        """Ask the batch to stop after the statements in hand (it then writes its summary)."""
        self.cancel_requested = True
        if self._stop is not None:
            self._stop.set()

    def poll(self) -> list[BatchProgress | BatchOutcome | BaseException]:
        """What the batch sent since the last call (never blocks). Once it has ended, the last
        item is a BatchOutcome, or the exception that stopped it."""
        conn = self._conn
        if conn is None or self.finished:
            return []
        alive = self._process.is_alive()  # asked first: a process that ended sent all it had
        received: list[Any] = []
        try:
            while conn.poll():
                received.append(conn.recv())
                if not isinstance(received[-1], BatchProgress):
                    break
        except (EOFError, OSError):  # the process ended without its outcome
            received.append(BatchStopped(self._exit_text()))
        if not received and not alive:
            received.append(BatchStopped(self._exit_text()))
        if received and not isinstance(received[-1], BatchProgress):
            self._finish()
        return received

    def _exit_text(self) -> str:
        self._process.join(timeout=1)
        return f"the batch's process ended with exit code {self._process.exitcode}"

    def _finish(self) -> None:
        self.finished = True
        atexit.unregister(self.stop_and_wait)
        self._process.join(timeout=5)
        if self._conn is not None:
            self._conn.close()

    def stop_and_wait(self, timeout: float = 10.0) -> None:
        """Cancel and wait for the process (the application is closing)."""
        if self._process is None or self.finished:
            return
        self.cancel()
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(1)


def reason_kind(reason: str) -> str:
    """A batch failure's reason as a short code the screen translates: invalid-id, unknown,
    nothing, or other."""
    text = reason.lower()
    if text.startswith("invalid id number"):
        return "invalid-id"
    if text.startswith("not in this office's register"):
        return "unknown"
    if text.startswith("nothing to state"):
        return "nothing"
    return "other"
