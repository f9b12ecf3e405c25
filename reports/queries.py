"""Register -> report data: plain rows for the renderer (reports.model), no reportlab here."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from models.benefits import Benefits, read_benefits
from models.enums import (
    BENEFIT_KIND_CODES,
    CONTRIBUTION_STATUS_CODES,
    ENTRY_KIND_CODES,
    ContributionStatus,
    EntryKind,
    Insurance,
)
from models.idnumber import mask_id_number
from models.overview import month_window
from models.people import PersonSummary
from models.schema import db
from models.statements import workstation_code
from models.sync_status import Freshness, synced_at
from reports.errors import EntriesDoNotAddUp, NoMedicalAccount, NothingToState, PeriodBackwards
from reports.model import (
    AccountRow,
    AuditExtract,
    AuditRow,
    BenefitRow,
    BenefitsPart,
    CardRow,
    CheckRow,
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


def data_as_of(fresh: Freshness) -> datetime | None:
    """The time a document's data is as of: the last successful sync; through the office relay
    the time of the relay's last pull from headquarters (a sync with the relay during a WAN
    outage brings nothing newer from headquarters)."""
    if fresh.through_relay:
        return fresh.data_as_of and synced_at(fresh)
    return fresh.last_success_at


def is_offline(fresh: Freshness, now: datetime) -> bool:
    """True when a document must carry the offline notice: never synced, stale, or failing;
    through the office relay, also while the relay cannot reach headquarters."""
    as_of = data_as_of(fresh)
    if as_of is None or fresh.last_error:
        return True
    if fresh.through_relay and fresh.upstream_status != "online":
        return True
    return now - as_of > STALE_AFTER


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


_INSURANCE_CODE = {i.value: i.name.lower() for i in Insurance}
_STATUS_CODE = {s.value: code for s, code in _STATUS.items()}
_ARREARS = ContributionStatus.ARREARS.value

# The rights record reads only what it prints (the counter's overview reads more: recent account
# entries, the freshness of the data). It keeps the overview's rules: monthly rows count within
# the 36-month window ending last month, yearly summaries and window months are added together.
_CARDS = (
    "SELECT card_no, generation, status, issue_date, expiry_date FROM card WHERE person_id = ? "
    "ORDER BY status != 'active', issue_date DESC"
)
_ENROLMENTS = (
    "SELECT e.insurance, m.name, m.unit_code, e.start_date, e.end_date, e.status "
    "FROM enrolment e LEFT JOIN employer m ON m.id = e.employer_id "
    "WHERE e.person_id = ? ORDER BY e.insurance, e.start_date"
)
_WINDOW_MONTHS = (
    "SELECT period, insurance, base_fen, employer_fen, personal_fen, status, posted_date "
    "FROM contribution WHERE person_id = ? AND period BETWEEN ? AND ? "
    "AND (period BETWEEN ? AND ? OR status = ?) ORDER BY period, insurance"
)
_PERIOD_MONTHS = (
    "SELECT period, insurance, base_fen, employer_fen, personal_fen, status, posted_date "
    "FROM contribution WHERE person_id = ? AND period BETWEEN ? AND ? ORDER BY period, insurance"
)
_WINDOW_PAID = (  # every type with rows in the window, and how many of them are not arrears
    "SELECT insurance, sum(CASE WHEN status <> ? THEN 1 ELSE 0 END) FROM contribution "
    "WHERE person_id = ? "
    "AND period BETWEEN ? AND ? GROUP BY insurance"
)
_SUMMARIES = (
    "SELECT year, insurance, months_paid, base_total_fen, employer_fen, personal_fen "
    "FROM contribution_year WHERE person_id = ?"
)
_BALANCES = "SELECT kind, balance_fen FROM account WHERE person_id = ? ORDER BY kind"


def _day(value: str | date | None) -> date | None:
    if isinstance(value, date):  # PostgreSQL's driver returns dates, SQLite text
        return value
    return date.fromisoformat(value) if value else None


def _month_row(row: tuple) -> MonthRow:
    """A register row (period, insurance, base, employer, personal, status, posted) for the
    report (arrears have no posted date)."""
    period, insurance, base, employer, personal, status, posted = row
    return MonthRow(
        period,
        _INSURANCE_CODE[insurance],
        base,
        employer,
        personal,
        _STATUS_CODE[status],
        _day(posted),
    )


def _year_totals(year: int, months: list[MonthRow], summaries: list[tuple]) -> list[YearRow]:
    """The year per type, in type order: its summary row plus its monthly rows."""
    sums: dict[int, list[int]] = {}  # insurance -> months paid, in arrears, base, parts
    for y, insurance, months_paid, base, employer, personal in summaries:
        if y == year:
            sums[insurance] = [months_paid, 0, base, employer, personal]
    codes = {code: value for value, code in _INSURANCE_CODE.items()}
    for m in months:
        acc = sums.setdefault(codes[m.insurance], [0, 0, 0, 0, 0])
        if m.status == "arrears":
            acc[1] += 1
        else:
            acc[0] += 1
            acc[2] += m.base_fen
            acc[3] += m.employer_fen
            acc[4] += m.personal_fen
    return [YearRow(_INSURANCE_CODE[i], *acc) for i, acc in sorted(sums.items())]


def enrolments_of(person_id: int) -> list[EnrolmentRow]:
    """The person's registrations, by insurance type and start."""
    return [
        EnrolmentRow(_INSURANCE_CODE[insurance], name, code, _day(begin), _day(finish), status)  # type: ignore[arg-type]
        for insurance, name, code, begin, finish, status in db.execute_sql(
            _ENROLMENTS, (person_id,)
        ).fetchall()
    ]


