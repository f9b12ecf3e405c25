"""Statement records for many documents at once: one register transaction per chunk of a batch.

The same rows, audit events and outbox commands as `models.statements.allocate` and `issued`
make for one document each, written together: a batch of thousands of statements would
otherwise spend most of its register time beginning and committing transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import audit, outbox
from models.actor import Actor
from models.permissions import Permission, require
from models.schema import Statement, db, write_transaction

_ISSUED = "UPDATE statement SET sha256 = ?, pages = ? WHERE number = ?"


@dataclass(frozen=True)
class Written:
    """A document that is on disk (durably) and must now be recorded as issued."""

    number: str
    sha256: str
    pages: int
    ssn: str | None
    printed_at: datetime
    offline: bool


def allocate_numbers(
    person_ids: list[int],
    actor: Actor,
    lang: str,
    district: str,
    data_as_of: datetime | None,
    offline: bool,
    now: datetime,
) -> list[str]:
    """Reserve one rights-record number per person (in order), each with its audit event."""
    require(actor, Permission.STATEMENTS)
    if not person_ids:
        return []
    prefix = f"{district}-{now.astimezone():%Y%m%d}-"
    with write_transaction():
        last = db.execute_sql(
            "SELECT max(number) FROM statement WHERE number LIKE ?", (prefix + "%",)
        ).fetchone()[0]
        first = int(last[len(prefix) :]) + 1 if last else 1
        numbers = [f"{prefix}{first + i:05d}" for i in range(len(person_ids))]
        Statement.insert_many(
            [
                {
                    "number": number,
                    "kind": "rights",
                    "person": person_id,
                    "actor": actor.name,
                    "lang": lang,
                    "printed_at": now,
                    "data_as_of": data_as_of,
                    "offline": offline,
                }
                for number, person_id in zip(numbers, person_ids, strict=True)
            ]
        ).execute()
        audit.record_many(
            actor,
            "person.read",
            [
                (person_id, {"key": "statement", "number": number})
                for number, person_id in zip(numbers, person_ids, strict=True)
            ],
        )
    return numbers


def record_issued(documents: list[Written], actor: Actor) -> None:
    """Record documents as written (hash, pages) and queue each for headquarters, together."""
    if not documents:
        return
    with write_transaction():
        db.connection().executemany(
            _ISSUED, [(doc.sha256, doc.pages, doc.number) for doc in documents]
        )
        outbox.enqueue_many(
            "statement.issued",
            [
                {
                    "number": doc.number,
                    "ssn": doc.ssn,
                    "kind": "rights",
                    "sha256": doc.sha256,
                    "pages": doc.pages,
                    "printed_at": _stored(doc.printed_at),
                    "offline": doc.offline,
                }
                for doc in documents
            ],
            actor,
        )


def _stored(printed_at: datetime) -> str:
    """A printing time as the statement row stores it, in ISO 8601 (what `issued` sends)."""
    return datetime.fromisoformat(Statement.printed_at.db_value(printed_at)).isoformat()


def unissued(person_ids: list[int]) -> dict[str, tuple[int, Written]]:
    """Rights records allocated to these people but never recorded as written, by number:
    (person id, the record with sha256 and pages left empty: they come from the file)."""
    found: dict[str, tuple[int, Written]] = {}
    for start in range(0, len(person_ids), 500):
        part = person_ids[start : start + 500]
        marks = ",".join("?" * len(part))
        rows = db.execute_sql(
            "SELECT s.number, s.person_id, p.ssn, s.printed_at, s.offline FROM statement s "
            "LEFT JOIN person p ON p.id = s.person_id WHERE s.kind = 'rights' "
            f"AND s.sha256 IS NULL AND s.person_id IN ({marks})",
            part,
        )
        for number, person_id, ssn, printed_at, offline in rows:
            printed = datetime.fromisoformat(printed_at)
            found[number] = (person_id, Written(number, "", 0, ssn, printed, bool(offline)))
    return found
