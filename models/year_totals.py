"""Yearly contribution summaries stored one row per person and year (schema v9).

A person's summaries used to be a row per year and insurance type (about 73 rows a person);
`contribution_year_wide` holds a year's five types side by side (`months_<i>`, `base_<i>`,
`employer_<i>`, `personal_<i>` for insurance i; NULL months: no summary of that type), so the
per-row overhead is paid once a year. The view `contribution_year` shows the old rows (models/
sql/0009_compact_register.sql). Writers: `pivot` (rows of the wire, for sync), `apply_years`
(the change feed) and `wide_from` (SQL, for the demo generator).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from models.enums import Insurance

INSURANCES: tuple[int, ...] = tuple(i.value for i in Insurance)
PARTS = ("months", "base", "employer", "personal")  # wire: months_paid, base_total_fen, ...
COLUMNS: tuple[str, ...] = (
    "person_id",
    "year",
    *(f"{part}_{i}" for i in INSURANCES for part in PARTS),
)
INSERT_WIDE = (
    f'INSERT INTO "contribution_year_wide" ({", ".join(COLUMNS)}) '
    f"VALUES ({', '.join('?' * len(COLUMNS))})"
)


def _set_one(insurance: int) -> str:
    names = [f"{part}_{insurance}" for part in PARTS]
    sets = ", ".join(f"{n} = excluded.{n}" for n in names)
    return (
        f'INSERT INTO "contribution_year_wide" (person_id, year, {", ".join(names)}) '
        f"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, year) DO UPDATE SET {sets}"
    )


def _clear_one(insurance: int) -> str:
    sets = ", ".join(f"{part}_{insurance} = NULL" for part in PARTS)
    return f'UPDATE "contribution_year_wide" SET {sets} WHERE person_id = ? AND year = ?'


_SET = {i: _set_one(i) for i in INSURANCES}
_CLEAR = {i: _clear_one(i) for i in INSURANCES}
_DROP_EMPTY = (
    'DELETE FROM "contribution_year_wide" WHERE person_id = ? AND year = ? AND '
    + " AND ".join(f"months_{i} IS NULL" for i in INSURANCES)
)


def pivot(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Wide rows (in `COLUMNS` order) of summary rows given in the wire's column order:
    person_id, year, insurance, months_paid, base_total_fen, employer_fen, personal_fen."""
    wide: dict[tuple[int, int], list[Any]] = {}
    for person, year, insurance, *parts in rows:
        row = wide.setdefault((person, year), [person, year, *([None] * (len(COLUMNS) - 2))])
        at = 2 + INSURANCES.index(insurance) * len(PARTS)
        row[at : at + len(PARTS)] = parts
    return [tuple(row) for _, row in sorted(wide.items())]


def apply_years(conn: sqlite3.Connection, op: str, values: Sequence[Sequence[Any]]) -> None:
    """Apply a group of the change feed to the yearly summaries: upserts (rows in wire order)
    or deletes (keys person_id, year, insurance), in the order given."""
    for value in values:
        person, year, insurance = value[0], value[1], value[2]
        if op == "upsert":
            conn.execute(_SET[insurance], (person, year, *value[3:7]))
        else:
            conn.execute(_CLEAR[insurance], (person, year))
            conn.execute(_DROP_EMPTY, (person, year))


def wide_from(source: str) -> str:
    """INSERT ... SELECT of the wide rows of the summaries in `source` (a table with the
    columns of `contribution_year`)."""
    wire = ("months_paid", "base_total_fen", "employer_fen", "personal_fen")
    parts = dict(zip(PARTS, wire, strict=True))
    picks = ", ".join(
        f"max(CASE WHEN insurance = {i} THEN {parts[part]} END)"
        for i in INSURANCES
        for part in PARTS
    )
    return (
        f'INSERT INTO "contribution_year_wide" ({", ".join(COLUMNS)}) '
        f"SELECT person_id, year, {picks} FROM {source} GROUP BY person_id, year "
        "ORDER BY person_id, year"
    )


def view_sql() -> str:
    """The view `contribution_year` over the wide rows (as written in the migration)."""
    arms = [
        f'SELECT "person_id", "year", {i} AS "insurance", "months_{i}" AS "months_paid", '
        f'"base_{i}" AS "base_total_fen", "employer_{i}" AS "employer_fen", '
        f'"personal_{i}" AS "personal_fen" FROM "contribution_year_wide" '
        f'WHERE "months_{i}" IS NOT NULL'
        for i in INSURANCES
    ]
    return 'CREATE VIEW "contribution_year" AS ' + " UNION ALL ".join(arms)
