"""Headquarters' database: opening it from a URL, its schema, connections and transactions.

PostgreSQL (`postgresql://user@host:port/dbname`) in production, behind several stateless API
processes, through peewee's connection pool; SQLite (`sqlite:////abs/path.db`) as the embedded
default, in WAL mode with a busy timeout, pooled as well. Every request thread holds a
connection of its own while it works (`session`). Writers to the change feed are serialised
(`write_transaction`): on PostgreSQL by a transaction-scoped advisory lock, on SQLite by
BEGIN IMMEDIATE, so that sequence numbers are committed in the order they are allocated.
`GroupCommit` commits rows of many threads (the access log's) in one transaction.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import peewee
from peewee import Database, PostgresqlDatabase
from platformdirs import user_data_dir
from playhouse.db_url import parseresult_to_dict
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase, PooledSqliteDatabase

from hq.errors import SchemaTooNew, StoreUnavailable
from hq.schema import ALL_MODELS, SCHEMA_VERSION, VERSION_NAMES, SchemaVersion, hq_db
from models.clock import utc_now

__all__ = [
    "SCHEMA_VERSION",
    "GroupCommit",
    "close",
    "connect",
    "default_url",
    "execute",
    "executemany",
    "hq_db",
    "is_postgres",
    "own_write",
    "read_snapshot",
    "session",
    "write_transaction",
]

DB_ENV = "COUNTERDESK_HQ_DB"
FEED_LOCK = 0x43444851  # "CDHQ": pg_advisory_xact_lock key of the change feed's writers
MIGRATION_LOCK = 0x4344534D  # "CDSM": serialises schema creation by parallel API processes
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL: a committed write survives power loss
    "busy_timeout": 10_000,
    "cache_size": -64_000,
}
POOL_SIZE = 32
SQLITE_POOL_SIZE = 64  # above the 40 threads of a server process's thread pool

_lock = threading.Lock()
_current_url: str | None = None


def default_url() -> str:
    """$COUNTERDESK_HQ_DB, else a SQLite file in the user data folder."""
    explicit = os.environ.get(DB_ENV)
    if explicit:
        return explicit
    path = Path(user_data_dir("counterdesk", False)) / "hq" / "hq.db"
    return f"sqlite:///{path}"


def _open(url: str) -> Database:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = parsed.path
        if not path or path == "/":
            raise StoreUnavailable(f"{url!r} names no file: use sqlite:////absolute/path/hq.db")
        if path.startswith("//"):  # sqlite:////abs: the path starts after the third slash
            path = path[1:]
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot create the folder of {path}: {exc.strerror}") from exc
        # Pooled: opening a SQLite connection (and closing the last one, a WAL checkpoint)
        # cost more than a page's whole read; the busy timeout is the pragma's 10 s.
        # A pooled connection serves one thread at a time, not always the one that opened it.
        return PooledSqliteDatabase(
            path,
            pragmas=SQLITE_PRAGMAS,
            max_connections=SQLITE_POOL_SIZE,
            timeout=30,
            check_same_thread=False,
        )
    if parsed.scheme in ("postgresql", "postgres"):
        params = parseresult_to_dict(parsed)
        name = params.pop("database")
        if not name:
            raise StoreUnavailable(f"{url!r} names no database: postgresql://user@host:port/db")
        params.setdefault("max_connections", POOL_SIZE)
        params.setdefault("stale_timeout", 300)
        params.setdefault("timeout", 30)  # seconds to wait for a free pooled connection
        return PooledPostgresqlDatabase(name, **params)
    raise StoreUnavailable(
        f"unsupported database URL {url!r}: use sqlite:////absolute/path/hq.db or "
        "postgresql://user@host:port/dbname"
    )


def connect(url: str) -> Database:
    """Open headquarters' database at `url`, create or migrate its schema, record its version.

    Connecting again to the URL already open returns the open database. Raises
    StoreUnavailable (bad URL, unreachable server) or SchemaTooNew.
    """
    global _current_url
    with _lock:
        if _current_url == url and hq_db.obj is not None:
            return hq_db.obj
        if hq_db.obj is not None:
            _close_all()
        database = _open(url)
        hq_db.initialize(database)
        _current_url = None
        try:
            with session():
                _migrate()
        except peewee.OperationalError as exc:
            _forget()
            raise StoreUnavailable(
                f"cannot open headquarters' database {_redacted(url)} ({str(exc).strip()}): "
                f"check --db or ${DB_ENV}, and that the database server runs"
            ) from exc
        except BaseException:
            _forget()
            raise
        _current_url = url
        return database


def _forget() -> None:
    """After a failed open: no database at all, rather than one that does not work."""
    _close_all()
    hq_db.initialize(None)


def _redacted(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


def _migrate() -> None:
    """Create the missing tables and record the schema version, once, under a lock.

    A database already at this version gets no DDL at all: `CREATE INDEX IF NOT EXISTS` locks
    its table even when the index exists, and a worker starting beside others that already
    serve (`hq serve --workers N` on PostgreSQL) could deadlock with their writes."""
    database = hq_db.obj
    found = 0
    if "schema_version" in database.get_tables():
        found = SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar() or 0
        if found > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"headquarters' database has schema version {found}, but this counterdesk knows "
                f"versions up to {SCHEMA_VERSION}: upgrade counterdesk (nothing was changed)"
            )
        if found == SCHEMA_VERSION:
            return
    with _serialised(MIGRATION_LOCK):
        upgrading = "office" in database.get_tables() and found < 3
        if upgrading:  # before create_tables makes the indexes of the new columns
            _add_workstation_columns(database)
        database.create_tables(ALL_MODELS, safe=True)
        if 0 < found < 7:  # v7: (district, id) took the place of the index on district alone
            database.execute_sql("DROP INDEX IF EXISTS person_district")
        if upgrading:
            from hq.codes import give_codes  # it reads the new columns

            give_codes()
        if not SchemaVersion.select().where(SchemaVersion.version == SCHEMA_VERSION).exists():
            SchemaVersion.insert(
                version=SCHEMA_VERSION, name=VERSION_NAMES[SCHEMA_VERSION], applied_at=utc_now()
            ).execute()


def _add_workstation_columns(database: Database) -> None:
    """Schema v3: an office's rows become workstations (parent, code, kind, last contact), and
    the feed carries the office's journal (`feed_change.office`).
    Each office enrolled before then gets its code (`give_codes`), so its numbers carry one."""
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    from hq.schema import FeedChange, Office, Visit

    migrator = PostgresqlMigrator(database) if is_postgres() else SqliteMigrator(database)
    added = (
        ("office", "parent_id", Office.parent),
        ("office", "code", Office.code),
        ("office", "kind", Office.kind),
        ("office", "last_seen_at", Office.last_seen_at),
        ("feed_change", "office", FeedChange.office),
        ("visit", "uuid", Visit.uuid),
    )
    present = {
        (table, c.name)
        for table in ("office", "feed_change", "visit")
        for c in database.get_columns(table)
    }
    migrate(
        *(
            migrator.add_column(table, name, field)
            for table, name, field in added
            if (table, name) not in present
        )
    )


def close() -> None:
    """Close this thread's connection and every idle pooled connection.

    The database stays usable (a query reconnects); the next `connect` opens it afresh.
    """
    global _current_url
    with _lock:
        _close_all()
        _current_url = None


def _close_all() -> None:
    database = hq_db.obj
    if database is None:
        return
    if not database.is_closed():
        database.close()
    if isinstance(database, PooledDatabase):
        database.close_all()


def is_postgres() -> bool:
    """True if headquarters runs on PostgreSQL."""
    return isinstance(hq_db.obj, PostgresqlDatabase)


@contextmanager
def session() -> Iterator[None]:
    """A connection for the current thread during the block (returned to the pool after)."""
    opened = hq_db.is_closed()
    if opened:
        hq_db.connect()
    try:
        yield
    finally:
        if opened and not hq_db.is_closed():
            hq_db.close()


@contextmanager
def _serialised(lock_key: int) -> Iterator[None]:
    if is_postgres():
        with hq_db.atomic():
            hq_db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (lock_key,))
            yield
    else:
        with hq_db.atomic(lock_type="IMMEDIATE"):
            yield


@contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction of a feed writer: no other writer runs until it commits or rolls back.

    Taken at the start of every transaction that may append to the feed, before its first
    write (also avoids deadlocks between row locks and the feed lock). Nested: a savepoint.
    """
    with _serialised(FEED_LOCK):
        yield