def months_of(person_id: int, first: int, last: int) -> list[MonthRow]:
    """The person's monthly rows from period `first` to `last` (YYYYMM), oldest first."""
    rows = db.execute_sql(_PERIOD_MONTHS, (person_id, first, last)).fetchall()
    return [_month_row(r) for r in rows]


def contribution_time(person_id: int, today: date) -> dict[str, int]:
    """Months paid in all, per insurance type: the yearly summaries and the months held in
    detail (the 36 months ending last month), as the rights record counts them."""
    start, end = month_window(today)
    time_paid = dict(db.execute_sql(_WINDOW_PAID, (_ARREARS, person_id, start, end)).fetchall())
    for _, insurance, months_paid, *_ in db.execute_sql(_SUMMARIES, (person_id,)).fetchall():
        time_paid[insurance] = time_paid.get(insurance, 0) + months_paid
    return {_INSURANCE_CODE[i]: n for i, n in sorted(time_paid.items())}


def type_totals(months: list[MonthRow]) -> list[YearRow]:
    """Months paid, in arrears, base and both parts per insurance type, in type order."""
    return _year_totals(0, months, [])


def rights_record(
    header: DocumentHeader,
    person: PersonSummary,
    year: int,
    today: date,
    sql: Callable[..., Any] | None = None,
) -> RightsRecord:
    """The personal rights record of `person` for `year`; NothingToState if it holds nothing.
    `sql(text, params)` runs a query: by default on this register in one transaction;
    headquarters passes its own store (same columns) inside its read snapshot, for the
    citizen's downloaded record."""
    start, end = month_window(today)
    first, last = max(start, year * 100 + 1), min(end, year * 100 + 12)
    pid = person.id
    with db.atomic() if sql is None else nullcontext():
        run = sql or db.execute_sql
        window = run(_WINDOW_MONTHS, (pid, start, end, first, last, _ARREARS)).fetchall()
        summaries = run(_SUMMARIES, (pid,)).fetchall()
        paid = dict(run(_WINDOW_PAID, (_ARREARS, pid, start, end)).fetchall())
        cards = run(_CARDS, (pid,)).fetchall()
        enrolments = run(_ENROLMENTS, (pid,)).fetchall()
        balances = run(_BALANCES, (pid,)).fetchall()
        held = read_benefits(pid, sql)
    rows = [_month_row(r) for r in window]
    months = [m for m in rows if first <= m.period <= last]
    totals = _year_totals(year, months, summaries)
    benefits = _benefits_part(held, year)
    if not totals and benefits is None:
        raise NothingToState(
            person.name,
            str(year),
            f"nothing to state: {person.name} has no contributions and no benefits recorded "
            f"for {year} in this office's register",
        )
    time_paid = dict(paid)
    for _, insurance, months_paid, *_ in summaries:
        time_paid[insurance] = time_paid.get(insurance, 0) + months_paid
    return RightsRecord(
        header=header,
        year=year,
        holder=holder_of(person),
        cards=[
            CardRow(no, generation, status, _day(issued), _day(expiry))  # type: ignore[arg-type]
            for no, generation, status, issued, expiry in cards
        ],
        enrolments=[
            EnrolmentRow(
                _INSURANCE_CODE[insurance],
                name,
                code,
                _day(begin),  # type: ignore[arg-type]
                _day(finish),
                status,
            )
            for insurance, name, code, begin, finish, status in enrolments
        ],
        months=months,
        months_complete=not any(y == year for y, *_ in summaries),
        year_totals=totals,
        months_paid_total={_INSURANCE_CODE[i]: n for i, n in sorted(time_paid.items())},
        arrears=[m for m in rows if m.status == "arrears"],
        accounts=[AccountRow(kind, balance) for kind, balance in balances],
        benefits=benefits,
    )


def _benefits_part(held: Benefits, year: int) -> BenefitsPart | None:
    """The year's benefits for the rights record; None when there is nothing to state (not
    retired, no payment in the year). A retiree always has the part: retired in or before the
    year, no contributions are due, so the record is never refused for lacking them."""
    part = held.in_year(year)
    retired = held.retired and (held.retired_since is None or held.retired_since.year <= year)
    if not retired and not part.payments:
        return None
    pooled = part.pooled_allocations
    return BenefitsPart(
        retired_since=held.retired_since if retired else None,
        payments=[
            BenefitRow(
                p.period, BENEFIT_KIND_CODES[p.kind], p.amount_fen, p.paid_date, p.account_masked
            )
            for p in sorted(part.payments, key=lambda p: (p.period, p.kind))
        ],
        checks=[CheckRow(c.checked_date, c.channel, c.next_due) for c in part.checks],
        pooled_months=len(pooled),
        pooled_fen=sum(a.amount_fen for a in pooled),
    )


