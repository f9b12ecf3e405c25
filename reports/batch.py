"""Statements for a whole list of people, on every core, resumable, cancellable, with a summary.

Each person's PDF is `rights-YEAR-<person id>.pdf` in the output folder. Workers take the people
in chunks; for each chunk they gather the data, number the statable documents in one register
transaction, render and write each to a temporary file, make the chunk's files durable together
(`reports.durable`: data synced, renamed into place, folder synced) and only then record the
chunk as issued (hash, pages, outbox command) in one more transaction. So a file that exists is
complete, and a file whose record a crash lost is recorded when the next run finds it; temporary
files a crash left are removed by the next run. What could not be made is listed in
`rights-YEAR-failures.csv` with the reason.
"""

from __future__ import annotations

import csv
import gc
import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from models import statements
from models.actor import Actor
from models.clock import utc_now
from models.db import close_register
from models.errors import InvalidRequest, RegisterError
from models.home import OfficeHome, setting
from models.idnumber import InvalidIdNumber, mask_id_number
from models.people import PersonSummary, find_by_ssn
from models.register_loading import require_complete
from models.schema import db
from reports.durable import make_durable, remove_leftovers, write_unsynced

MAX_CHUNK = 64  # documents per register transaction and per fsync round, at most
MIN_CHUNK = 4
CHUNKS_PER_WORKER = 4  # of what is left: chunks shrink towards the end, so workers end together
POLL_SECONDS = 0.1  # how often the parent looks at results, cancellation and the clock
PROGRESS_SECONDS = 0.8  # progress reports come at least this often (plus one poll)

Outcome = tuple[int, str, str | None]  # (person id, who, None or why it failed)


@dataclass
class BatchSummary:
    """What a batch did."""

    total: int = 0
    made: int = 0
    skipped: int = 0  # already there from an earlier run
    failed: list[tuple[str, str]] = field(default_factory=list)  # (who, why)
    seconds: float = 0.0
    cancelled: bool = False  # stopped on request before every document was made
    recorded_on_resume: int = 0  # files an interrupted run wrote but had not recorded yet

    @property
    def per_second(self) -> float:
        """Statements made per second of wall time."""
        return self.made / self.seconds if self.seconds else 0.0


def output_path(out_dir: Path, year: int, person_id: int) -> Path:
    """Where one person's statement goes."""
    return out_dir / f"rights-{year}-{person_id:07d}.pdf"


