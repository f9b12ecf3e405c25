"""The demo district's personal account entries, computed in Python and written as blocks.

Register v10 stores an account's entries in blocks of up to 16 (`models.account_entries`).
The generator used to compute the entries in SQL (a recursive CTE for the pension accounts, a
window for the medical ones) into a temporary table, then fold that table into blocks with a
self-join per slot: at a million persons about 90 million entries went through three b-trees.
Here SQL gives only each chunk's inputs (the pension account's personal parts per year, the
medical allocations per month), Python computes the entries account by account in the order of
their ids, and they go straight into blocks: the rows and ids are those of the SQL it replaces
(kept as `PENSION_SQL` and `MEDICAL_SQL` in `models.demo.expand`, as the reference the tests
compare with).

The rules (unchanged): a pension account gets, each year from the person's first paid year to
this year (or the year of retirement), interest on the opening balance (not this year) and the
year's personal pension parts. A medical account gets an opening balance on the window's first
day, an allocation per paid month (the personal medical part, or a retiree's fixed allocation)
and, for about half of them, a spending of 30-100 % of it within 20 days at a hospital or
pharmacy drawn from the person, the month and the seed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import groupby
from typing import Any, NamedTuple

from models.account_entries import EPOCH_ORDINAL, INSERT_BLOCK, chained_blocks
from models.demo import expand
from models.demo import vocabulary as v
from models.enums import ContributionStatus, EntryKind, Insurance

_ARREARS = ContributionStatus.ARREARS.value
_PENSION = Insurance.PENSION.value
_MEDICAL = Insurance.MEDICAL.value

# A pension account's personal parts per year: the years before the window (their summaries'
# pension parts) and the window's paid months.
PENSION_YEARS_SQL = f"""
SELECT person_id, year, SUM(personal) FROM (
    {expand.PENSION_PARTS_SQL}
    UNION ALL
    SELECT person_id, period / 100, personal_fen FROM demo_contribution
    WHERE insurance = {_PENSION} AND status != {_ARREARS} AND person_id BETWEEN :lo AND :hi)
GROUP BY person_id, year ORDER BY person_id, year
"""
# A medical account's allocations over the window: the paid months' personal medical parts,
# and a retiree's fixed allocation from the month of retirement.
ALLOCATIONS_SQL = f"""
SELECT person_id, period, posted_date, personal_fen FROM demo_contribution
WHERE insurance = {_MEDICAL} AND status != {_ARREARS} AND period >= :window_period
  AND person_id BETWEEN :lo AND :hi
