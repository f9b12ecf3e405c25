"""Sync at district scale, against a real headquarters on loopback (`counterdesk hq serve`).

For each headquarters database (SQLite, PostgreSQL) it measures, in the same run:
- first sync: what a new office waits for from "sync" to a register it may use, i.e. one
  complete `SyncEngine.run_once` that copies the whole district, pulls and runs the full data
  check (every table counted and summed on both sides), in rows per second; against the same work
  done raw (the baseline; goal: at least half): the same rows read page by page from the same
  register on a reader thread while the main thread inserts the previous page with `sqlite3`
  `executemany` into the same schema, then every table counted and summed on both sides with the
  data check's own statements. `--rounds` new offices (each with its own baseline right after);
  median and min-max;
- incremental: 10,000 changes made at headquarters, then one sync (goal: under 2 s);
- push: 10,000 commands queued at the office, then one sync (commands per second);
- idle: a sync with nothing to do (what the office pays every minute: mostly the data check).

    .venv/bin/python -m bench.sync --persons 100000 --keep /data/bench-sync
    .venv/bin/python -m bench.sync --persons 5000 --backends sqlite        # quick run
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from queue import Queue

from hq import offices, register, store
from hq.demo import seed
from hq.wire import rows_of_persons
from models.actor import Actor
from models.db import PRAGMAS, close_register, open_register
from models.enums import Role
from models.home import OfficeHome
from models.replica import PERSON_TABLES, TABLES, Table
from models.schema import Person, db
from models.visits import record_service_visit
from sync.check import FULL, SQL
from sync.engine import SyncEngine, SyncReport
from sync.enrolment import enrol, open_client
from testkit import free_port, running_service
from testkit.pgcluster import PostgresServer, find_pg_bin

DISTRICT = "370102"
AS_OF = date(2026, 11, 1)
NEW_PERIOD = 202611  # the month after the demo's window: new contributions posted at HQ
PAGE_PERSONS = 500  # the engine's bootstrap page, also the baseline's transaction
DEFAULT_ROUNDS = 3


@dataclass
class BackendResult:
    """Every figure of one headquarters database."""

    backend: str
    persons: int
    seed_s: float = 0.0
    bootstrap_rows: int = 0
    first_sync_s: list[float] = field(default_factory=list)  # copy, pull, full data check
    check_level: str = ""  # the first sync's data check: must be "full", outcome "ok"
    check_outcome: str = ""
    baseline_rows: int = 0
    baseline_s: list[float] = field(default_factory=list)  # read on a thread + insert + check
    baseline_one_thread_s: list[float] = field(default_factory=list)  # the same on one thread
    baseline_insert_s: list[float] = field(default_factory=list)  # the inserts alone (as before)
    incremental_changes: int = 0
    incremental_sync_s: float = 0.0
    push_commands: int = 0
    push_sync_s: float = 0.0
    idle_sync_s: list[float] = field(default_factory=list)

    @property
    def rows_per_s(self) -> float:
        """Rows per second of the median first sync."""
        median = _median(self.first_sync_s)
        return self.bootstrap_rows / median if median else 0.0

    @property
    def baseline_rows_per_s(self) -> float:
        """Rows per second of the faster raw way's median round (threaded or one thread)."""
        medians = [m for m in (_median(self.baseline_s), _median(self.baseline_one_thread_s)) if m]
        return self.baseline_rows / min(medians) if medians else 0.0


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _spread(values: list[float]) -> str:
    """ "median s (min-max, R rounds)"."""
    if not values:
        return "-"
    return f"{_median(values):.1f} s ({min(values):.1f}-{max(values):.1f}, {len(values)} rounds)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__.split("\n")[0])
    p.add_argument("--persons", type=int, default=100_000, help="district size (default 100,000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--changes", type=int, default=10_000, help="incremental changes at HQ")
    p.add_argument("--commands", type=int, default=10_000, help="commands pushed by the office")
    p.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="new offices bootstrapped")
    p.add_argument("--backends", default="sqlite,postgres", help="sqlite,postgres (default both)")
    p.add_argument("--keep", type=Path, help="keep the seeded SQLite headquarters here for reuse")
    p.add_argument("--json", action="store_true", help="JSON on stdout (table on stderr)")
    return p.parse_args(argv)


def say(text: str) -> None:
    """Progress on stderr."""
    print(text, file=sys.stderr, flush=True)


# -- headquarters -------------------------------------------------------------------------------