def chunked(person_ids: list[int], workers: int) -> list[list[int]]:
    """`person_ids` cut into chunks for `workers` processes: big enough that numbering,
    recording and syncing the files are paid once for many documents, getting smaller as
    fewer are left, so that no worker is still busy with a big chunk when the others are done."""
    chunks, start = [], 0
    while start < len(person_ids):
        left = len(person_ids) - start
        size = min(MAX_CHUNK, max(MIN_CHUNK, -(-left // (workers * CHUNKS_PER_WORKER))))
        chunks.append(person_ids[start : start + size])
        start += size
    return chunks


def people_of_district(district: str) -> list[int]:
    """Ids of the people registered in a district (by the region code of their ID)."""
    return [
        r[0]
        for r in db.execute_sql(
            "SELECT id FROM person WHERE region_code = ? ORDER BY id", (district,)
        )
    ]


def people_from_ids(lines: Iterable[str]) -> tuple[list[int], list[tuple[str, str]]]:
    """Person ids for ID numbers (one a line); the lines that fail, with the reason."""
    found, failed = [], []
    for raw in lines:
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        try:
            person = find_by_ssn(text)
        except InvalidIdNumber as exc:
            failed.append((mask_id_number(text), f"invalid ID number: {exc}"))
            continue
        if person is None:
            failed.append((mask_id_number(text), "not in this office's register"))
        else:
            found.append(person.id)
    return found, failed


# -- worker side ---------------------------------------------------------------------------------

_worker: dict[str, Any] = {}
_PERSON = (
    "SELECT id, ssn, name, gender, birth_date, ethnicity, region_code, phone, address, status "
    "FROM person WHERE id = ?"
)


def _init_worker(
    home: OfficeHome, actor: Actor, year: int, out_dir: Path, lang: str, stop: Any
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop (should_stop)
    home.open()
    _worker.update(
        key=home.signing_key(),
        actor=actor,
        year=year,
        out_dir=out_dir,
        lang=lang,
        stop=stop,
        font=setting("statement_font"),
    )
    # What the worker inherited (fonts, caches) lives as long as it does: kept out of the
    # collector's full passes, which would walk it (and copy its pages) again and again.
    gc.freeze()


def who(person: PersonSummary) -> str:
    """How a failure names its person: the name and the masked ID number (never the register's
    internal id)."""
    return f"{person.name} {person.masked_ssn}"


def unnamed(person_id: int) -> str:
    """A person known only by the register's id where the register could not be read (a failed
    chunk, a worker that died); `name_unnamed` names them once the batch is over."""
    return f"#{person_id}"


def name_unnamed(failed: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The failures with every `unnamed` person named by `who` (those the register does not
    hold any more stay as they are)."""
    ids = {int(w[1:]) for w, _ in failed if w.startswith("#") and w[1:].isdigit()}
    if not ids:
        return failed
    named = {}
    for person_id in ids:
        row = db.execute_sql(_PERSON, (person_id,)).fetchone()
        if row is not None:
            named[unnamed(person_id)] = who(PersonSummary.from_row(row))
    return [(named.get(w, w), why) for w, why in failed]


def _why(exc: BaseException) -> str:
    if isinstance(exc, RegisterError | ValueError | OSError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _gather(person_ids: list[int]) -> tuple[list[Outcome], list[tuple[PersonSummary, Any]]]:
    """The chunk's documents, unnumbered; stops early (between people) when asked to."""
    from reports import queries
    from reports.issue import document_header

    actor, lang, year = _worker["actor"], _worker["lang"], _worker["year"]
    now = utc_now()
    header = document_header(actor, "rights", lang, now)
    today = now.astimezone().date()
    failed: list[Outcome] = []
    docs: list[tuple[PersonSummary, Any]] = []
    for person_id in person_ids:
        if _worker["stop"].is_set():
            break
        row = db.execute_sql(_PERSON, (person_id,)).fetchone()
        if row is None:
            failed.append((person_id, unnamed(person_id), "not in this office's register"))
            continue
        person = PersonSummary.from_row(row)
        try:
            docs.append((person, queries.rights_record(header, person, year, today)))
        except InvalidRequest as exc:
            failed.append((person_id, who(person), str(exc)))
    return failed, docs


def _chunk(person_ids: list[int]) -> list[Outcome]:
    """Make one chunk's statements in a worker; an outcome per person started."""
    from reports.issue import pdf_facts, signed_pdf

    try:
        outcomes, docs = _gather(person_ids)
        if not docs:
            return outcomes
        header = docs[0][1].header
        actor, out_dir, year = _worker["actor"], _worker["out_dir"], _worker["year"]
        allocated = statements.allocate_many(
            "rights",
            [p.id for p, _ in docs],
            actor,
            _worker["lang"],
            header.district,
            header.data_as_of,
            header.offline,
            header.printed_at,
        )
    except Exception as exc:  # the register failed: the whole chunk is reported
        return [(p, unnamed(p), _why(exc)) for p in person_ids]
    pending: list[tuple[Path, Path, statements.Written, PersonSummary]] = []
    try:
        for (person, doc), number in zip(docs, (a.number for a in allocated), strict=True):
            named = who(person)
            try:
                pdf, _payload = signed_pdf(_worker["key"], doc, number, _worker["font"])
                target = output_path(out_dir, year, person.id)
                temporary = write_unsynced(target, pdf)
            except Exception as exc:  # a document must not stop the batch; its reason is kept
                outcomes.append((person.id, named, _why(exc)))
                continue
            written = statements.Written(number, *pdf_facts(pdf))
            pending.append((temporary, target, written, person))
        make_durable([(t, p) for t, p, _, _ in pending], out_dir)
        statements.issued_many([w for _, _, w, _ in pending], actor)
    except BaseException as exc:
        for temporary, target, _, _ in pending:  # no document without its record
            temporary.unlink(missing_ok=True)
            target.unlink(missing_ok=True)
        if not isinstance(exc, Exception):
            raise
        why = _why(exc)
        return outcomes + [(p.id, who(p), why) for _, _, _, p in pending]
    return outcomes + [(p.id, who(p), None) for _, _, _, p in pending]


# -- parent side ---------------------------------------------------------------------------------


def _record_leftovers(person_ids: list[int], out_dir: Path, year: int, actor: Actor) -> int:
    """Record files a crashed run wrote but did not record; how many were recorded."""
    from reports.issue import number_in, pdf_facts

    present = [p for p in person_ids if output_path(out_dir, year, p).exists()]
    waiting = statements.unissued("rights", present)
    found = []
    for person_id in sorted(set(waiting.values())):
        pdf = output_path(out_dir, year, person_id).read_bytes()
        number = number_in(pdf) or ""
        if waiting.get(number) == person_id:
            found.append(statements.Written(number, *pdf_facts(pdf)))
    statements.issued_many(found, actor)
    return len(found)


def run_batch(
    home: OfficeHome,
    actor: Actor,
    person_ids: list[int],
    year: int,
    out_dir: Path,
    lang: str = "zh",
    workers: int | None = None,
    progress: Callable[[BatchSummary], None] | None = None,
    earlier_failures: list[tuple[str, str]] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> BatchSummary:
    """Make the statements of `person_ids` for `year` in `out_dir`, skipping those already made.

    `progress` is called with the summary so far at least every second; `should_stop` is asked
    as often: once it returns True, no further document is started, the documents already
    numbered are finished and recorded, the workers stop, and the summary says `cancelled`
    (a later run resumes). A worker process that dies (killed, out of memory) ends the batch
    with its unfinished people listed as failed, never a hang; a later run resumes.
    """
    from reports.issue import check_writable

    require_complete("a batch of statements")
    check_writable(out_dir)
    person_ids = list(dict.fromkeys(person_ids))  # one statement per person, even if listed twice
    remove_leftovers(out_dir, f".rights-{year}-")
    summary = BatchSummary(total=len(person_ids) + len(earlier_failures or []))
    summary.failed.extend(earlier_failures or [])
    summary.recorded_on_resume = _record_leftovers(person_ids, out_dir, year, actor)
    todo = [p for p in person_ids if not output_path(out_dir, year, p).exists()]
    summary.skipped = len(person_ids) - len(todo)
    processes = workers or os.cpu_count() or 1
    chunks = chunked(todo, processes)
    if progress:
        progress(summary)  # what is already there, before the workers start
    home.signing_key()  # made here if new: workers starting together would race to create it
    close_register()  # each worker opens its own connection
    start = time.perf_counter()
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    stop = context.Event()
    try:
        if chunks:
            with ProcessPoolExecutor(
                processes,
                mp_context=context,
                initializer=_init_worker,
                initargs=(home, actor, year, out_dir, lang, stop),
            ) as pool:
                pending = {pool.submit(_chunk, chunk): chunk for chunk in chunks}
                _collect(pending, summary, start, progress, should_stop, stop)
    finally:
        summary.seconds = time.perf_counter() - start
        home.open()
        summary.failed = name_unnamed(summary.failed)
        write_summary(summary, out_dir, year)
    return summary


def _outcomes(future: Future, chunk: list[int]) -> list[Outcome]:
    """A chunk's outcomes; every person of it failed when its worker process died."""
    try:
        return future.result()
    except Exception as exc:  # BrokenProcessPool: killed, out of memory, ...
        why = f"the worker process stopped ({type(exc).__name__}): run the batch again to resume"
        return [(p, unnamed(p), why) for p in chunk]


def _collect(
    pending: dict[Future, list[int]],
    summary: BatchSummary,
    start: float,
    progress: Callable[[BatchSummary], None] | None,
    should_stop: Callable[[], bool] | None,
    stop: Any,
) -> None:
    """Take the chunks' outcomes as they come; report progress and pass on a stop request
    (chunks not started yet are dropped, those running stop between documents)."""
    last_report = time.perf_counter()
    while pending:
        done, _running = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
        for future in done:
            chunk = pending.pop(future)
            if future.cancelled():
                continue
            for _person_id, who, error in _outcomes(future, chunk):
                if error is None:
                    summary.made += 1
                else:
                    summary.failed.append((who, error))
        if should_stop is not None and not stop.is_set() and should_stop():
            stop.set()
            summary.cancelled = True
            for future in pending:
                future.cancel()  # not started yet
        now = time.perf_counter()
        if progress and now - last_report >= PROGRESS_SECONDS:
            summary.seconds = now - start
            progress(summary)
            last_report = now


def write_summary(summary: BatchSummary, out_dir: Path, year: int) -> None:
    """`rights-YEAR-failures.csv` (who, why) and `rights-YEAR-summary.json` in the folder."""
    # with a byte order mark: Excel then reads the names as UTF-8, not the system's code page
    failures = out_dir / f"rights-{year}-failures.csv"
    with failures.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["who", "why"])
        writer.writerows(summary.failed)
    data = asdict(summary) | {"per_second": round(summary.per_second, 2)}
    data["failed"] = len(summary.failed)
    (out_dir / f"rights-{year}-summary.json").write_text(json.dumps(data, indent=2) + "\n")
