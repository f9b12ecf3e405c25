"""How the demo district is written (two processes, runs from the persons' parameters): the same
rows whatever the way. Not marked `dates`: each test names its own date or compares two
districts of the same date."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest

from models.account_entries import COLUMNS, unpack
from models.account_entries import pack as pack_entries
from models.contribution_runs import pack
from models.db import close_register
from models.demo import expand, halves
from models.demo.generator import DemoParams, chunk_arguments, generate
from models.home import OfficeHome
from models.schema import db
from models.year_totals import COLUMNS as YEAR_COLUMNS
from models.year_totals import pack as pack_years
from tests.demo_fingerprint import fingerprint
from tests.keyring_helpers import PASSPHRASE
from tests.pinned_clock import AS_OF


def test_two_processes_write_the_district_one_process_writes(tmp_path: Path) -> None:
    # five chunks: the first two in this process, the last three in the second, merged after
    one = fingerprint(tmp_path / "one", 4, 450, chunk=100, workers=1)
    assert fingerprint(tmp_path / "two", 4, 450, chunk=100, workers=2) == one
    assert not list(tmp_path.glob("two/**/demo-second-half.db*"))  # the scratch file is gone
    OfficeHome(tmp_path / "two").open()
    try:  # written without row-by-row foreign key checks: the whole file is checked here
        assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        close_register()


@pytest.mark.usefixtures("memory_keyring")
def test_an_encrypted_register_is_written_by_two_processes_as_a_plain_one(tmp_path: Path) -> None:
    # the second process computes with the first one's SQLite module (sqlcipher3's here)
    plain = fingerprint(tmp_path / "plain", 4, 300, chunk=100, workers=2)
    assert fingerprint(tmp_path / "secret", 4, 300, PASSPHRASE, chunk=100, workers=2) == plain
    assert not list(tmp_path.glob("secret/**/demo-second-half.db*"))


@pytest.mark.parametrize("as_of", [AS_OF, date(2026, 1, 1), date(2025, 7, 1)])
def test_the_runs_written_from_the_parameters_are_the_runs_of_the_month_rows(
    tmp_path: Path, as_of: date
) -> None:
    OfficeHome(tmp_path).create("370102", "x")
    generate(DemoParams(600, 5, "370102", as_of, chunk=250, workers=1))  # all in demo_person
    try:
        conn = db.connection()
        months = conn.execute(expand.MONTHS_SELECT, {"lo": 1, "hi": 600}).fetchall()
        stored = conn.execute(
            "SELECT * FROM contribution_run ORDER BY person_id, insurance, first_month"
        ).fetchall()
    finally:
        close_register()
    assert {row[7] for row in months} == {1, 2, 3}  # paid, arrears, back paid all occur
    assert stored == pack(months)


@pytest.mark.parametrize("as_of", [AS_OF, date(2026, 1, 1)])
def test_the_entries_and_years_written_packed_are_the_rows_the_sql_computed(
    tmp_path: Path, as_of: date
) -> None:
    OfficeHome(tmp_path).create("370102", "x")
    generate(DemoParams(600, 5, "370102", as_of, chunk=600, workers=1))  # one chunk
    try:
        conn = db.connection()
        bounds = {**chunk_arguments(as_of, 5), "lo": 1, "hi": 600}
        conn.execute(expand.YEARS_SQL, bounds)  # the chunk's yearly rows (emptied after it)
        conn.execute(expand.PENSION_SQL, {**bounds, "entry_base": 0})
        pension = conn.execute("SELECT count(*) FROM temp.demo_entry").fetchone()[0]
        conn.execute(expand.MEDICAL_SQL, {**bounds, "entry_base": pension})
        expected = conn.execute("SELECT * FROM temp.demo_entry ORDER BY id").fetchall()
        narrow_years = conn.execute("SELECT * FROM temp.demo_year").fetchall()
        packed_years = conn.execute(
            f"SELECT {', '.join(YEAR_COLUMNS)} FROM contribution_year_pack ORDER BY person_id, year"
        ).fetchall()
        blocks = conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM account_entry_block ORDER BY account_id, first_id"
        ).fetchall()
        balances = conn.execute("SELECT id, balance_fen FROM account ORDER BY id").fetchall()
    finally:
        close_register()
    assert packed_years == pack_years(narrow_years) and len(packed_years) > 5_000
    assert len(expected) > 20_000 and pension > 5_000  # both kinds of account, many entries
    assert sorted((c for b in blocks for c in unpack(b)), key=lambda c: c[1]) == expected
    assert blocks == pack_entries(expected)  # the blocks `pack` would store
    last = {cell[0]: cell[5] for cell in expected}
    assert balances == [(account, last.get(account, 0)) for account, _ in balances]


def test_the_report_counts_the_rows_the_views_show(tmp_path: Path) -> None:
    OfficeHome(tmp_path).create("370102", "x")
    report = generate(DemoParams(300, 2, "370102", AS_OF, chunk=100))
    try:
        views = db.execute_sql(
            "SELECT (SELECT count(*) FROM contribution), (SELECT count(*) FROM contribution_year),"
            " (SELECT count(*) FROM account_entry), (SELECT count(*) FROM benefit_payment)"
        ).fetchone()
    finally:
        close_register()
    counted = (
        report.contributions,
        report.yearly_summaries,
        report.account_entries,
        report.benefit_payments,
    )
    assert counted == views and min(views) > 0


def test_a_failing_second_process_sends_its_error_to_the_first(tmp_path: Path) -> None:
    job = halves.HalfJob(
        path=str(tmp_path / "no such folder" / "half.db"),
        schema=(),
        reference={},
        seed=1,
        district="370102",
        as_of=AS_OF,
        employers=5,
        persons=10,
        chunk=5,
        first=6,
        args={"window_first": 0},
        pragmas={},
    )
    receiving, sending = multiprocessing.Pipe(duplex=False)
    halves.run_half(job, sending)
    kind, message = receiving.recv()
    assert kind == "failed" and "unable to open database file" in message
