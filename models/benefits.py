"""A person's benefits (Order 14 art. 2, part 3): what the counter, the kiosk and the rights
record show, and the one benefit command an office records, the yearly pension eligibility
check (资格认证).

Headquarters owns benefits (sync protocol 3): monthly payments (a retiree's pension, an
unemployed person's benefit) with the date paid and the payment account masked, and the
retiree's yearly checks. The medical account allocations of a retiree (划入 from the pooled
fund) are entries of the medical account (`account_entry`, kind allocation); they are read here
beside the payments, told apart from the allocations of the working years.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from models import audit, outbox
from models.actor import Actor
from models.clock import local_today, utc_now
from models.commands import CommandName
from models.enums import BenefitKind, CheckChannel, EntryKind, Insurance, PersonStatus
from models.errors import InvalidRequest, NotFound
from models.permissions import Permission, require
from models.schema import db, write_transaction

CHECK_YEARS = 3  # the checks an office holds: this year's and the two before
CHECK_VALID_DAYS = 365  # a check is due again a year after it was made


class PaymentView(NamedTuple):
    """One month's benefit payment."""

    period: int  # YYYYMM
    kind: BenefitKind
    amount_fen: int
    paid_date: date | None  # None: due, not paid yet
    account_masked: str | None


class CheckView(NamedTuple):
    """One yearly pension eligibility check (资格认证)."""

    year: int
    checked_date: date
    channel: str  # enums.CheckChannel
    next_due: date


class AllocationView(NamedTuple):
    """One allocation into the medical personal account (划入)."""

    period: int | None
    posted_date: date
    amount_fen: int
    pooled: bool  # True: the retiree's allocation from the pooled fund


