"""Writing replicated rows into the office register, fast: raw `executemany` on peewee's
connection, inside the caller's transaction, with the column lists of `models.replica`.

Persons are upserted (INSERT ... ON CONFLICT(id) DO UPDATE), never deleted and re-inserted: the
audit log, visits and statements point at them (ON DELETE SET NULL) and the audit chain's hashes
cover `person_id`. Only persons headquarters no longer has are deleted.

Staff accounts are upserted by username (the local id, which visits point at, stays) and marked
as headquarters' copy (`origin` 'hq'); the local failure count and lock are kept, and cleared
when the password changes. A staff tombstone deletes headquarters' copy, or, when visits point
at it, keeps it disabled, without password, as this office's own row. The office's own accounts
(`origin` 'local') are never touched by a tombstone.

Reconciliation with the office's optimistic state: a card, query credential or staff account
for which a command is still pending in the outbox keeps its local row (the pending command
will be accepted, or rejected, and then headquarters publishes the row again).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from models import benefit_runs
from models.account_entries import apply_entries, insert_entries
from models.contribution_runs import INSERT_RUN, apply_months, pack
from models.replica import (
    ACCOUNT_ENTRY,
    BENEFIT_PAYMENT,
    CARD,
    CONTRIBUTION,
    CONTRIBUTION_YEAR,
    EMPLOYER,
    OFFICE_STAFF_LOCK,
    OFFICE_TABLES,
    PENSION_CHECK,
    PERSON,
    PERSON_TABLES,
    QUERY_CREDENTIAL,
    STAFF_USER,
    TABLES,
    Table,
)
from models.year_totals import INSERT_PACKED, apply_years
from models.year_totals import pack as pack_years
from sync.answers import BootstrapPage, Change

LAST_ID = 2**63 - 1


def _names(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def upsert_sql(table: Table) -> str:
    """INSERT ... ON CONFLICT(key) DO UPDATE SET every other column."""
    marks = ", ".join("?" * len(table.columns))
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in table.columns if c not in table.key)
    return (
        f'INSERT INTO "{table.name}" ({_names(table.columns)}) VALUES ({marks}) '
        f"ON CONFLICT ({_names(table.key)}) DO UPDATE SET {sets}"
    )


def delete_sql(table: Table) -> str:
    """DELETE one row by its key."""
    where = " AND ".join(f'"{c}" = ?' for c in table.key)
    return f'DELETE FROM "{table.name}" WHERE {where}'


def staff_upsert_sql() -> str:
    """Upsert of a staff account by username, as headquarters' copy; a new password clears the
    local failure count and lock (SET reads the row as it was before the update)."""
    columns = (*STAFF_USER.columns, "origin")
    marks = ", ".join("?" * len(STAFF_USER.columns))
    changed = '"password_hash" IS NOT excluded."password_hash"'
    sets = ", ".join(
        [
            f'"failed_attempts" = CASE WHEN {changed} THEN 0 ELSE "failed_attempts" END',
            f'"locked_until" = CASE WHEN {changed} THEN NULL ELSE "locked_until" END',
            *(f'"{c}" = excluded."{c}"' for c in STAFF_USER.columns if c not in STAFF_USER.key),
            f"\"origin\" = '{HQ_ORIGIN}'",
        ]
    )
    return (
        f"INSERT INTO \"staff_user\" ({_names(columns)}) VALUES ({marks}, '{HQ_ORIGIN}') "
        f'ON CONFLICT ("username") DO UPDATE SET {sets}'
    )


HQ_ORIGIN = "hq"  # models.staff.ORIGIN_HQ (sync reads the register's columns, not the service)
UPSERT = {t.name: upsert_sql(t) for t in (*TABLES, *OFFICE_TABLES) if t is not STAFF_USER}
UPSERT[STAFF_USER.name] = staff_upsert_sql()
DELETE = {t.name: delete_sql(t) for t in (*TABLES, *OFFICE_TABLES)}
# Schema v10 stores account entries in blocks behind the view `account_entry`
# (models.account_entries), written in Python; monthly contributions are stored as runs
# (models.contribution_runs), written in Python too.
# The stored table behind each replicated table whose rows are deleted by person.
_STORED = {
    CONTRIBUTION.name: "contribution_run",
    CONTRIBUTION_YEAR.name: "contribution_year_pack",
    BENEFIT_PAYMENT.name: "benefit_run",
}
_STAFF_DROP = (
    'DELETE FROM "staff_user" WHERE "username" = ? AND "origin" = \'hq\' AND NOT EXISTS '
    '(SELECT 1 FROM "service_visit" v WHERE v."staff_id" = "staff_user"."id")'
)
_STAFF_KEEP = (
    'UPDATE "staff_user" SET "active" = 0, "password_hash" = NULL, "origin" = \'local\' '
    'WHERE "username" = ? AND "origin" = \'hq\''
)


def delete_staff(conn: sqlite3.Connection, keys: Sequence[Sequence[Any]]) -> None:
    """Apply staff tombstones: drop headquarters' copy, or keep it disabled if visits point
    at it; the office's own accounts are left alone."""
    conn.executemany(_STAFF_DROP, keys)
    conn.executemany(_STAFF_KEEP, keys)


