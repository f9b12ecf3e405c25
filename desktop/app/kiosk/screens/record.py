"""Record: the citizen's own balances and the last 36 months, one year at a time.

The years of the 36-month window are large buttons (touch, no thin scroll bar to hit); the
grid below shows the chosen year's insurance types, so it never needs scrolling. The "data as
of" line is the top bar's own text, from the same status, refreshed with it.
"""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from desktop.app.kiosk.screens.base import KioskScreen
from desktop.app.kiosk.screens.benefits import benefits_link
from desktop.app.kiosk.style import HUGE_FONT, LARGE_FONT, choice_style
from desktop.app.kiosk.summary import balances, window_months, window_years
from desktop.app.kiosk.year_grid import YearGrid
from desktop.core.benefits import retired_note
from desktop.core.formatting import ACCOUNT_KIND, INSURANCE, label, yuan
from desktop.core.freshness import data_as_of_text
from desktop.core.i18n import _
from desktop.core.status import from_freshness
from models.clock import utc_now
from models.overview import YearTotal


class RecordScreen(KioskScreen):
    """Shown only to a verified citizen; the ID number is masked and cannot be revealed."""

    key = "record"

    def build(self) -> None:
        """Who, the balances, the years of the window, and the buttons."""
        overview = self.verified_overview()
        if overview is None:
            return
        self.overview = overview
        person = overview.person
        self.columnconfigure(1, weight=1)
        self.rowconfigure(3, weight=1)
        left = ttk.Frame(self, padding=(0, 0, 24, 0))
        left.grid(row=0, column=0, rowspan=4, sticky="nsw")
        self.name = ttk.Label(left, text=person.name, font=HUGE_FONT, bootstyle="primary")
        self.name.pack(anchor="w")
        self.ssn = ttk.Label(left, text=person.masked_ssn, font=LARGE_FONT)
        self.ssn.pack(anchor="w")
        self.balances: list[ttk.Label] = []
        for account in balances(overview):
            ttk.Label(left, text=label(ACCOUNT_KIND, account.kind)).pack(anchor="w", pady=(16, 0))
            amount = ttk.Label(left, text=yuan(account.balance_fen), font=HUGE_FONT)
            amount.pack(anchor="w")
            self.balances.append(amount)
        self.as_of = ttk.Label(left, text="", bootstyle="secondary", wraplength=360)
        self.as_of.pack(anchor="w", pady=(16, 0))
        self.on_status()
        ttk.Label(
            self, text=_("Contributions of the last 36 months, by year"), font="TkHeadingFont"
        ).grid(row=0, column=1, sticky="w", pady=(0, 8))
        self.year_totals = window_years(overview)
        self.year_buttons: dict[int, ttk.Button] = {}
        bar = ttk.Frame(self)
        bar.grid(row=1, column=1, sticky="w")
        for year in sorted({y.year for y in self.year_totals}, reverse=True):
            button = self.big_button(bar, str(year), lambda y=year: self.show_year(y), "secondary")
            button.configure(style=choice_style("secondary"))
            button.pack(side="left", padx=(0, 12))
            self.year_buttons[year] = button
        self.months = ttk.Label(self, text="", bootstyle="secondary")
        self.months.grid(row=2, column=1, sticky="w", pady=(8, 4))
        self.years = self._table()
        self.years.grid(row=3, column=1, sticky="nsew")
        self.shown_year: int | None = None
        # a retiree's note (why there are no contributions) beside the years, in the space the
        # few years of a retiree leave: every row of the year stays in sight below
        self.note = ttk.Label(bar, text="", bootstyle="primary", wraplength=600)
        note = retired_note(overview.benefits, kiosk=True)
        if note:
            self.note.configure(text=note)
            self.note.pack(side="left", padx=(4, 0))
            self.years.bind("<Configure>", self._wrap_note, add="+")
        if self.year_buttons:
            self.show_year(max(self.year_buttons))
        elif not note:
            self.months.configure(text=_("No contributions were recorded in the last 36 months."))
        buttons = ttk.Frame(self)
        buttons.grid(row=4, column=0, columnspan=2, sticky="ew", pady=(16, 0))
        self.print_button = self.big_button(
            buttons, _("Print my statement"), lambda: self.ctx.show("print")
        )
        self.print_button.pack(side="left")
        benefits_link(self, overview, buttons)
        self.finish = self.big_button(buttons, _("Finish"), self.finish, "success")
        self.finish.pack(side="right")

    def _table(self) -> YearGrid:
        """One year's insurance types: headings wrap, no row is ever out of sight."""
        return YearGrid(
            self,
            (
                _("Insurance"),
                _("Months paid"),
                _("In arrears"),
                _("Personal part"),
                _("Employer part"),
            ),
            anchors=("w", "e", "e", "e", "e"),
        )

    def show_year(self, year: int) -> None:
        """Show `year`'s insurance types; its button is marked as the one chosen."""
        self.shown_year = year
        for each, button in self.year_buttons.items():
            button.configure(style=choice_style("primary" if each == year else "secondary"))
        rows = [y for y in self.year_totals if y.year == year]
        self.years.set_rows([_cells(y) for y in rows], [bool(y.months_in_arrears) for y in rows])
        first, last = window_months(self.overview, year)
        shown = _("Months shown: {first} to {last}; amounts in yuan").format(first=first, last=last)
        self.months.configure(text=shown)

    def _wrap_note(self, event: tk.Event) -> None:
        """The note wraps in what the year buttons leave of the table's width."""
        taken = sum(b.winfo_reqwidth() + 12 for b in self.year_buttons.values())
        self.note.configure(wraplength=max(240, event.width - taken - 8))

    def on_status(self) -> None:
        """The top bar's status changed: show the same "data as of" line."""
        if not hasattr(self, "as_of"):  # built for nobody: on its way back to the welcome
            return
        text = self.ctx.data_as_of() or data_as_of_text(
            from_freshness(self.overview.freshness), utc_now()
        )
        self.as_of.configure(text=text)


def _cells(total: YearTotal) -> tuple[str, ...]:
    return (
        label(INSURANCE, total.insurance),
        str(total.months_paid),
        str(total.months_in_arrears),
        yuan(total.personal_fen).removeprefix("¥"),  # the unit is in the heading
        yuan(total.employer_fen).removeprefix("¥"),
    )
