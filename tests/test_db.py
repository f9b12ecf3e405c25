"""Opening the register: pragmas, migrations, and refusing files it must not touch."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from models.db import close_register, open_register
from models.errors import DamagedRegister, RegisterUnavailable, SchemaTooNew
from models.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from models.schema import ALL_MODELS, db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_register_uses_wal_foreign_keys_full_sync_and_busy_timeout(tmp_path: Path) -> None:
    open_register(tmp_path / "r.db", create=True)
    pragma = lambda name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2
    assert pragma("busy_timeout") == 5000
    close_register()


def test_migrations_are_recorded_with_version_and_application_id(tmp_path: Path) -> None:
    open_register(tmp_path / "r.db", create=True)
    rows = db.execute_sql("SELECT version, name FROM schema_migration").fetchall()
    assert rows == [(m.version, m.name) for m in MIGRATIONS]
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute_sql("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    close_register()


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    open_register(path, create=True)
    close_register()
    open_register(path)
    assert db.execute_sql("SELECT count(*) FROM schema_migration").fetchone()[0] == len(MIGRATIONS)
    close_register()


def _columns(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {
        t: [r[1:6] for r in conn.execute(f'PRAGMA table_info("{t}")')]
        for t in tables
        if t != "schema_migration"
    }


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    open_register(tmp_path / "r.db", create=True)
    migrated = _columns(db.connection())
    close_register()
    fresh = sqlite3.connect(":memory:")
    db.init(":memory:")
    db.create_tables(ALL_MODELS)
    expected = _columns(db.connection())
    db.close()
    fresh.close()
    assert migrated == expected


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    path.write_bytes(b"this is a spreadsheet, not a register" * 100)
    before = digest(path)
    with pytest.raises(DamagedRegister, match="not a SQLite database"):
        open_register(path)
    assert digest(path) == before


def test_a_truncated_register_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    open_register(path, create=True)
    close_register()
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * (len(data) - 100))
    before = digest(path)
    with pytest.raises(DamagedRegister):
        open_register(path)
    assert digest(path) == before


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with pytest.raises(DamagedRegister, match="not a counterdesk register"):
        open_register(path)


def test_a_register_of_a_newer_schema_is_refused_and_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    open_register(path, create=True)
    db.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    close_register()
    before = digest(path)
    with pytest.raises(SchemaTooNew) as caught:
        open_register(path)
    assert caught.value.found == SCHEMA_VERSION + 1
    assert "upgrade counterdesk" in str(caught.value)
    assert digest(path) == before
    assert not Path(str(path) + "-wal").exists()


def test_opening_a_missing_register_without_create_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(RegisterUnavailable, match="counterdesk init"):
        open_register(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_a_version_1_register_is_migrated_to_the_current_schema_keeping_its_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.db"
    conn = _register_at_version(path, 1)
    conn.execute("INSERT INTO office_setting VALUES ('district', '370102')")
    conn.commit()
    conn.close()
    open_register(path)
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    versions = [r[0] for r in db.execute_sql("SELECT version FROM schema_migration ORDER BY 1")]
    assert versions == [m.version for m in MIGRATIONS]
    assert db.execute_sql("SELECT value FROM office_setting").fetchone()[0] == "370102"
    assert db.execute_sql("SELECT count(*) FROM statement").fetchone()[0] == 0
    close_register()


def test_audit_events_stored_before_the_chain_are_chained_by_the_migration(
    tmp_path: Path,
) -> None:
    from models.audit import verify_chain

    path = tmp_path / "r.db"
    conn = _register_at_version(path, 2)
    for i in range(3):
        conn.execute(
            "INSERT INTO audit_event (at, actor, action) VALUES (?, 'clerk01', 'person.read')",
            (f"2026-01-0{i + 1}T00:00:00+00:00",),
        )
    conn.commit()
    conn.close()
    open_register(path)
    report = verify_chain()
    assert report.intact and report.events == 3
    close_register()


def _register_at_version(path: Path, version: int) -> sqlite3.Connection:
    """A register built by the migrations up to `version`, as an older counterdesk left it."""
    conn = sqlite3.connect(path)
    conn.execute(
        'CREATE TABLE "schema_migration" ("version" INTEGER NOT NULL PRIMARY KEY, '
        '"name" TEXT NOT NULL, "applied_at" TEXT NOT NULL)'
    )
    for migration in MIGRATIONS[:version]:
        for statement in migration.statements():
            conn.execute(statement.rstrip(";"))
        conn.execute(
            "INSERT INTO schema_migration VALUES (?, ?, '2026-01-01')",
            (migration.version, migration.name),
        )
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return conn
