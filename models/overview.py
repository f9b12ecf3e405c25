"""A person's overview: what the counter shows a walk-in citizen.

Enrolments, the last 36 months of contributions, yearly totals back to the first year insured,
personal account balances with their latest entries, the cards and their state, benefits
(models.benefits), and how fresh the data is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from models.benefits import Benefits, read_benefits
from models.clock import local_today
from models.enums import ContributionStatus, Insurance
from models.people import PersonSummary
from models.schema import db
from models.sync_status import Freshness, freshness

WINDOW_MONTHS = 36
RECENT_ENTRIES = 12


class CardView(NamedTuple):
    """A card of the person, as the counter shows it."""

    card_no: str
    generation: int
    status: str
    issue_date: date
    expiry_date: date
    region_code: str
    replaced_by: str | None


class EnrolmentView(NamedTuple):
    """One enrolment: insurance type, employer, dates, state."""

    insurance: Insurance
    employer_code: str | None
    employer_name: str | None
    start_date: date
    end_date: date | None
    status: str


class MonthView(NamedTuple):
    """One month of one insurance type."""

    period: int
    insurance: Insurance
    base_fen: int
    employer_fen: int
    personal_fen: int
    status: ContributionStatus
    posted_date: date | None
    employer_name: str | None


class YearTotal(NamedTuple):
    """One year of one insurance type: summary rows and monthly rows added together."""

    year: int
    insurance: Insurance
    months_paid: int
    months_in_arrears: int
    base_total_fen: int
    employer_fen: int
    personal_fen: int


class EntryView(NamedTuple):
    """One account movement."""

    posted_date: date
    kind: int
    amount_fen: int
    balance_after_fen: int
    counterparty: str | None


@dataclass(frozen=True)
class AccountView:
    """A personal account with its balance and latest entries."""

    kind: str
    balance_fen: int
    updated_at: datetime
    recent_entries: tuple[EntryView, ...]


@dataclass(frozen=True)
class Overview:
    """Everything the counter shows about one person, with the data's freshness."""

    person: PersonSummary
    cards: tuple[CardView, ...]
    enrolments: tuple[EnrolmentView, ...]
    months: tuple[MonthView, ...]
    years: tuple[YearTotal, ...]
    accounts: tuple[AccountView, ...]
    freshness: Freshness
    window_start: int
    window_end: int
    totals: dict[Insurance, int] = field(default_factory=dict)  # months paid, all years
    benefits: Benefits = field(default_factory=lambda: Benefits(False, None))

    @property
    def arrears(self) -> tuple[MonthView, ...]:
        """Months still in arrears in the window."""
        return tuple(m for m in self.months if m.status == ContributionStatus.ARREARS)


def month_window(today: date, months: int = WINDOW_MONTHS) -> tuple[int, int]:
    """First and last period (YYYYMM) of the `months` months ending with the month before today's.

    The current month's contributions are not due yet, so the window ends with the last month.
    """
    last = today.year * 12 + today.month - 2
    first = last - (months - 1)
    return period_of(first), period_of(last)


