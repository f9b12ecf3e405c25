"""Persons of any district, read at headquarters, and the access log of those reads.

An office serves visitors from other districts: it asks headquarters for the visitor's rows,
and headquarters logs who asked (office, staff member named in Counterdesk-Actor) and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from hq import bootstrap, store
from hq.errors import InvalidInput, NotFound
from models.fields import UtcDateTimeField
from models.idnumber import mask_id_number, normalise_id_number
from models.replica import PROTOCOL_VERSION


class KeyKind(StrEnum):
    """What a person was looked up by."""

    SSN = "ssn"
    CARD = "card"


@dataclass(frozen=True)
class FoundPerson:
    """A person's id, ID number and serving district."""

    id: int
    ssn: str
    district: str


@dataclass(frozen=True)
class PersonRecord:
    """A person's rows in every person table, and their district."""

    person: FoundPerson
    tables: dict[str, dict[str, Any]]


def find_person(kind: KeyKind, value: str) -> FoundPerson | None:
    """The person with this ID number or card number, or None."""
    text = normalise_id_number(value)
    if not text or len(text) > 32:
        raise InvalidInput(f"{kind.value} must be 1-32 characters")
    if kind is KeyKind.SSN:
        query = "SELECT id, ssn, district FROM person WHERE ssn = ?"
    else:
        query = (
            "SELECT p.id, p.ssn, p.district FROM card c JOIN person p ON p.id = c.person_id "
            "WHERE c.card_no = ?"
        )
    row = store.execute(query, (text,)).fetchone()
    return FoundPerson(*row) if row else None


_LOG_ROW = (
    "INSERT INTO access_log (at, office_id, actor, person_id, key_kind) VALUES (?, ?, ?, ?, ?)"
)
_TIME = UtcDateTimeField()
access_batch = store.GroupCommit(_LOG_ROW)  # SQLite: one commit (one fsync) for many reads


def log_access(office_id: str | None, actor: str, person_id: int, kind: str, now: datetime) -> None:
    """Record one read of a person's record, committed before this returns (no feed change:
    the feed writers' lock is not taken).

    On SQLite the rows of reads that arrive together are committed in one transaction
    (`store.GroupCommit`): one fsync for all of them instead of one each, one writer at a
    time either way. If that commit fails, every read in it gets the error, so none of them
    is shown unlogged. On PostgreSQL each row commits on its own, side by side."""
    row = (_TIME.db_value(now), office_id, actor[:60], person_id, kind)
    if store.is_postgres():
        with store.own_write():
            store.execute(_LOG_ROW, row)
    else:
        access_batch.insert([row])


def read_person(
    kind: KeyKind,
    value: str,
    office_id: str | None,
    actor: str,
    now: datetime,
    *,
    version: int = PROTOCOL_VERSION,
) -> PersonRecord:
    """A person's rows (any district) in the tables of protocol `version`, the read logged;
    NotFound if nobody matches."""
    with store.read_snapshot():
        person = find_person(kind, value)
        if person is None:
            what = (
                "ID number " + mask_id_number(value.strip())
                if kind is KeyKind.SSN
                else ("card " + value.strip())
            )
            raise NotFound(f"headquarters has nobody with {what}: check the number")
        tables = bootstrap.person_tables([person.id], version)
    log_access(office_id, actor, person.id, kind.value, now)
    return PersonRecord(person, tables)
