"""How the demo district is written (two processes, runs from the persons' parameters): the same
rows whatever the way. Not marked `dates`: each test names its own date or compares two
districts of the same date."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest

from models.contribution_runs import pack
from models.db import close_register
from models.demo import expand, halves
from models.demo.generator import DemoParams, generate
from models.home import OfficeHome
from models.schema import db
from tests.demo_fingerprint import fingerprint
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
