"""参保缴费证明: the certificate of social insurance contributions a citizen brings to an
employer or a bank. It states the person, their registrations, every month of the period with
what was paid (arrears marked), the period's totals per insurance type and the contribution
time in all; `reports.pdf.certificate` draws it.

The months stated are those of the period up to last month (this month is not due yet); months
before the 36 held in detail at the office are said to be held only as yearly totals.
"""

from __future__ import annotations

from datetime import date

from models.document_kinds import document_kind
from models.overview import month_window
from models.schema import db
from reports import queries
from reports.errors import NothingToState, PeriodBackwards
from reports.kinds import DocumentRequest, DocumentSpec
from reports.model import ContributionCertificate, DocumentHeader


def _period(day: date) -> int:
    return day.year * 100 + day.month


def gather(header: DocumentHeader, request: DocumentRequest) -> ContributionCertificate:
    """The certificate of the person for the months of the period (NothingToState when none of
    them holds a contribution, PeriodBackwards for a reversed period)."""
    person, date_from, date_to = request.person, request.date_from, request.date_to
    assert person is not None and date_from is not None and date_to is not None
    assert request.today is not None
    if date_from > date_to:
        raise PeriodBackwards(date_from, date_to)
    start, end = month_window(request.today)
    first, last = _period(date_from), min(_period(date_to), end)
    with db.atomic():  # one snapshot of the person
        months = queries.months_of(person.id, max(first, start), last) if first <= last else []
        enrolments = queries.enrolments_of(person.id)
        time_paid = queries.contribution_time(person.id, request.today)
    if not months:
        span = f"{date_from} – {date_to}"
        raise NothingToState(
            person.name,
            span,
            f"nothing to state: {person.name} has no contributions recorded between "
            f"{date_from} and {date_to} in this office's register",
        )
    return ContributionCertificate(
        header=header,
        holder=queries.holder_of(person),
        date_from=date_from,
        date_to=date_to,
        first_period=max(first, start),
        last_period=last,
        insured_since=min((e.start_date for e in enrolments), default=None),
        enrolments=enrolments,
        months=months,
        months_complete=first >= start,
        period_totals=queries.type_totals(months),
        months_paid_total=time_paid,
    )


SPEC = DocumentSpec(document_kind("certificate"), gather)
