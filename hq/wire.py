"""Rows on the wire: replicated tables read in wire order, values as JSON, the scope in SQL.

A row travels as the list of its values in the order of `Table.columns` (models.replica):
integers, text, null; dates "YYYY-MM-DD"; times as stored (UTC ISO 8601 with microseconds).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hq.errors import InvalidInput
from models.fields import UtcDateTimeField
from models.replica import BY_NAME, Table

__all__ = ["placeholders", "rows_of_persons", "scope_filter", "table", "wire_row", "wire_value"]


def table(name: str) -> Table:
    """The replicated table called `name`; InvalidInput for any other name."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise InvalidInput(
            f"{name!r} is not a replicated table (one of {', '.join(BY_NAME)})"
        ) from None


_TIME = UtcDateTimeField()


def wire_value(value: Any) -> Any:
    """One value as JSON carries it."""
    if isinstance(value, datetime):
        return _TIME.db_value(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value)
    return value


def wire_row(row: Sequence[Any]) -> list[Any]:
    """A database row as a list of JSON values."""
    return [
        v if v is None or type(v) in (int, str) else wire_value(v)  # fast path for most values
        for v in row
    ]


def placeholders(count: int) -> str:
    """`?, ?, ...` for `count` values."""
    return ", ".join("?" * count)


def scope_filter(districts: Sequence[str]) -> tuple[str, list[str]]:
    """SQL condition on person.district for a scope, and its parameters."""
    if not districts:
        return "1 = 0", []
    return f"district IN ({placeholders(len(districts))})", list(districts)


def person_condition(t: Table, persons_sql: str) -> str:
    """A WHERE condition selecting the rows of `t` whose person is in the subquery `persons_sql`."""
    if t.name == "person":
        return f"id IN ({persons_sql})"
    if t.person_key == "account_id":
        return f"account_id IN (SELECT id FROM account WHERE person_id IN ({persons_sql}))"
    return f"person_id IN ({persons_sql})"


def rows_of_persons(t: Table, persons_sql: str) -> str:
    """SELECT of the wire columns of `t` for the persons of a subquery, in key order."""
    columns, order = ", ".join(t.columns), ", ".join(t.key)
    condition = person_condition(t, persons_sql)
    return f"SELECT {columns} FROM {t.name} WHERE {condition} ORDER BY {order}"