def medical_statement(
    header: DocumentHeader, person: PersonSummary, date_from: date, date_to: date
) -> MedicalStatement:
    """The medical account between two dates (inclusive); the balances must add up."""
    if date_from > date_to:
        raise PeriodBackwards(date_from, date_to)
    account = db.execute_sql(
        "SELECT id FROM account WHERE person_id = ? AND kind = 'medical'", (person.id,)
    ).fetchone()
    if account is None:
        raise NoMedicalAccount(person.name)
    rows = db.execute_sql(
        "SELECT posted_date, kind, amount_fen, balance_after_fen, counterparty FROM "
        "account_entry WHERE account_id = ? AND posted_date BETWEEN ? AND ? "
        "ORDER BY posted_date, id",
        (account[0], date_from.isoformat(), date_to.isoformat()),
    ).fetchall()
    if not rows:
        raise NothingToState(
            person.name,
            f"{date_from} – {date_to}",
            f"nothing to state: no movements on {person.name}'s medical account between "
            f"{date_from} and {date_to}",
        )
    entries = [
        EntryRow(date.fromisoformat(r[0]), _ENTRY[EntryKind(r[1])], r[2], r[3], r[4]) for r in rows
    ]
    opening = entries[0].balance_after_fen - entries[0].amount_fen
    closing = entries[-1].balance_after_fen
    if opening + sum(e.amount_fen for e in entries) != closing:
        raise EntriesDoNotAddUp()
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


_OTHERS = "workstation IS NOT ?"  # the office's journal, this workstation's own rows left out


def daily_report(header: DocumentHeader, day: date, fresh: Freshness) -> DailyReport:
    """The office's day, from visits, statements and the audit log of this workstation and of
    the office's other workstations (their journal), and this workstation's outbox."""
    start, end = _day_bounds(day)
    own = workstation_code()
    span = (start, end, start, end, own)
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
            "SELECT purpose, count(*) FROM (SELECT purpose FROM service_visit WHERE "
            "started_at >= ? AND started_at < ? UNION ALL SELECT purpose FROM office_visit "
            f"WHERE at >= ? AND at < ? AND {_OTHERS}) GROUP BY 1 ORDER BY 2 DESC, 1",
            span,
        ),
        visits_by_clerk=_counts(
            "SELECT COALESCE(s.display_name || ' (' || s.username || ')', v.staff, '-'), "
            "count(*) FROM (SELECT staff_id, NULL AS staff FROM service_visit WHERE "
            "started_at >= ? AND started_at < ? UNION ALL SELECT u.id, o.staff FROM "
            "office_visit o LEFT JOIN staff_user u ON u.username = o.staff WHERE o.at >= ? AND "
            f"o.at < ? AND o.{_OTHERS}) v LEFT JOIN staff_user s ON s.id = v.staff_id "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
            span,
        ),
        statements_printed=_counts(
            "SELECT kind, count(*) FROM (SELECT kind FROM statement WHERE printed_at >= ? AND "
            "printed_at < ? AND sha256 IS NOT NULL UNION ALL SELECT kind FROM office_statement "
            f"WHERE printed_at >= ? AND printed_at < ? AND sha256 IS NOT NULL AND {_OTHERS}) "
            "GROUP BY 1 ORDER BY 1",
            span,
        ),
        card_operations=_counts(
            "SELECT action, count(*) FROM (SELECT action FROM audit_event WHERE at >= ? AND "
            "at < ? AND action LIKE 'card.%' UNION ALL SELECT action FROM office_event WHERE "
            f"at >= ? AND at < ? AND action LIKE 'card.%' AND {_OTHERS}) GROUP BY 1 ORDER BY 1",
            span,
        ),
        last_sync=fresh.last_success_at,
        last_sync_error=fresh.last_error,
        pending_commands=fresh.pending_commands,
        rejected=rejected,
    )


def audit_extract(header: DocumentHeader, date_from: date, date_to: date) -> AuditExtract:
    """Who looked at whom between two local dates (inclusive), at this workstation and at the
    office's others (their code after the name); ID numbers masked."""
    if date_from > date_to:
        raise PeriodBackwards(date_from, date_to)
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
            "SELECT a.at, a.actor, a.action, p.name, p.ssn FROM (SELECT at, actor, action, "
            "person_id, 0 AS other, id AS seq FROM audit_event WHERE at >= ? AND at < ? "
            "UNION ALL SELECT at, actor || ' (' || workstation || ')', action, person_id, 1, "
            f"event_id FROM office_event WHERE at >= ? AND at < ? AND {_OTHERS}) a "
            "LEFT JOIN person p ON p.id = a.person_id ORDER BY a.at, a.other, a.seq",
            (start, end, start, end, workstation_code()),
        )
    ]
    return AuditExtract(header, date_from, date_to, rows)
