"""Monthly contributions stored as runs (schema v9): packing in Python and in SQL, unfolding
through the view `contribution`, and rewriting single months as the change feed does."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models import benefit_runs
from models.contribution_runs import (
    INSERT_RUN,
    MAX_LAG,
    apply_months,
    month_number,
    pack,
    posted_code,
    posted_date,
    runs_from,
)
from models.db import close_register, open_register
from models.schema import db
from tests.register_rows import add_persons

MONTHS = "SELECT * FROM contribution ORDER BY person_id, insurance, period"
RUNS = "SELECT * FROM contribution_run ORDER BY person_id, insurance, first_month"


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Any]:
    open_register(tmp_path / "r.db", create=True)
    conn = db.connection()
    conn.execute("INSERT INTO employer VALUES (1, 'U1', 'Works', '370102', 50)")
    conn.execute("INSERT INTO employer VALUES (2, 'U2', 'Mill', '370102', 50)")
    add_persons(conn)
    yield conn
    close_register()


def _period(month: int) -> int:
    return month // 12 * 100 + month % 12 + 1


def _posted(month: int, lag: int, day: int) -> str:
    target = month + lag
    return f"{target // 12:04d}-{target % 12 + 1:02d}-{day:02d}"


def typical_months(person: int, first: int, count: int) -> list[tuple]:
    """36 months of three types: the base changes each January; posted the 15th of the next
    month; a stretch back paid on one day; the last two months in arrears."""
    rows = []
    for insurance in (1, 2, 3):
        for month in range(first, first + count):
            base = 500_000 + 20_000 * (month // 12)
            status, posted = 1, _posted(month, 1, 15)
            if first + 5 <= month < first + 9:
                status, posted = 3, "2025-03-07"
            if month >= first + count - 2:
                status, posted = 2, None
            rows.append(
                (
                    person,
                    _period(month),
                    insurance,
                    1,
                    base,
                    base * 16 // 100,
                    base // 12,
                    status,
                    posted,
                )
            )
    return rows


def random_months(rng: random.Random, person: int) -> list[tuple]:
    """Months with gaps and every value drawn, posted dates at any distance (or none)."""
    rows = []
    for insurance in rng.sample(range(1, 6), 3):
        month = 2024 * 12 + rng.randrange(12)
        for _ in range(rng.randrange(1, 40)):
            month += rng.choice((1, 1, 1, 1, 2, 5))
            posted = rng.choice((None, _posted(month, rng.randrange(-2, 14), rng.randrange(1, 29))))
            rows.append(
                (
                    person,
                    _period(month),
                    insurance,
                    rng.choice((1, 2, None)),
                    rng.choice((400_000, 400_001)),
                    rng.choice((64_000, 0)),
                    32_000,
                    rng.choice((1, 2, 3)),
                    posted,
                )
            )
    return rows


def test_posted_codes_stand_for_the_same_date_near_the_month_or_far_from_it() -> None:
    month = month_number(202512)
    for lag in range(-3, MAX_LAG + 4):
        for day in (1, 15, 28, 31 if lag != 2 else 28):
            iso = _posted(month, lag, day)
            code = posted_code(month, iso)
            assert posted_date(month, code) == iso
            assert (code is not None and code < 10_000) == (0 <= lag <= MAX_LAG)
    assert posted_code(month, None) is None and posted_date(month, None) is None


def test_a_typical_person_needs_a_few_runs_per_type_not_a_row_per_month() -> None:
    first = 2023 * 12 + 10  # November 2023: 36 months reach into four calendar years
    runs = pack(typical_months(1, first, 36))
    # per type: Nov-Dec 23 | Jan-Mar 24 | back paid Apr-Jul 24 | Aug-Dec 24 | 2025 | 2026 paid
    # (Jan-Aug) | the posted date of Aug capped? no: Sep-Oct in arrears
    assert len(runs) == 3 * 7
    assert sum(run[3] for run in runs) == 3 * 36


def test_the_view_unfolds_the_runs_into_exactly_the_months_packed(register: Any) -> None:
    rng = random.Random(19)
    rows = typical_months(1, 2023 * 12 + 10, 36) + random_months(rng, 2)
    register.executemany(INSERT_RUN, pack(rows))
    assert register.execute(MONTHS).fetchall() == sorted(rows, key=lambda r: (r[0], r[2], r[1]))


def test_packing_in_sql_gives_the_same_runs_as_packing_in_python(register: Any) -> None:
    rng = random.Random(7)
    rows = typical_months(1, 2024 * 12, 30) + random_months(rng, 2)
    register.execute(
        "CREATE TEMP TABLE months (person_id, period, insurance, employer_id, base_fen, "
        "employer_fen, personal_fen, status, posted_date)"
    )
    register.executemany("INSERT INTO temp.months VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    register.execute(runs_from("temp.months"))
    assert register.execute(RUNS).fetchall() == pack(rows)


def test_changing_one_month_splits_its_run_and_changing_it_back_joins_it_again(
    register: Any,
) -> None:
    first = 2025 * 12
    rows = [
        (1, _period(first + i), 1, 1, 500_000, 80_000, 40_000, 1, _posted(first + i, 1, 15))
        for i in range(12)
    ]
    register.executemany(INSERT_RUN, pack(rows))
    assert len(register.execute(RUNS).fetchall()) == 1
    corrected = (*rows[5][:4], 520_000, 83_200, 41_600, 1, rows[5][8])
    apply_months(register, "upsert", [corrected])
    assert [r[3] for r in register.execute(RUNS)] == [5, 1, 6]
    expected = [*rows[:5], corrected, *rows[6:]]
    assert register.execute(MONTHS).fetchall() == expected
    apply_months(register, "upsert", [rows[5]])
    assert [r[3] for r in register.execute(RUNS)] == [12]
    apply_months(register, "delete", [(1, rows[0][1], 1), (1, rows[11][1], 1)])
    assert register.execute(MONTHS).fetchall() == rows[1:11]


def test_every_read_of_the_compact_tables_goes_through_their_key_without_an_index(
    register: Any,
) -> None:
    from models import benefits, overview
    from reports import queries

    reads = [
        (overview._MONTHS, (1, 202501, 202512)),
        (overview._ENTRIES, (1, 5)),
        (queries._WINDOW_MONTHS, (1, 202501, 202512, 202501, 202512, 2)),
        (queries._PERIOD_MONTHS, (1, 202501, 202512)),
        (queries._WINDOW_PAID, (2, 1, 202501, 202512)),
        (
            "SELECT posted_date FROM account_entry WHERE account_id = ? "
            "AND posted_date BETWEEN ? AND ? ORDER BY posted_date, id",
            (1, "2025-01-01", "2025-12-31"),
        ),
        (benefits._ALLOCATIONS, (1, 2)),
        (overview._YEARS, (1,)),
        (queries._SUMMARIES, (1,)),
        (benefits._PAYMENTS, (1,)),
    ]
    for sql, args in reads:
        plan = " | ".join(r[3] for r in register.execute(f"EXPLAIN QUERY PLAN {sql}", args))
        assert not {"SCAN r", "SCAN e", "SCAN b"} & set(plan.split(" | ")), (sql, plan)
        stored = (
            "contribution_run",
            "account_entry_block",
            "contribution_year_pack",
            "benefit_run",
        )
        assert not any(f"SCAN {name}" in plan for name in stored), (sql, plan)
    assert [
        r[0]
        for r in register.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN "
            "('contribution_run', 'account_entry_block', 'contribution_year_pack', 'benefit_run') "
            "AND sql IS NOT NULL"
        )
    ] == []  # both clustered on their key: no secondary index


def payments(rng: random.Random, person: int) -> list[tuple]:
    """A retiree's pension raised each January and paid the 10th (the last month not yet
    paid), and payments with every value drawn."""
    rows = []
    for month in range(2023 * 12 + 10, 2026 * 12 + 11):
        paid = _posted(month, 0, 10) if month < 2026 * 12 + 10 else None
        rows.append((person, _period(month), 1, 300_000 + 9_000 * (month // 12), paid, "6217*1"))
    month = 2024 * 12
    for _ in range(30):
        month += rng.choice((1, 1, 1, 3))
        paid = rng.choice((None, _posted(month, rng.randrange(-1, 5), rng.randrange(1, 29))))
        amount = rng.choice((150_000, 150_001))
        rows.append((person, _period(month), 2, amount, paid, rng.choice(("6228*9", None))))
    return rows


def test_benefit_payments_are_runs_packed_alike_in_python_and_sql_and_unfolded_exactly(
    register: Any,
) -> None:
    rows = payments(random.Random(5), 1) + payments(random.Random(6), 2)
    runs = benefit_runs.pack(rows)
    pension = [r for r in runs if r[0] == 1 and r[1] == 1]
    assert [r[3] for r in pension] == [2, 12, 12, 10, 1]  # a year each; the month not paid yet
    register.executemany(benefit_runs.INSERT_RUN, runs)
    read = "SELECT * FROM benefit_payment ORDER BY person_id, kind, period"
    assert register.execute(read).fetchall() == sorted(rows, key=lambda r: (r[0], r[2], r[1]))
    register.execute(
        "CREATE TEMP TABLE paid (person_id, period, kind, amount_fen, paid_date, account_masked)"
    )
    register.executemany("INSERT INTO temp.paid VALUES (?, ?, ?, ?, ?, ?)", rows)
    register.execute("DELETE FROM benefit_run")
    register.execute(benefit_runs.runs_from("temp.paid"))
    assert register.execute("SELECT * FROM benefit_run ORDER BY 1, 2, 3").fetchall() == runs


def test_a_payment_changed_alone_is_rewritten_into_the_runs_of_its_person(register: Any) -> None:
    rows = payments(random.Random(8), 1)[:36]
    register.executemany(benefit_runs.INSERT_RUN, benefit_runs.pack(rows))
    paid_now = (*rows[35][:4], "2026-11-10", rows[35][5])
    benefit_runs.apply_payments(register, "upsert", [paid_now])
    benefit_runs.apply_payments(register, "delete", [rows[0][:3]])
    read = "SELECT * FROM benefit_payment ORDER BY period"
    assert register.execute(read).fetchall() == [*rows[1:35], paid_now]
    assert register.execute("SELECT count(*) FROM benefit_run").fetchone()[0] == 5  # years + 1
