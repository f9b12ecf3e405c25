"""Statement numbers and the record of issued and printed documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from models import statements
from models.actor import Actor
from models.enums import Role
from models.schema import AuditEvent, Outbox, Statement
from tests.factories import add_person

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


def test_printing_is_audited_and_queued(home) -> None:
    person = add_person()
    allocated = statements.allocate(
        "rights", person.id, SUPERVISOR, "zh", "370102", None, True, NOW
    )
    statements.printed(allocated.number, "counter-1", SUPERVISOR)
    assert AuditEvent.select().where(AuditEvent.action == "statement.printed").count() == 1
    assert Outbox.get(Outbox.command == "statement.printed").status == "pending"
