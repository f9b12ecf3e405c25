"""The audit log: who looked at or changed whose data, and when. Reads are logged too."""

from __future__ import annotations

import json
from typing import Any

from models.actor import Actor
from models.fields import utc_now
from models.schema import AuditEvent


def record(actor: Actor, action: str, person_id: int | None, **detail: Any) -> None:
    """Append one audit event (inside the caller's transaction)."""
    AuditEvent.insert(
        at=utc_now(),
        actor=actor.name,
        action=action,
        person=person_id,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
    ).execute()


def events_for(person_id: int) -> list[tuple[str, str, str]]:
    """(time, actor, action) of every event about one person, oldest first."""
    query = (
        AuditEvent.select(AuditEvent.at, AuditEvent.actor, AuditEvent.action)
        .where(AuditEvent.person == person_id)
        .order_by(AuditEvent.id)
        .tuples()
    )
    return [(at, actor, action) for at, actor, action in query]
