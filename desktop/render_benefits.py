"""A person's benefits for the command line: the `benefits` key of `lookup --json` (format
counterdesk.overview/1, docs/formats.md) and the lines of the text overview."""

from __future__ import annotations

from datetime import date
from typing import Any

from models.benefits import Benefits
from models.enums import BENEFIT_KIND_CODES
from models.money import format_yuan


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def benefits_json(b: Benefits, today: date) -> dict[str, Any]:
    """The stable JSON form of a person's benefits (payment accounts masked)."""
    latest = b.latest_check()
    return {
        "retired": b.retired,
        "retired_since": _iso(b.retired_since),
        "payments": [
            {
                "period": p.period,
                "kind": BENEFIT_KIND_CODES[p.kind],
                "amount_fen": p.amount_fen,
                "paid_date": _iso(p.paid_date),
                "account_masked": p.account_masked,
            }
            for p in b.payments
        ],
        "pension_checks": [
            {
                "year": c.year,
                "checked_date": _iso(c.checked_date),
                "channel": c.channel,
                "next_due": _iso(c.next_due),
            }
            for c in b.checks
        ],
        "pension_check_next_due": _iso(latest.next_due) if latest else None,
        "pension_check_overdue": b.check_overdue(today),
        "medical_allocations": [
            {
                "period": a.period,
                "posted_date": _iso(a.posted_date),
                "amount_fen": a.amount_fen,
                "source": "pooled fund" if a.pooled else "personal contribution",
            }
            for a in b.allocations
        ],
    }


def benefits_text(b: Benefits, today: date) -> list[str]:
    """The benefits part of the text overview (a few lines; --json gives all)."""
    out = ["", "Benefits:"]
    if b.retired:
        since = b.retired_since.isoformat() if b.retired_since else "?"
        out.append(f"  retired since {since}: no contributions are due")
        latest = b.latest_check()
        if latest is None:
            out.append("  pension eligibility check: none on record, due now")
        else:
            state = "OVERDUE" if b.check_overdue(today) else "next due"
            out.append(
                f"  pension eligibility check: {latest.checked_date} ({latest.channel}), "
                f"{state} {latest.next_due}"
            )
    for p in b.payments[:12]:
        out.append(
            f"  {p.period}  {BENEFIT_KIND_CODES[p.kind]:<13} {format_yuan(p.amount_fen):>12}  "
            f"paid {p.paid_date or '-'}  to {p.account_masked or '-'}"
        )
    if len(b.payments) > 12:
        out.append(f"  ... {len(b.payments) - 12} more payments (--json gives all)")
    pooled = b.pooled_allocations
    if pooled:
        out.append(
            f"  medical account allocations from the pooled fund: {len(pooled)} months, "
            f"{format_yuan(sum(a.amount_fen for a in pooled))}"
        )
    if b.empty and not b.retired:
        out.append("  none")
    return out