_CARD_NO = CARD.columns.index("card_no")
_CARD_COLUMNS = _names(CARD.columns)
_CREDENTIAL_COLUMNS = _names(QUERY_CREDENTIAL.columns)


@dataclass(frozen=True)
class Protected:
    """Rows with a command still pending in the outbox: the pull does not overwrite them."""

    card_nos: frozenset[str] = frozenset()
    credential_persons: frozenset[int] = frozenset()
    staff_usernames: frozenset[str] = frozenset()
    check_persons: frozenset[int] = frozenset()  # their pension eligibility checks

    def covers(self, table: Table, row: Sequence[Any]) -> bool:
        """True if `row` (wire order, or a key) is one the office's pending command owns."""
        if table is CARD:
            return row[_CARD_NO] in self.card_nos
        if table is QUERY_CREDENTIAL:
            return row[0] in self.credential_persons
        if table is STAFF_USER:
            return row[0] in self.staff_usernames
        if table is PENSION_CHECK:
            return row[0] in self.check_persons
        return False

    def __bool__(self) -> bool:
        return bool(
            self.card_nos or self.credential_persons or self.staff_usernames or self.check_persons
        )


def protected_rows(conn: sqlite3.Connection) -> Protected:
    """Cards, credentials, staff accounts and pension checks named by pending commands."""
    card_nos: set[str] = set()
    ssns: set[str] = set()
    check_ssns: set[str] = set()
    usernames: set[str] = set()
    for command, payload in conn.execute(
        "SELECT command, payload FROM outbox WHERE status = 'pending' "
        "AND (command LIKE 'card.%' OR command LIKE 'query\\_password.%' ESCAPE '\\' "
        "OR command LIKE 'staff.%' OR command LIKE 'pension.%')"
    ):
        data = json.loads(payload)
        if command.startswith("staff."):
            if data.get("username"):
                usernames.add(data["username"])
        elif command.startswith("card.") and data.get("card_no"):
            card_nos.add(data["card_no"])
        elif command.startswith("pension.") and data.get("ssn"):
            check_ssns.add(data["ssn"])
        elif data.get("ssn"):
            ssns.add(data["ssn"])
    return Protected(
        frozenset(card_nos),
        _person_ids(conn, ssns),
        frozenset(usernames),
        _person_ids(conn, check_ssns),
    )


def _person_ids(conn: sqlite3.Connection, ssns: set[str]) -> frozenset[int]:
    persons: set[int] = set()
    for ssn in ssns:
        found = conn.execute("SELECT id FROM person WHERE ssn = ?", (ssn,)).fetchone()
        if found:
            persons.add(found[0])
    return frozenset(persons)


def defer_foreign_keys(conn: sqlite3.Connection) -> None:
    """Check foreign keys at commit (a page's rows arrive parents and children in any order)."""
    conn.execute("PRAGMA defer_foreign_keys = ON")


