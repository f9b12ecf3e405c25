"""Schema versions of the register and the recorded migrations between them.

Each migration runs in its own transaction and is recorded in `schema_migration`; the schema
version is also kept in `PRAGMA user_version`, so a newer register can be recognised (and
refused) by reading the file header, before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from peewee import Database, OperationalError

from models.clock import utc_now
from models.errors import SchemaTooNew

# Identifies a counterdesk register in the SQLite header ("CDK1").
APPLICATION_ID = 0x43444B31


@dataclass(frozen=True)
class Migration:
    """One step of the schema: a version number, a name, the SQL file that builds it, and
    optionally a data step run after the SQL in the same transaction."""

    version: int
    name: str
    sql_file: str
    after: Callable[[Database], None] | None = None

    def statements(self) -> list[str]:
        """The SQL statements of this migration, comments removed."""
        text = resources.files("models.sql").joinpath(self.sql_file).read_text("utf-8")
        lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
        return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip().rstrip(";")]


def _chain_existing_audit_events(database: Database) -> None:
    from models.audit import chain_all  # the audit module needs the new columns

    chain_all(database)


def _move_staff_failures(database: Database) -> None:
    """Sign-in failure counts and locks: from office settings into staff_user columns."""
    prefix = "staff.failures."
    rows = database.execute_sql(
        'SELECT "key", "value" FROM "office_setting" WHERE substr("key", 1, ?) = ?',
        (len(prefix), prefix),
    ).fetchall()
    for key, value in rows:
        try:
            data = json.loads(value)
            count = int(data.get("count", 0))
            until = data.get("locked_until") or None
        except (ValueError, TypeError, AttributeError):
            count, until = 0, None  # a damaged counter starts again from nothing
        database.execute_sql(
            'UPDATE "staff_user" SET "failed_attempts" = ?, "locked_until" = ? '
            'WHERE "username" = ?',
            (max(count, 0), until, key[len(prefix) :]),
        )
        database.execute_sql('DELETE FROM "office_setting" WHERE "key" = ?', (key,))


def _contributions_into_runs(database: Database) -> None:
    """The monthly contributions and benefit payments of schema 8 (renamed `contribution_v8`
    and `benefit_payment_v8` by the SQL step) into runs; then the old tables go."""
    from models import benefit_runs
    from models.contribution_runs import runs_from

    database.execute_sql(runs_from('"contribution_v8"'))
    database.execute_sql('DROP TABLE "contribution_v8"')
    database.execute_sql(benefit_runs.runs_from('"benefit_payment_v8"'))
    database.execute_sql('DROP TABLE "benefit_payment_v8"')


def _pack_register(database: Database) -> None:
    """The wide yearly rows of schema 9 (through the view `contribution_year_v9` the SQL step
    made) into packed rows, the entry rows into blocks; then the old tables and view go."""
    from models.account_entries import blocks_from
    from models.year_totals import pack_from

    database.execute_sql(pack_from('"contribution_year_v9"'))
    database.execute_sql('DROP VIEW "contribution_year_v9"')
    database.execute_sql('DROP TABLE "contribution_year_wide"')
    database.execute_sql(blocks_from('"account_entry_row"'))
    database.execute_sql('DROP TABLE "account_entry_row"')


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial tables", "0001_initial.sql"),
    Migration(2, "printed statements", "0002_statements.sql"),
    Migration(3, "chained audit events", "0003_audit_chain.sql", _chain_existing_audit_events),
    Migration(4, "sync with headquarters", "0004_sync.sql"),
    Migration(
        5, "staff accounts from headquarters", "0005_staff_accounts.sql", _move_staff_failures
    ),
    Migration(6, "the audit log by member of staff", "0006_audit_by_actor.sql"),
    Migration(7, "the office's journal", "0007_office_journal.sql"),
    Migration(8, "benefits", "0008_benefits.sql"),
    Migration(9, "a compact register", "0009_compact_register.sql", _contributions_into_runs),
    Migration(10, "a packed register", "0010_packed_register.sql", _pack_register),
)
SCHEMA_VERSION = MIGRATIONS[-1].version
COMPACTING = frozenset((9, 10))  # migrations that rewrite the big tables in a smaller shape

_BOOKKEEPING = (
    'CREATE TABLE IF NOT EXISTS "schema_migration" ('
    '"version" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "applied_at" TEXT NOT NULL)'
)


def applied_versions(database: Database) -> list[int]:
    """Versions recorded in the register, oldest first."""
    cursor = database.execute_sql('SELECT "version" FROM "schema_migration" ORDER BY 1')
    return [row[0] for row in cursor.fetchall()]


def migrate(database: Database) -> list[int]:
    """Apply every migration the register lacks, each in one transaction; return those applied."""
    database.execute_sql(_BOOKKEEPING)
    done = set(applied_versions(database))
    if done and max(done) > SCHEMA_VERSION:
        raise SchemaTooNew(max(done), SCHEMA_VERSION, database.database)
    applied: list[int] = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        # IMMEDIATE: the write lock at BEGIN, so that another process's writer is waited for
        # (busy timeout) instead of failing a lock upgrade half-way.
        with database.atomic(lock_type="IMMEDIATE"):
            for statement in migration.statements():
                database.execute_sql(statement.rstrip(";"))
            if migration.after is not None:
                migration.after(database)
            database.execute_sql(
                'INSERT INTO "schema_migration" ("version", "name", "applied_at") VALUES (?, ?, ?)',
                (migration.version, migration.name, utc_now().isoformat()),
            )
            database.execute_sql(f"PRAGMA user_version = {migration.version}")
            database.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        applied.append(migration.version)
    if COMPACTING.intersection(applied):
        give_back_space(database)
    return applied


def give_back_space(database: Database) -> bool:
    """VACUUM the register when a quarter or more of its pages are free (a migration that
    repacked the big tables leaves their old pages free: at 1,000,000 persons, v9 to v10 left
    2.9 GB free of a 6.1 GB file, and VACUUM took 39 s). True if it ran. Another process
    reading the register at that moment makes it wait (busy timeout), then give up: the free
    pages are then reused by later writes, nothing is lost."""
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    free = database.execute_sql("PRAGMA freelist_count").fetchone()[0]
    if not pages or free * 4 < pages:
        return False
    try:
        database.execute_sql("VACUUM")
    except OperationalError:
        return False
    return True
