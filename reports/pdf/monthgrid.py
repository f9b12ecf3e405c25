"""The monthly detail as one row per month, the insurance types side by side in column groups.

The register holds one row per month and insurance type. A month whose types share the base,
the status and the posting date (the usual case) becomes one line; a month whose types differ in
any of these gets one line per difference, each with the types it covers, so every type's base,
status and date is still stated truthfully. Pure data: no reportlab here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from reports.model import MonthRow

# The usual order of the types on the bureau's documents; others follow by code.
INSURANCE_ORDER = ("pension", "medical", "unemployment", "work_injury", "maternity")


@dataclass(frozen=True)
class MonthLine:
    """One line of the grid: a month, the base, status and date its types share, and the
    (employer part, personal part) of each type on the line."""

    period: int
    base_fen: int
    status: str
    posted_date: date | None
    parts: dict[str, tuple[int, int]]
    split: bool  # the month has more than one line: its types differ


@dataclass(frozen=True)
class GridColumns:
    """The insurance types of a grid, in order, and those that get a personal-part column."""

    types: tuple[str, ...]
    with_personal: frozenset[str]

    @property
    def without_personal(self) -> tuple[str, ...]:
        """Types whose personal part is zero on every line (no column for it)."""
        return tuple(t for t in self.types if t not in self.with_personal)

    def every_part(self) -> GridColumns:
        """The same types, each with its personal-part column."""
        return GridColumns(self.types, frozenset(self.types))


def type_order(insurance: str) -> tuple[int, str]:
    """Sort key of an insurance type: the usual order, unknown codes after, by code."""
    known = insurance in INSURANCE_ORDER
    return (INSURANCE_ORDER.index(insurance) if known else len(INSURANCE_ORDER), insurance)


def month_lines(months: Iterable[MonthRow]) -> list[MonthLine]:
    """The rows grouped into lines: by month (oldest first), then by (base, status, date) in
    the order of the types; a type that has several rows in one month gets one line each."""
    by_month: dict[int, list[MonthRow]] = {}
    for row in months:
        by_month.setdefault(row.period, []).append(row)
    lines: list[MonthLine] = []
    for month in sorted(by_month):
        rows = sorted(by_month[month], key=lambda r: type_order(r.insurance))
        groups: list[tuple[tuple[int, str, date | None], dict[str, tuple[int, int]]]] = []
        for row in rows:
            key = (row.base_fen, row.status, row.posted_date)
            target = next(
                (parts for k, parts in groups if k == key and row.insurance not in parts), None
            )
            if target is None:
                target = {}
                groups.append((key, target))
            target[row.insurance] = (row.employer_fen, row.personal_fen)
        for (base, status, posted), parts in groups:
            lines.append(MonthLine(month, base, status, posted, parts, len(groups) > 1))
    return lines


def grid_columns(lines: Sequence[MonthLine]) -> GridColumns:
    """The types found on the lines, in the usual order; a personal-part column for each type
    with a personal part other than zero on some line."""
    types = sorted({t for line in lines for t in line.parts}, key=type_order)
    personal = frozenset(t for line in lines for t, (_, p) in line.parts.items() if p)
    return GridColumns(tuple(types), personal)
