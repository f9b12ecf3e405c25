"""Schema v10 converts a register of schema v9 in one transaction: yearly summaries into
packed rows, account entries into blocks; every row reads back through the views as before,
the data check's digest does not change, and a writer in another process is waited for."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from models.db import close_register, open_register
from models.migrations import SCHEMA_VERSION, give_back_space
from models.schema import db
from models.year_totals import INSURANCES
from sync.check import FULL, SQL
from tests.register_rows import add_accounts_of_person_1, add_persons
from tests.test_account_entries import entries
from tests.test_compact_migration import HOLD_THE_LOCK
from tests.test_db import _register_at_version
from tests.test_year_totals import summaries

VIEWS = {
    "account_entry": "SELECT * FROM account_entry ORDER BY id",
    "contribution_year": "SELECT * FROM contribution_year ORDER BY person_id, year, insurance",
}


def _wide(rows: list[tuple]) -> list[tuple]:
    """Schema v9's wide rows (person, year, then months, base, employer, personal per type)."""
    wide: dict[tuple[int, int], list] = {}
    for person, year, insurance, *parts in rows:
        row = wide.setdefault((person, year), [person, year, *([None] * 4 * len(INSURANCES))])
        at = 2 + (insurance - 1) * 4
        row[at : at + 4] = parts
    return [tuple(r) for _, r in sorted(wide.items())]


def _version_9_register(path: Path) -> None:
    conn = _register_at_version(path, 9)
    conn.commit()
    assert conn.execute("PRAGMA journal_mode = wal").fetchone()[0] == "wal"  # as in the field
    add_persons(conn)
    add_accounts_of_person_1(conn)
    conn.executemany(  # through schema v9's view and its trigger, as sync wrote them
        "INSERT INTO account_entry VALUES (?, ?, ?, ?, ?, ?, ?, ?)", entries(random.Random(7))
    )
    wide = _wide(summaries(random.Random(8)))
    marks = ", ".join("?" * len(wide[0]))
    conn.executemany(f"INSERT INTO contribution_year_wide VALUES ({marks})", wide)
    conn.commit()
    conn.close()


def _read(path: Path) -> tuple[dict[str, list], dict[str, tuple]]:
    conn = sqlite3.connect(path)
    try:
        rows = {name: conn.execute(sql).fetchall() for name, sql in VIEWS.items()}
        digest = {name: conn.execute(sql).fetchone() for name, sql in SQL[FULL].items()}
        return rows, digest
    finally:
        conn.close()


def test_a_version_9_register_keeps_every_entry_and_summary_and_its_digest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.db"
    _version_9_register(path)
    rows, digest = _read(path)
    assert len(rows["account_entry"]) == 120 and len(rows["contribution_year"]) > 80
    open_register(path)
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    kinds = dict(db.execute_sql("SELECT name, type FROM sqlite_schema"))
    # the old tables' pages are not left free in the file (a quarter or more: VACUUM)
    pages, free = (
        db.execute_sql(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count")
    )
    assert free * 4 < pages
    close_register()
    assert _read(path) == (rows, digest)
    assert kinds["account_entry_block"] == kinds["contribution_year_pack"] == "table"
    assert kinds["account_entry"] == kinds["contribution_year"] == "view"
    gone = {"account_entry_row", "contribution_year_wide", "contribution_year_v9"}
    assert not gone & set(kinds)


def test_the_migration_waits_for_another_process_writing_to_the_register(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    _version_9_register(path)
    rows, _ = _read(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        open_register(path)  # the busy timeout covers the other writer's second
        assert db.execute_sql(VIEWS["account_entry"]).fetchall() == rows["account_entry"]
        close_register()
    finally:
        assert holder.wait(timeout=30) == 0


def test_a_register_with_a_quarter_of_its_pages_free_is_vacuumed_once(tmp_path: Path) -> None:
    open_register(tmp_path / "r.db", create=True)
    try:
        add_persons(db.connection(), range(1, 3001))
        assert not give_back_space(db)  # nothing free
        db.execute_sql("DELETE FROM person WHERE id > 500")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        assert db.execute_sql("PRAGMA freelist_count").fetchone()[0] > 0
        assert give_back_space(db)
        assert db.execute_sql("PRAGMA freelist_count").fetchone()[0] == 0
        assert db.execute_sql("SELECT count(*) FROM person").fetchone()[0] == 500
        assert not give_back_space(db)
    finally:
        close_register()