def seeded_sqlite(args: argparse.Namespace, work: Path, result: BackendResult) -> str:
    """A seeded SQLite headquarters: reused from --keep when there, else seeded now."""
    name = f"hq-{args.persons}-{args.seed}.db"
    cached = args.keep / name if args.keep else None
    target = work / name
    if cached and cached.exists():
        say(f"reusing {cached}")
        shutil.copyfile(cached, target)
        return f"sqlite:///{target}"
    url = f"sqlite:///{target}"
    result.seed_s = seed_into(url, args)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, cached)
    return url


def seed_into(url: str, args: argparse.Namespace) -> float:
    """Fill the headquarters database at `url` with the district; seconds taken."""
    say(f"seeding {args.persons:,} persons into {url.split('@')[-1]}")
    started = time.perf_counter()
    store.connect(url)
    try:
        seed({DISTRICT: args.persons}, args.seed, AS_OF, progress=say)
    finally:
        store.close()
    return time.perf_counter() - started


@contextmanager
def serving(url: str) -> Iterator[tuple[str, str]]:
    """`counterdesk hq serve` on a free loopback port; yields (address, office token)."""
    store.connect(url)
    try:
        token = offices.enrol_office("bench-office", [DISTRICT], "bench")
    finally:
        store.close()
    with running_service(["hq", "serve", "--db", url, "--rate-limit", "0"]) as server:
        yield server.url, token


# -- the office ---------------------------------------------------------------------------------


def replicated_rows() -> int:
    """Rows of every replicated table in the open register."""
    return sum(db.execute_sql(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] for t in TABLES)


def new_office(address: str, token: str, work: Path, name: str) -> OfficeHome:
    """A new office home, created and enrolled with headquarters (the register left open)."""
    home = OfficeHome(work / name)
    home.create(DISTRICT, "历下区性能测试中心")
    with open_client(address, token, timeout=300) as client:
        enrol(home, client, address, Actor("bench", Role.SUPERVISOR))
    return home


def first_syncs(
    address: str, token: str, work: Path, args: argparse.Namespace, result: BackendResult
) -> Path:
    """`--rounds` new offices, each timed from its first `run_once` (copy, pull, full data
    check) to the end, each followed by the raw baseline on its register; the last office's
    register path (left open for the other measurements)."""
    register_path = Path()
    for round_no in range(args.rounds):
        home = new_office(address, token, work, f"office-{result.backend}-{round_no}")
        with open_client(address, token, timeout=300) as client:
            engine = SyncEngine(client, bootstrap_limit=PAGE_PERSONS)
            say(f"first sync of a new office, round {round_no + 1}/{args.rounds}")
            seconds, report = timed_run(engine)
        if report.check is None:
            raise RuntimeError("the first sync ran no data check")
        result.check_level, result.check_outcome = report.check.level, report.check.outcome
        if report.check.level != FULL or report.check.outcome != "ok":
            raise RuntimeError(f"the first sync's data check: {report.check}")
        result.first_sync_s.append(seconds)
        result.bootstrap_rows = replicated_rows()
        register_path = home.register_path
        close_register()
        say(f"raw sqlite3 baseline, round {round_no + 1}/{args.rounds}")
        rows, seconds, _inserts = raw_baseline(
            register_path, work / f"baseline-{round_no}.db", threaded=True
        )
        result.baseline_rows = rows
        result.baseline_s.append(seconds)
        _rows, seconds, inserts = raw_baseline(
            register_path, work / f"baseline-{round_no}-one.db", threaded=False
        )
        result.baseline_one_thread_s.append(seconds)
        result.baseline_insert_s.append(inserts)  # on one thread: no waits for the reader
        if round_no < args.rounds - 1:
            shutil.rmtree(home.path, ignore_errors=True)
    open_register(register_path)
    return register_path


def measure_office(
    hq_url: str,
    address: str,
    token: str,
    work: Path,
    args: argparse.Namespace,
    result: BackendResult,
) -> None:
    """First syncs of new offices, then incremental pull, push and idle syncs of the last one
    (headquarters' database at `hq_url`, served at `address`)."""
    first_syncs(address, token, work, args, result)
    actor = Actor("bench", Role.SUPERVISOR)
    with open_client(address, token, timeout=300) as client:
        engine = SyncEngine(client)
        result.idle_sync_s = [timed_sync(engine) for _ in range(3)]

        say(f"{args.changes:,} changes at headquarters")
        result.incremental_changes = changes_at_hq(hq_url, args.changes)
        result.incremental_sync_s = timed_sync(engine)

        say(f"{args.commands:,} commands at the office")
        result.push_commands = queue_commands(args.commands, actor)
        result.push_sync_s = timed_sync(engine)
    close_register()


