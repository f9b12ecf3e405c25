"""Statement numbers and the record of issued and printed documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from models import statements
from models.actor import Actor
from models.enums import Role
from models.errors import NotFound
from models.schema import AuditEvent, Outbox, Statement
from tests.factories import add_person

pytestmark = pytest.mark.dates  # run again at the edges of months and years

SUPERVISOR = Actor("supervisor01", Role.SUPERVISOR)
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def test_numbers_run_per_office_and_day(home) -> None:
    person = add_person()
    first = statements.allocate("rights", person.id, SUPERVISOR, "zh", "370102", None, True, NOW)
    second = statements.allocate("medical", person.id, SUPERVISOR, "en", "370102", None, True, NOW)
    local_day = NOW.astimezone().strftime("%Y%m%d")
    assert first.number == f"370102-{local_day}-00001"
    assert second.number == f"370102-{local_day}-00002"


def test_allocating_for_a_person_logs_the_read(home) -> None:
    person = add_person()
    allocated = statements.allocate(
        "rights", person.id, SUPERVISOR, "zh", "370102", None, True, NOW
    )
    event = AuditEvent.get()
    assert (event.action, event.person_id) == ("person.read", person.id)
    assert allocated.number in event.detail


def test_issuing_records_the_hash_and_queues_it(home) -> None:
    allocated = statements.allocate("daily", None, SUPERVISOR, "zh", "370102", None, True, NOW)
    statements.issued(allocated.number, "ab" * 32, 2, SUPERVISOR)
    row = Statement.get(Statement.number == allocated.number)
    assert (row.sha256, row.pages, row.offline) == ("ab" * 32, 2, True)
    payload = json.loads(Outbox.get(Outbox.command == "statement.issued").payload)
    assert payload["number"] == allocated.number and payload["pages"] == 2


def test_a_chunk_gets_consecutive_numbers_each_read_logged_and_recorded_together(home) -> None:
    people = [add_person(sequence=22), add_person(name="李强", sequence=23)]
    chunk = statements.allocate_many(
        "rights", [p.id for p in people], SUPERVISOR, "zh", "370102", None, False, NOW
    )
    local_day = NOW.astimezone().strftime("%Y%m%d")
    assert [a.number for a in chunk] == [f"370102-{local_day}-0000{i}" for i in (1, 2)]
    reads = AuditEvent.select().where(AuditEvent.action == "person.read").order_by(AuditEvent.id)
    assert [(e.person_id, json.loads(e.detail)["number"]) for e in reads] == [
        (p.id, a.number) for p, a in zip(people, chunk, strict=True)
    ]
    statements.issued_many(
        [statements.Written(a.number, f"{i:064x}", 1) for i, a in enumerate(chunk)], SUPERVISOR
    )
    queued = [json.loads(o.payload) for o in Outbox.select().order_by(Outbox.seq)]
    assert [(q["number"], q["ssn"], q["offline"]) for q in queued] == [
        (a.number, p.ssn, False) for p, a in zip(people, chunk, strict=True)
    ]
    assert queued[0]["printed_at"] == NOW.isoformat()


def test_a_chunk_with_a_number_never_allocated_records_nothing(home) -> None:
    allocated = statements.allocate("daily", None, SUPERVISOR, "zh", "370102", None, True, NOW)
    chunk = [statements.Written(allocated.number, "ab" * 32, 1)]
    with pytest.raises(NotFound, match="370102-20000101-00001"):
        statements.issued_many(
            [*chunk, statements.Written("370102-20000101-00001", "cd" * 32, 1)], SUPERVISOR
        )
    assert Statement.get(Statement.number == allocated.number).sha256 is None
    assert Outbox.select().count() == 0


def test_printing_is_audited_and_queued(home) -> None:
    person = add_person()
    allocated = statements.allocate(
        "rights", person.id, SUPERVISOR, "zh", "370102", None, True, NOW
    )
    statements.printed(allocated.number, "counter-1", SUPERVISOR)
    assert AuditEvent.select().where(AuditEvent.action == "statement.printed").count() == 1
    assert Outbox.get(Outbox.command == "statement.printed").status == "pending"
