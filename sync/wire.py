"""Checking what arrives on the wire before anything is used: JSON fields and replicated rows.

Every answer of headquarters is checked for its shape and types first, so a corrupt answer is
refused whole (`BadAnswer`) and never half-applied. Rows are checked column by column with
C-speed set operations (bootstrap pages can hold hundreds of thousands of values).
"""

from __future__ import annotations

from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from peewee import BooleanField, ForeignKeyField, IntegerField

from models.replica import BY_NAME, OFFICE_TABLES, TABLES, Table
from models.schema import ALL_MODELS, VIEW_MODELS
from sync.errors import BadAnswer

NoneType = type(None)
_MODELS = {m._meta.table_name: m for m in (*ALL_MODELS, *VIEW_MODELS)}


def _column_types(table: Table) -> tuple[frozenset[type], ...]:
    """For each wire column, the JSON value types allowed (int or str, and None if nullable)."""
    fields = {f.column_name: f for f in _MODELS[table.name]._meta.sorted_fields}
    kinds = []
    for name in table.columns:
        field = fields[name]
        numeric = isinstance(field, IntegerField | ForeignKeyField | BooleanField)
        kind: type = int if numeric else str  # booleans travel as 0 / 1
        nullable = field.null and not field.primary_key and name not in table.key
        kinds.append(frozenset({kind, NoneType}) if nullable else frozenset({kind}))
    return tuple(kinds)


COLUMN_TYPES: dict[str, tuple[frozenset[type], ...]] = {
    t.name: _column_types(t) for t in (*TABLES, *OFFICE_TABLES)
}


def check_rows(table: Table, rows: Any, where: str) -> list[list[Any]]:
    """Return `rows` if it is a list of rows of `table` in wire order with the right types."""
    if type(rows) is not list:
        raise BadAnswer(f"{where}: the rows of {table.name} are not a list")
    if not rows:
        return rows
    if set(map(type, rows)) != {list}:
        raise BadAnswer(f"{where}: a row of {table.name} is not a list")
    if set(map(len, rows)) != {len(table.columns)}:
        raise BadAnswer(f"{where}: rows of {table.name} must have {len(table.columns)} values")
    for index, (name, allowed) in enumerate(
        zip(table.columns, COLUMN_TYPES[table.name], strict=True)
    ):
        if not set(map(type, map(itemgetter(index), rows))) <= allowed:
            raise BadAnswer(f"{where}: {table.name}.{name} holds a value of the wrong type")
    return rows


def check_key(table: Table, key: Any, where: str) -> list[Any]:
    """Return `key` if it is the list of key values of a `table` row."""
    if type(key) is not list or len(key) != len(table.key):
        raise BadAnswer(f"{where}: the key of a {table.name} row is not {list(table.key)}")
    types = dict(zip(table.columns, COLUMN_TYPES[table.name], strict=True))
    for name, value in zip(table.key, key, strict=True):
        if type(value) not in types[name]:
            raise BadAnswer(f"{where}: {table.name}.{name} in a key has the wrong type")
    return key


def table_named(name: Any, where: str) -> Table:
    """The replicated table called `name`, or BadAnswer."""
    if type(name) is not str or name not in BY_NAME:
        raise BadAnswer(f"{where}: {name!r} is not a replicated table")
    return BY_NAME[name]


def obj(value: Any, where: str) -> dict[str, Any]:
    """`value` if it is a JSON object."""
    if type(value) is not dict:
        raise BadAnswer(f"{where} is not a JSON object")
    return value


def req(data: dict[str, Any], name: str, kind: type, where: str, *, null: bool = False) -> Any:
    """Field `name` of `data`, of exactly type `kind` (bool is not an int), or None if `null`."""
    if name not in data:
        raise BadAnswer(f"{where} lacks the field {name!r}")
    value = data[name]
    if value is None and null:
        return None
    if type(value) is not kind:
        raise BadAnswer(f"{where}: {name!r} should be of type {kind.__name__}")
    return value


def non_negative(data: dict[str, Any], name: str, where: str) -> int:
    """An integer field that is 0 or more (sequence numbers, ids, counts)."""
    value = req(data, name, int, where)
    if value < 0:
        raise BadAnswer(f"{where}: {name!r} is negative")
    return value


def timestamp(value: Any, where: str) -> datetime:
    """A UTC ISO 8601 time with its offset, as a timezone-aware datetime."""
    if type(value) is not str:
        raise BadAnswer(f"{where}: a time is not text")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadAnswer(f"{where}: {value[:40]!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise BadAnswer(f"{where}: the time {value[:40]!r} has no UTC offset")
    return parsed.astimezone(UTC)


def check_tables(data: Any, names: tuple[Table, ...], where: str) -> dict[str, list[list[Any]]]:
    """A `{"<name>": {"columns": [...], "rows": [...]}}` mapping checked against `names`.

    Tables absent from the answer count as empty; unknown tables and columns in another order
    than the wire order are refused.
    """
    tables = obj(data, f"{where}: tables")
    allowed = {t.name for t in names}
    unknown = set(tables) - allowed
    if unknown:
        raise BadAnswer(f"{where}: unexpected tables {sorted(unknown)}")
    result: dict[str, list[list[Any]]] = {}
    for table in names:
        if table.name not in tables:
            result[table.name] = []
            continue
        part = obj(tables[table.name], f"{where}: table {table.name}")
        columns = req(part, "columns", list, f"{where}: table {table.name}")
        if tuple(columns) != table.columns:
            raise BadAnswer(
                f"{where}: the columns of {table.name} are not those of this protocol version"
            )
        result[table.name] = check_rows(
            table, req(part, "rows", list, f"{where}: table {table.name}"), where
        )
    return result
