"""Plain data handed from the queries to the PDF renderer: no database, no reportlab.

Money is integer fen; dates are `date`; times are timezone-aware UTC `datetime`s, printed in
local time. ID numbers arrive as the document must print them (the renderer never masks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class DocumentHeader:
    """What every document carries."""

    kind: str  # "rights" | "medical" | "daily" | "audit"
    statement_no: str
    office_name: str
    district: str
    clerk: str  # "李娜 (clerk01)"
    printed_at: datetime
    data_as_of: datetime | None  # last successful sync with headquarters; None = never
    offline: bool  # printed without a recent sync: the document says so, visibly
    demo: bool  # the register holds demo data: the document says so, visibly
    qr_payload: str  # statement number + signature, verified by headquarters
    lang: str = "zh"  # "zh" | "en"
    office_address: str = ""  # the office's street address ("" where not set)
    verify_url: str = ""  # headquarters' page for checking a statement ("" where there is none)
    # printed while the register's first copy from headquarters is still arriving: data_as_of
    # is then the copy's start (headquarters' time of its first page), not a finished sync
    loading: bool = False


@dataclass(frozen=True)
class Holder:
    """The person a statement is about (ID number as it must print)."""

    name: str
    ssn: str
    gender: str  # "M" / "F"
    birth_date: date
    ethnicity: str
    region_code: str
    status: str
    address: str | None


@dataclass(frozen=True)
class CardRow:
    card_no: str
    generation: int
    status: str
    issue_date: date
    expiry_date: date


@dataclass(frozen=True)
class EnrolmentRow:
    insurance: str  # "pension", "medical", "unemployment", "work_injury", "maternity"
    employer_name: str | None
    employer_code: str | None
    start_date: date
    end_date: date | None
    status: str


@dataclass(frozen=True)
class MonthRow:
    period: int  # YYYYMM
    insurance: str
    base_fen: int
    employer_fen: int
    personal_fen: int
    status: str  # "paid" | "arrears" | "back-paid"
    posted_date: date | None


@dataclass(frozen=True)
class YearRow:
    insurance: str
    months_paid: int
    months_in_arrears: int
    base_total_fen: int
    employer_fen: int
    personal_fen: int


@dataclass(frozen=True)
class AccountRow:
    kind: str  # "pension" | "medical"
    balance_fen: int


@dataclass(frozen=True)
class BenefitRow:
    period: int  # YYYYMM
    kind: str  # "pension" | "unemployment"
    amount_fen: int
    paid_date: date | None
    account_masked: str | None  # 6217********1234


@dataclass(frozen=True)
class CheckRow:
    """A yearly pension eligibility check (资格认证)."""

    checked_date: date
    channel: str  # "counter" | "online" | "app" | "community" | "data"
    next_due: date


@dataclass(frozen=True)
class BenefitsPart:
    """The rights record's third part (Order 14 art. 2): benefits of the year."""

    retired_since: date | None  # None: not retired
    payments: list[BenefitRow]  # the year's payments, oldest first
    checks: list[CheckRow]  # the year's eligibility checks
    pooled_months: int  # months of medical account allocations from the pooled fund
    pooled_fen: int


@dataclass(frozen=True)
class RightsRecord:
    """个人权益记录单 of one person for one year."""

    header: DocumentHeader
    year: int
    holder: Holder
    cards: list[CardRow]
    enrolments: list[EnrolmentRow]
    months: list[MonthRow]  # the year's months held in detail, oldest first
    months_complete: bool  # False: some months of the year are only in the yearly summary
    year_totals: list[YearRow]  # the year, per insurance type
    months_paid_total: dict[str, int]  # all years: contribution time per insurance type
    arrears: list[MonthRow]  # unpaid months of the 36 months ending last month (any type)
    accounts: list[AccountRow]
    benefits: BenefitsPart | None = None  # None: no benefit to state (never retired)


@dataclass(frozen=True)
class EntryRow:
    posted_date: date
    kind: str  # "allocation" | "spending" | "interest" | "contribution" | "carried forward"
    amount_fen: int  # spending negative
    balance_after_fen: int
    counterparty: str | None


@dataclass(frozen=True)
class MedicalStatement:
    """The medical personal account over a period: opening + entries = closing."""

    header: DocumentHeader
    holder: Holder
    date_from: date
    date_to: date
    opening_fen: int
    closing_fen: int
    entries: list[EntryRow]
    allocated_fen: int
    spent_fen: int  # positive


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int


@dataclass(frozen=True)
class RejectedRow:
    created_at: datetime
    command: str
    reason: str


@dataclass(frozen=True)
class DailyReport:
    """The office's day: visits, statements, card operations, sync."""

    header: DocumentHeader
    day: date
    visits_by_purpose: list[CountRow]
    visits_by_clerk: list[CountRow]
    statements_printed: list[CountRow]
    card_operations: list[CountRow]
    last_sync: datetime | None
    last_sync_error: str | None
    pending_commands: int
    rejected: list[RejectedRow] = field(default_factory=list)


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    subject: str  # "王芳 370102********1234", or "" for events about nobody


@dataclass(frozen=True)
class AuditExtract:
    """Who looked at whom, and when, over a period."""

    header: DocumentHeader
    date_from: date
    date_to: date
    rows: list[AuditRow]


@dataclass(frozen=True)
class ContributionCertificate:
    """参保缴费证明 of one person over a period of months: what employers and banks ask for."""

    header: DocumentHeader
    holder: Holder
    date_from: date  # the period asked for; its months are stated
    date_to: date
    first_period: int  # YYYYMM: the first month stated (the period's, or the first held)
    last_period: int  # YYYYMM: the last month stated (never after last month: not yet due)
    insured_since: date | None  # the earliest registration
    enrolments: list[EnrolmentRow]
    months: list[MonthRow]  # the months of the period held in detail, oldest first
    months_complete: bool  # False: part of the period lies before the months held in detail
    period_totals: list[YearRow]  # the period per insurance type
    months_paid_total: dict[str, int]  # all years: contribution time per insurance type
