"""Statement numbers and the record of every statement or report the office issues and prints.

A number reads DISTRICT-YYYYMMDD-CODE-NNNNN: CODE is this workstation's code, given by
headquarters at enrolment (setting `workstation_code`), so the workstations of an office (and of
every office of the district) never print the same number without having to agree on one. A
home that has no code yet (never enrolled) numbers DISTRICT-YYYYMMDD-NNNNN as before.

A number is allocated before the document is drawn (it is printed on it and signed), in an
IMMEDIATE transaction so that parallel batch workers never get the same one. Numbers are never
reused: a document that failed to render leaves its number allocated but not issued, and a
restored older register continues after the high-water mark kept beside it (models.number_mark).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import audit, outbox
from models.actor import Actor
from models.clock import utc_now
from models.commands import CommandName
from models.document_kinds import document_kind
from models.errors import NotFound
from models.number_mark import MARK_FILE, raise_mark, read_marks
from models.permissions import Permission, require
from models.schema import OfficeSetting, Statement, beside_register, db, write_transaction

WORKSTATION_CODE = "workstation_code"  # office setting: this workstation's code at headquarters


def workstation_code() -> str | None:
    """This workstation's code (C03) from headquarters, or None before its enrolment."""
    row = OfficeSetting.get_or_none(OfficeSetting.key == WORKSTATION_CODE)
    return row.value if row and row.value else None


def number_prefix(district: str, day: datetime, code: str | None) -> str:
    """`DISTRICT-YYYYMMDD-CODE-` (or without the code) for numbers printed on `day`'s local
    date."""
    middle = f"{code}-" if code else ""
    return f"{district}-{day.astimezone():%Y%m%d}-{middle}"


@dataclass(frozen=True)
class Allocated:
    """A statement number and the facts printed and signed with it."""

    number: str
    kind: str
    printed_at: datetime
    data_as_of: datetime | None
    offline: bool


def _permission(kind: str) -> Permission:
    return document_kind(kind).permission


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
    """Reserve the next statement number of this workstation for today:
    DISTRICT-YYYYMMDD-CODE-NNNNN."""
    return allocate_many(kind, [person_id], actor, lang, district, data_as_of, offline, now)[0]


def allocate_many(
    kind: str,
    person_ids: Sequence[int | None],
    actor: Actor,
    lang: str,
    district: str,
    data_as_of: datetime | None,
    offline: bool,
    now: datetime | None = None,
) -> list[Allocated]:
    """Reserve consecutive numbers, one per person in order, in one transaction; each read of a
    person's data is logged (a batch's chunk is numbered at once)."""
    require(actor, _permission(kind))
    if not person_ids:
        return []
    now = now or utc_now()
    with write_transaction():
        prefix = number_prefix(district, now, workstation_code())
        last = db.execute_sql(
            "SELECT max(number) FROM statement WHERE number GLOB ?", (prefix + "[0-9]*",)
        ).fetchone()[0]
        mark = beside_register(MARK_FILE)
        marks = read_marks(mark)
        in_register = int(last[len(prefix) :]) if last else 0
        first = max(in_register, marks.get(prefix, 0)) + 1
        numbers = [f"{prefix}{first + i:05d}" for i in range(len(person_ids))]
        raise_mark(mark, marks, prefix, first + len(person_ids) - 1)  # before the commit
        Statement.insert_many(
            [
                {
                    "number": number,
                    "kind": kind,
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
        reads = [
            (person_id, {"key": "statement", "number": number})
            for number, person_id in zip(numbers, person_ids, strict=True)
            if person_id is not None
        ]
        audit.record_many(actor, "person.read", reads)
    return [Allocated(number, kind, now, data_as_of, offline) for number in numbers]


@dataclass(frozen=True)
class Written:
    """A document written (durably) under its number: its SHA-256 (hex) and page count."""

    number: str
    sha256: str
    pages: int


def issued(number: str, sha256: str, pages: int, actor: Actor) -> None:
    """Record that the document was written (its hash and pages) and queue it for headquarters."""
    issued_many([Written(number, sha256, pages)], actor)


_FACTS = (
    "SELECT s.number, s.kind, s.printed_at, s.offline, p.ssn FROM statement s "
    "LEFT JOIN person p ON p.id = s.person_id WHERE s.number IN ({marks})"
)
_ISSUED = "UPDATE statement SET sha256 = ?, pages = ? WHERE number = ?"


def issued_many(documents: Sequence[Written], actor: Actor) -> None:
    """Record documents as written and queue each for headquarters, in one transaction (a
    batch's chunk); NotFound, and nothing recorded, if a number was never allocated."""
    if not documents:
        return
    with write_transaction():
        numbers = [doc.number for doc in documents]
        facts = {row[0]: row[1:] for row in _rows_in(_FACTS, numbers)}
        missing = [doc.number for doc in documents if doc.number not in facts]
        if missing:
            raise NotFound(f"no statement {missing[0]}")
        db.connection().executemany(
            _ISSUED, [(doc.sha256, doc.pages, doc.number) for doc in documents]
        )
        payloads = []
        for doc in documents:
            kind, printed_at, offline, ssn = facts[doc.number]
            payloads.append(
                {
                    "number": doc.number,
                    "ssn": ssn,
                    "kind": kind,
                    "sha256": doc.sha256,
                    "pages": doc.pages,
                    "printed_at": Statement.printed_at.python_value(printed_at).isoformat(),
                    "offline": Statement.offline.python_value(offline),
                }
            )
        outbox.enqueue_many(CommandName.STATEMENT_ISSUED, payloads, actor)


_UNISSUED = (
    "SELECT number, person_id FROM statement WHERE kind = ? AND sha256 IS NULL "
    "AND person_id IN ({marks})"
)


def unissued(kind: str, person_ids: Sequence[int]) -> dict[str, int]:
    """Numbers of `kind` allocated to these people but never recorded as written (a batch that
    stopped between writing its files and recording them): number -> person id."""
    return dict(_rows_in(_UNISSUED, person_ids, kind))


def _rows_in(query: str, values: Sequence[Any], *first: Any) -> Iterator[tuple]:
    """The rows of `query` for `values` in its `IN ({marks})`, 500 at a time (SQLite's limit
    on parameters), with the parameters `first` before them."""
    for start in range(0, len(values), 500):
        part = list(values[start : start + 500])
        yield from db.execute_sql(query.format(marks=",".join("?" * len(part))), [*first, *part])


def printed(number: str, printer: str, actor: Actor) -> None:
    """Record that a statement was sent to a printer (audit and outbox)."""
    with write_transaction():
        row = Statement.get_or_none(Statement.number == number)
        if row is None:
            raise NotFound(f"no statement {number}")
        require(actor, _permission(row.kind))
        audit.record(
            actor, CommandName.STATEMENT_PRINTED, row.person_id, number=number, printer=printer
        )
        outbox.enqueue(CommandName.STATEMENT_PRINTED, {"number": number, "printer": printer}, actor)
