"""The audit log: who looked at or changed whose data, and when. Reads are logged too.

Events form a chain: each stores the hash of the event before it and its own hash over its
fields and that link, so changing or removing a stored event breaks the chain at that point
(`verify_chain`). Events are appended only inside a write transaction (BEGIN IMMEDIATE), so
two writers never link to the same predecessor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from peewee import Database

from models import audit_head
from models.actor import Actor
from models.clock import utc_now
from models.schema import AuditEvent, db

GENESIS = "0" * 64
_INSERT = (
    "INSERT INTO audit_event (at, actor, action, person_id, detail, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_LAST = "SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1"


def event_hash(
    prev: str, at: str, actor: str, action: str, person_id: int | None, detail: str | None
) -> str:
    """The hash of one event: SHA-256 over its link to the previous event and its fields."""
    text = "\x1f".join(
        (prev, at, actor, action, "" if person_id is None else str(person_id), detail or "")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(actor: Actor, action: str, person_id: int | None, **detail: Any) -> None:
    """Append one audit event (inside the caller's write transaction). Fixed SQL: every read
    logs, so this is on the counter's hot path."""
    record_many(actor, action, [(person_id, detail)])


def record_many(actor: Actor, action: str, events: list[tuple[int | None, dict[str, Any]]]) -> None:
    """Append one event per (person id, detail), in order, chained, in one statement (inside
    the caller's write transaction): a batch's statements log their reads together."""
    if not db.in_transaction():
        raise RuntimeError("audit.record must run inside the caller's write transaction")
    if not events:
        return
    at = AuditEvent.at.db_value(utc_now())
    last = db.execute_sql(_LAST).fetchone()
    prev = last[0] if last else GENESIS
    rows = []
    for person_id, detail in events:
        text = json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None
        own = event_hash(prev, at, actor.name, action, person_id, text)
        rows.append((at, actor.name, action, person_id, text, prev, own))
        prev = own
    conn = db.connection()
    conn.executemany(_INSERT, rows)
    last_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
    audit_head.advance(len(rows), last_id, prev)


def _events(database: Database) -> Iterator[tuple]:
    return iter(
        database.execute_sql(
            "SELECT id, at, actor, action, person_id, detail, prev_hash, hash FROM audit_event "
            "ORDER BY id"
        )
    )


def chain_all(database: Database) -> int:
    """Chain events stored before the chain existed (migration to schema v3), oldest first."""
    prev = GENESIS
    updates = []
    for event_id, at, actor, action, person_id, detail, _prev, _hash in _events(database):
        own = event_hash(prev, at, actor, action, person_id, detail)
        updates.append((prev, own, event_id))
        prev = own
    database.connection().executemany(
        "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?", updates
    )
    return len(updates)


@dataclass(frozen=True)
class ChainReport:
    """The result of checking the chain: how many events, the first broken one if any, and
    what the check could and could not see."""

    events: int
    broken_at: int | None = None  # id of the first event whose link or hash is wrong
    reason: str = ""
    head_checked: bool = False  # the signed head was there to compare with
    last_id: int = 0

    @property
    def intact(self) -> bool:
        """True if no stored event was changed, removed, added or renumbered."""
        return self.broken_at is None


def verify_chain(database: Database | None = None) -> ChainReport:
    """Walk the log oldest first; report the first event that was changed or whose
    predecessor was removed; then compare the end of the log with the signed head (a log
    emptied, cut at its newest end, renumbered or re-hashed). Headquarters' copy covers the
    events it has received (`counterdesk sync`)."""
    prev = GENESIS
    count = 0
    last_id = 0
    for event_id, at, actor, action, person_id, detail, stored_prev, stored in _events(
        database or db
    ):
        count += 1
        if stored_prev != prev:
            return ChainReport(count, event_id, "the event before it was changed or removed")
        if event_hash(prev, at, actor, action, person_id, detail) != stored:
            return ChainReport(count, event_id, "this event was changed")
        prev = stored
        last_id = event_id
    head = audit_head.read_head()
    problem = audit_head.head_problem(head, count, last_id, prev)
    if problem is not None:
        return ChainReport(count, max(last_id, 1), problem, True, last_id)
    return ChainReport(count, None, "", head is not None, last_id)
