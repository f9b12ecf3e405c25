"""Monthly contributions stored as runs (schema v9): the packing, in Python and in SQL.

A run is consecutive months of one person and insurance type that repeat each other: the same
employer, base, amounts and status, and a posted date at the same distance (the same number of
months after the month, on the same day). A person's 36 months of a type are then a few rows of
`contribution_run` instead of 36; the view `contribution` unfolds them into the months again
(models/sql/0009_compact_register.sql), so readers keep their SQL.

`first_month` is a month number, year * 12 + month - 1. `posted` codes the posted date: NULL for
none; lag * 100 + day (below 10,000) for the day of the month `lag` months after the month
(0 <= lag <= MAX_LAG); else the date itself as YYYYMMDD. Writers: `pack` (rows of the wire, for
sync) and `RUNS_FROM` (the same rule in SQL, for the demo generator and the migration); both give
the same runs for the same months.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

MAX_LAG = 2  # a later posting (a back payment) is stored as its date: its months share it
MAX_RUN = 1200  # the rows of `month_step`: no run is longer

RUN_COLUMNS = (
    "person_id",
    "insurance",
    "first_month",
    "months",
    "employer_id",
    "base_fen",
    "employer_fen",
    "personal_fen",
    "status",
    "posted",
)
INSERT_RUN = (
    f'INSERT INTO "contribution_run" ({", ".join(RUN_COLUMNS)}) '
    f"VALUES ({', '.join('?' * len(RUN_COLUMNS))})"
)
# The months of a person and type, in the wire's column order (models.replica.CONTRIBUTION).
_MONTHS_OF = (
    "SELECT person_id, period, insurance, employer_id, base_fen, employer_fen, personal_fen, "
    "status, posted_date FROM contribution WHERE person_id = ? AND insurance = ?"
)
_DROP_RUNS = 'DELETE FROM "contribution_run" WHERE person_id = ? AND insurance = ?'


def month_number(period: int) -> int:
    """The month number of a period YYYYMM."""
    return period // 100 * 12 + period % 100 - 1


def posted_code(month: int, posted: str | None) -> int | None:
    """The code of a posted date (ISO text) of the month with number `month`."""
    if posted is None:
        return None
    year, mon, day = int(posted[0:4]), int(posted[5:7]), int(posted[8:10])
    lag = year * 12 + mon - 1 - month
    if 0 <= lag <= MAX_LAG:
        return lag * 100 + day
    return year * 10000 + mon * 100 + day


def posted_date(month: int, code: int | None) -> str | None:
    """The posted date (ISO text) a code stands for in the month with number `month`."""
    if code is None:
        return None
    if code >= 10000:
        return f"{code // 10000:04d}-{code // 100 % 100:02d}-{code % 100:02d}"
    target = month + code // 100
    return f"{target // 12:04d}-{target % 12 + 1:02d}-{code % 100:02d}"


def pack(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Runs (in `RUN_COLUMNS` order) of contribution rows given in the wire's column order:
    person_id, period, insurance, employer_id, base, employer, personal, status, posted_date.
    The rows must not repeat a key."""
    runs: list[list[Any]] = []
    for person, period, insurance, employer, base, emp, pers, status, posted in sorted(
        rows, key=lambda r: (r[0], r[2], r[1])
    ):
        month = month_number(period)
        values = [employer, base, emp, pers, status, posted_code(month, posted)]
        last = runs[-1] if runs else None
        if (
            last is not None
            and last[0] == person
            and last[1] == insurance
            and last[2] + last[3] == month
            and last[3] < MAX_RUN
            and last[4:] == values
        ):
            last[3] += 1
        else:
            runs.append([person, insurance, month, 1, *values])
    return [tuple(run) for run in runs]


def _months_sql(column: str) -> str:
    year = f"CAST(substr({column}, 1, 4) AS INTEGER)"
    return f"({year} * 12 + CAST(substr({column}, 6, 2) AS INTEGER) - 1)"


_POSTED = (
    "CASE WHEN posted_date IS NULL THEN NULL "
    f"WHEN {_months_sql('posted_date')} - m BETWEEN 0 AND {MAX_LAG} "
    f"THEN ({_months_sql('posted_date')} - m) * 100 + CAST(substr(posted_date, 9, 2) AS INTEGER) "
    "ELSE CAST(substr(posted_date, 1, 4) AS INTEGER) * 10000 "
    "+ CAST(substr(posted_date, 6, 2) AS INTEGER) * 100 "
    "+ CAST(substr(posted_date, 9, 2) AS INTEGER) END"
)
# The posted code of `posted_date` (ISO text) in the month numbered `m`, as `posted_code`.
POSTED_CODE_SQL = _POSTED
_SAME = "person_id, insurance, employer_id, base_fen, employer_fen, personal_fen, status, posted"


def runs_from(source: str, where: str = "1") -> str:
    """INSERT ... SELECT of the runs of the months in `source` (a table or view with the
    columns of `contribution`) that match `where`: `pack`'s rule in SQL (islands of
    consecutive months with the same values). Runs longer than MAX_RUN do not occur (a
    lifetime is shorter)."""
    return (
        f'INSERT INTO "contribution_run" ({", ".join(RUN_COLUMNS)}) '
        f"SELECT person_id, insurance, min(m), count(*), employer_id, base_fen, employer_fen, "
        f"personal_fen, status, posted FROM ("
        f"SELECT *, m - row_number() OVER (PARTITION BY {_SAME} ORDER BY m) AS island FROM ("
        f"SELECT person_id, insurance, employer_id, base_fen, employer_fen, personal_fen, status, "
        f"m, {_POSTED} AS posted FROM (SELECT *, period / 100 * 12 + period % 100 - 1 AS m "
        f"FROM {source} WHERE {where}))) "
        f"GROUP BY {_SAME}, island ORDER BY person_id, insurance, min(m)"
    )


def rewrite(
    conn: sqlite3.Connection,
    person: int,
    insurance: int,
    upserts: Iterable[Sequence[Any]] = (),
    deletes: Iterable[int] = (),
) -> None:
    """Change months of one person and type (rows in wire order; periods to delete), and store
    the runs again: for the change feed, which sends single months."""
    months = {row[1]: tuple(row) for row in conn.execute(_MONTHS_OF, (person, insurance))}
    for period in deletes:
        months.pop(period, None)
    for row in upserts:
        months[row[1]] = tuple(row)
    conn.execute(_DROP_RUNS, (person, insurance))
    conn.executemany(INSERT_RUN, pack(months.values()))


def apply_months(conn: sqlite3.Connection, op: str, values: Sequence[Sequence[Any]]) -> None:
    """Apply a group of the change feed to the monthly contributions: upserts (rows in wire
    order) or deletes (keys person_id, period, insurance), in the order given."""
    touched: dict[tuple[int, int], tuple[list[Sequence[Any]], list[int]]] = {}
    for value in values:
        person, insurance = value[0], value[2]
        upserts, deletes = touched.setdefault((person, insurance), ([], []))
        if op == "upsert":
            upserts.append(value)
        else:
            deletes.append(value[1])
    for (person, insurance), (upserts, deletes) in touched.items():
        rewrite(conn, person, insurance, upserts, deletes)
