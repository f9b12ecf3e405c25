"""What the kiosk shows of a record: the last 36 months by year and insurance, and balances."""

from __future__ import annotations

from models.overview import AccountView, Overview, YearTotal


def window_years(overview: Overview) -> tuple[YearTotal, ...]:
    """The yearly totals of the years in the 36-month window, newest first, as models.overview
    adds them up."""
    first = overview.window_start // 100
    last = overview.window_end // 100
    return tuple(y for y in overview.years if first <= y.year <= last)


def balances(overview: Overview) -> tuple[AccountView, ...]:
    """The pension and medical personal accounts, pension first."""
    order = {"pension": 0, "medical": 1}
    return tuple(sorted(overview.accounts, key=lambda a: order.get(a.kind, 9)))


def window_months(overview: Overview, year: int) -> tuple[str, str]:
    """The first and last month ("YYYY-MM") of `year` inside the 36-month window."""
    first = max(overview.window_start, year * 100 + 1)
    last = min(overview.window_end, year * 100 + 12)
    return f"{first // 100}-{first % 100:02d}", f"{last // 100}-{last % 100:02d}"
