"""Benefit payments stored as runs (schema v9), like the monthly contributions
(`models.contribution_runs`): consecutive months of one person and benefit with the same
amount, the same paying account and a paid date at the same distance are one row of
`benefit_run`; the view `benefit_payment` unfolds them. `paid` codes the paid date as
`contribution_runs.posted_code` does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from models.contribution_runs import MAX_LAG, MAX_RUN, month_number, posted_code

RUN_COLUMNS = ("person_id", "kind", "first_month", "months", "amount_fen", "paid", "account_masked")
INSERT_RUN = (
    f'INSERT INTO "benefit_run" ({", ".join(RUN_COLUMNS)}) '
    f"VALUES ({', '.join('?' * len(RUN_COLUMNS))})"
)
# The payments of a person and benefit, in the wire's column order (models.replica).
_PAYMENTS_OF = (
    "SELECT person_id, period, kind, amount_fen, paid_date, account_masked FROM benefit_payment "
    "WHERE person_id = ? AND kind = ?"
)
_DROP_RUNS = 'DELETE FROM "benefit_run" WHERE person_id = ? AND kind = ?'


def pack(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Runs (in `RUN_COLUMNS` order) of payment rows given in the wire's column order:
    person_id, period, kind, amount_fen, paid_date, account_masked (no key twice)."""
    runs: list[list[Any]] = []
    for person, period, kind, amount, paid, account in sorted(
        rows, key=lambda r: (r[0], r[2], r[1])
    ):
        month = month_number(period)
        values = [amount, posted_code(month, paid), account]
        last = runs[-1] if runs else None
        if (
            last is not None
            and last[0] == person
            and last[1] == kind
            and last[2] + last[3] == month
            and last[3] < MAX_RUN
            and last[4:] == values
        ):
            last[3] += 1
        else:
            runs.append([person, kind, month, 1, *values])
    return [tuple(run) for run in runs]


def _months(column: str) -> str:
    year = f"CAST(substr({column}, 1, 4) AS INTEGER)"
    return f"({year} * 12 + CAST(substr({column}, 6, 2) AS INTEGER) - 1)"


_PAID = (
    "CASE WHEN paid_date IS NULL THEN NULL "
    f"WHEN {_months('paid_date')} - m BETWEEN 0 AND {MAX_LAG} "
    f"THEN ({_months('paid_date')} - m) * 100 + CAST(substr(paid_date, 9, 2) AS INTEGER) "
    "ELSE CAST(substr(paid_date, 1, 4) AS INTEGER) * 10000 "
    "+ CAST(substr(paid_date, 6, 2) AS INTEGER) * 100 "
    "+ CAST(substr(paid_date, 9, 2) AS INTEGER) END"
)
_SAME = "person_id, kind, amount_fen, paid, account_masked"


def runs_from(source: str) -> str:
    """INSERT ... SELECT of the runs of the payments in `source` (a table with the columns of
    `benefit_payment`): `pack`'s rule in SQL."""
    return (
        f'INSERT INTO "benefit_run" ({", ".join(RUN_COLUMNS)}) '
        f"SELECT person_id, kind, min(m), count(*), amount_fen, paid, account_masked FROM ("
        f"SELECT *, m - row_number() OVER (PARTITION BY {_SAME} ORDER BY m) AS island FROM ("
        f"SELECT person_id, kind, amount_fen, account_masked, m, {_PAID} AS paid FROM ("
        f"SELECT *, period / 100 * 12 + period % 100 - 1 AS m FROM {source}))) "
        f"GROUP BY {_SAME}, island ORDER BY person_id, kind, min(m)"
    )


def apply_payments(conn: sqlite3.Connection, op: str, values: Sequence[Sequence[Any]]) -> None:
    """Apply a group of the change feed to the benefit payments: upserts (rows in wire order)
    or deletes (keys person_id, period, kind), in the order given."""
    touched: dict[tuple[int, int], dict[int, tuple | None]] = {}
    for value in values:
        changes = touched.setdefault((value[0], value[2]), {})
        changes[value[1]] = tuple(value) if op == "upsert" else None
    for (person, kind), changes in touched.items():
        rows = {r[1]: tuple(r) for r in conn.execute(_PAYMENTS_OF, (person, kind))}
        for period, row in changes.items():
            if row is None:
                rows.pop(period, None)
            else:
                rows[period] = row
        conn.execute(_DROP_RUNS, (person, kind))
        conn.executemany(INSERT_RUN, pack(rows.values()))
