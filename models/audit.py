"""The audit log: who looked at or changed whose data, and when. Reads are logged too."""

from __future__ import annotations

import json
from typing import Any

from models.actor import Actor
from models.fields import utc_now
from models.schema import AuditEvent

_INSERT = "INSERT INTO audit_event (at, actor, action, person_id, detail) VALUES (?, ?, ?, ?, ?)"


def record(actor: Actor, action: str, person_id: int | None, **detail: Any) -> None:
    """Append one audit event (inside the caller's transaction). Fixed SQL: every read logs."""
    AuditEvent._meta.database.execute_sql(
        _INSERT,
        (
            AuditEvent.at.db_value(utc_now()),
            actor.name,
            action,
            person_id,
            json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
        ),
    )


def events_for(person_id: int) -> list[tuple[str, str, str]]:
    """(time, actor, action) of every event about one person, oldest first."""
    query = (
        AuditEvent.select(AuditEvent.at, AuditEvent.actor, AuditEvent.action)
        .where(AuditEvent.person == person_id)
        .order_by(AuditEvent.id)
        .tuples()
    )
    return [(at, actor, action) for at, actor, action in query]
