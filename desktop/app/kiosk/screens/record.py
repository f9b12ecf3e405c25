"""Record: the citizen's own balances and the last 36 months by year and insurance."""

from __future__ import annotations

import ttkbootstrap as ttk

from desktop.app.kiosk.screens.base import KioskScreen
from desktop.app.kiosk.screens.benefits import benefits_link
from desktop.app.kiosk.style import HUGE_FONT, LARGE_FONT
from desktop.app.kiosk.summary import balances, window_years
from desktop.app.widgets.tables import Table
from desktop.core.formatting import ACCOUNT_KIND, INSURANCE, label, yuan
from desktop.core.freshness import data_as_of_text
from desktop.core.i18n import _
from desktop.core.status import from_freshness
from models.clock import utc_now
from models.overview import Overview


class RecordScreen(KioskScreen):
    """Shown only to a verified citizen; the ID number is masked and cannot be revealed."""

    key = "record"

    def build(self) -> None:
        """Who, the balances, the yearly totals, and the buttons."""
        customer = self.ctx.session.customer
        if customer is None or not customer.verified or customer.overview is None:
            self.after_idle(self.ctx.end_session)
            return
        overview: Overview = customer.overview
        person = overview.person
        self.columnconfigure(1, weight=1)
        self.rowconfigure(1, weight=1)
        left = ttk.Frame(self, padding=(0, 0, 32, 0))
        left.grid(row=0, column=0, rowspan=2, sticky="nsw")
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
        self.as_of = ttk.Label(
            left,
            text=data_as_of_text(from_freshness(overview.freshness), utc_now()),
            bootstyle="secondary",
            wraplength=360,
        )
        self.as_of.pack(anchor="w", pady=(16, 0))
        ttk.Label(
            self, text=_("Contributions of the last 36 months, by year"), font="TkHeadingFont"
        ).grid(row=0, column=1, sticky="w", pady=(0, 4))
        self.years = Table(
            self,
            [
                (_("Year"), 90),
                (_("Insurance"), 180),
                (_("Months paid"), 110),
                (_("In arrears"), 110),
                (_("Personal part"), 170),
                (_("Employer part"), 170),
            ],
            height=10,
            anchors=("w", "w", "e", "e", "e", "e"),
        )
        self.years.grid(row=1, column=1, sticky="nsew")
        self.years.set_rows(
            [
                (
                    str(y.year),
                    label(INSURANCE, y.insurance),
                    str(y.months_paid),
                    str(y.months_in_arrears),
                    yuan(y.personal_fen),
                    yuan(y.employer_fen),
                )
                for y in window_years(overview)
            ]
        )
        buttons = ttk.Frame(self)
        buttons.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(16, 0))
        self.print_button = self.big_button(
            buttons, _("Print my statement"), lambda: self.ctx.show("print")
        )
        self.print_button.pack(side="left")
        benefits_link(self, overview, self.years, buttons)
        self.finish = self.big_button(buttons, _("Finish"), self._finish, "success")
        self.finish.pack(side="right")

    def _finish(self) -> None:
        by_card = bool(self.ctx.session.customer and self.ctx.session.customer.by_card)
        self.ctx.session.end()
        self.ctx.show("goodbye", card=by_card)
