"""A demo city for headquarters: several districts from the office demo generator, merged.

The generator (models.demo) fills the process-global office register `models.schema.db`, which
the calling process may be using for something else; so each district is generated into a
temporary office register by a child process (spawned, districts in parallel), and this process
only reads those files. Ids of district number i (in code order) are moved up by
i * ID_STRIDE in every id column, foreign keys included, so districts never collide; values
that must be unique (ID numbers, card numbers, unit codes) are checked across districts before
anything is written, and a collision is refused, never skipped.

The demo staff roster (the office demo's usernames and password) is loaded once for the city,
each account serving every demo district. Seeding is the initial load: it writes no change-feed
entries. Offices receive the seeded rows
through their bootstrap, which reads the tables themselves.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hq import store
from hq.errors import InvalidInput, SeedCollision
from hq.offices import check_district
from hq.schema import StaffAccount, StaffDistrict
from models.replica import PERSON, STAFF_USER, TABLES, Table

ID_STRIDE = 10_000_000
# The id columns of each table: they are rebased by the district's offset.
ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "employer": ("id",),
    "person": ("id",),
    "enrolment": ("id", "person_id", "employer_id"),
    "card": ("id", "person_id", "replaced_by_id"),
    "contribution": ("person_id", "employer_id"),
    "contribution_year": ("person_id",),
    "account": ("id", "person_id"),
    "account_entry": ("id", "account_id"),
    "benefit_payment": ("person_id",),
    "pension_check": ("person_id",),
    "query_credential": ("person_id",),
}
UNIQUE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("person", "ssn"),
    ("card", "card_no"),
    ("card", "identifier"),
    ("employer", "unit_code"),
)
READ_CHUNK = 20_000
_NULL = "\\N"  # how COPY receives None


def district_seed(seed: int, index: int) -> int:
    """The generator seed of the district with this index (a different one per district)."""
    return seed * 1_000 + index


def _generate_district(job: tuple[str, str, int, int, str]) -> tuple[str, str]:
    """Child process: generate one district into a new office register; (district, path)."""
    folder, district, persons, seed, as_of = job
    from models.db import close_register
    from models.demo.generator import DemoParams, generate
    from models.home import OfficeHome

    home = OfficeHome(Path(folder))
    home.create(district, f"demo {district}")
    try:
        generate(DemoParams(persons, seed, district, date.fromisoformat(as_of)))
    finally:
        close_register()
    return district, str(home.register_path)


def _generate_all(
    jobs: list[tuple[str, str, int, int, str]], say: Callable[[str], None]
) -> dict[str, Path]:
    """Generate the districts in spawned child processes, in parallel; {district: path}.

    A child that dies (or cannot start) fails the whole seed with BrokenProcessPool.
    """
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    paths: dict[str, Path] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for future in as_completed([pool.submit(_generate_district, job) for job in jobs]):
            district, path = future.result()
            paths[district] = Path(path)
            say(f"district {district} generated")
    return paths


def _rows(
    path: Path, t: Table, offset: int, null: object = None
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of `t` in a generated register, ids rebased, NULL given as `null`, in chunks."""
    positions = [t.columns.index(c) for c in ID_COLUMNS[t.name]]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = conn.execute(f"SELECT {', '.join(t.columns)} FROM {t.name}")
        while chunk := cursor.fetchmany(READ_CHUNK):
            rebased = []
            for row in chunk:
                values = list(row) if null is None else [null if v is None else v for v in row]
                for p in positions:
                    if values[p] is not null:
                        values[p] += offset
                rebased.append(tuple(values))
            yield rebased
    finally:
        conn.close()


def _check_unique(paths: Mapping[str, Path]) -> None:
    """Refuse if two districts generated the same value of a unique column."""
    for table_name, column in UNIQUE_COLUMNS:
        owner: dict[str, str] = {}
        for district, path in sorted(paths.items()):
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                values = [r[0] for r in conn.execute(f"SELECT {column} FROM {table_name}")]
            finally:
                conn.close()
            for value in values:
                if value in owner:
                    raise SeedCollision(
                        f"the generated districts {owner[value]} and {district} both have "
                        f"{table_name}.{column} {value!r}: nothing was written; choose another "
                        "--seed or fewer persons"
                    )
                owner[value] = district


