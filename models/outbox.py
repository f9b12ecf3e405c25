"""The outbox: commands applied locally and queued for headquarters in the same transaction."""

from __future__ import annotations

import json
import uuid
from typing import Any

from models.actor import Actor
from models.clock import utc_now
from models.commands import CommandName
from models.enums import OutboxStatus
from models.schema import Outbox, db


def enqueue(command: CommandName, payload: dict[str, Any], actor: Actor) -> str:
    """Queue `command` for headquarters; return its idempotency key (a UUID).

    Must be called inside the transaction of the write it describes, so that the write and its
    outbox entry are committed (or lost) together.
    """
    return enqueue_many(command, [payload], actor)[0]


def enqueue_many(command: CommandName, payloads: list[dict[str, Any]], actor: Actor) -> list[str]:
    """Queue one `command` per payload, in order, in one statement (inside the transaction of
    the writes they describe, as `enqueue`); their idempotency keys."""
    if not db.in_transaction():
        raise RuntimeError("outbox.enqueue must run inside the write's transaction")
    if not payloads:
        return []
    now = utc_now()
    keys = [str(uuid.uuid4()) for _ in payloads]
    Outbox.insert_many(
        [
            {
                "uuid": key,
                "created_at": now,
                "actor": actor.name,
                "command": command,
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                "status": OutboxStatus.PENDING.value,
            }
            for key, payload in zip(keys, payloads, strict=True)
        ]
    ).execute()
    return keys
