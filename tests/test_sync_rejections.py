"""Commands headquarters rejected stay listed until a supervisor acknowledges each one."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from models.actor import Actor
from models.audit import verify_chain
from models.enums import Role
from models.errors import InvalidRequest, NotFound
from models.permissions import PermissionDenied
from models.schema import AuditEvent, Outbox, db
from models.visits import record_service_visit
from sync.rejections import acknowledge, rejected_awaiting

CLERK = Actor("clerk01", Role.CLERK)
SUPERVISOR = Actor("sup01", Role.SUPERVISOR)
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _rejected_command() -> str:
    record_service_visit(CLERK, "counter", "lookup", card_no="A12345678")
    row = Outbox.select().order_by(Outbox.seq.desc()).get()
    payload = json.loads(row.payload)
    payload["ssn"] = "370102198503140022"
    db.execute_sql(
        "UPDATE outbox SET status = 'rejected', reason = 'unknown card (unknown_card)', "
        "payload = ?, resolved_at = ? WHERE seq = ?",
        (json.dumps(payload), NOW.isoformat(), row.seq),
    )
    return row.uuid


def test_rejected_commands_are_listed_with_reason_and_masked_number(home) -> None:
    uuid = _rejected_command()
    record_service_visit(CLERK, "counter", "lookup")  # still pending: not listed
    [found] = rejected_awaiting()
    assert found.uuid == uuid and found.reason == "unknown card (unknown_card)"
    assert found.summary["ssn_masked"] == "370102********0022"
    assert "370102198503140022" not in json.dumps(found.as_json())


def test_a_supervisor_acknowledges_and_the_command_leaves_the_list(home) -> None:
    uuid = _rejected_command()
    done = acknowledge(uuid, SUPERVISOR, NOW)
    assert done.acknowledged_by == "sup01" and done.acknowledged_at == NOW
    assert rejected_awaiting() == []
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "outbox.acknowledge" and uuid in event.detail
    assert verify_chain().intact


def test_a_clerk_may_not_acknowledge(home) -> None:
    uuid = _rejected_command()
    with pytest.raises(PermissionDenied):
        acknowledge(uuid, CLERK)
    assert len(rejected_awaiting()) == 1


def test_only_an_unacknowledged_rejection_can_be_acknowledged(home) -> None:
    uuid = _rejected_command()
    acknowledge(uuid, SUPERVISOR)
    with pytest.raises(InvalidRequest, match="already acknowledged by sup01"):
        acknowledge(uuid, SUPERVISOR)
    record_service_visit(CLERK, "counter", "lookup")
    pending = Outbox.select().where(Outbox.status == "pending").get()
    with pytest.raises(InvalidRequest, match="is pending, not rejected"):
        acknowledge(pending.uuid, SUPERVISOR)
    with pytest.raises(NotFound):
        acknowledge("00000000-0000-0000-0000-000000000000", SUPERVISOR)
