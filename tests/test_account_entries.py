"""Account entries stored in blocks (schema v10): the view `account_entry` shows exactly the
entries written (regular or not), blocking in SQL gives the blocks of Python, and entries
changed or deleted one by one, as the change feed does, leave the others as they were."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models.account_entries import (
    INSERT_BLOCK,
    SLOTS,
    apply_entries,
    blocks_from,
    cells_of,
    insert_entries,
    pack,
    unpack,
)
from models.db import close_register, open_register
from models.schema import db
from tests.register_rows import add_accounts_of_person_1, add_persons

ENTRIES = "SELECT * FROM account_entry ORDER BY id"
BLOCKS = "SELECT * FROM account_entry_block ORDER BY account_id, first_id"
PLACES = ("山东大学齐鲁医院", "漱玉平民大药房", "济南市中心医院")


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Any]:
    open_register(tmp_path / "r.db", create=True)
    conn = db.connection()
    add_persons(conn, [1])
    add_accounts_of_person_1(conn)
    yield conn
    close_register()


def entries(rng: random.Random, count: int = 120) -> list[tuple]:
    """Entries of three accounts in the wire's column order: mostly ids and balances that
    follow each other, some gaps in the ids, some balances that do not follow the amounts."""
    rows = []
    next_id = {1: 100, 2: 1_000, 3: 5_000}
    balance = {1: 0, 2: 0, 3: 0}
    day = {1: 0, 2: 0, 3: 0}
    for _ in range(count):
        account = rng.choice((1, 1, 2, 3))
        next_id[account] += 1 if rng.random() < 0.9 else rng.randrange(2, 50)
        amount = rng.choice((8_000, -3_000, rng.randrange(-50_000, 200_000), 0))
        balance[account] += amount if rng.random() < 0.9 else amount + rng.randrange(1, 99)
        day[account] += rng.choice((0, 1, 15, 31, 365))
        y, m = 2015 + day[account] // 365, day[account] % 365 // 31 + 1
        posted = f"{y:04d}-{m:02d}-{rng.randrange(1, 29):02d}"
        spending = amount < 0
        period = rng.choice((None, y * 100 + m, (y - 1) * 100 + 12)) if spending else None
        party = rng.choice(PLACES) if spending else None
        kind = rng.randrange(1, 6)
        rows.append(
            (next_id[account], account, posted, kind, amount, balance[account], party, period)
        )
    return rows


def test_the_view_shows_exactly_the_entries_written(register: Any) -> None:
    rows = entries(random.Random(1), 400)
    insert_entries(register, rows)
    assert register.execute(ENTRIES).fetchall() == sorted(rows)
    blocks = register.execute("SELECT count(*) FROM account_entry_block").fetchone()[0]
    assert blocks < len(rows) / 4  # runs of up to SLOTS entries, cut where ids or balances jump


def test_a_long_regular_run_fills_blocks_of_slots_entries(register: Any) -> None:
    rows = [(10 + i, 1, "2024-01-15", 2, 100, 100 * (i + 1), None, 202312) for i in range(40)]
    insert_entries(register, rows)
    counts = [r[0] for r in register.execute('SELECT "count" FROM account_entry_block')]
    assert counts == [SLOTS, SLOTS, 40 - 2 * SLOTS]
    assert register.execute(ENTRIES).fetchall() == rows


def test_blocking_in_sql_gives_the_blocks_of_python(register: Any) -> None:
    cells = cells_of(register, entries(random.Random(2), 300))
    register.execute(
        "CREATE TEMP TABLE cells (account_id, id, posted_day, kind, amount_fen, "
        "balance_after_fen, counterparty_id, period_lag)"
    )
    register.executemany("INSERT INTO temp.cells VALUES (?, ?, ?, ?, ?, ?, ?, ?)", cells)
    register.execute(blocks_from("temp.cells"))
    blocks = register.execute(BLOCKS).fetchall()
    assert blocks == pack(cells)
    assert sorted(c for b in blocks for c in unpack(b)) == sorted(cells)


def test_entries_changed_or_deleted_one_by_one_leave_the_others(register: Any) -> None:
    rng = random.Random(3)
    rows = entries(rng, 200)
    register.executemany(INSERT_BLOCK, pack(cells_of(register, rows)))
    expected = {r[0]: r for r in rows}
    for _ in range(30):
        victim = rng.choice(sorted(expected))
        if rng.random() < 0.5:
            del expected[victim]
            apply_entries(register, "delete", [(victim,)])
        else:
            old = expected[victim]
            new = (*old[:4], old[4] + 1, old[5] + 7, PLACES[0], 202401)
            expected[victim] = new
            apply_entries(register, "upsert", [new])
    added = (99_999, 2, "2026-03-01", 4, 50, 123, None, None)
    apply_entries(register, "upsert", [added])
    expected[added[0]] = added
    assert register.execute(ENTRIES).fetchall() == sorted(expected.values())


def test_entries_of_an_account_are_read_through_its_key(register: Any) -> None:
    plan = register.execute(
        "EXPLAIN QUERY PLAN SELECT posted_date, kind, amount_fen, balance_after_fen, "
        "counterparty FROM account_entry WHERE account_id = ? ORDER BY posted_date DESC, "
        "id DESC LIMIT 10",
        (1,),
    ).fetchall()
    details = " ".join(row[-1] for row in plan)
    assert "SEARCH b USING PRIMARY KEY (account_id=?)" in details
    assert "SCAN b" not in details
    joined = register.execute(
        "EXPLAIN QUERY PLAN SELECT e.period, e.posted_date, e.amount_fen FROM account_entry e "
        "JOIN account a ON a.id = e.account_id WHERE a.person_id = ? AND a.kind = 'medical' "
        "AND e.kind = ?",
        (1, 2),
    ).fetchall()
    assert "SEARCH b USING PRIMARY KEY (account_id=?)" in " ".join(r[-1] for r in joined)
