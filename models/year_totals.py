"""Yearly contribution summaries stored one small row per person and year (schema v10).

A person's summaries are a row per year and insurance type on the wire (about 73 rows a
person). Schema v9 stored a year's five types side by side (20 numbers a row); schema v10 keeps
only what the numbers do not repeat (`contribution_year_pack`):

* `types`: the insurance types that have a summary that year, bit i - 1 for type i;
* `months` and `base`: the months paid and the monthly base of the year's first type;
* `injury_bp`: the work-injury employer rate that gives that type's employer part;
* `odd`: NULL, or a JSON object with every number that differs from what these give
  (key part letter + type: `m1` months, `b1` base total, `e1` employer part, `p1` personal
  part of type 1).

What "these give" for type i: months_paid = months, base_total_fen = base * months, employer
and personal parts = the monthly amount at the type's rate (`RATES_BP`, the rounding of
`models.money.apply_rate`) times the months. The rates are a dictionary of the usual values,
not a rule: a summary at another rate (another year's, another district's) keeps its exact
numbers in `odd`. The view `contribution_year` shows the old rows exactly (`view_sql`).

Writers: `pack` (rows of the wire, for sync), `apply_years` (the change feed), `pack_from`
(SQL, for the migration) and `pack_from_wide` (SQL of rows already side by side: the demo
generator).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from models.enums import Insurance

INSURANCES: tuple[int, ...] = tuple(i.value for i in Insurance)
# Usual (employer, personal) rates in basis points; None: the row's `injury_bp`.
RATES_BP: dict[int, tuple[int | None, int]] = {
    1: (1600, 800),
    2: (800, 200),
    3: (70, 30),
    4: (None, 0),
    5: (0, 0),
}
PARTS = ("m", "b", "e", "p")  # months_paid, base_total_fen, employer_fen, personal_fen
COLUMNS: tuple[str, ...] = ("person_id", "year", "types", "months", "base", "injury_bp", "odd")
INSERT_PACKED = (
    f'INSERT INTO "contribution_year_pack" ({", ".join(COLUMNS)}) '
    f"VALUES ({', '.join('?' * len(COLUMNS))})"
)
_READ_YEAR = (
    'SELECT "person_id", "year", "insurance", "months_paid", "base_total_fen", "employer_fen", '
    '"personal_fen" FROM "contribution_year" WHERE "person_id" = ? AND "year" = ?'
)
_DROP_YEAR = 'DELETE FROM "contribution_year_pack" WHERE "person_id" = ? AND "year" = ?'


def _rate(amount: int, bp: int) -> int:
    return (amount * bp + 5000) // 10000


def _expected(insurance: int, months: int, base: int | None, injury_bp: int | None) -> list:
    """What the packed row gives for one type: months, base total, employer, personal."""
    if base is None:
        return [months, None, None, None]
    employer_bp, personal_bp = RATES_BP[insurance]
    employer_bp = injury_bp if employer_bp is None else employer_bp
    employer = None if employer_bp is None else _rate(base, employer_bp) * months
    return [months, base * months, employer, _rate(base, personal_bp) * months]


def _pack_year(person: int, year: int, by_type: dict[int, Sequence[Any]]) -> tuple[Any, ...]:
    """The packed row of one person's year; `by_type` maps a type to its four numbers."""
    types = sum(1 << (i - 1) for i in by_type)
    months, base_total = by_type[min(by_type)][:2]
    base = None
    if months is not None and base_total is not None and months > 0 and base_total >= 0:
        base = base_total // months if base_total % months == 0 else None
    injury_bp = None
    injury = by_type.get(Insurance.WORK_INJURY.value)
    employer = None if injury is None else injury[2]
    if base and employer is not None and employer >= 0 and employer % months == 0:
        injury_bp = (employer // months * 10000 + base // 2) // base
    odd = []
    for insurance in sorted(by_type):
        expected = _expected(insurance, months, base, injury_bp)
        for part, value, usual in zip(PARTS, by_type[insurance], expected, strict=True):
            if value != usual:
                odd.append(f'"{part}{insurance}":{json.dumps(value)}')
    packed_odd = "{" + ",".join(odd) + "}" if odd else None
    return (person, year, types, months, base, injury_bp, packed_odd)


def pack(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Packed rows (in `COLUMNS` order) of summary rows given in the wire's column order:
    person_id, year, insurance, months_paid, base_total_fen, employer_fen, personal_fen."""
    years: dict[tuple[int, int], dict[int, Sequence[Any]]] = {}
    for person, year, insurance, *parts in rows:
        years.setdefault((person, year), {})[insurance] = parts
    return [_pack_year(p, y, by_type) for (p, y), by_type in sorted(years.items())]


def apply_years(conn: sqlite3.Connection, op: str, values: Sequence[Sequence[Any]]) -> None:
    """Apply a group of the change feed to the yearly summaries: upserts (rows in wire order)
    or deletes (keys person_id, year, insurance), in the order given."""
    for value in values:
        person, year, insurance = value[0], value[1], value[2]
        by_type = {r[2]: r[3:7] for r in conn.execute(_READ_YEAR, (person, year))}
        if op == "upsert":
            by_type[insurance] = tuple(value[3:7])
        else:
            by_type.pop(insurance, None)
        conn.execute(_DROP_YEAR, (person, year))
        if by_type:
            conn.execute(INSERT_PACKED, _pack_year(person, year, by_type))


def _sql_rate(amount: str, bp: str) -> str:
    return f"(({amount}) * ({bp}) + 5000) / 10000"


def _sql_expected(insurance: int, part: str) -> str:
    """SQL of what a packed row (columns months, base, injury_bp) gives for one number."""
    employer_bp, personal_bp = RATES_BP[insurance]
    if part == "m":
        return '"months"'
    if part == "b":
        return '"base" * "months"'
    if part == "e":
        bp = '"injury_bp"' if employer_bp is None else str(employer_bp)
        return f'{_sql_rate(chr(34) + "base" + chr(34), bp)} * "months"'
    return f'{_sql_rate(chr(34) + "base" + chr(34), str(personal_bp))} * "months"'


_WIRE = {"m": "months_paid", "b": "base_total_fen", "e": "employer_fen", "p": "personal_fen"}


def view_sql() -> str:
    """The view `contribution_year` over the packed rows (as written in the migration)."""
    arms = []
    for i in INSURANCES:
        columns = []
        for part in PARTS:
            key = f"'$.{part}{i}'"
            usual = _sql_expected(i, part)
            columns.append(
                f'CASE WHEN "odd" IS NULL OR json_type("odd", {key}) IS NULL THEN {usual} '
                f'ELSE json_extract("odd", {key}) END AS "{_WIRE[part]}"'
            )
        arms.append(
            f'SELECT "person_id", "year", {i} AS "insurance", {", ".join(columns)} '
            f'FROM "contribution_year_pack" WHERE "types" & {1 << (i - 1)}'
        )
    return 'CREATE VIEW "contribution_year" AS ' + " UNION ALL ".join(arms)


def pack_from(source: str) -> str:
    """INSERT ... SELECT of the packed rows of the summaries in `source` (a table or view with
    the columns of `contribution_year`). Gives the rows `pack` gives."""
    picks = ", ".join(
        f'max(CASE WHEN "insurance" = {i} THEN "{_WIRE[part]}" END) AS "{part}{i}"'
        for i in INSURANCES
        for part in PARTS
    )
    return pack_from_wide(
        f'SELECT "person_id", "year", {picks} FROM {source} GROUP BY "person_id", "year"'
    )


def pack_from_wide(wide: str) -> str:
    """INSERT ... SELECT of the packed rows of `wide`: a SELECT of one row per person and year
    in that order, with columns person_id, year and, for each type i, `m<i>`, `b<i>`, `e<i>`
    and `p<i>` (months paid, base total, employer and personal parts; all NULL when the type
    has no summary that year). `pack_from` gives it the summaries' rows turned on their side;
    the demo generator computes the wide rows itself."""
    present = [f'"m{i}" IS NOT NULL' for i in INSURANCES]
    types = " | ".join(f"(({p}) << {i - 1})" for i, p in zip(INSURANCES, present, strict=True))
    pairs = zip(INSURANCES, present, strict=True)
    first = " ".join(f'WHEN {p} THEN "{{part}}{i}"' for i, p in pairs)
    step1 = (
        f'SELECT *, {types} AS "types", CASE {first.format(part="m")} END AS "months", '
        f'CASE {first.format(part="b")} END AS "first_base" FROM ({wide})'
    )
    step2 = (
        'SELECT *, CASE WHEN "months" > 0 AND "first_base" >= 0 AND "first_base" % "months" = 0 '
        'THEN "first_base" / "months" END AS "base" FROM (' + step1 + ")"
    )
    step3 = (
        'SELECT *, CASE WHEN "base" > 0 AND "e4" >= 0 AND "e4" % "months" = 0 '
        'THEN ("e4" / "months" * 10000 + "base" / 2) / "base" END AS "injury_bp" '
        "FROM (" + step2 + ")"
    )
    fragments = " || ".join(
        f'CASE WHEN "m{i}" IS NOT NULL AND "{part}{i}" IS NOT {_sql_expected(i, part)} '
        f"THEN ',\"{part}{i}\":' || IFNULL(\"{part}{i}\", 'null') ELSE '' END"
        for i in INSURANCES
        for part in PARTS
    )
    # The usual year (every number as the row gives it) skips building the text.
    usual = " AND ".join(
        f'("m{i}" IS NULL OR ('
        + " AND ".join(f'"{part}{i}" IS {_sql_expected(i, part)}' for part in PARTS)
        + "))"
        for i in INSURANCES
    )
    odd = f"CASE WHEN {usual} THEN NULL ELSE '{{' || NULLIF(substr({fragments}, 2), '') || '}}' END"
    # MATERIALIZED: the row's months, base and rate are computed once, not in every use.
    return (
        f"WITH k AS MATERIALIZED ({step3}) "
        f'INSERT INTO "contribution_year_pack" ({", ".join(COLUMNS)}) '
        f'SELECT "person_id", "year", "types", "months", "base", "injury_bp", {odd} '
        'FROM k ORDER BY "person_id", "year"'
    )
