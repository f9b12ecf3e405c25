"""The rights record's third part (MOHRSS Order 14 art. 2): eligibility for and receipt of
benefits in the year. A retiree's date of retirement (no contributions are due), the year's
payments month by month with the date paid and the payment account masked, the yearly pension
eligibility check, and the medical account allocations from the pooled fund.

Its own block, drawn by `reports.pdf.rights` between the contributions and the accounts.
"""

from __future__ import annotations

from reportlab.lib.units import mm

from reports.model import BenefitsPart
from reports.pdf.formatting import day, money, period
from reports.pdf.grid import NOTE, Layout, spread

FACT_WIDTHS = (48 * mm, 132 * mm)  # label and value of the checks and allocations
_HEAD = ("col_month", "col_benefit", "col_benefit_amount", "col_paid_date", "col_payment_account")


def _payments(part: BenefitsPart, out: Layout) -> None:
    kit = out.kit
    labels = kit.labels
    if not part.payments:
        out.paragraph(labels.text("no_benefit_payments"), NOTE)
        return
    rows = [
        [
            period(p.period),
            labels.term("benefit", p.kind),
            money(p.amount_fen),
            day(p.paid_date) if p.paid_date else labels.text("not_paid"),
            kit.safe(p.account_masked),
        ]
        for p in part.payments
    ]
    unpaid = [i for i, p in enumerate(part.payments) if p.paid_date is None]
    total = sum(p.amount_fen for p in part.payments if p.paid_date is not None)
    rows.append([labels.text("total"), "", money(total), "", ""])
    widths = spread(out.natural_widths(_HEAD, rows), flexible=4)
    out.data_table(_HEAD, rows, widths, numeric=(2,), alert_rows=unpaid, total_row=True)


def _facts(part: BenefitsPart, out: Layout) -> None:
    """The eligibility checks and the pooled allocations, as label/value lines."""
    labels = out.kit.labels
    pairs: list[tuple[str, str]] = []
    if part.retired_since is not None:
        checks = [
            labels.text(
                "pension_check_line",
                date=day(c.checked_date),
                channel=labels.term("channel", c.channel),
                due=day(c.next_due),
            )
            for c in part.checks
        ] or [labels.text("pension_check_none")]
        pairs += [(labels.text("pension_check"), line) for line in checks]
    if part.pooled_months:
        amount = money(part.pooled_fen)
        line = labels.text("pooled_line", months=part.pooled_months, amount=amount)
        pairs.append((labels.text("pooled_allocations"), line))
    if pairs:
        out.field_table([], pairs, widths=FACT_WIDTHS, keys=False)


def benefits_block(part: BenefitsPart | None, year: int, out: Layout) -> None:
    """The year's benefits; nothing at all for a person who has none to state."""
    if part is None:
        return
    out.heading("sec_benefits", year=year)
    if part.retired_since is not None:
        out.paragraph(out.kit.labels.text("retired_since", date=day(part.retired_since)), NOTE)
    _payments(part, out)
    _facts(part, out)
