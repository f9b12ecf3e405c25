"""The person's record in tables: 36 months, yearly totals, enrolments, account entries."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from desktop.app.widgets.tables import Table
from desktop.core.formatting import (
    ACCOUNT_KIND,
    CONTRIBUTION_STATUS,
    ENROLMENT_STATUS,
    ENTRY_KIND,
    INSURANCE,
    day,
    label,
    period,
    yuan,
)
from desktop.core.i18n import _
from models.enums import ContributionStatus
from models.overview import Overview

ARREARS = "arrears"


def danger_colour() -> str:
    """The theme's colour for trouble (arrears), readable on its background."""
    style = ttk.Style.get_instance()
    colour = getattr(getattr(style, "colors", None), "danger", None)
    return colour or "#b00020"


class MonthsTable(Table):
    """The last 36 months, newest first; months in arrears stand out."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(
            master,
            [
                (_("Month"), 95),
                (_("Insurance"), 150),
                (_("Base"), 125),
                (_("Employer part"), 135),
                (_("Personal part"), 135),
                (_("Status"), 130),
                (_("Posted"), 120),
            ],
            anchors=("w", "w", "e", "e", "e", "w", "w"),
        )
        self.tag(ARREARS, foreground=danger_colour())

    def show(self, overview: Overview) -> None:
        """Fill with the overview's months (the employer of each month is in Enrolments)."""
        rows, tags = [], []
        for m in overview.months:
            arrears = m.status == ContributionStatus.ARREARS
            status = label(CONTRIBUTION_STATUS, m.status)
            rows.append(
                (
                    period(m.period),
                    label(INSURANCE, m.insurance),
                    yuan(m.base_fen),
                    yuan(m.employer_fen),
                    yuan(m.personal_fen),
                    f"⚠ {status}" if arrears else status,
                    day(m.posted_date),
                )
            )
            tags.append(ARREARS if arrears else "")
        self.set_rows(rows, tags)


class YearsTable(Table):
    """Yearly totals per insurance type, newest first."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(
            master,
            [
                (_("Year"), 90),
                (_("Insurance"), 130),
                (_("Months paid"), 130),
                (_("Months in arrears"), 160),
                (_("Employer part"), 150),
                (_("Personal part"), 150),
            ],
            anchors=("w", "w", "e", "e", "e", "e"),
        )
        self.tag(ARREARS, foreground=danger_colour())

    def show(self, overview: Overview) -> None:
        """Fill with the overview's yearly totals."""
        rows = [
            (
                str(y.year),
                label(INSURANCE, y.insurance),
                str(y.months_paid),
                str(y.months_in_arrears),
                yuan(y.employer_fen),
                yuan(y.personal_fen),
            )
            for y in overview.years
        ]
        self.set_rows(rows, [ARREARS if y.months_in_arrears else "" for y in overview.years])


class EnrolmentsTable(Table):
    """Enrolments per insurance type."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(
            master,
            [
                (_("Insurance"), 130),
                (_("Employer"), 320),
                (_("From"), 130),
                (_("Until"), 130),
                (_("Status"), 120),
            ],
        )

    def show(self, overview: Overview) -> None:
        """Fill with the overview's enrolments."""
        self.set_rows(
            [
                (
                    label(INSURANCE, e.insurance),
                    e.employer_name or "-",
                    day(e.start_date),
                    day(e.end_date),
                    label(ENROLMENT_STATUS, e.status),
                )
                for e in overview.enrolments
            ]
        )


class AccountsPanel(ttk.Frame):
    """Each personal account's balance, and its latest entries."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master)
        self.balances = ttk.Label(self, text="", font="TkHeadingFont")
        self.balances.pack(anchor="w", pady=(0, 6))
        self.entries = Table(
            self,
            [
                (_("Account"), 170),
                (_("Date"), 130),
                (_("Entry"), 150),
                (_("Amount"), 130),
                (_("Balance after"), 150),
                (_("Hospital or pharmacy"), 300),
            ],
            anchors=("w", "w", "w", "e", "e", "w"),
        )
        self.entries.pack(fill="both", expand=True)

    def show(self, overview: Overview) -> None:
        """Fill with the overview's accounts."""
        self.balances.configure(
            text="\n".join(
                _("{account}: {balance} (updated {date})").format(
                    account=label(ACCOUNT_KIND, a.kind),
                    balance=yuan(a.balance_fen),
                    date=a.updated_at.astimezone().date().isoformat(),
                )
                for a in overview.accounts
            )
        )
        rows = []
        medical_first = sorted(overview.accounts, key=lambda a: a.kind != "medical")
        for account in medical_first:
            for e in account.recent_entries:
                rows.append(
                    (
                        label(ACCOUNT_KIND, account.kind),
                        day(e.posted_date),
                        label(ENTRY_KIND, e.kind),
                        yuan(e.amount_fen),
                        yuan(e.balance_after_fen),
                        e.counterparty or "-",
                    )
                )
        self.entries.set_rows(rows)