UNION ALL
SELECT p.person_id, m.period, m.posted, {v.RETIREE_MEDICAL_ALLOCATION_FEN}
FROM demo_person p JOIN demo_month m ON m.idx >= p.retired_from
WHERE p.status = 'retired' AND p.person_id BETWEEN :lo AND :hi
"""
_PERSONS_SQL = (
    "SELECT person_id, retired_from, opening_fen FROM demo_person "
    "WHERE person_id BETWEEN :lo AND :hi ORDER BY person_id"
)
_ACCOUNTS_SQL = (
    "SELECT person_id, kind, id FROM account WHERE person_id BETWEEN :lo AND :hi ORDER BY id"
)
_INTEREST_SQL = "SELECT year, interest_bp FROM demo_wage"
_PLACES_SQL = "SELECT n, counterparty_id FROM demo_place ORDER BY n"
_BALANCE_SQL = "UPDATE account SET balance_fen = ? WHERE id = ?"

Cell = tuple[int, int, int, int, int, int, int | None, int | None]


def _day(iso: str) -> int:
    """Days since 1970-01-01 of an ISO date."""
    return date.fromisoformat(iso).toordinal() - EPOCH_ORDINAL


def _month(day: int, months: dict[int, int]) -> int:
    """Months since year 0 (year * 12 + month - 1) of a day since 1970-01-01 (remembered in
    `months`)."""
    month = months.get(day)
    if month is None:
        d = date.fromordinal(day + EPOCH_ORDINAL)
        month = months[day] = d.year * 12 + d.month - 1
    return month


def write_entries(
    conn: sqlite3.Connection, bounds: dict[str, Any], next_entry: int
) -> tuple[int, int]:
    """Compute and store the entries of the chunk's pension accounts, then of its medical
    accounts (ids from `next_entry` + 1 on, in that order), as blocks, and set the accounts'
    balances. Returns (pension entries, medical entries)."""
    accounts: dict[tuple[int, str], int] = {
        (person, kind): account for person, kind, account in conn.execute(_ACCOUNTS_SQL, bounds)
    }
    chunk = _Chunk(conn, bounds, accounts, conn.execute(_PERSONS_SQL, bounds).fetchall())
    pension = list(_pension_cells(chunk, next_entry))
    medical = list(_medical_cells(chunk, next_entry + len(pension)))
    blocks: list[tuple[Any, ...]] = []
    balances: list[tuple[int, int]] = []
    for cells in (pension, medical):
        for account, group in groupby(cells, key=lambda c: c[0]):
            held = list(group)
            blocks.extend(chained_blocks(account, held))
            balances.append((held[-1][5], account))
    conn.executemany(INSERT_BLOCK, blocks)
    conn.executemany(_BALANCE_SQL, balances)
    return len(pension), len(medical)


class _Chunk(NamedTuple):
    """What both kinds of account read: the connection, the chunk's bound values, its
    accounts ({(person, kind): account id}) and its persons (id, retired_from, opening_fen)."""

    conn: sqlite3.Connection
    bounds: dict[str, Any]
    accounts: dict[tuple[int, str], int]
    persons: Sequence[Sequence[Any]]


def _pension_cells(chunk: _Chunk, last_id: int) -> Iterator[Cell]:
    """The pension accounts' entries, account by account (ids in account order)."""
    conn, bounds, accounts, persons = chunk
    this_year = bounds["this_year"]
    as_of_day = _day(bounds["as_of"])
    interest_bp = dict(conn.execute(_INTEREST_SQL).fetchall())
    retired = {person: retired_from for person, retired_from, _ in persons}
    yearly = groupby(conn.execute(PENSION_YEARS_SQL, bounds), key=lambda r: r[0])
    by_account = []
    for person, rows in yearly:
        account = accounts.get((person, "pension"))
        if account is not None:
            by_account.append((account, person, {year: personal for _, year, personal in rows}))
    by_account.sort()
    interest_kind, contribution_kind = EntryKind.INTEREST.value, EntryKind.CONTRIBUTION.value
    ends = {this_year: as_of_day}  # a year's entries' day: 31 December, this year's today
    for account, person, parts in by_account:
        year = min(parts)
        last = min(this_year, retired[person] // 12)
        opening, interest, personal = 0, 0, parts[year]
        while True:
            balance = opening + interest
            end = ends.get(year)
            if end is None:
                end = ends[year] = _day(f"{year:04d}-12-31")
            if interest > 0:  # never this year: its interest is 0
                last_id += 1
                yield (account, last_id, end, interest_kind, interest, balance, None, None)
            if personal > 0:
                last_id += 1
                yield (account, last_id, end, contribution_kind, personal, balance + personal,
                       None, None)  # fmt: skip
            if year + 1 > last or year + 1 not in interest_bp:
                break
            year += 1
            opening = balance + personal
            interest = (opening * interest_bp[year] + 5000) // 10000 if year < this_year else 0
            personal = parts.get(year, 0)


def _medical_cells(chunk: _Chunk, last_id: int) -> Iterator[Cell]:
    """The medical accounts' entries, account by account (ids in account order), each
    account's in the order of (posted day, opening/allocation/spending, period)."""
    conn, bounds, accounts, persons = chunk
    seed, as_of = bounds["seed"], bounds["as_of"]
    as_of_day = _day(as_of)
    window_day = _day(bounds["window_start"])
    places = [party for _, party in conn.execute(_PLACES_SQL)]
    allocations: dict[int, list[tuple[int, str, int]]] = {}
    for person, period, posted, amount in conn.execute(ALLOCATIONS_SQL, bounds):
        allocations.setdefault(person, []).append((period, posted, amount))
    days: dict[str, int] = {}
    months: dict[int, int] = {}
    opening_kind, allocation_kind = EntryKind.OPENING.value, EntryKind.ALLOCATION.value
    spending_kind = EntryKind.SPENDING.value
    for person, _, opening in sorted(persons, key=lambda p: accounts.get((p[0], "medical"), 0)):
        account = accounts.get((person, "medical"))
        if account is None:
            continue
        # (posted day, order, period, kind, amount, counterparty)
        moves: list[tuple[int, int, int, int, int, int | None]] = [
            (window_day, 0, -1, opening_kind, opening, None)
        ]
        for period, posted, amount in allocations.get(person, ()):
            day = days.get(posted)
            if day is None:
                day = days[posted] = _day(posted)
            moves.append((day, 1, period, allocation_kind, amount, None))
            h = (person * 2654435761 + period * 40503 + seed * 97) % 1000003
            if h % 100 < 55:
                spent = min(day + h % 20 + 1, as_of_day)
                party = places[h % len(places)]
                moves.append((spent, 2, period, spending_kind, -(amount * (30 + h % 71) // 100),
                              party))  # fmt: skip
        moves.sort()
        balance = 0
        for day, _, period, kind, amount, party in moves:
            balance += amount
            last_id += 1
            lag = None
            if period >= 0:
                lag = _month(day, months) - (period // 100 * 12 + period % 100 - 1)
            yield (account, last_id, day, kind, amount, balance, party, lag)


__all__ = ["ALLOCATIONS_SQL", "PENSION_YEARS_SQL", "write_entries"]
