"""Yearly summaries stored a packed row per person and year (schema v10): packing in Python
and in SQL, the view `contribution_year` (exact for any numbers), and single summaries changed
as the change feed does."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models.db import close_register, open_register
from models.schema import db
from models.year_totals import INSERT_PACKED, INSURANCES, RATES_BP, apply_years, pack, pack_from
from tests.register_rows import add_persons

YEARS = "SELECT * FROM contribution_year ORDER BY person_id, year, insurance"
PACKED = "SELECT * FROM contribution_year_pack ORDER BY person_id, year"


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Any]:
    open_register(tmp_path / "r.db", create=True)
    conn = db.connection()
    add_persons(conn)
    yield conn
    close_register()


def _rate(base: int, bp: int) -> int:
    return (base * bp + 5000) // 10000


def summaries(rng: random.Random) -> list[tuple]:
    """Summaries of two persons over some years, not every type every year: most at the usual
    rates, some at other rates, months, bases or odd numbers (negative, not a whole base)."""
    rows = []
    for person in (1, 2):
        for year in range(1995, 2023):
            months = rng.randrange(0, 13)
            base = rng.randrange(300_000, 2_000_000)
            injury_bp = rng.randrange(20, 190)
            for insurance in INSURANCES:
                if rng.random() < 0.2:
                    continue
                employer_bp, personal_bp = RATES_BP[insurance]
                employer_bp = injury_bp if employer_bp is None else employer_bp
                row = [
                    person, year, insurance, months, base * months,
                    _rate(base, employer_bp) * months, _rate(base, personal_bp) * months,
                ]  # fmt: skip
                if rng.random() < 0.15:
                    row[rng.randrange(3, 7)] = rng.choice((0, -5, 7, base * months + 1, 10**12))
                rows.append(tuple(row))
    return rows


def test_the_view_shows_exactly_the_summaries_packed(register: Any) -> None:
    rows = summaries(random.Random(3))
    packed = pack(rows)
    assert len(packed) < len(rows) / 3  # a row a year instead of a row a year and type
    register.executemany(INSERT_PACKED, packed)
    assert register.execute(YEARS).fetchall() == sorted(rows)


def test_summaries_at_the_usual_rates_need_no_odd_numbers() -> None:
    rows = [r for r in summaries(random.Random(5)) if r[3] > 0]
    usual = [r for r in rows if pack([r])[0][6] is None]
    assert len(usual) > len(rows) / 2
    for person, year, *_ in usual:
        year_rows = [r for r in rows if r[:2] == (person, year)]
        if all(pack([r])[0][6] is None for r in year_rows):
            assert pack(year_rows)[0][6] is None


def test_packing_in_sql_gives_the_rows_of_packing_in_python(register: Any) -> None:
    rows = summaries(random.Random(4))
    register.execute(
        "CREATE TEMP TABLE years (person_id, year, insurance, months_paid, base_total_fen, "
        "employer_fen, personal_fen)"
    )
    register.executemany("INSERT INTO temp.years VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    register.execute(pack_from("temp.years"))
    assert register.execute(PACKED).fetchall() == pack(rows)
    assert register.execute(YEARS).fetchall() == sorted(rows)


def test_a_summary_changed_or_deleted_alone_leaves_the_other_types_of_its_year(
    register: Any,
) -> None:
    rows = [
        (1, 2020, 1, 12, 6_000_000, 80_000 * 12, 40_000 * 12),
        (1, 2020, 2, 12, 6_000_000, 0, 0),
    ]
    register.executemany(INSERT_PACKED, pack(rows))
    changed = (1, 2020, 2, 11, 5_500_000, 440_000, 110_000)
    added = (1, 2021, 3, 2, 1_000_000, 5_000, 2_000)
    apply_years(register, "upsert", [changed, added])
    assert register.execute(YEARS).fetchall() == [rows[0], changed, added]
    apply_years(register, "delete", [(1, 2020, 1), (1, 2021, 3)])
    assert register.execute(YEARS).fetchall() == [changed]
    assert register.execute(PACKED).fetchall() == pack([changed])  # 2021 had nothing left
