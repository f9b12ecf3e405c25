"""The office's journal: what each workstation of an office did, shared with the others.

Visits, statements and audit events that headquarters accepts from a workstation are appended
to the change feed under the office (`feed_change.office`), in the same transaction, as rows of
`office_visit`, `office_statement` and `office_event` (models.replica, protocol 2). Every
workstation of the office pulls them, so its daily report, audit extract and "served today"
cover the whole office. A new workstation's bootstrap copies the last `JOURNAL_DAYS` days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from hq import feed, store
from hq.feed import Change, Op
from hq.offices import EnrolledOffice
from hq.wire import wire_row
from models.fields import UtcDateTimeField
from models.replica import (
    JOURNAL_DAYS,
    OFFICE_EVENT,
    OFFICE_STAFF_LOCK,
    OFFICE_STATEMENT,
    OFFICE_VISIT,
    Table,
)


def _change(table: Table, office: EnrolledOffice, row: Sequence[Any]) -> Change:
    return Change(table.name, Op.UPSERT, None, wire_row(row), office=office.office_id)


def publish_visit(office: EnrolledOffice, uuid: str, row: Sequence[Any], now: datetime) -> None:
    """Share a visit with the office (`row`: person_id .. note, as `office_visit` after the
    command's uuid and the workstation). Inside the command's transaction."""
    feed.append([_change(OFFICE_VISIT, office, [uuid, office.code, *row])], now)


def publish_statement(office: EnrolledOffice, row: Sequence[Any], now: datetime) -> None:
    """Share an issued statement with the office (`row` in `office_statement` order without
    the workstation: number, then kind .. pages; `offline` travels as 0 or 1)."""
    number, kind, person_id, printed_at, offline, *rest = row
    values = [number, office.code, kind, person_id, printed_at, int(bool(offline)), *rest]
    feed.append([_change(OFFICE_STATEMENT, office, values)], now)


def publish_events(office: EnrolledOffice, events: Sequence[dict[str, Any]], now: datetime) -> None:
    """Share audit events newly received from a workstation (rows as `office_audit_event`)."""
    if not events:
        return
    feed.append(
        [
            _change(
                OFFICE_EVENT,
                office,
                [
                    office.code,
                    e["event_id"],
                    e["at"],
                    e["actor"],
                    e["action"],
                    e["person_id"],
                    e["detail"],
                ],
            )
            for e in events
        ],
        now,
    )


def publish_sign_in_state(office: EnrolledOffice, row: Sequence[Any], now: datetime) -> None:
    """Share a member of staff's sign-in failure count (`row`: username, failed_attempts,
    locked_until, at) with the office's workstations."""
    username, *rest = row
    feed.append([_change(OFFICE_STAFF_LOCK, office, [username, office.code, *rest])], now)


_TIME = UtcDateTimeField()
_ROWS_OF_OFFICE = "SELECT id FROM office WHERE id = ? OR parent_id = ?"


def journal_tables(office_id: str, now: datetime) -> dict[Table, list[list[Any]]]:
    """The office's journal of the last JOURNAL_DAYS days, for a workstation's bootstrap."""
    since = _TIME.db_value(now - timedelta(days=JOURNAL_DAYS))  # times are stored as text
    params = (office_id, office_id, since)
    visits = store.execute(
        "SELECT coalesce(v.uuid, 'hq-' || v.id), o.code, v.person_id, v.card_no, v.channel, "
        "v.purpose, v.staff, v.at, v.note FROM visit v JOIN office o ON o.id = v.office_id "
        f"WHERE v.office_id IN ({_ROWS_OF_OFFICE}) AND v.at >= ? ORDER BY v.id",
        params,
    ).fetchall()
    statements = store.execute(
        "SELECT s.number, o.code, s.kind, s.person_id, s.printed_at, s.offline, s.sha256, "
        "s.pages FROM statement s JOIN office o ON o.id = s.office_id WHERE s.office_id IN "
        f"({_ROWS_OF_OFFICE}) AND s.printed_at >= ? ORDER BY s.number",
        params,
    ).fetchall()
    events = store.execute(
        "SELECT o.code, e.event_id, e.at, e.actor, e.action, e.person_id, e.detail "
        "FROM office_audit_event e JOIN office o ON o.id = e.office_id WHERE e.office_id IN "
        f"({_ROWS_OF_OFFICE}) AND e.received_at >= ? ORDER BY o.code, e.event_id",
        params,
    ).fetchall()
    return {
        OFFICE_VISIT: [wire_row(r) for r in visits],
        OFFICE_STATEMENT: [
            [*wire_row(r[:5]), int(bool(r[5])), *wire_row(r[6:])] for r in statements
        ],
        OFFICE_EVENT: [wire_row(r) for r in events],
        OFFICE_STAFF_LOCK: [],  # a count only matters as it happens: not kept, not copied
    }