def timed_run(engine: SyncEngine) -> tuple[float, SyncReport]:
    """Seconds of one complete sync, and its report."""
    started = time.perf_counter()
    report = engine.run_once()
    elapsed = time.perf_counter() - started
    if not report.completed:
        raise RuntimeError(f"a sync did not complete: {report.error}")
    return elapsed, report


def timed_sync(engine: SyncEngine) -> float:
    """Seconds of one complete sync."""
    started = time.perf_counter()
    report = engine.run_once()
    elapsed = time.perf_counter() - started
    if not report.completed:
        raise RuntimeError(f"a sync did not complete: {report.error}")
    return elapsed


def changes_at_hq(url: str, count: int) -> int:
    """Post a new month's medical contribution for `count` persons at headquarters."""
    ids = [row[0] for row in db.execute_sql("SELECT id FROM person ORDER BY id LIMIT ?", (count,))]
    rows = [
        [pid, NEW_PERIOD, 2, None, 600_000, 48_000, 12_000, 1, AS_OF.isoformat()] for pid in ids
    ]
    store.connect(url)
    try:
        register.upsert_rows("contribution", rows)
    finally:
        store.close()
    return len(rows)


def queue_commands(count: int, actor: Actor) -> int:
    """Queue `count` visit commands (one transaction; the setup is not measured)."""
    ids = [p.id for p in Person.select(Person.id).order_by(Person.id).limit(count)]
    with db.atomic():
        for pid in ids:
            record_service_visit(actor, "counter", "lookup", person_id=pid)
    return len(ids)


# -- the baseline -------------------------------------------------------------------------------


def raw_baseline(source: Path, target: Path, threaded: bool) -> tuple[int, float, float]:
    """The first sync's work done raw, timed whole: (rows, seconds, seconds of the inserts).

    The pages (employers and staff accounts, then 500 persons with all their rows, with
    headquarters' own per-person queries) are read from `source` and each inserted in one
    transaction into a new register at `target`; then every table is counted and summed on both
    sides with the data check's own statements. `threaded`: a reader thread reads page n+1 into
    a queue of two while the main thread inserts page n (as the engine overlaps fetching and
    writing); otherwise one thread reads and inserts in turn.
    """
    open_register(target, create=True)
    close_register()
    writer = sqlite3.connect(target, isolation_level=None)
    for name, value in PRAGMAS.items():
        writer.execute(f"PRAGMA {name} = {value}")
    columns = _columns(source)
    started = time.perf_counter()
    rows_total, inserting = 0, 0.0
    for page in _threaded_pages(source, columns) if threaded else _pages(source, columns):
        rows_total += sum(len(r) for r in page.values())
        inserting += _insert(writer, columns, page)
    source_digest = _digest(sqlite3.connect(source))
    target_digest = _digest(writer)
    seconds = time.perf_counter() - started
    writer.close()
    differ = {k: (v, target_digest[k]) for k, v in source_digest.items() if v != target_digest[k]}
    if differ:
        raise RuntimeError(f"the raw baseline's copy differs from its source: {differ}")
    return rows_total, seconds, inserting


def _threaded_pages(
    source: Path, columns: dict[str, tuple[str, ...]]
) -> Iterator[dict[str, list[tuple]]]:
    """The pages of `_pages`, read on a thread of their own, at most two ahead."""
    pages: Queue[dict[str, list[tuple]] | None] = Queue(maxsize=2)

    def read() -> None:
        for page in _pages(source, columns):
            pages.put(page)
        pages.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while (page := pages.get()) is not None:
        yield page
    reader.join()


def _columns(source: Path) -> dict[str, tuple[str, ...]]:
    """The columns copied per table: the replicated ones, and every column of the tables not
    of persons (so that a staff account keeps its `origin`, which the data check filters on)."""
    reader = sqlite3.connect(source)
    columns = {t.name: tuple(t.columns) for t in TABLES}
    for t in TABLES:
        if t not in PERSON_TABLES:
            info = reader.execute(f'PRAGMA table_info("{t.name}")').fetchall()
            columns[t.name] = tuple(row[1] for row in info)
    reader.close()
    return columns


def _pages(source: Path, columns: dict[str, tuple[str, ...]]) -> Iterator[dict[str, list[tuple]]]:
    """The tables not of persons (employers, staff accounts), then each page of persons' rows."""
    reader = sqlite3.connect(source)
    whole = [t.name for t in TABLES if t not in PERSON_TABLES]  # employers, staff accounts
    yield {
        name: reader.execute(f'SELECT {", ".join(columns[name])} FROM "{name}"').fetchall()
        for name in whole
    }
    ids = [r[0] for r in reader.execute("SELECT id FROM person ORDER BY id")]
    for start in range(0, len(ids), PAGE_PERSONS):
        low, high = ids[start], ids[min(start + PAGE_PERSONS, len(ids)) - 1]
        yield {t.name: _page_rows(reader, t, low, high) for t in PERSON_TABLES}
    reader.close()


