"""Bare rows for tests of the register's storage: persons and accounts with nothing else."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

_PERSON = (
    "INSERT INTO person (id, ssn, name, gender, birth_date, ethnicity, region_code, status, "
    "updated_at) VALUES (?, ?, 'x', 'F', '1980-01-01', '01', '370102', 'insured', "
    "'2026-01-01T00:00:00')"
)
_ACCOUNT = (
    "INSERT INTO account (id, person_id, kind, balance_fen, opened_date, updated_at) "
    "VALUES (?, 1, ?, 0, '2020-01-01', '2026-01-01')"
)


def add_persons(conn: sqlite3.Connection, ids: Iterable[int] = (1, 2)) -> None:
    """Persons of these ids (ID numbers 37010219800101NNNN), born 1980, insured in Lixia."""
    conn.executemany(_PERSON, [(pid, f"37010219800101{pid:04d}") for pid in ids])


def add_accounts_of_person_1(conn: sqlite3.Connection) -> None:
    """Person 1's accounts: 1 medical, 2 pension, 3 other."""
    conn.executemany(_ACCOUNT, [(1, "medical"), (2, "pension"), (3, "other")])
