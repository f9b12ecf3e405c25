"""Statement numbers and the record of every statement or report the office issues and prints.

A number is allocated before the document is drawn (it is printed on it and signed), in an
IMMEDIATE transaction so that parallel batch workers never get the same one. Numbers are never
reused: a document that failed to render leaves its number allocated but not issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import audit, outbox
from models.actor import Actor
from models.errors import NotFound
from models.fields import utc_now
from models.permissions import Permission, require
from models.schema import Person, Statement, db, write_transaction

KINDS = ("rights", "medical", "daily", "audit")


@dataclass(frozen=True)
class Allocated:
    """A statement number and the facts printed and signed with it."""

    number: str
    kind: str
    printed_at: datetime
    data_as_of: datetime | None
    offline: bool


def _permission(kind: str) -> Permission:
    return Permission.STATEMENTS if kind in ("rights", "medical") else Permission.REPORTS


def allocate(
    kind: str,
    person_id: int | None,
    actor: Actor,
    lang: str,
    district: str,
    data_as_of: datetime | None,
    offline: bool,
    now: datetime | None = None,
) -> Allocated:
    """Reserve the next statement number of the office for today: DISTRICT-YYYYMMDD-NNNNN."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    require(actor, _permission(kind))
    now = now or utc_now()
    prefix = f"{district}-{now.astimezone():%Y%m%d}-"
    with write_transaction():
        last = db.execute_sql(
            "SELECT max(number) FROM statement WHERE number LIKE ?", (prefix + "%",)
        ).fetchone()[0]
        number = f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:05d}"
        Statement.insert(
            number=number,
            kind=kind,
            person=person_id,
            actor=actor.name,
            lang=lang,
            printed_at=now,
            data_as_of=data_as_of,
            offline=offline,
        ).execute()
        if person_id is not None:
            audit.record(actor, "person.read", person_id, key="statement", number=number)
    return Allocated(number, kind, now, data_as_of, offline)


def issued(number: str, sha256: str, pages: int, actor: Actor) -> None:
    """Record that the document was written (its hash and pages) and queue it for headquarters."""
    with write_transaction():
        row = Statement.get_or_none(Statement.number == number)
        if row is None:
            raise NotFound(f"no statement {number}")
        Statement.update(sha256=sha256, pages=pages).where(Statement.id == row.id).execute()
        ssn = (
            Person.select(Person.ssn).where(Person.id == row.person_id).scalar()
            if row.person_id is not None
            else None
        )
        outbox.enqueue(
            "statement.issued",
            {
                "number": number,
                "ssn": ssn,
                "kind": row.kind,
                "sha256": sha256,
                "pages": pages,
                "printed_at": row.printed_at.isoformat(),
                "offline": row.offline,
            },
            actor,
        )


def printed(number: str, printer: str, actor: Actor) -> None:
    """Record that a statement was sent to a printer (audit and outbox)."""
    with write_transaction():
        row = Statement.get_or_none(Statement.number == number)
        if row is None:
            raise NotFound(f"no statement {number}")
        require(actor, _permission(row.kind))
        audit.record(actor, "statement.printed", row.person_id, number=number, printer=printer)
        outbox.enqueue("statement.printed", {"number": number, "printer": printer}, actor)
