"""The audit log for the supervisor's screen: read a page, verify the chain, who is in it.

Each function is told who acts and checks that role itself (`models.permissions`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from desktop.core.audit_words import detail_words
from desktop.core.documents import UnknownPerson
from models import audit
from models.actor import Actor
from models.audit import ChainReport, verify_chain
from models.idnumber import mask_id_number
from models.people import PersonSummary, find_by_ssn
from models.permissions import Permission, require
from models.schema import StaffUser, db, write_transaction
from reports.errors import PeriodBackwards

AUDIT_PAGE_SIZE = 50
_ID_LIKE = re.compile(r"\b\d{17}[\dXx]\b")

# -- the audit log -------------------------------------------------------------------------------

# Whether looking at the audit log is itself logged: the log holds, for every event about a
# person, that person's name and masked ID number, and filtering by an ID number shows when and
# by whom that person was served. So each query is recorded as `audit.query` (its first page,
# including today's query run when the screen opens; not each further page), with the filtered
# person's id when there is one (so that it shows in that person's own trail) and the period and
# staff filter in the detail. Verifying the chain reads no personal data and is not recorded;
# the PDF extract is recorded as an issued document (models.statements).

Cursor = tuple[str, int]  # (stored time, id) of the last event of a page: the next page is older


@dataclass(frozen=True)
class AuditQuery:
    """Which events: a period of local days, and optionally one member of staff or person."""

    date_from: date
    date_to: date
    staff: str | None = None  # the actor as stored (a username, kiosk:..., cli:...)
    person_ssn: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One event as the screen shows it (the person's ID number masked)."""

    id: int
    at: datetime
    actor: str
    staff_name: str | None
    action: str
    person: str  # 'name 370102********1234', or '' when the event is about nobody
    detail: str


@dataclass(frozen=True)
class AuditPage:
    """A page of events, newest first."""

    entries: list[AuditEntry]
    next_cursor: Cursor | None  # None: this is the last page
    person_name: str | None = None  # the filtered person's name
    top_cursor: Cursor | None = None  # reads this page again, without events added since


def day_bounds(first: date, last: date) -> tuple[str, str]:
    """Local days first..last as a UTC range [start, end) in the stored text form."""
    start = datetime.combine(first, time.min).astimezone().astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min).astimezone().astimezone(UTC)
    return start.isoformat(timespec="microseconds"), end.isoformat(timespec="microseconds")


def _detail_text(raw: str | None, action: str | None = None) -> str:
    if not raw:
        return ""
    try:
        detail = json.loads(raw)
    except ValueError:
        return _ID_LIKE.sub(lambda m: mask_id_number(m.group(0)), raw)
    if not isinstance(detail, dict):
        return str(detail)
    return _ID_LIKE.sub(lambda m: mask_id_number(m.group(0)), detail_words(detail, action))


_AUDIT_PAGE = (
    "SELECT a.id, a.at, a.actor, s.display_name, a.action, p.name, p.ssn, a.detail "
    "FROM audit_event a LEFT JOIN person p ON p.id = a.person_id "
    "LEFT JOIN staff_user s ON s.username = a.actor "
    "WHERE a.at >= ? AND a.at {upper} ?{filters} ORDER BY a.at DESC, a.id DESC LIMIT ?"
)


def read_audit(
    actor: Actor, query: AuditQuery, cursor: Cursor | None = None, limit: int = AUDIT_PAGE_SIZE
) -> AuditPage:
    """One page of audit events of the query, newest first, after `cursor` (keyset paging on
    the time index: a page costs the same at any depth of a log of millions). The first page
    (no cursor) is a new query, and is recorded as one."""
    require(actor, Permission.AUDIT)
    if query.date_from > query.date_to:
        raise PeriodBackwards(query.date_from, query.date_to)
    start, end = day_bounds(query.date_from, query.date_to)
    person: PersonSummary | None = None
    if query.person_ssn:
        person = find_by_ssn(query.person_ssn)  # InvalidIdNumber for a malformed one
        if person is None:
            raise UnknownPerson(f"no person {mask_id_number(query.person_ssn)} in this register")
    # after a cursor, the index range itself ends at the cursor's time: a seek, not a skip
    upper, args = ("<", [start, end]) if cursor is None else ("<=", [start, cursor[0]])
    filters = ""
    if query.staff:
        filters += " AND a.actor = ?"
        args.append(query.staff)
    if person is not None:
        filters += " AND a.person_id = ?"
        args.append(person.id)
    if cursor is not None:
        filters += " AND (a.at, a.id) < (?, ?)"
        args.extend(cursor)
    sql = _AUDIT_PAGE.format(upper=upper, filters=filters)
    rows = db.execute_sql(sql, (*args, limit + 1)).fetchall()
    entries = [
        AuditEntry(
            row[0],
            datetime.fromisoformat(row[1]),
            row[2],
            row[3],
            row[4],
            f"{row[5]} {mask_id_number(row[6])}" if row[6] else "",
            _detail_text(row[7], row[4]),
        )
        for row in rows[:limit]
    ]
    more = len(rows) > limit
    next_cursor = (rows[limit - 1][1], rows[limit - 1][0]) if more else None
    top_cursor = (rows[0][1], rows[0][0] + 1) if rows else None
    if cursor is None:
        _record_query(actor, query, person)
    return AuditPage(entries, next_cursor, person.name if person else None, top_cursor)


def _record_query(actor: Actor, query: AuditQuery, person: PersonSummary | None) -> None:
    detail: dict[str, Any] = {"from": query.date_from.isoformat(), "to": query.date_to.isoformat()}
    if query.staff:
        detail["staff"] = query.staff
    with write_transaction():
        audit.record(actor, "audit.query", person.id if person else None, **detail)


def verify_audit(actor: Actor) -> ChainReport:
    """Walk the whole audit chain (can take seconds on millions of events)."""
    require(actor, Permission.AUDIT)
    return verify_chain()


def staff_list() -> list[tuple[str, str]]:
    """(username, display name) of the office's staff, by username."""
    rows = StaffUser.select(StaffUser.username, StaffUser.display_name).order_by(StaffUser.username)
    return [(r.username, r.display_name) for r in rows]
