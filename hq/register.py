"""Writes to the register at headquarters, each in one transaction with its feed changes.

Rows are given in wire order (models.replica). Every function returns the last sequence number
it appended to the change feed (the feed's head if nothing changed). Deleting a person or an
account deletes the rows that depend on it first and publishes their tombstones too, so an
office never holds an orphan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import peewee

from hq import feed, store
from hq.errors import InvalidInput, NotFound
from hq.feed import Change, Op
from hq.schema import Card as CardModel
from hq.wire import person_condition, placeholders, table, wire_row
from models.clock import utc_now
from models.enums import CardStatus
from models.replica import ACCOUNT, ACCOUNT_ENTRY, CARD, PERSON, PERSON_TABLES, Table

CHUNK = 900  # values per IN (...) list

__all__ = [
    "current_row",
    "delete_rows",
    "districts_of",
    "republish",
    "set_card_status",
    "upsert_rows",
]


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _lookup(query: str, ids: Iterable[Any]) -> dict[Any, Any]:
    """{id: value} from a query `... WHERE x IN ({})` run over chunks of ids."""
    unique = list(dict.fromkeys(i for i in ids if i is not None))
    found: dict[Any, Any] = {}
    for chunk in _chunks(unique):
        found.update(store.execute(query.format(placeholders(len(chunk))), chunk).fetchall())
    return found


def _not_staff(t: Table) -> None:
    if t.staff_scope:
        raise InvalidInput(
            f"{t.name} rows serve several districts: write them through hq.staff, not as rows"
        )


def districts_of(t: Table, rows: Sequence[Sequence[Any]]) -> list[str | None]:
    """The district each wire row of `t` belongs to (None: city-wide)."""
    _not_staff(t)
    if t.person_key is None:
        return [None] * len(rows)
    if t.person_key == "account_id":
        position = t.columns.index("account_id")
        query = (
            "SELECT a.id, p.district FROM account a JOIN person p ON p.id = a.person_id "
            "WHERE a.id IN ({})"
        )
    else:
        position = t.columns.index(t.person_key)
        query = "SELECT id, district FROM person WHERE id IN ({})"
    found = _lookup(query, (row[position] for row in rows))
    missing = [row[position] for row in rows if row[position] not in found]
    if missing:
        owner = "account" if t.person_key == "account_id" else "person"
        raise InvalidInput(f"{t.name} rows refer to no {owner} with id {missing[0]}")
    return [found[row[position]] for row in rows]


def _upsert_sql(t: Table, columns: Sequence[str]) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in t.key)
    conflict = f"ON CONFLICT ({', '.join(t.key)}) " + (
        f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    )
    return (
        f"INSERT INTO {t.name} ({', '.join(columns)}) VALUES ({placeholders(len(columns))}) "
        f"{conflict}"
    )


def _normalised(t: Table, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Wire rows checked for length, with dates and times as text, one per key (last wins)."""
    by_key: dict[tuple, list[Any]] = {}
    for row in rows:
        if len(row) != len(t.columns):
            raise InvalidInput(
                f"a {t.name} row has {len(row)} values, not {len(t.columns)} "
                f"({', '.join(t.columns)})"
            )
        values = wire_row(row)
        by_key[t.key_of(values)] = values
    return list(by_key.values())


def _person_districts(rows: Sequence[list[Any]], district: str | None) -> list[str]:
    """For person rows: the explicit district, else the person's current one, else the
    person's region code (a new person is served where they live)."""
    if district is not None:
        return [district] * len(rows)
    region = PERSON.columns.index("region_code")
    current = _lookup("SELECT id, district FROM person WHERE id IN ({})", (r[0] for r in rows))
    return [current.get(row[0]) or row[region] for row in rows]


def upsert_rows(
    table_name: str,
    rows: Sequence[Sequence[Any]],
    *,
    district: str | None = None,
    now: datetime | None = None,
) -> int:
    """Insert or update rows of a replicated table (wire order) and publish them; the last seq.

    For persons, `district` sets the serving district (default: unchanged for a known person,
    the region code for a new one).
    """
    t = table(table_name)
    _not_staff(t)
    values = _normalised(t, rows)
    if not values:
        with store.read_snapshot():
            return feed.head_seq()
    try:
        with store.write_transaction():
            if t is PERSON:
                scopes = _person_districts(values, district)
                store.executemany(
                    _upsert_sql(t, (*t.columns, "district")),
                    [(*row, d) for row, d in zip(values, scopes, strict=True)],
                )
            else:
                store.executemany(_upsert_sql(t, t.columns), values)
                scopes = districts_of(t, values)
            changes = [
                Change(t.name, Op.UPSERT, d, row) for row, d in zip(values, scopes, strict=True)
            ]
            return feed.append(changes, now or utc_now())
    except peewee.IntegrityError as exc:
        raise InvalidInput(f"the {t.name} rows break a rule of the register: {exc}") from exc


def _key_condition(t: Table) -> str:
    return " AND ".join(f"{k} = ?" for k in t.key)


def current_row(table_name: str, key: Sequence[Any]) -> list[Any] | None:
    """The row of a replicated table with this key, in wire order (None: no such row)."""
    t = table(table_name)
    row = store.execute(
        f"SELECT {', '.join(t.columns)} FROM {t.name} WHERE {_key_condition(t)}", key
    ).fetchone()
    return wire_row(row) if row else None


