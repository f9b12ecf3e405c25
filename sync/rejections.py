"""Commands headquarters rejected: listed until a supervisor acknowledges each one.

Nothing queued is dropped silently: a rejected command stays in the outbox with headquarters'
reason, and counts as "awaiting a supervisor" until acknowledged (who and when are stored, and
the acknowledgement is an audit event).

Permission: acknowledging uses `Permission.AUDIT` (supervisors), the closest existing one;
`models.permissions` has no dedicated permission for reviewing rejected commands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import audit
from models.actor import Actor
from models.clock import utc_now
from models.errors import InvalidRequest, NotFound
from models.idnumber import mask_id_number
from models.permissions import Permission, require
from models.schema import Outbox, db, write_transaction

ACKNOWLEDGE_PERMISSION = Permission.AUDIT
_SHOWN = (
    "card_no",
    "number",
    "purpose",
    "channel",
    "kind",
    "printer",
    "locked",
    "to_initial",
    "username",
    "role",
)


@dataclass(frozen=True)
class RejectedCommand:
    """A command headquarters rejected, as a supervisor sees it (ID numbers masked)."""

    uuid: str
    command: str
    created_at: datetime
    actor: str
    reason: str | None
    resolved_at: datetime | None
    summary: dict[str, Any]
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """JSON for the command line."""
        return {
            "uuid": self.uuid,
            "command": self.command,
            "created_at": self.created_at.isoformat(),
            "actor": self.actor,
            "reason": self.reason,
            "rejected_at": self.resolved_at.isoformat() if self.resolved_at else None,
            "summary": self.summary,
            "acknowledged_by": self.acknowledged_by,
            "acknowledged_at": (self.acknowledged_at.isoformat() if self.acknowledged_at else None),
        }


def _summary(payload: str) -> dict[str, Any]:
    data = json.loads(payload)
    shown = {key: data[key] for key in _SHOWN if key in data}
    if data.get("ssn"):
        shown["ssn_masked"] = mask_id_number(data["ssn"])
    return shown


def _of(row: Outbox) -> RejectedCommand:
    return RejectedCommand(
        row.uuid,
        row.command,
        row.created_at,
        row.actor,
        row.reason,
        row.resolved_at,
        _summary(row.payload),
        row.acknowledged_by,
        row.acknowledged_at,
    )


def rejected_acknowledged(limit: int = 200) -> list[RejectedCommand]:
    """Rejected commands already acknowledged, newest acknowledgement first."""
    rows = (
        Outbox.select()
        .where((Outbox.status == "rejected") & Outbox.acknowledged_at.is_null(False))
        .order_by(Outbox.acknowledged_at.desc(), Outbox.seq.desc())
        .limit(limit)
    )
    return [_of(row) for row in rows]


def rejected_awaiting() -> list[RejectedCommand]:
    """Rejected commands no supervisor has acknowledged yet, oldest first."""
    rows = (
        Outbox.select()
        .where((Outbox.status == "rejected") & Outbox.acknowledged_at.is_null())
        .order_by(Outbox.seq)
    )
    return [_of(row) for row in rows]


def acknowledge(uuid: str, actor: Actor, now: datetime | None = None) -> RejectedCommand:
    """A supervisor states they saw a rejected command (and dealt with it at the counter)."""
    require(actor, ACKNOWLEDGE_PERMISSION)
    now = now or utc_now()
    with write_transaction():
        row = Outbox.get_or_none(Outbox.uuid == uuid.strip().lower())
        if row is None:
            raise NotFound(f"no queued command {uuid} in this register")
        if row.status != "rejected":
            raise InvalidRequest(
                f"command {uuid} is {row.status}, not rejected: there is nothing to acknowledge"
            )
        if row.acknowledged_at is not None:
            raise InvalidRequest(
                f"command {uuid} was already acknowledged by {row.acknowledged_by} at "
                f"{row.acknowledged_at.astimezone():%Y-%m-%d %H:%M}"
            )
        Outbox.update(acknowledged_by=actor.name, acknowledged_at=now).where(
            Outbox.seq == row.seq
        ).execute()
        ssn = json.loads(row.payload).get("ssn")
        found = db.execute_sql("SELECT id FROM person WHERE ssn = ?", (ssn,)) if ssn else None
        person_id = found.fetchone() if found else None
        audit.record(
            actor,
            "outbox.acknowledge",
            person_id[0] if person_id else None,
            uuid=row.uuid,
            command=row.command,
        )
        row.acknowledged_by, row.acknowledged_at = actor.name, now
    return _of(row)
