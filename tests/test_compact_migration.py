"""Schema v9 converts a register of schema v8 in one transaction: months and benefit payments
into runs, yearly summaries into a row a year, account entries into compact rows, every row
read back through the views as it was stored before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from models.db import close_register, open_register
from models.migrations import SCHEMA_VERSION
from models.schema import db
from tests.test_contribution_runs import typical_months
from tests.test_db import _register_at_version

ENTRIES = [
    (11, 1, "2025-01-01", 0, 120_000, 120_000, None, None),
    (12, 1, "2025-02-15", 1, 8_000, 128_000, None, 202501),
    (13, 1, "2025-02-20", 2, -3_000, 125_000, "山东大学齐鲁医院", 202501),
    (14, 1, "2025-03-02", 2, -1_500, 123_500, "漱玉平民大药房", 202502),
    (15, 1, "2025-03-09", 2, -500, 123_000, "山东大学齐鲁医院", 202502),
    (16, 2, "2024-12-31", 3, 60_000, 60_000, None, None),
]
YEARS = [
    (1, 2021, 1, 12, 6_000_000, 960_000, 480_000),
    (1, 2021, 2, 12, 6_000_000, 480_000, 120_000),
    (1, 2021, 5, 12, 6_000_000, 48_000, 0),
    (1, 2022, 1, 7, 3_600_000, 576_000, 288_000),
]
PAYMENTS = [
    *((1, 202500 + m, 1, 310_000, f"2025-{m:02d}-10", "6217********1234") for m in range(1, 13)),
    (1, 202601, 1, 319_300, "2026-01-10", "6217********1234"),
    (1, 202602, 1, 319_300, None, "6217********1234"),
]
HOLD_THE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(1.0)
conn.execute("COMMIT")
"""


def _old_register(path: Path) -> list[tuple]:
    conn = _register_at_version(path, 8)
    conn.commit()
    assert conn.execute("PRAGMA journal_mode = wal").fetchone()[0] == "wal"  # as in the field
    conn.execute("INSERT INTO employer VALUES (1, 'U1', 'Works', '370102', 50)")
    conn.execute(
        "INSERT INTO person (id, ssn, name, gender, birth_date, ethnicity, region_code, status, "
        "updated_at) "
        "VALUES (1, '370102198001010011', 'x', 'F', '1980-01-01', '01', '370102', 'insured', "
        "'2026-01-01')"
    )
    for account_id, kind in ((1, "medical"), (2, "pension")):
        conn.execute(
            "INSERT INTO account (id, person_id, kind, balance_fen, opened_date, updated_at) "
            "VALUES (?, 1, ?, 0, '2020-01-01', '2026-01-01')",
            (account_id, kind),
        )
    months = typical_months(1, 2023 * 12 + 10, 36)
    conn.executemany("INSERT INTO contribution VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", months)
    conn.executemany("INSERT INTO account_entry VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ENTRIES)
    conn.executemany("INSERT INTO contribution_year VALUES (?, ?, ?, ?, ?, ?, ?)", YEARS)
    conn.executemany("INSERT INTO benefit_payment VALUES (?, ?, ?, ?, ?, ?)", PAYMENTS)
    conn.commit()
    conn.close()
    return months


def test_a_version_8_register_keeps_every_month_and_entry_in_the_compact_shape(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.db"
    months = _old_register(path)
    open_register(path)
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    read = db.execute_sql("SELECT * FROM contribution ORDER BY person_id, insurance, period")
    assert read.fetchall() == sorted(months, key=lambda r: (r[0], r[2], r[1]))
    assert db.execute_sql("SELECT count(*) FROM contribution_run").fetchone()[0] == 3 * 7
    assert db.execute_sql("SELECT * FROM account_entry ORDER BY id").fetchall() == ENTRIES
    read = db.execute_sql("SELECT * FROM contribution_year ORDER BY year, insurance")
    assert read.fetchall() == YEARS
    assert db.execute_sql("SELECT count(*) FROM contribution_year_pack").fetchone()[0] == 2
    read = db.execute_sql("SELECT * FROM benefit_payment ORDER BY period")
    assert read.fetchall() == PAYMENTS
    assert db.execute_sql("SELECT count(*) FROM benefit_run").fetchone()[0] == 3
    assert db.execute_sql("SELECT count(*) FROM counterparty").fetchone()[0] == 2
    kinds = dict(db.execute_sql("SELECT name, type FROM sqlite_schema"))
    assert kinds["contribution"] == kinds["account_entry"] == kinds["contribution_year"] == "view"
    assert kinds["benefit_payment"] == "view"
    assert not {"contribution_v8", "contribution_year_v8", "benefit_payment_v8"} & set(kinds)
    assert "account_entry_account_id_posted_date" not in kinds
    close_register()


def test_the_migration_waits_for_another_process_writing_to_the_register(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    months = _old_register(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        open_register(path)  # the busy timeout covers the other writer's second
        assert db.execute_sql("SELECT count(*) FROM contribution").fetchone()[0] == len(months)
        close_register()
    finally:
        assert holder.wait(timeout=30) == 0


def test_a_demo_register_of_version_8_migrates_to_the_rows_and_shape_the_generator_writes(
    tmp_path: Path,
) -> None:
    from datetime import date

    from models.demo.generator import DemoParams, generate
    from models.home import OfficeHome

    tables = {
        "contribution": "person_id, period, insurance",
        "contribution_year": "person_id, year, insurance",
        "account_entry": "id",
        "benefit_payment": "person_id, period, kind",
    }
    stored = [
        f"SELECT * FROM {t} ORDER BY 1, 2, 3"
        for t in ("contribution_run", "contribution_year_pack", "benefit_run")
    ] + [  # counterparty ids are given in another order: compare the blocks without them
        "SELECT account_id, first_id, count, day, balance FROM account_entry_block ORDER BY 1, 2"
    ]
    OfficeHome(tmp_path / "new").create("370102", "x")
    generate(DemoParams(60, 5, "370102", date(2026, 11, 1)))
    parents = {t: db.execute_sql(f"SELECT * FROM {t}").fetchall() for t in ("employer", "person")}
    accounts = db.execute_sql("SELECT * FROM account").fetchall()
    rows = {
        t: db.execute_sql(f"SELECT * FROM {t} ORDER BY {o}").fetchall() for t, o in tables.items()
    }
    shape = {sql: db.execute_sql(sql).fetchall() for sql in stored}
    close_register()
    old = _register_at_version(tmp_path / "old.db", 8)
    for table, values in [*parents.items(), ("account", accounts), *rows.items()]:
        marks = ", ".join("?" * len(values[0]))
        old.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
    old.commit()
    old.close()
    open_register(tmp_path / "old.db")
    try:
        for table, order in tables.items():
            assert (
                db.execute_sql(f"SELECT * FROM {table} ORDER BY {order}").fetchall() == rows[table]
            )
        for sql in stored:
            assert db.execute_sql(sql).fetchall() == shape[sql]
    finally:
        close_register()