def _digest(connection: sqlite3.Connection) -> dict[str, tuple]:
    """Count and checksum of every replicated table (the full data check's statements)."""
    digest = {name: tuple(connection.execute(sql).fetchone()) for name, sql in SQL[FULL].items()}
    if connection.in_transaction:
        connection.commit()
    return digest


def _page_rows(reader: sqlite3.Connection, table: Table, low: int, high: int) -> list[tuple]:
    """The page's rows of `table`, read with headquarters' own per-person query."""
    persons = "SELECT id FROM person WHERE id BETWEEN ? AND ?"
    return reader.execute(rows_of_persons(table, persons), (low, high)).fetchall()


def _insert(
    writer: sqlite3.Connection,
    columns: dict[str, tuple[str, ...]],
    page: dict[str, list[tuple]],
) -> float:
    started = time.perf_counter()
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("PRAGMA defer_foreign_keys = ON")
    for table in TABLES:
        rows = page.get(table.name)
        if rows:
            names = columns[table.name]
            marks = ", ".join("?" * len(names))
            writer.executemany(
                f'INSERT INTO "{table.name}" ({", ".join(names)}) VALUES ({marks})', rows
            )
    writer.execute("COMMIT")
    return time.perf_counter() - started


# -- the run ------------------------------------------------------------------------------------


def run_backend(backend: str, args: argparse.Namespace, work: Path) -> BackendResult:
    """Everything for one headquarters database."""
    result = BackendResult(backend, args.persons)
    pg: PostgresServer | None = None
    try:
        if backend == "sqlite":
            url = seeded_sqlite(args, work, result)
        else:
            bin_dir = find_pg_bin()
            if bin_dir is None:
                raise RuntimeError("PostgreSQL is not installed (package postgresql-15)")
            pg = PostgresServer(bin_dir, Path(tempfile.mkdtemp(prefix="bench-pg-")), free_port())
            pg.start()
            url = pg.create_database("hq")
            result.seed_s = seed_into(url, args)
        with serving(url) as (address, token):
            measure_office(url, address, token, work, args, result)
    finally:
        if pg is not None:
            pg.stop()
    return result


def table(results: list[BackendResult]) -> str:
    """The printed report."""
    lines = []
    for r in results:
        idle = sorted(r.idle_sync_s)[len(r.idle_sync_s) // 2] if r.idle_sync_s else 0.0
        ratio = r.rows_per_s / r.baseline_rows_per_s if r.baseline_rows_per_s else 0.0
        lines += [
            f"headquarters on {r.backend}, {r.persons:,} persons (seeding {r.seed_s:.0f} s)",
            f"  first sync    {r.bootstrap_rows:>12,} rows in {_spread(r.first_sync_s)} = "
            f"{r.rows_per_s:>10,.0f} rows/s (copy, pull, {r.check_level} data check "
            f"{r.check_outcome})",
            f"  raw sqlite3   {r.baseline_rows:>12,} rows: read on a thread while inserting, "
            f"{_spread(r.baseline_s)}; on one thread {_spread(r.baseline_one_thread_s)}; "
            "each with the count and sum of both sides",
            f"                the faster: {r.baseline_rows_per_s:>10,.0f} rows/s (the inserts "
            f"alone on one thread, as the old baseline timed: "
            f"{_median(r.baseline_insert_s):.1f} s)",
            f"  ratio         {ratio:.2f}x of raw, medians (goal >= 0.5)",
            f"  incremental   {r.incremental_changes:,} changes: sync {r.incremental_sync_s:.2f} s"
            " (goal < 2 s)",
            f"  push          {r.push_commands:,} commands: sync {r.push_sync_s:.2f} s = "
            f"{r.push_commands / r.push_sync_s if r.push_sync_s else 0:,.0f} commands/s",
            f"  idle sync     median {idle:.2f} s (quick data check included)",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each backend asked for."""
    args = parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        for backend in args.backends.split(","):
            results.append(run_backend(backend.strip(), args, Path(tmp)))
    report = table(results)
    print(report, file=sys.stderr if args.json else sys.stdout)
    if args.json:
        data = [
            asdict(r) | {"rows_per_s": r.rows_per_s, "baseline_rows_per_s": r.baseline_rows_per_s}
            for r in results
        ]
        print(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