def period_of(month_index: int) -> int:
    """YYYYMM of a month index (year * 12 + month - 1)."""
    return (month_index // 12) * 100 + month_index % 12 + 1


_INSURANCE = {i.value: i for i in Insurance}
_STATUS = {s.value: s for s in ContributionStatus}
fromiso = date.fromisoformat


def _d(value: str | None) -> date | None:
    return fromiso(value) if value else None


_CARDS = (
    "SELECT c.card_no, c.generation, c.status, c.issue_date, c.expiry_date, c.region_code, "
    "r.card_no FROM card c LEFT JOIN card r ON r.id = c.replaced_by_id "
    "WHERE c.person_id = ? ORDER BY c.status != 'active', c.issue_date DESC"
)
_ENROLMENTS = (
    "SELECT e.insurance, m.unit_code, m.name, e.start_date, e.end_date, e.status "
    "FROM enrolment e LEFT JOIN employer m ON m.id = e.employer_id "
    "WHERE e.person_id = ? ORDER BY e.insurance, e.start_date"
)
_MONTHS = (
    "SELECT c.period, c.insurance, c.base_fen, c.employer_fen, c.personal_fen, c.status, "
    "c.posted_date, m.name FROM contribution c LEFT JOIN employer m ON m.id = c.employer_id "
    "WHERE c.person_id = ? AND c.period BETWEEN ? AND ? ORDER BY c.period DESC, c.insurance"
)
_YEARS = (
    "SELECT year, insurance, months_paid, base_total_fen, employer_fen, personal_fen "
    "FROM contribution_year WHERE person_id = ?"
)
_ACCOUNTS = (
    "SELECT id, kind, balance_fen, updated_at FROM account WHERE person_id = ? ORDER BY kind"
)
_ENTRIES = (
    "SELECT posted_date, kind, amount_fen, balance_after_fen, counterparty FROM account_entry "
    "WHERE account_id = ? ORDER BY posted_date DESC, id DESC LIMIT ?"
)


def person_overview(person: PersonSummary, today: date | None = None) -> Overview:
    """Everything the counter shows about `person`, read in one transaction."""
    start, end = month_window(today or local_today())
    pid = person.id
    with db.atomic():
        cards = tuple(
            CardView(r[0], r[1], r[2], _d(r[3]), _d(r[4]), r[5], r[6])
            for r in db.execute_sql(_CARDS, (pid,))
        )
        enrolments = tuple(
            EnrolmentView(_INSURANCE[r[0]], r[1], r[2], _d(r[3]), _d(r[4]), r[5])
            for r in db.execute_sql(_ENROLMENTS, (pid,))
        )
        months = tuple(
            MonthView(
                r[0],
                _INSURANCE[r[1]],
                r[2],
                r[3],
                r[4],
                _STATUS[r[5]],
                r[6] and fromiso(r[6]),
                r[7],
            )
            for r in db.execute_sql(_MONTHS, (pid, start, end))
        )
        summary_rows = db.execute_sql(_YEARS, (pid,)).fetchall()
        accounts = []
        for account_id, kind, balance, updated in db.execute_sql(_ACCOUNTS, (pid,)).fetchall():
            entries = tuple(
                EntryView(fromiso(r[0]), r[1], r[2], r[3], r[4])
                for r in db.execute_sql(_ENTRIES, (account_id, RECENT_ENTRIES))
            )
            accounts.append(AccountView(kind, balance, datetime.fromisoformat(updated), entries))
        held = read_benefits(pid)
        fresh = freshness()
    years = _year_totals(summary_rows, months)
    totals: dict[Insurance, int] = defaultdict(int)
    for y in years:
        totals[y.insurance] += y.months_paid
    return Overview(
        person,
        cards,
        enrolments,
        months,
        years,
        tuple(accounts),
        fresh,
        start,
        end,
        dict(totals),
        held,
    )


def _year_totals(summary_rows: list[tuple], months: tuple[MonthView, ...]) -> tuple[YearTotal, ...]:
    """Yearly totals, newest first: yearly summaries plus the monthly window added per year."""
    # (year, insurance) -> [months paid, months in arrears, base, employer, personal]
    sums: dict[tuple[int, int], list[int]] = {}
    for year, ins, months_paid, base_total, employer, personal in summary_rows:
        sums[(year, ins)] = [months_paid, 0, base_total, employer, personal]
    arrears = ContributionStatus.ARREARS
    for m in months:
        key = (m.period // 100, m.insurance.value)
        acc = sums.get(key)
        if acc is None:
            acc = sums[key] = [0, 0, 0, 0, 0]
        if m.status is arrears:
            acc[1] += 1
        else:
            acc[0] += 1
            acc[2] += m.base_fen
            acc[3] += m.employer_fen
            acc[4] += m.personal_fen
    return tuple(
        YearTotal(year, _INSURANCE[ins], *acc)
        for (year, ins), acc in sorted(sums.items(), key=lambda kv: (-kv[0][0], kv[0][1]))
    )