def _dependents(t: Table, ids: Sequence[Any]) -> list[tuple[Table, list[list[Any]]]]:
    """Rows that must go before the rows of `t` with these ids: children first."""
    if t is PERSON:
        children = [c for c in reversed(PERSON_TABLES) if c is not PERSON]
    elif t is ACCOUNT:
        children = [ACCOUNT_ENTRY]
    else:
        return []
    found = []
    for child in children:
        rows: list[list[Any]] = []
        for chunk in _chunks(ids):
            marks = placeholders(len(chunk))
            condition = (
                f"account_id IN ({marks})" if t is ACCOUNT else person_condition(child, marks)
            )
            query = f"SELECT {', '.join(child.columns)} FROM {child.name} WHERE {condition}"
            rows.extend(wire_row(r) for r in store.execute(query, chunk).fetchall())
        if rows:
            found.append((child, rows))
    return found


def _referrers_first(rows: Sequence[list[Any]]) -> list[list[Any]]:
    """Cards ordered so that a card pointing at another (replaced_by_id) comes before it:
    an office applying the tombstones in order never breaks its foreign keys."""
    position = CARD.columns.index("replaced_by_id")
    remaining = {row[0]: row for row in rows}
    ordered: list[list[Any]] = []
    while remaining:
        targets = {row[position] for row in remaining.values()}
        free = [row for cid, row in remaining.items() if cid not in targets]
        batch = free or list(remaining.values())  # a cycle cannot be ordered: keep it as is
        ordered.extend(batch)
        for row in batch:
            del remaining[row[0]]
    return ordered


def _delete(t: Table, rows: Sequence[list[Any]], changes: list[Change]) -> None:
    """Delete existing rows (wire order), recording their tombstones."""
    if t is CARD:
        rows = _referrers_first(rows)
    scopes = districts_of(t, rows)
    keys = [list(t.key_of(row)) for row in rows]
    if t is CARD:  # cards that point at a deleted card forget it
        ids = [k[0] for k in keys]
        for chunk in _chunks(ids):
            marks = placeholders(len(chunk))
            referring = store.execute(
                f"SELECT {', '.join(CARD.columns)} FROM card WHERE replaced_by_id IN ({marks}) "
                f"AND id NOT IN ({marks})",
                (*chunk, *chunk),
            ).fetchall()
            if referring:
                fixed = [wire_row(r) for r in referring]
                position = CARD.columns.index("replaced_by_id")
                for row in fixed:
                    row[position] = None
                store.execute(
                    f"UPDATE card SET replaced_by_id = NULL WHERE id IN "
                    f"({placeholders(len(fixed))})",
                    [row[0] for row in fixed],
                )
                changes.extend(
                    Change(CARD.name, Op.UPSERT, d, row)
                    for row, d in zip(fixed, districts_of(CARD, fixed), strict=True)
                )
    store.executemany(f"DELETE FROM {t.name} WHERE {_key_condition(t)}", keys)
    changes.extend(Change(t.name, Op.DELETE, d, k) for k, d in zip(keys, scopes, strict=True))


def delete_rows(
    table_name: str, keys: Sequence[Sequence[Any]], *, now: datetime | None = None
) -> int:
    """Delete rows of a replicated table by key and publish tombstones; the last seq.

    Keys of rows that do not exist are ignored.
    """
    t = table(table_name)
    _not_staff(t)
    try:
        with store.write_transaction():
            rows = [row for key in keys if (row := current_row(t.name, list(key))) is not None]
            changes: list[Change] = []
            if rows:
                for child, child_rows in _dependents(t, [r[0] for r in rows]):
                    _delete(child, child_rows, changes)
                _delete(t, rows, changes)
            if not changes:
                return feed.head_seq()
            return feed.append(changes, now or utc_now())
    except peewee.IntegrityError as exc:
        raise InvalidInput(f"the {t.name} rows cannot be deleted: {exc}") from exc


def set_card_status(card_no: str, status: str, *, now: datetime | None = None) -> int:
    """Change a card's status (and its status time) and publish the card; the last seq."""
    try:
        new = CardStatus(status)
    except ValueError:
        raise InvalidInput(
            f"{status!r} is not a card status ({', '.join(s.value for s in CardStatus)})"
        ) from None
    now = now or utc_now()
    with store.write_transaction():
        done = store.execute(
            "UPDATE card SET status = ?, status_changed_at = ? WHERE card_no = ?",
            (new.value, CardModel.status_changed_at.db_value(now), card_no),
        )
        if done.rowcount == 0:
            raise NotFound(f"headquarters has no card {card_no}")
        card_id = store.execute("SELECT id FROM card WHERE card_no = ?", (card_no,)).fetchone()[0]
        return republish(CARD.name, [card_id], now)


def republish(table_name: str, key: Sequence[Any], now: datetime) -> int:
    """Publish the current state of one row again: its values, or a tombstone if it is gone.

    Inside the caller's write transaction (or its own). Used after a rejected command, so the
    office's optimistic copy is corrected by its next pull.
    """
    t = table(table_name)
    if t.staff_scope:
        from hq import staff  # staff accounts are published to each district they serve

        return staff.republish(str(key[0]), now)
    with store.write_transaction():
        row = current_row(t.name, key)
        if row is not None:
            change = Change(t.name, Op.UPSERT, districts_of(t, [row])[0], row)
        else:
            district = None
            if t.person_key in t.key:  # e.g. a query credential: its key is the person
                person = key[t.key.index(t.person_key)]
                query = "SELECT id, district FROM person WHERE id IN ({})"
                district = _lookup(query, [person]).get(person)
            change = Change(t.name, Op.DELETE, district, list(key))
        return feed.append([change], now)
