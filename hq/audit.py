"""Offices' audit chains, kept at headquarters per office and checked link by link.

An office pushes its chained audit events (models.audit) in id order. Headquarters keeps every
event once (deduplicated by id), and checks that each links to the office's previous event and
that its hash covers its fields. A broken link is kept too, flagged, and reported: the office's
copy of its log was changed or cut, and someone must look at it. The first event headquarters
receives from an office anchors the chain (unless it is event 1, which links to the genesis).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hq import journal, store
from hq.offices import EnrolledOffice
from hq.schema import OfficeAuditEvent
from models.audit import GENESIS, event_hash

MAX_EVENTS = 1000


@dataclass(frozen=True)
class IncomingEvent:
    """An audit event as the office stored it (`at` and `detail` are its stored text)."""

    id: int
    at: str
    actor: str
    action: str
    person_id: int | None
    detail: str | dict[str, Any] | None
    prev_hash: str
    hash: str

    @property
    def detail_text(self) -> str | None:
        """The detail as the office stored it (JSON text)."""
        if isinstance(self.detail, dict):
            return json.dumps(self.detail, ensure_ascii=False, sort_keys=True)
        return self.detail


@dataclass(frozen=True)
class OfficeHead:
    """The head of its chain an office sends with its events: its count, newest id and hash."""

    count: int
    last_id: int
    hash: str


@dataclass(frozen=True)
class AuditReceipt:
    """How many events were new, the highest id held for the office, the first broken one,
    and what the office's head says is missing or rewritten."""

    accepted: int
    last_id: int
    broken_at: int | None
    head_problem: str | None = None


def _stored(office_id: str, ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ", ".join("?" * len(chunk))
        found.update(
            store.execute(
                f"SELECT event_id, hash FROM office_audit_event WHERE office_id = ? "
                f"AND event_id IN ({marks})",
                (office_id, *chunk),
            ).fetchall()
        )
    return found


def _hash_before(office_id: str, event_id: int) -> str | None:
    row = store.execute(
        "SELECT hash FROM office_audit_event WHERE office_id = ? AND event_id < ? "
        "ORDER BY event_id DESC LIMIT 1",
        (office_id, event_id),
    ).fetchone()
    return row[0] if row else None


def receive(
    office: EnrolledOffice,
    events: Sequence[IncomingEvent],
    now: datetime,
    head: OfficeHead | None = None,
) -> AuditReceipt:
    """Keep the new events of a workstation's chain and check their links, then compare the
    workstation's `head` with the events held (one transaction). The new events are shared
    with the office's other workstations (the office's journal)."""
    office_id = office.id
    ordered = sorted({e.id: e for e in reversed(events)}.values(), key=lambda e: e.id)
    accepted, broken_at = 0, None
    with store.write_transaction():
        if ordered:
            stored = _stored(office_id, [e.id for e in ordered])
            prev = _hash_before(office_id, ordered[0].id)
            rows = []
            for event in ordered:
                if event.id in stored:
                    if stored[event.id] != event.hash and broken_at is None:
                        broken_at = event.id  # changed since headquarters received it
                    prev = stored[event.id]
                    continue
                detail = event.detail_text
                if prev is None:  # the first event headquarters holds from this office
                    linked = event.id != 1 or event.prev_hash == GENESIS
                else:
                    linked = event.prev_hash == prev
                own = event_hash(
                    event.prev_hash, event.at, event.actor, event.action, event.person_id, detail
                )
                ok = linked and own == event.hash
                if not ok and broken_at is None:
                    broken_at = event.id
                rows.append(
                    {
                        "office": office_id,
                        "event_id": event.id,
                        "at": event.at,
                        "actor": event.actor[:60],
                        "action": event.action[:40],
                        "person_id": event.person_id,
                        "detail": detail,
                        "prev_hash": event.prev_hash[:64],
                        "hash": event.hash[:64],
                        "link_ok": ok,
                        "received_at": now,
                    }
                )
                prev = event.hash
            for start in range(0, len(rows), 200):
                OfficeAuditEvent.insert_many(rows[start : start + 200]).execute()
            journal.publish_events(office, rows, now)
            accepted = len(rows)
        last = store.execute(
            "SELECT coalesce(max(event_id), 0) FROM office_audit_event WHERE office_id = ?",
            (office_id,),
        ).fetchone()[0]
        problem = None if head is None else _head_problem(office_id, head, int(last))
    if problem is not None and broken_at is None:
        broken_at = problem[0]
    return AuditReceipt(accepted, int(last), broken_at, problem[1] if problem else None)


def _head_problem(office_id: str, head: OfficeHead, held_last: int) -> tuple[int, str] | None:
    """(the first event concerned, what is wrong) when the office's head contradicts the
    events headquarters holds from it."""
    if head.last_id < held_last:
        return (
            head.last_id + 1,
            f"the office's audit log ends at event {head.last_id}, but headquarters holds its "
            f"events up to {held_last}: the newest were removed at the office",
        )
    row = store.execute(
        "SELECT hash FROM office_audit_event WHERE office_id = ? AND event_id = ?",
        (office_id, head.last_id),
    ).fetchone()
    if row is not None and row[0] != head.hash:
        return (
            head.last_id,
            f"event {head.last_id} at the office is not the one headquarters received "
            "(rewritten or renumbered)",
        )
    held = store.execute(
        "SELECT count(*) FROM office_audit_event WHERE office_id = ? AND event_id <= ?",
        (office_id, head.last_id),
    ).fetchone()[0]
    if head.count < int(held):
        return (
            head.last_id,
            f"the office counts {head.count:,} audit events, but headquarters holds {held:,} of "
            "them: events were removed at the office",
        )
    return None
