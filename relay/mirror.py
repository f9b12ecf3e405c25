"""Headquarters' rows written into the relay's store, which has headquarters' schema.

A bootstrap page is written as it is, without feed changes (a workstation copying the relay reads
the tables). A page of headquarters' feed is applied through `hq.register` and `hq.staff`, which
publish each change in the relay's own feed in the same transaction, so the workstations pull
it from the relay. The office's journal (visits, statements, audit events, staff sign-in
failures of the workstations) is kept in the relay's feed only: the relay's bootstrap page of
the journal is read back from there.

Persons are stored under one of the office's districts (their region's when the office serves
it): the relay's scope is the office's, so which of its districts does not matter. Staff
accounts are stored as serving every district of the office, for the same reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from hq import feed, register, store
from hq import staff as hq_staff
from hq.feed import Change, Op
from hq.schema import FeedChange, StaffAccount, StaffDistrict
from hq.wire import placeholders
from models.replica import (
    EMPLOYER,
    JOURNAL_DAYS,
    OFFICE_TABLES,
    PENSION_CHECK,
    PERSON,
    PERSON_TABLES,
    QUERY_CREDENTIAL,
    STAFF_USER,
    Table,
)
from sync.answers import BootstrapPage
from sync.answers import Change as WireChange

_JOURNAL = {t.name for t in OFFICE_TABLES}
_REGION = PERSON.columns.index("region_code")


@dataclass(frozen=True)
class Protected:
    """Rows a workstation's command still waiting for headquarters owns: a pull from
    headquarters does not overwrite them (its answer, or the correction after it, will)."""

    card_nos: frozenset[str] = frozenset()
    person_ids: frozenset[int] = frozenset()  # their query credential
    usernames: frozenset[str] = frozenset()
    check_persons: frozenset[int] = frozenset()  # their pension eligibility checks

    def covers(self, table: Table, row: Sequence[Any]) -> bool:
        """True if the row (wire order, or a key) is one a waiting command owns."""
        if table.name == "card":
            return len(row) > 1 and row[1] in self.card_nos
        if table is QUERY_CREDENTIAL:
            return row[0] in self.person_ids
        if table is STAFF_USER:
            return row[0] in self.usernames
        if table is PENSION_CHECK:
            return row[0] in self.check_persons
        return False


def _district_of(row: Sequence[Any], districts: Sequence[str]) -> str:
    region = row[_REGION]
    return region if region in districts else districts[0]


def _upsert_sql(t: Table, columns: Sequence[str]) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in t.key)
    return (
        f"INSERT INTO {t.name} ({', '.join(columns)}) VALUES ({placeholders(len(columns))}) "
        f"ON CONFLICT ({', '.join(t.key)}) DO UPDATE SET {updates}"
    )


# -- a bootstrap page: the tables as they are -----------------------------------------------


def write_page(page: BootstrapPage, districts: Sequence[str], office: str, now: datetime) -> None:
    """Write one bootstrap page from headquarters (inside the caller's transaction)."""
    if page.phase == "staff":
        for row in page.tables[STAFF_USER.name]:
            _store_account(row, districts)
        return
    if page.phase == "office":
        changes = [
            Change(name, Op.UPSERT, None, row, office=office)
            for name, rows in page.tables.items()
            for row in rows
        ]
        if changes:
            feed.append(changes, now)
        return
    for name, rows in page.tables.items():
        if not rows:
            continue
        t = EMPLOYER if name == EMPLOYER.name else next(x for x in PERSON_TABLES if x.name == name)
        if t is PERSON:
            values = [(*row, _district_of(row, districts)) for row in rows]
            store.executemany(_upsert_sql(t, (*t.columns, "district")), values)
        else:
            store.executemany(_upsert_sql(t, t.columns), rows)


def _store_account(row: Sequence[Any], districts: Sequence[str]) -> int:
    """Upsert a staff account by username, serving the office's districts; its id."""
    values = dict(zip(STAFF_USER.columns, row, strict=True))
    store.executemany(_upsert_sql(STAFF_USER, STAFF_USER.columns), [list(row)])
    account = StaffAccount.get(StaffAccount.username == values["username"]).id
    store.executemany(
        "INSERT INTO staff_district (staff_id, district) VALUES (?, ?) "
        "ON CONFLICT (staff_id, district) DO NOTHING",
        [(account, d) for d in districts],
    )
    return account


# -- a page of headquarters' feed: applied and published again ------------------------------


def apply_changes(
    changes: Sequence[WireChange],
    districts: Sequence[str],
    office: str,
    keep: Protected,
    now: datetime,
) -> int:
    """Apply headquarters' changes in order and publish them in the relay's feed (inside the
    caller's write transaction); how many were applied."""
    applied = 0
    for (table, op), group in groupby(changes, key=lambda c: (c.table, c.op)):
        values = [c.values for c in group if not keep.covers(c.table, c.values)]
        if not values:
            continue
        applied += len(values)
        if table.name in _JOURNAL:
            feed.append([Change(table.name, Op(op), None, v, office=office) for v in values], now)
        elif table is STAFF_USER:
            _apply_staff(op, values, districts, now)
        elif op == "delete":
            register.delete_rows(table.name, values, now=now)
        elif table is PERSON:
            for district, rows in groupby(values, key=lambda r: _district_of(r, districts)):
                register.upsert_rows(PERSON.name, list(rows), district=district, now=now)
        else:
            register.upsert_rows(table.name, values, now=now)
    return applied


def _apply_staff(op: str, values: list[list[Any]], districts: Sequence[str], now: datetime) -> None:
    if op == "upsert":
        for row in values:
            hq_staff.publish(_store_account(row, districts), now)
        return
    for (username,) in values:
        account = StaffAccount.get_or_none(StaffAccount.username == username)
        if account is None:
            continue
        StaffDistrict.delete().where(StaffDistrict.staff == account.id).execute()
        StaffAccount.delete().where(StaffAccount.id == account.id).execute()
        feed.append([Change(STAFF_USER.name, Op.DELETE, d, [username]) for d in districts], now)


# -- the office's journal, read back from the relay's feed -----------------------------------


def journal_tables(office: str, now: datetime) -> dict[str, list[list[Any]]]:
    """The office's journal of the last JOURNAL_DAYS days, from the relay's feed (the latest
    row of each key), in the shape of a bootstrap page."""
    since = FeedChange.at.db_value(now - timedelta(days=JOURNAL_DAYS))
    rows = store.execute(
        "SELECT table_name, op, data FROM feed_change WHERE office = ? AND at >= ? ORDER BY seq",
        (office, since),
    ).fetchall()
    latest: dict[str, dict[tuple, list[Any] | None]] = {t.name: {} for t in OFFICE_TABLES}
    tables = {t.name: t for t in OFFICE_TABLES}
    for name, op, data in rows:
        values = json.loads(data)
        t = tables[name]
        key = tuple(values) if op == Op.DELETE.value else t.key_of(values)
        latest[name][key] = values if op == Op.UPSERT.value else None
    return {name: [v for v in found.values() if v is not None] for name, found in latest.items()}
