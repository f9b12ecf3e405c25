"""Pushing to headquarters: the outbox's pending commands, then the chained audit events.

Each outbox item's UUID is its idempotency key: an item whose answer was lost (timeout, cut
connection) stays pending and is sent again; headquarters answers it from its stored answer and
applies it no second time. An item's outcome is stored only after headquarters answered: an
office relay answers `pending` while headquarters has not (the item stays pending and is sent
again; the relay answers with headquarters' answer once it has it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import audit_head
from models.commands import CommandName
from models.schema import db, write_transaction
from sync import state
from sync.client import HqClient
from sync.errors import SyncError

BATCH = 500  # the protocol's limit per push
AUDIT_BATCH = 1000  # the protocol's limit per audit push

_PENDING = (
    "SELECT seq, uuid, created_at, actor, command, payload FROM outbox "
    "WHERE status = 'pending' AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?"
)
_RESOLVE = (
    "UPDATE outbox SET status = ?, reason = ?, resolved_at = ?, attempts = attempts + 1, "
    "last_attempt_at = ?, last_error = NULL WHERE uuid = ? AND status = 'pending'"
)
_WAITING = (
    "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = NULL "
    "WHERE uuid = ? AND status = 'pending'"
)
_FAILED = (
    "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ? "
    "WHERE uuid = ? AND status = 'pending'"
)
# A staff account added here: headquarters' answer settles its origin. Accepted, it is
# headquarters' copy now; rejected, it stays this office's own row, disabled and without a
# password (headquarters holds nothing it could publish to undo it).
_STAFF_ADDED = "UPDATE staff_user SET origin = 'hq' WHERE username = ? AND origin = 'pending'"
_STAFF_REFUSED = (
    "UPDATE staff_user SET origin = 'local', active = 0, password_hash = NULL "
    "WHERE username = ? AND origin = 'pending'"
)
_EVENTS = (
    "SELECT id, at, actor, action, person_id, detail, prev_hash, hash FROM audit_event "
    "WHERE id > ? ORDER BY id LIMIT ?"
)


@dataclass(frozen=True)
class PushOutcome:
    """What headquarters answered to the commands sent in one sync."""

    accepted: int = 0
    rejected: int = 0
    head_seq: int | None = None
    waiting: int = 0  # held by the office relay, headquarters' answer still to come


@dataclass(frozen=True)
class AuditOutcome:
    """How many audit events headquarters took, and where it found the chain broken."""

    sent: int = 0
    last_id: int = 0
    broken_at: int | None = None
    head_problem: str | None = None


def _stamp(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def push_outbox(client: HqClient, clock: Callable[[], datetime]) -> PushOutcome:
    """Send every command pending when the push starts, oldest first, in batches of BATCH."""
    last = db.execute_sql("SELECT max(seq) FROM outbox WHERE status = 'pending'").fetchone()[0]
    if last is None:
        return PushOutcome()
    accepted = rejected = waiting = 0
    head = None
    after = 0
    while True:
        rows = db.execute_sql(_PENDING, (after, last, BATCH)).fetchall()
        if not rows:
            return PushOutcome(accepted, rejected, head, waiting)
        after = rows[-1][0]
        items = [
            {
                "uuid": uuid,
                "command": command,
                "payload": json.loads(payload),
                "created_at": created_at,
                "actor": actor,
            }
            for _seq, uuid, created_at, actor, command, payload in rows
        ]
        try:
            answer = client.push(items)
        except SyncError as exc:
            now = _stamp(clock())
            with write_transaction():
                db.connection().executemany(
                    _FAILED, [(now, exc.message, item["uuid"]) for item in items]
                )
            raise
        now = _stamp(clock())
        answered = [r for r in answer.results if r.status != "pending"]
        with write_transaction():
            db.connection().executemany(
                _RESOLVE,
                [(r.status, _reason(r.code, r.reason), now, now, r.uuid) for r in answered],
            )
            db.connection().executemany(
                _WAITING, [(now, r.uuid) for r in answer.results if r.status == "pending"]
            )
            _settle_staff_added(items, answered)
        accepted += sum(r.status == "accepted" for r in answer.results)
        rejected += sum(r.status == "rejected" for r in answer.results)
        waiting += sum(r.status == "pending" for r in answer.results)
        head = answer.head_seq


def _settle_staff_added(items: list[dict[str, Any]], results: Sequence[Any]) -> None:
    """Settle the local rows of the `staff.add` commands just answered."""
    added = {
        i["uuid"]: i["payload"].get("username")
        for i in items
        if i["command"] == CommandName.STAFF_ADD
    }
    for result in results:
        username = added.get(result.uuid)
        if username:
            statement = _STAFF_ADDED if result.status == "accepted" else _STAFF_REFUSED
            db.execute_sql(statement, (username,))


def _reason(code: str | None, reason: str | None) -> str | None:
    if reason and code:
        return f"{reason} ({code})"
    return reason or code


def push_audit(client: HqClient) -> AuditOutcome:
    """Send the audit events headquarters has not accepted yet, in id order, each batch with
    the log's head (its count, newest id and hash, read in the same snapshot). With nothing new
    to send, the head alone goes when the log now ends before what headquarters accepted:
    headquarters then says what is missing."""
    cursor = state.read(state.AUDIT).cursor or 0
    relayed = _relayed_up_to()
    sent = 0
    while True:
        with db.atomic():  # one snapshot: the events and the head that covers them
            rows = db.execute_sql(_EVENTS, (max(cursor, relayed), AUDIT_BATCH)).fetchall()
            head = _head_to_send()
        if not rows:
            if cursor and int(head["last_id"]) < cursor:  # the log lost events already sent
                answer = client.push_audit([], head)
                return AuditOutcome(sent, cursor, answer.broken_at, answer.head_problem)
            return AuditOutcome(sent, cursor)
        events = [
            {
                "id": event_id,
                "at": at,
                "actor": actor,
                "action": action,
                "person_id": person_id,
                "detail": detail,
                "prev_hash": prev_hash,
                "hash": own,
            }
            for event_id, at, actor, action, person_id, detail, prev_hash, own in rows
        ]
        answer = client.push_audit(events, head)
        last_id = min(answer.last_id, rows[-1][0])
        if last_id > cursor:
            with write_transaction():
                state.write(state.AUDIT, cursor=last_id)
            sent += sum(1 for row in rows if cursor < row[0] <= last_id)
            cursor = last_id
        if answer.held_id is not None:  # the office relay keeps them until headquarters has them
            relayed = _note_relayed(min(answer.held_id, rows[-1][0]))
        if answer.broken_at is not None or max(last_id, relayed) < rows[-1][0]:
            return AuditOutcome(sent, cursor, answer.broken_at, answer.head_problem)


def _relayed_up_to() -> int:
    """The last event the office relay said it holds, while the relay is the one whose feed
    the register follows (a rebuilt relay holds nothing: everything headquarters lacks is sent
    again); 0 otherwise."""
    relayed = state.read(state.AUDIT).detail.get("relayed") or {}
    if relayed.get("feed") is None or relayed.get("feed") != state.read().detail.get("feed"):
        return 0
    return int(relayed.get("up_to") or 0)


def _note_relayed(up_to: int) -> int:
    """Remember the last event the office relay holds (with the relay's feed); returns it."""
    feed = state.read().detail.get("feed")
    with write_transaction():
        state.update_detail(state.AUDIT, relayed={"feed": feed, "up_to": up_to} if feed else None)
    return up_to if feed else 0


_NEWEST = "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1"


def _head_to_send() -> dict[str, int | str]:
    """The log as it is now: how many events, the newest's id and hash (headquarters compares
    them with what it received; the signed head checks the same locally). The count is the
    signed head's, kept as events are appended; the table is counted only without one."""
    newest = db.execute_sql(_NEWEST).fetchone()
    if newest is None:
        return {"count": 0, "last_id": 0, "hash": ""}
    head = audit_head.read_head()
    if head is not None and head.count >= 0:
        count = head.count
    else:
        count = db.execute_sql("SELECT count(*) FROM audit_event").fetchone()[0]
    return {"count": int(count), "last_id": int(newest[0]), "hash": str(newest[1])}