@dataclass(frozen=True)
class Benefits:
    """A person's benefits in the register's window, newest first."""

    retired: bool
    retired_since: date | None
    payments: tuple[PaymentView, ...] = ()
    checks: tuple[CheckView, ...] = ()
    allocations: tuple[AllocationView, ...] = ()

    @property
    def pension(self) -> tuple[PaymentView, ...]:
        """The pension payments."""
        return tuple(p for p in self.payments if p.kind is BenefitKind.PENSION)

    @property
    def unemployment(self) -> tuple[PaymentView, ...]:
        """The unemployment benefit months."""
        return tuple(p for p in self.payments if p.kind is BenefitKind.UNEMPLOYMENT)

    @property
    def pooled_allocations(self) -> tuple[AllocationView, ...]:
        """The retiree's medical account allocations from the pooled fund."""
        return tuple(a for a in self.allocations if a.pooled)

    @property
    def empty(self) -> bool:
        """True if there is nothing to show (no payment, check or pooled allocation)."""
        return not (self.payments or self.checks or self.pooled_allocations)

    def latest_check(self) -> CheckView | None:
        """The most recent eligibility check, if any."""
        return max(self.checks, key=lambda c: c.checked_date, default=None)

    def check_overdue(self, today: date) -> bool:
        """True for a retiree whose last check's next due date has passed (or who has none)."""
        if not self.retired:
            return False
        latest = self.latest_check()
        return latest is None or latest.next_due < today

    def in_year(self, year: int) -> Benefits:
        """The same benefits limited to one calendar year (the rights record's year)."""
        return Benefits(
            self.retired,
            self.retired_since,
            tuple(p for p in self.payments if p.period // 100 == year),
            tuple(c for c in self.checks if c.year == year),
            tuple(a for a in self.allocations if a.posted_date.year == year),
        )


_PERSON = "SELECT status FROM person WHERE id = ?"
# Retirement ends the pension insurance: the benefit starts the day after its last day.
_PENSION_END = (
    "SELECT max(end_date) FROM enrolment WHERE person_id = ? AND insurance = ? "
    "AND end_date IS NOT NULL"
)
_PAYMENTS = (
    "SELECT period, kind, amount_fen, paid_date, account_masked FROM benefit_payment "
    "WHERE person_id = ? ORDER BY period DESC, kind"
)
_CHECKS = (
    "SELECT year, checked_date, channel, next_due FROM pension_check WHERE person_id = ? "
    "ORDER BY year DESC"
)
_ALLOCATIONS = (
    "SELECT e.period, e.posted_date, e.amount_fen FROM account_entry e "
    "JOIN account a ON a.id = e.account_id "
    "WHERE a.person_id = ? AND a.kind = 'medical' AND e.kind = ? "
    "ORDER BY e.posted_date DESC, e.id DESC"
)
_KINDS = {k.value: k for k in BenefitKind}


def _d(value: str | date | None) -> date | None:
    if isinstance(value, date):  # PostgreSQL's driver returns dates, SQLite text
        return value
    return date.fromisoformat(value) if value else None


def read_benefits(person_id: int, sql: Callable[..., Any] | None = None) -> Benefits:
    """The benefits of one person as the register holds them (inside the caller's read; the
    caller logs the read). `sql(text, params)` runs a query (default: this register; headquarters
    passes its own store, whose tables have the same columns)."""
    run = sql or db.execute_sql
    row = run(_PERSON, (person_id,)).fetchone()
    if row is None:
        raise NotFound(f"no person #{person_id} in this office's register")
    retired = row[0] == PersonStatus.RETIRED.value
    since = None
    if retired:
        end = run(_PENSION_END, (person_id, Insurance.PENSION.value)).fetchone()[0]
        since = _d(end) + timedelta(days=1) if end else None
    payments = tuple(
        PaymentView(r[0], _KINDS[r[1]], r[2], _d(r[3]), r[4])
        for r in run(_PAYMENTS, (person_id,))
        if r[1] in _KINDS
    )
    checks = tuple(
        CheckView(r[0], _d(r[1]), r[2], _d(r[3]))  # type: ignore[arg-type]
        for r in run(_CHECKS, (person_id,))
    )
    first_pooled = since.year * 100 + since.month if since else None
    allocations = tuple(
        AllocationView(
            r[0],
            _d(r[1]),  # type: ignore[arg-type]
            r[2],
            first_pooled is not None and r[0] is not None and r[0] >= first_pooled,
        )
        for r in run(_ALLOCATIONS, (person_id, EntryKind.ALLOCATION.value))
    )
    return Benefits(retired, since, payments, checks, allocations)


def next_due(checked: date) -> date:
    """When the check made on `checked` is due again."""
    return checked + timedelta(days=CHECK_VALID_DAYS)


_UPSERT_CHECK = (
    'INSERT INTO "pension_check" ("person_id", "year", "checked_date", "channel", "next_due") '
    'VALUES (?, ?, ?, ?, ?) ON CONFLICT ("person_id", "year") DO UPDATE SET '
    '"checked_date" = excluded."checked_date", "channel" = excluded."channel", '
    '"next_due" = excluded."next_due"'
)


def record_pension_check(
    person_id: int,
    actor: Actor,
    channel: CheckChannel = CheckChannel.COUNTER,
    now: datetime | None = None,
    today: date | None = None,
) -> CheckView:
    """Record a retiree's yearly eligibility check made at this office: applied to the
    register at once, queued for headquarters and audited, in one transaction.

    Refused (InvalidRequest) for a person who is not retired: only a pension is checked.
    """
    require(actor, Permission.PENSION_CHECKS)
    now = now or utc_now()
    day = today or local_today()
    with write_transaction():
        row = db.execute_sql("SELECT ssn, status FROM person WHERE id = ?", (person_id,)).fetchone()
        if row is None:
            raise NotFound(f"no person #{person_id} in this office's register")
        ssn, status = row
        if status != PersonStatus.RETIRED.value:
            raise InvalidRequest(
                f"the person is {status}, not retired: only a retiree's pension eligibility "
                "is checked"
            )
        check = CheckView(day.year, day, CheckChannel(channel).value, next_due(day))
        db.execute_sql(
            _UPSERT_CHECK,
            (person_id, check.year, day.isoformat(), check.channel, check.next_due.isoformat()),
        )
        outbox.enqueue(
            CommandName.PENSION_CHECK,
            {
                "ssn": ssn,
                "checked_date": day.isoformat(),
                "channel": check.channel,
                "at": now.isoformat(),
            },
            actor,
        )
        audit.record(actor, CommandName.PENSION_CHECK, person_id, channel=check.channel)
    return check
