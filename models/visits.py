"""Service visits: one row per citizen served, at the counter or the kiosk."""

from __future__ import annotations

from datetime import datetime

from models import audit, outbox
from models.actor import Actor
from models.clock import utc_now
from models.commands import CommandName
from models.permissions import Permission, require
from models.schema import Person, ServiceVisit, StaffUser, write_transaction

CHANNELS = ("counter", "kiosk")


def record_service_visit(
    actor: Actor,
    channel: str,
    purpose: str,
    person_id: int | None = None,
    card_no: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> int:
    """Record one visit and queue it for headquarters; return the visit's id."""
    require(actor, Permission.VISITS)
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    if not purpose.strip():
        raise ValueError("a visit needs a purpose (e.g. lookup, statement, card_report_lost)")
    now = now or utc_now()
    with write_transaction():
        staff = StaffUser.get_or_none(StaffUser.username == actor.name)
        ssn = None
        if person_id is not None:
            ssn = Person.select(Person.ssn).where(Person.id == person_id).scalar()
        visit_id = ServiceVisit.insert(
            person=person_id,
            staff=staff.id if staff else None,
            channel=channel,
            purpose=purpose,
            card_no=card_no,
            started_at=now,
            note=note,
        ).execute()
        outbox.enqueue(
            CommandName.VISIT,
            {
                "ssn": ssn,
                "card_no": card_no,
                "channel": channel,
                "purpose": purpose,
                "staff": actor.name,
                "at": now.isoformat(),
                "note": note,
            },
            actor,
        )
        audit.record(actor, CommandName.VISIT, person_id, purpose=purpose, channel=channel)
    return visit_id
