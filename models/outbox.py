"""The outbox: commands applied locally and queued for headquarters in the same transaction."""

from __future__ import annotations

import json
import uuid
from typing import Any

from models.actor import Actor
from models.enums import OutboxStatus
from models.fields import utc_now
from models.schema import Outbox, db


def enqueue(command: str, payload: dict[str, Any], actor: Actor) -> str:
    """Queue `command` for headquarters; return its idempotency key (a UUID).

    Must be called inside the transaction of the write it describes, so that the write and its
    outbox entry are committed (or lost) together.
    """
    if not db.in_transaction():
        raise RuntimeError("outbox.enqueue must run inside the write's transaction")
    key = str(uuid.uuid4())
    Outbox.insert(
        uuid=key,
        created_at=utc_now(),
        actor=actor.name,
        command=command,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        status=OutboxStatus.PENDING.value,
    ).execute()
    return key