def _copy(path: Path, district: str, offset: int, counts: dict[str, int]) -> None:
    """Insert one generated district's rows (inside the caller's transaction), read through
    Python: on PostgreSQL streamed with COPY, on SQLite inserted with executemany."""
    for t in district_tables():
        columns = (*t.columns, "district") if t is PERSON else t.columns
        marks = ", ".join("?" * len(columns))
        statement = f"INSERT INTO {t.name} ({', '.join(columns)}) VALUES ({marks})"
        copy = (
            f"COPY {t.name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '{_NULL}', "
            f"FORCE_NULL ({', '.join(columns)}))"
        )
        postgres = store.is_postgres()
        for chunk in _rows(path, t, offset, _NULL if postgres else None):
            if t is PERSON:
                chunk = [(*row, district) for row in chunk]
            if postgres:
                _copy_in(copy, chunk)
            else:
                store.executemany(statement, chunk)
            counts[t.name] += len(chunk)


def _copy_in(copy: str, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: the rows sent by one COPY ... FROM STDIN (CSV; a district loads in about
    half the time of INSERTs of pages of rows, measured at 20,000 persons): strings quoted (an
    empty one stays empty), numbers as they are, NULL already `_NULL` (`_rows`), quoted, which
    COPY's FORCE_NULL reads as NULL (no generated value is the text `\\N`; the generated
    registers hold no binary values)."""
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerows(rows)
    text.seek(0)
    with store.hq_db.connection().cursor() as cursor:
        cursor.copy_expert(copy, text)


def district_tables() -> list[Table]:
    """The tables a district's generated register gives, in an order that keeps foreign keys
    (the staff rosters are merged by `_copy_staff`)."""
    return [t for t in TABLES if not t.staff_scope]


def _copy_attached(schema: str, district: str, offset: int, counts: dict[str, int]) -> None:
    """Insert one generated district's rows from its register attached as `schema` (inside the
    caller's transaction): SQLite moves the rows itself, `INSERT ... SELECT` with the ids
    rebased in SQL, without a round trip through Python per row."""
    conn = store.hq_db.connection()
    for t in district_tables():
        rebased = [f"{c} + {offset}" if c in ID_COLUMNS[t.name] else c for c in t.columns]
        columns = (*t.columns, "district") if t is PERSON else t.columns
        values = (*rebased, "?") if t is PERSON else rebased
        cursor = conn.execute(
            f"INSERT INTO main.{t.name} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM {schema}.{t.name}",
            (district,) if t is PERSON else (),
        )
        counts[t.name] += cursor.rowcount


def attach_room(conn: sqlite3.Connection) -> int:
    """How many databases SQLite lets `conn` attach (10 unless built otherwise)."""
    return conn.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED)


@contextmanager
def _attached(paths: Mapping[str, Path]) -> Iterator[dict[str, str]]:
    """SQLite: as many districts' registers as SQLite lets one connection attach, attached
    (before the transaction: a database cannot be detached inside one); {district: schema}.
    The others are copied through Python. Inside the caller's session."""
    conn = store.hq_db.connection()
    room = attach_room(conn) if paths else 0
    schemas: dict[str, str] = {}
    try:
        for i, (district, path) in enumerate(sorted(paths.items())[:room]):
            schema = f"demo_source_{i}"
            conn.execute(f"ATTACH DATABASE ? AS {schema}", (str(path),))
            schemas[district] = schema
        yield schemas
    finally:
        for schema in schemas.values():
            conn.execute(f"DETACH DATABASE {schema}")


@contextmanager
def _initial_load(say: Callable[[str], None]) -> Iterator[None]:
    """SQLite: the connection set for one big load into an empty file, then set back (inside
    the caller's session). The rollback journal instead of the write-ahead log when no other
    connection has the file open: pages added past the file's end need no journal, so each is
    written once, not once to the log and again at the checkpoint (a killed load still rolls
    back to the empty file). Foreign keys unchecked: the rows are the generator's own, their
    ids rebased together (the demo's tests check that no row points outside its district)."""
    if store.is_postgres():
        yield
        return
    conn = store.hq_db.connection()
    conn.execute("PRAGMA foreign_keys = 0")
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        journal = True
    except sqlite3.OperationalError:  # another connection has the file open: keep the log
        journal = False
    try:
        yield
    finally:
        conn.execute("PRAGMA foreign_keys = 1")
        if journal:
            _back_to_wal(conn, say)


