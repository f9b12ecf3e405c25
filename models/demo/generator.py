"""Fill an empty register with a deterministic demo district (`counterdesk demo`)."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from models.clock import this_month, utc_now
from models.demo import expand, halves
from models.demo.chunk import Timer, write_chunk
from models.demo.people import (
    DEMO_STAFF_PASSWORD,
    PeopleMaker,
    month_index,
    month_start,
)
from models.errors import InvalidRequest
from models.overview import WINDOW_MONTHS
from models.schema import (
    Card,
    OfficeSetting,
    PensionCheck,
    Person,
    db,
)
from models.staff import hash_password

CHUNK = 20_000

# While generating (restored after): the district is regenerable, and an interrupted run is
# refused next time ("demo incomplete"), so no fsync and no write-ahead log (the rollback
# journal in memory: a failed chunk still rolls back); the rows are built from the district's
# own persons, employers and accounts, so their foreign keys are not checked row by row; a
# larger page cache for the chunks' temporary tables and b-trees.
FAST_WRITES = {
    "journal_mode": "memory",
    "synchronous": 0,
    "foreign_keys": 0,
    "cache_size": -262144,
}
ANALYSIS_LIMIT = 2000  # rows ANALYZE reads per index: estimates, in seconds instead of minutes


@dataclass(frozen=True)
class DemoParams:
    """What to generate: how many people, from which seed, for which district and month."""

    persons: int
    seed: int
    district: str = "370102"
    as_of: date = field(default_factory=this_month)
    chunk: int = CHUNK  # people per transaction
    workers: int = 2  # 2: with more than one chunk, the second half in a second process


@dataclass
class DemoReport:
    """What was generated and how long each phase took (seconds)."""

    persons: int = 0
    employers: int = 0
    cards: int = 0
    contributions: int = 0
    yearly_summaries: int = 0
    account_entries: int = 0
    benefit_payments: int = 0
    pension_checks: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)  # seconds per statement


def generate(params: DemoParams, progress: Callable[[str], None] | None = None) -> DemoReport:
    """Generate the district into the open, empty register.

    Each chunk of people is one transaction. With `params.workers` 2 and more than one chunk,
    a second process writes the second half of the chunks into a scratch file beside the
    register (plain SQLite, also for an encrypted register: it holds made-up people only, and
    is removed after), and its rows are copied in at the end (`models.demo.halves`). The
    register is marked "demo incomplete" until the last transaction, so an interrupted run is
    recognisable and is refused next time. The same parameters give the same register,
    whatever the number of processes.
    """
    say = progress or (lambda _msg: None)
    if params.persons < 1:
        raise InvalidRequest("the demo district needs at least one person")
    if Person.select().exists():
        raise InvalidRequest(
            "this register already holds people; the demo fills only an empty register "
            "(create a new home with `counterdesk --home DIR init`)"
        )
    as_of = params.as_of.replace(day=1)
    window_first = month_index(as_of) - WINDOW_MONTHS
    maker = PeopleMaker(params.seed, params.district, as_of, max(5, params.persons // 40))
    conn = db.connection()
    saved = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in FAST_WRITES}
    for name, value in FAST_WRITES.items():
        conn.execute(f"PRAGMA {name} = {value}")
    try:
        return _generate(params, maker, conn, as_of, window_first, say)
    finally:
        for name, value in saved.items():
            conn.execute(f"PRAGMA {name} = {value}")


def _generate(
    params: DemoParams,
    maker: PeopleMaker,
    conn: sqlite3.Connection,
    as_of: date,
    window_first: int,
    say: Callable[[str], None],
) -> DemoReport:
    """The chunks (the second half in a second process), then the staff roster, samples and
    settings."""
    report = DemoReport()
    clock = time.perf_counter()
    with db.atomic():
        OfficeSetting.replace(key="demo_state", value="incomplete").execute()
        expand.fill_reference_tables(conn, as_of, window_first)
        employers = maker.employer_rows()
        conn.executemany("INSERT INTO employer VALUES (?, ?, ?, ?, ?)", employers)
        report.employers = len(employers)
    args = chunk_arguments(as_of, params.seed)
    chunks = -(-params.persons // params.chunk)
    # an odd chunk to this process: the second one also runs the maker through the first half
    mine = (chunks + 1) // 2 if params.workers > 1 else chunks
    split = min(params.persons, mine * params.chunk)  # the last person this process writes
    timer = Timer()
    with _second_half(params, maker, conn, as_of, args, split) as half:
        next_entry = 0  # the last account entry id given
        for batch in maker.batches(split, params.chunk):
            with db.atomic():
                next_entry = write_chunk(conn, batch, args, next_entry, timer)
            say(f"{batch.persons[-1][0]:,} of {params.persons:,} people")
        if half is not None:
            t = time.perf_counter()
            timer.merge(half.result())  # waits for the second process
            timer.add("merge", "waiting for the second half", time.perf_counter() - t)
            t = time.perf_counter()
            path = halves.scratch_path(Path(db.database))
            conn.execute("ATTACH DATABASE ? AS half KEY ''", (str(path),))
            try:
                with db.atomic():
                    halves.merge_half(conn, "half", next_entry)
            finally:
                conn.execute("DETACH DATABASE half")
            timer.add("merge", "copying the second half", time.perf_counter() - t)
            say(f"{params.persons:,} of {params.persons:,} people")
    with db.atomic():
        _insert_staff(maker)
        samples = demo_samples()
        for key, value in (
            ("demo_state", "complete"),
            ("demo_seed", str(params.seed)),
            ("demo_as_of", as_of.isoformat()),
            ("demo_generated_at", utc_now().isoformat()),
            ("demo_samples", json.dumps(samples, ensure_ascii=False)),
        ):
            OfficeSetting.replace(key=key, value=value).execute()
    t = time.perf_counter()
    conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA analysis_limit = 0")
    timer.add("analyze", "analyze", time.perf_counter() - t)
    report.steps = {k: round(s, 2) for k, s in timer.steps.items()}
    report.seconds = {k: round(s, 2) for k, s in timer.phases.items()}
    report.seconds["total"] = round(time.perf_counter() - clock, 2)
    report.persons = Person.select().count()
    report.cards = Card.select().count()
    (
        report.contributions,
        report.yearly_summaries,
        report.account_entries,
        report.benefit_payments,
    ) = conn.execute(STORED_ROWS_SQL).fetchone()
    report.pension_checks = PensionCheck.select().count()
    return report


# The rows of the views `contribution`, `contribution_year`, `account_entry` and
# `benefit_payment`, counted from the stored runs, packed years and blocks (counting the views
# unfolds every row: minutes at a million persons).
_YEAR_TYPES = " + ".join(f"((types >> {bit}) & 1)" for bit in range(5))
STORED_ROWS_SQL = (
    "SELECT (SELECT COALESCE(SUM(months), 0) FROM contribution_run), "
    f"(SELECT COALESCE(SUM({_YEAR_TYPES}), 0) FROM contribution_year_pack), "
    '(SELECT COALESCE(SUM("count"), 0) FROM account_entry_block), '
    "(SELECT COALESCE(SUM(months), 0) FROM benefit_run)"
)


def chunk_arguments(as_of: date, seed: int) -> dict[str, Any]:
    """The named values every chunk's SQL binds: the window's months, this year, the month
    generated for (`as_of`, its first day), the seed and the one instant of the run."""
    window_first = month_index(as_of) - WINDOW_MONTHS
    return {
        "window_first": window_first,
        "last_month": month_index(as_of) - 1,
        "this_year": as_of.year,
        "as_of": as_of.isoformat(),
        "seed": seed,
        "window_period": month_start(window_first).year * 100 + month_start(window_first).month,
        "window_start": month_start(window_first).isoformat(),
        "now": utc_now().isoformat(timespec="microseconds"),
    }


@contextmanager
def _second_half(
    params: DemoParams,
    maker: PeopleMaker,
    conn: sqlite3.Connection,
    as_of: date,
    args: dict,
    split: int,
) -> Iterator[halves.HalfProcess | None]:
    """The second process writing persons split + 1 to the last into a scratch file (None
    when one process writes them all); the scratch file is removed after."""
    if split >= params.persons:
        yield None
        return
    path = halves.scratch_path(Path(db.database))
    path.unlink(missing_ok=True)
    job = halves.HalfJob(
        path=str(path),
        schema=halves.schema_of(conn),
        reference=halves.reference_rows(conn),
        seed=params.seed,
        district=params.district,
        as_of=as_of,
        employers=maker.employers,
        persons=params.persons,
        chunk=params.chunk,
        first=split + 1,
        args=args,
        pragmas=dict(FAST_WRITES),
        driver=type(conn).__module__,
    )
    context = multiprocessing.get_context("spawn")  # no fork of open SQLite connections
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=halves.run_half, args=(job, sending), daemon=True)
    process.start()
    sending.close()  # the child holds its own end
    half = halves.HalfProcess(process, receiving)
    try:
        yield half
    finally:
        half.stop()
        path.unlink(missing_ok=True)


def _insert_staff(maker: PeopleMaker) -> None:
    # Every demo account signs in with DEMO_STAFF_PASSWORD. The password is public, so one
    # argon2id hash serves the whole roster (hashing costs about 0.1 s each). The roster is this
    # office's own (origin 'local'); a username taken already (the first admin of `init`) keeps
    # its account. Headquarters' demo (hq/demo.py) loads the same roster for the whole city.
    hashed = hash_password(DEMO_STAFF_PASSWORD)
    now = utc_now().isoformat(timespec="microseconds")
    db.connection().executemany(
        "INSERT OR IGNORE INTO staff_user (username, display_name, role, password_hash, active, "
        "created_at, updated_at, origin, failed_attempts) VALUES (?, ?, ?, ?, 1, ?, ?, 'local', 0)",
        [(*row, hashed, now, now) for row in maker.staff_rows()],
    )


def demo_samples() -> list[dict[str, str]]:
    """A few people worth showing: an ordinary contributor, arrears, a retiree, a lost card."""
    picks = {
        "contributor": "p.status = 'insured' AND c.status = 'active' AND NOT EXISTS (SELECT 1 "
        "FROM contribution x WHERE x.person_id = p.id AND x.status = 2)",
        "arrears": "c.status = 'active' AND EXISTS (SELECT 1 FROM contribution x "
        "WHERE x.person_id = p.id AND x.status = 2)",
        "retiree": "p.status = 'retired' AND c.status = 'active'",
        "lost card": "c.status = 'lost'",
    }
    samples = []
    for label, condition in picks.items():
        row = db.execute_sql(
            f"SELECT p.name, c.card_no FROM person p JOIN card c ON c.person_id = p.id "
            f"WHERE {condition} ORDER BY p.id LIMIT 1"
        ).fetchone()
        if row:
            samples.append({"label": label, "name": row[0], "card_no": row[1]})
    return samples


__all__ = ["DemoParams", "DemoReport", "chunk_arguments", "generate"]