@contextmanager
def own_write() -> Iterator[None]:
    """A transaction that writes only headquarters' own tables (the access log, say), never
    the feed: on PostgreSQL it does not wait for the feed writers' lock, so the reads it logs
    run side by side; SQLite has one writer at a time whatever the lock (IMMEDIATE)."""
    if is_postgres():
        with hq_db.atomic():
            yield
    else:
        with hq_db.atomic(lock_type="IMMEDIATE"):
            yield


@contextmanager
def read_snapshot() -> Iterator[None]:
    """A read transaction that sees one consistent state of the database.

    PostgreSQL: REPEATABLE READ (one snapshot for every statement); SQLite in WAL: a deferred
    transaction keeps the snapshot of its first read.
    """
    if hq_db.in_transaction():
        yield
    elif is_postgres():
        with hq_db.atomic(isolation_level="REPEATABLE READ"):
            yield
    else:
        with hq_db.atomic():
            yield


def sql(text: str) -> str:
    """SQL written with `?` placeholders, in the driver's style (psycopg2: %s)."""
    if is_postgres():
        return text.replace("%", "%%").replace("?", "%s")
    return text


def execute(text: str, params: Sequence[Any] = ()) -> Any:
    """Run one statement (`?` placeholders); the cursor."""
    return hq_db.execute_sql(sql(text), tuple(params))