def _back_to_wal(conn: sqlite3.Connection, say: Callable[[str], None]) -> None:
    """Put the file back into write-ahead-log mode, trying for 10 s while another connection
    opened meanwhile holds it; if it still cannot, say so (the next connection alone on the
    file sets the log again, as every headquarters connection asks for it)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                say("the database stays in rollback-journal mode until it is next opened alone")
                return
            time.sleep(0.1)


def _copy_staff(paths: Mapping[str, Path], counts: dict[str, int]) -> None:
    """Insert the staff of the generated districts (inside the caller's transaction).

    Every district's generator makes the same roster of usernames (admin, supervisor01, ...,
    clerk08, password DEMO_STAFF_PASSWORD), as the office demo does; usernames are unique in
    the city, so each account is taken from the first district (in code order) and serves every
    demo district. An office of any demo district thus signs in as with the office demo.
    """
    columns = ("username", "display_name", "role", "password_hash", "active", "created_at")
    accounts: dict[str, tuple[Any, ...]] = {}
    districts: dict[str, list[str]] = {}
    for district, path in sorted(paths.items()):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                f"SELECT {', '.join(columns)} FROM staff_user ORDER BY id"
            ).fetchall()
        finally:
            conn.close()
        for row in rows:
            accounts.setdefault(row[0], row)
            districts.setdefault(row[0], []).append(district)
    for username, row in accounts.items():
        values = dict(zip(columns, row, strict=True))
        values["created_at"] = values["updated_at"] = datetime.fromisoformat(row[-1])
        account_id = StaffAccount.insert(**values).execute()
        StaffDistrict.insert_many(
            [{"staff": account_id, "district": d} for d in districts[username]]
        ).execute()
    counts[STAFF_USER.name] += len(accounts)


def _reset_sequences() -> None:
    """PostgreSQL: the id sequences continue after the loaded ids."""
    for t in TABLES:
        if "id" in t.key:
            store.execute(
                f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                f"(SELECT max(id) FROM {t.name}))"
            )


def _refuse_a_register() -> None:
    """InvalidInput if the connected headquarters database already holds people or employers."""
    if (
        store.execute("SELECT 1 FROM person LIMIT 1").fetchone()
        or store.execute("SELECT 1 FROM employer LIMIT 1").fetchone()
    ):
        raise InvalidInput(
            "headquarters' database already holds a register: the demo fills only an empty one "
            "(use another --db)"
        )


def seed(
    districts: Mapping[str, int],
    seed: int,
    as_of: date,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Generate the districts ({code: persons}) and load them into the connected, empty
    headquarters database in one transaction; the number of rows per table."""
    say = progress or (lambda _message: None)
    codes = sorted(check_district(code) for code in districts)
    if not codes:
        raise InvalidInput("the demo needs at least one district")
    if any(districts[code] < 1 for code in codes):
        raise InvalidInput("each demo district needs at least one person")
    _refuse_a_register()
    with tempfile.TemporaryDirectory(prefix="counterdesk-hq-demo-") as tmp:
        paths = generate_districts(Path(tmp), districts, seed, as_of, say)
        counts = load(paths, say)
    if store.is_postgres():
        # Statistics for the planner now, not when autovacuum gets round to it: without
        # them a bootstrap page's queries scan whole tables of millions of rows.
        store.execute("ANALYZE")
    return counts


def generate_districts(
    folder: Path,
    districts: Mapping[str, int],
    seed: int,
    as_of: date,
    say: Callable[[str], None],
) -> dict[str, Path]:
    """Generate each district ({code: persons}) into an office register under `folder`, in
    parallel child processes; {code: register file}. Refuses values that two districts share
    (SeedCollision)."""
    codes = sorted(districts)
    jobs = [
        (str(folder / code), code, districts[code], district_seed(seed, i), as_of.isoformat())
        for i, code in enumerate(codes)
    ]
    say(f"generating {len(codes)} districts ({', '.join(codes)})")
    paths = _generate_all(jobs, say)
    _check_unique(paths)
    return paths


def load(
    paths: Mapping[str, Path], say: Callable[[str], None], through_python: bool = False
) -> dict[str, int]:
    """Load generated districts ({code: register file}) into the connected, empty headquarters
    database in one transaction, district i's ids moved up by i * ID_STRIDE (codes in order);
    the number of rows per table. On SQLite the districts' files are attached and SQLite moves
    the rows (`through_python`: read and inserted through Python, as on PostgreSQL)."""
    counts = {t.name: 0 for t in TABLES}
    sources = {} if store.is_postgres() or through_python else paths
    with (
        store.session(),
        _initial_load(say),
        _attached(sources) as schemas,
        store.write_transaction(),
    ):
        _refuse_a_register()  # again, under the write lock: another process may have written
        for i, code in enumerate(sorted(paths)):
            say(f"loading district {code}")
            if code in schemas:
                _copy_attached(schemas[code], code, i * ID_STRIDE, counts)
            else:
                _copy(paths[code], code, i * ID_STRIDE, counts)
        _copy_staff(paths, counts)
        if store.is_postgres():
            _reset_sequences()
    return counts
