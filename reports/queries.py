"""Register -> report data: plain rows for the renderer (reports.model), no reportlab here."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from models.enums import CONTRIBUTION_STATUS_CODES, ENTRY_KIND_CODES, EntryKind, Insurance
from models.errors import InvalidRequest, NotFound
from models.idnumber import mask_id_number
from models.overview import MonthView, Overview, person_overview
from models.people import PersonSummary
from models.schema import db
from models.sync_status import Freshness
from reports.model import (
    AccountRow,
    AuditExtract,
    AuditRow,
    CardRow,
    CountRow,
    DailyReport,
    DocumentHeader,
    EnrolmentRow,
    EntryRow,
    Holder,
    MedicalStatement,
    MonthRow,
    RejectedRow,
    RightsRecord,
    YearRow,
)

STALE_AFTER = timedelta(hours=24)
_STATUS = CONTRIBUTION_STATUS_CODES
_ENTRY = ENTRY_KIND_CODES


def is_offline(fresh: Freshness, now: datetime) -> bool:
    """True when a document must carry the offline notice: never synced, stale, or failing."""
    if fresh.last_success_at is None or fresh.last_error:
        return True
    return now - fresh.last_success_at > STALE_AFTER


def holder_of(person: PersonSummary) -> Holder:
    """The statement's holder block (full ID number: the document is the holder's own)."""
    return Holder(
        person.name,
        person.ssn,
        person.gender,
        person.birth_date,
        person.ethnicity,
        person.region_code,
        person.status,
        person.address,
    )


def _ins(insurance: Insurance) -> str:
    return insurance.name.lower()


def _month_row(m: MonthView) -> MonthRow:
    """One month of the overview as a report row (arrears have no posted date)."""
    return MonthRow(
        m.period,
        _ins(m.insurance),
        m.base_fen,
        m.employer_fen,
        m.personal_fen,
        _STATUS[m.status],
        m.posted_date,
    )


def rights_record(
    header: DocumentHeader, person: PersonSummary, year: int, today: date
) -> RightsRecord:
    """The personal rights record of `person` for `year`; InvalidRequest if nothing to state."""
    ov: Overview = person_overview(person, today)
    months = [
        _month_row(m)
        for m in sorted(ov.months, key=lambda m: (m.period, m.insurance))
        if m.period // 100 == year
    ]
    totals = [
        YearRow(
            _ins(y.insurance),
            y.months_paid,
            y.months_in_arrears,
            y.base_total_fen,
            y.employer_fen,
            y.personal_fen,
        )
        for y in ov.years
        if y.year == year
    ]
    if not totals:
        raise InvalidRequest(
            f"nothing to state: {person.name} has no contributions recorded for {year} in this "
            "office's register"
        )
    summarised = db.execute_sql(
        "SELECT count(*) FROM contribution_year WHERE person_id = ? AND year = ?",
        (person.id, year),
    ).fetchone()[0]
    return RightsRecord(
        header=header,
        year=year,
        holder=holder_of(person),
        cards=[
            CardRow(c.card_no, c.generation, c.status, c.issue_date, c.expiry_date)
            for c in ov.cards
        ],
        enrolments=[
            EnrolmentRow(
                _ins(e.insurance),
                e.employer_name,
                e.employer_code,
                e.start_date,
                e.end_date,
                e.status,
            )
            for e in ov.enrolments
        ],
        months=months,
        months_complete=summarised == 0,
        year_totals=totals,
        months_paid_total={_ins(i): n for i, n in sorted(ov.totals.items())},
        arrears=[_month_row(m) for m in sorted(ov.arrears, key=lambda m: (m.period, m.insurance))],
        accounts=[AccountRow(a.kind, a.balance_fen) for a in ov.accounts],
    )


def medical_statement(
    header: DocumentHeader, person: PersonSummary, date_from: date, date_to: date
) -> MedicalStatement:
    """The medical account between two dates (inclusive); the balances must add up."""
    if date_from > date_to:
        raise InvalidRequest(f"the period runs backwards: {date_from} is after {date_to}")
    account = db.execute_sql(
        "SELECT id FROM account WHERE person_id = ? AND kind = 'medical'", (person.id,)
    ).fetchone()
    if account is None:
        raise NotFound(f"{person.name} has no medical personal account in this register")
    rows = db.execute_sql(
        "SELECT posted_date, kind, amount_fen, balance_after_fen, counterparty FROM "
        "account_entry WHERE account_id = ? AND posted_date BETWEEN ? AND ? "
        "ORDER BY posted_date, id",
        (account[0], date_from.isoformat(), date_to.isoformat()),
    ).fetchall()
    if not rows:
        raise InvalidRequest(
            f"nothing to state: no movements on {person.name}'s medical account between "
            f"{date_from} and {date_to}"
        )
    entries = [
        EntryRow(date.fromisoformat(r[0]), _ENTRY[EntryKind(r[1])], r[2], r[3], r[4]) for r in rows
    ]
    opening = entries[0].balance_after_fen - entries[0].amount_fen
    closing = entries[-1].balance_after_fen
    if opening + sum(e.amount_fen for e in entries) != closing:
        raise InvalidRequest("the medical account's entries do not add up: report to headquarters")
    return MedicalStatement(
        header=header,
        holder=holder_of(person),
        date_from=date_from,
        date_to=date_to,
        opening_fen=opening,
        closing_fen=closing,
        entries=entries,
        allocated_fen=sum(e.amount_fen for e in entries if e.amount_fen > 0),
        spent_fen=-sum(e.amount_fen for e in entries if e.amount_fen < 0),
    )


def _day_bounds(day: date) -> tuple[str, str]:
    """The local day as a UTC ISO range [start, end)."""
    start = datetime.combine(day, time.min).astimezone().astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min).astimezone().astimezone(UTC)
    return start.isoformat(timespec="microseconds"), end.isoformat(timespec="microseconds")


def _counts(sql: str, args: tuple) -> list[CountRow]:
    return [CountRow(str(label), count) for label, count in db.execute_sql(sql, args)]


def daily_report(header: DocumentHeader, day: date, fresh: Freshness) -> DailyReport:
    """The office's day, from visits, statements, the audit log and the outbox."""
    start, end = _day_bounds(day)
    span = (start, end)
    rejected = [
        RejectedRow(datetime.fromisoformat(at), command, reason or "")
        for at, command, reason in db.execute_sql(
            "SELECT created_at, command, reason FROM outbox WHERE status = 'rejected' ORDER BY seq"
        )
    ]
    return DailyReport(
        header=header,
        day=day,
        visits_by_purpose=_counts(
            "SELECT purpose, count(*) FROM service_visit WHERE started_at >= ? AND started_at < ?"
            " GROUP BY 1 ORDER BY 2 DESC, 1",
            span,
        ),
        visits_by_clerk=_counts(
            "SELECT COALESCE(s.display_name || ' (' || s.username || ')', '-'), count(*) "
            "FROM service_visit v LEFT JOIN staff_user s ON s.id = v.staff_id "
            "WHERE v.started_at >= ? AND v.started_at < ? GROUP BY 1 ORDER BY 2 DESC, 1",
            span,
        ),
        statements_printed=_counts(
            "SELECT kind, count(*) FROM statement WHERE printed_at >= ? AND printed_at < ? "
            "AND sha256 IS NOT NULL GROUP BY 1 ORDER BY 1",
            span,
        ),
        card_operations=_counts(
            "SELECT action, count(*) FROM audit_event WHERE at >= ? AND at < ? "
            "AND action LIKE 'card.%' GROUP BY 1 ORDER BY 1",
            span,
        ),
        last_sync=fresh.last_success_at,
        last_sync_error=fresh.last_error,
        pending_commands=fresh.pending_commands,
        rejected=rejected,
    )


def audit_extract(header: DocumentHeader, date_from: date, date_to: date) -> AuditExtract:
    """Who looked at whom between two local dates (inclusive); ID numbers masked."""
    if date_from > date_to:
        raise InvalidRequest(f"the period runs backwards: {date_from} is after {date_to}")
    start, _ = _day_bounds(date_from)
    _, end = _day_bounds(date_to)
    rows = [
        AuditRow(
            datetime.fromisoformat(at),
            actor,
            action,
            f"{name} {mask_id_number(ssn)}" if ssn else "",
        )
        for at, actor, action, name, ssn in db.execute_sql(
            "SELECT a.at, a.actor, a.action, p.name, p.ssn FROM audit_event a "
            "LEFT JOIN person p ON p.id = a.person_id WHERE a.at >= ? AND a.at < ? "
            "ORDER BY a.id",
            (start, end),
        )
    ]
    return AuditExtract(header, date_from, date_to, rows)