def executemany(text: str, rows: Sequence[Sequence[Any]], page_size: int = 1000) -> None:
    """Run one statement (`?` placeholders) for many rows, inside the caller's transaction.

    On PostgreSQL, rows are sent in pages of `page_size`, one round trip per page: an INSERT
    with a one-row VALUES template through psycopg2's execute_values, others by execute_batch.
    """
    if not rows:
        return
    if is_postgres():
        from psycopg2.extras import execute_batch, execute_values

        statement = sql(text)
        head, values, tail = statement.partition(" VALUES ")
        with hq_db.cursor() as cursor:
            if values:
                template, _, rest = tail.partition(")")
                execute_values(
                    cursor,
                    f"{head} VALUES %s{rest}",
                    rows,
                    template=template + ")",
                    page_size=page_size,
                )
            else:
                execute_batch(cursor, statement, rows, page_size=page_size)
    else:
        hq_db.connection().executemany(text, rows)


class _Waiting:
    """One caller's rows in a group commit, and how their transaction ended."""

    __slots__ = ("done", "error", "rows")

    def __init__(self, rows: Sequence[Sequence[Any]]) -> None:
        self.rows = rows
        self.done = False
        self.error: BaseException | None = None


class GroupCommit:
    """Rows of one INSERT (`?` placeholders) from many threads of this process, committed
    together: one transaction (and on SQLite one fsync) for the rows of every caller that
    arrived while the previous transaction was committing.

    `insert` returns only once the caller's rows are committed; if the transaction fails,
    every caller whose rows were in it gets the error (nothing of theirs is written) and
    nobody else is affected. One caller at a time leads: it takes the rows waiting, writes
    them in its own connection inside `own_write`, and wakes the others; a caller whose rows
    came after becomes the next leader. Inside a caller's open transaction the rows are
    written there instead (they commit or roll back with it). `before_commit` (tests) runs
    in the leader's transaction, after its rows are written.
    """

    def __init__(self, statement: str, before_commit: Callable[[int], None] | None = None) -> None:
        self.statement = statement
        self.before_commit = before_commit
        self._ready = threading.Condition()
        self._queue: list[_Waiting] = []
        self._leading = False

    def insert(self, rows: Sequence[Sequence[Any]]) -> None:
        """Write `rows`, committed (with other callers' rows) before this returns."""
        if hq_db.in_transaction():
            executemany(self.statement, rows)
            return
        mine = _Waiting(rows)
        with self._ready:
            self._queue.append(mine)
            while self._leading and not mine.done:
                self._ready.wait()
            if mine.done:
                if mine.error is not None:
                    raise mine.error
                return
            self._leading = True
            batch, self._queue = self._queue, []
        error: BaseException | None = None
        try:
            self._write(batch)
        except BaseException as exc:  # every caller of the batch learns it failed
            error = exc
        with self._ready:
            for waiting in batch:
                waiting.done = True
                waiting.error = error
            self._leading = False
            self._ready.notify_all()
        if error is not None:
            raise error

    def _write(self, batch: Sequence[_Waiting]) -> None:
        rows = [row for waiting in batch for row in waiting.rows]
        with own_write():
            executemany(self.statement, rows)
            if self.before_commit is not None:
                self.before_commit(len(rows))