# Another workstation's sign-in failures for an account: the highest count and the latest lock
# win; a count of 0 (a correct password there) clears both. This workstation's own are skipped.
_STAFF_LOCK = (
    'UPDATE "staff_user" SET '
    '"failed_attempts" = CASE WHEN ?2 = 0 THEN 0 ELSE max("failed_attempts", ?2) END, '
    '"locked_until" = CASE WHEN ?2 = 0 THEN NULL WHEN "locked_until" IS NULL THEN ?3 '
    'WHEN ?3 IS NULL THEN "locked_until" ELSE max("locked_until", ?3) END '
    'WHERE "username" = ?1 AND ?4 IS NOT (SELECT "value" FROM "office_setting" '
    "WHERE \"key\" = 'workstation_code')"
)


def apply_staff_locks(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Apply the sign-in failure counts other workstations of the office shared."""
    conn.executemany(_STAFF_LOCK, [(r[0], r[2], r[3], r[1]) for r in rows])


def apply_changes(conn: sqlite3.Connection, changes: Sequence[Change], keep: Protected) -> int:
    """Apply a page of the change feed in order; return how many changes were applied."""
    applied = 0
    for (table, op), group in groupby(changes, key=lambda c: (c.table, c.op)):
        values = [c.values for c in group]
        if keep:
            values = [v for v in values if not keep.covers(table, v)]
        if table is CONTRIBUTION:
            apply_months(conn, op, values)
        elif table is CONTRIBUTION_YEAR:
            apply_years(conn, op, values)
        elif table is BENEFIT_PAYMENT:
            benefit_runs.apply_payments(conn, op, values)
        elif table is ACCOUNT_ENTRY:
            apply_entries(conn, op, values)
        elif op == "upsert" and table is OFFICE_STAFF_LOCK:
            conn.executemany(UPSERT[table.name], values)
            apply_staff_locks(conn, values)
        elif op == "upsert":
            conn.executemany(UPSERT[table.name], values)
        elif table is STAFF_USER:
            delete_staff(conn, values)
        else:
            conn.executemany(DELETE[table.name], values)
        applied += len(values)
    return applied


def _range(page: BootstrapPage) -> tuple[int, int]:
    return page.after, LAST_ID if page.done else page.next


def apply_employer_page(conn: sqlite3.Connection, page: BootstrapPage) -> None:
    """Upsert a page of employers; delete those of its id range headquarters no longer has
    (their references are cleared: the person phase writes them again)."""
    rows = page.tables[EMPLOYER.name]
    conn.executemany(UPSERT[EMPLOYER.name], rows)
    low, high = _range(page)
    have = {
        r[0] for r in conn.execute("SELECT id FROM employer WHERE id > ? AND id <= ?", (low, high))
    }
    gone = [(i,) for i in sorted(have - {row[0] for row in rows})]
    if gone:
        for table in ("enrolment", "contribution_run"):
            conn.executemany(f'UPDATE "{table}" SET employer_id = NULL WHERE employer_id = ?', gone)
        conn.executemany(DELETE[EMPLOYER.name], gone)


def apply_person_page(conn: sqlite3.Connection, page: BootstrapPage, keep: Protected) -> None:
    """Apply a self-contained page of persons (ids in (after, next], or beyond for the last).

    Persons are upserted; their rows in every other person table are replaced (deleted for the
    whole id range, then inserted); persons of the range that headquarters no longer has are
    deleted. Rows the office's pending commands own keep their local version.
    """
    low, high = _range(page)
    span = (low, high)
    local_cards = _kept(conn, CARD, _CARD_COLUMNS, "card_no", keep.card_nos, span)
    local_credentials = _kept(
        conn, QUERY_CREDENTIAL, _CREDENTIAL_COLUMNS, "person_id", keep.credential_persons, span
    )
    local_checks = _kept_checks(conn, keep.check_persons, span)
    conn.execute(
        "DELETE FROM account_entry_block WHERE account_id IN "
        "(SELECT id FROM account WHERE person_id > ? AND person_id <= ?)",
        span,
    )
    for table in reversed(PERSON_TABLES[1:]):
        if table is not ACCOUNT_ENTRY:
            stored = _STORED.get(table.name, table.name)
            conn.execute(f'DELETE FROM "{stored}" WHERE person_id > ? AND person_id <= ?', span)
    persons = page.tables[PERSON.name]
    conn.executemany(UPSERT[PERSON.name], persons)
    have = {r[0] for r in conn.execute("SELECT id FROM person WHERE id > ? AND id <= ?", span)}
    gone = have - {row[0] for row in persons}
    if gone:
        conn.executemany(DELETE[PERSON.name], [(i,) for i in sorted(gone)])
    for table in PERSON_TABLES[1:]:
        rows = page.tables[table.name]
        if table is CARD and local_cards:
            rows = [local_cards.get(r[0], r) if r[_CARD_NO] in keep.card_nos else r for r in rows]
        elif table is QUERY_CREDENTIAL and local_credentials:
            present = {r[0] for r in rows}
            rows = [local_credentials.get(r[0], r) for r in rows]
            persons_here = {row[0] for row in persons}
            rows += [
                r
                for pid, r in local_credentials.items()
                if pid not in present and pid in persons_here
            ]
        elif table is PENSION_CHECK and local_checks:
            persons_here = {row[0] for row in persons}
            rows = [r for r in rows if r[0] not in keep.check_persons] + [
                r for r in local_checks if r[0] in persons_here
            ]
        if table is CONTRIBUTION:
            conn.executemany(INSERT_RUN, pack(rows))
            continue
        if table is CONTRIBUTION_YEAR:
            conn.executemany(INSERT_PACKED, pack_years(rows))
            continue
        if table is BENEFIT_PAYMENT:
            conn.executemany(benefit_runs.INSERT_RUN, benefit_runs.pack(rows))
            continue
        if table is ACCOUNT_ENTRY:
            insert_entries(conn, rows)
            continue
        conn.executemany(UPSERT[table.name], rows)


def _kept_checks(
    conn: sqlite3.Connection, persons: frozenset[int], span: tuple[int, int]
) -> list[tuple]:
    """The local pension checks of persons with a pending check command, within the range."""
    if not persons:
        return []
    marks = ", ".join("?" * len(persons))
    return conn.execute(
        f'SELECT {_names(PENSION_CHECK.columns)} FROM "pension_check" WHERE person_id IN '
        f"({marks}) AND person_id > ? AND person_id <= ?",
        (*persons, *span),
    ).fetchall()


def _kept(
    conn: sqlite3.Connection,
    table: Table,
    columns: str,
    column: str,
    values: frozenset[Any],
    span: tuple[int, int],
) -> dict[Any, tuple]:
    """Local rows (by their first column) that pending commands own, within the id range."""
    if not values:
        return {}
    marks = ", ".join("?" * len(values))
    cursor = conn.execute(
        f'SELECT {columns} FROM "{table.name}" WHERE "{column}" IN ({marks}) '
        "AND person_id > ? AND person_id <= ?",
        (*values, *span),
    )
    return {row[0]: row for row in cursor}


def apply_office_page(conn: sqlite3.Connection, page: BootstrapPage) -> None:
    """Apply the office's journal (visits, statements, audit events of its workstations)."""
    for table in OFFICE_TABLES:
        conn.executemany(UPSERT[table.name], page.tables[table.name])


def apply_staff_page(conn: sqlite3.Connection, page: BootstrapPage, keep: Protected) -> None:
    """Apply the staff page (every account of the scope): upsert them, and treat headquarters'
    copies it no longer lists as tombstones. Accounts with a pending command keep their row."""
    rows = [r for r in page.tables[STAFF_USER.name] if not keep.covers(STAFF_USER, r)]
    conn.executemany(UPSERT[STAFF_USER.name], rows)
    listed = {r[0] for r in page.tables[STAFF_USER.name]}
    have = {r[0] for r in conn.execute("SELECT username FROM staff_user WHERE origin = 'hq'")}
    gone = sorted(have - listed - keep.staff_usernames)
    if gone:
        delete_staff(conn, [(name,) for name in gone])
