"""Yearly summaries stored a row per person and year (schema v9): pivoting in Python and in
SQL, the view `contribution_year`, and single summaries changed as the change feed does."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models.db import close_register, open_register
from models.schema import db
from models.year_totals import INSERT_WIDE, INSURANCES, apply_years, pivot, wide_from

YEARS = "SELECT * FROM contribution_year ORDER BY person_id, year, insurance"
WIDE = "SELECT * FROM contribution_year_wide ORDER BY person_id, year"


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Any]:
    open_register(tmp_path / "r.db", create=True)
    conn = db.connection()
    for pid in (1, 2):
        conn.execute(
            "INSERT INTO person (id, ssn, name, gender, birth_date, ethnicity, region_code, "
            "status, updated_at) VALUES (?, ?, 'x', 'F', '1980-01-01', '01', '370102', "
            "'insured', '2026-01-01T00:00:00')",
            (pid, f"37010219800101{pid:04d}"),
        )
    yield conn
    close_register()


def summaries(rng: random.Random) -> list[tuple]:
    """Summaries of two persons over some years, not every type every year."""
    rows = []
    for person in (1, 2):
        for year in range(1995, 2023):
            for insurance in INSURANCES:
                if rng.random() < 0.8:
                    months = rng.randrange(1, 13)
                    base = months * rng.randrange(300_000, 2_000_000)
                    rows.append(
                        (person, year, insurance, months, base, base * 16 // 100,
                         rng.choice((0, base // 12)))
                    )  # fmt: skip
    return rows


def test_the_view_shows_exactly_the_summaries_pivoted(register: Any) -> None:
    rows = summaries(random.Random(3))
    wide = pivot(rows)
    assert len(wide) < len(rows) / 3  # a row a year instead of a row a year and type
    register.executemany(INSERT_WIDE, wide)
    assert register.execute(YEARS).fetchall() == sorted(rows)


def test_pivoting_in_sql_gives_the_rows_of_pivoting_in_python(register: Any) -> None:
    rows = summaries(random.Random(4))
    register.execute(
        "CREATE TEMP TABLE years (person_id, year, insurance, months_paid, base_total_fen, "
        "employer_fen, personal_fen)"
    )
    register.executemany("INSERT INTO temp.years VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    register.execute(wide_from("temp.years"))
    assert register.execute(WIDE).fetchall() == pivot(rows)


def test_a_summary_changed_or_deleted_alone_leaves_the_other_types_of_its_year(
    register: Any,
) -> None:
    rows = [(1, 2020, 1, 12, 6_000_000, 960_000, 480_000), (1, 2020, 2, 12, 6_000_000, 0, 0)]
    register.executemany(INSERT_WIDE, pivot(rows))
    changed = (1, 2020, 2, 11, 5_500_000, 440_000, 110_000)
    added = (1, 2021, 3, 2, 1_000_000, 5_000, 2_000)
    apply_years(register, "upsert", [changed, added])
    assert register.execute(YEARS).fetchall() == [rows[0], changed, added]
    apply_years(register, "delete", [(1, 2020, 1), (1, 2021, 3)])
    assert register.execute(YEARS).fetchall() == [changed]
    assert register.execute(WIDE).fetchall() == pivot([changed])  # 2021 had nothing left
