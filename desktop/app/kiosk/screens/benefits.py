"""My pension: a verified retiree's (or unemployed person's) own benefits at the kiosk: the
yearly eligibility check, the payments month by month (payment account masked), the medical
account's allocations from the pooled fund."""

from __future__ import annotations

import ttkbootstrap as ttk

from desktop.app.kiosk.paged_grid import PagedGrid
from desktop.app.kiosk.screens.base import KioskScreen
from desktop.app.kiosk.style import HUGE_FONT
from desktop.core import benefits as words
from desktop.core.i18n import _
from models.clock import local_today
from models.overview import Overview


class BenefitsScreen(KioskScreen):
    """Shown only to a verified citizen, from their record."""

    key = "benefits"

    def build(self) -> None:
        """The check, the allocations, the payments, and the buttons."""
        overview = self.verified_overview()
        if overview is None:
            return
        b = overview.benefits
        self.columnconfigure(0, weight=1)
        self.rowconfigure(4, weight=1)
        ttk.Label(self, text=overview.person.name, font=HUGE_FONT, bootstyle="primary").grid(
            row=0, column=0, sticky="w"
        )
        text, overdue = words.check_summary(b, local_today())
        self.check = self.line(self, text, bootstyle="danger" if overdue else "default")
        self.check.grid(row=1, column=0, sticky="w", pady=(12, 0))
        if overdue:
            self.advice = self.line(
                self, _("Bring your ID card to a counter, or do the check in the mobile app.")
            )
            self.advice.grid(row=2, column=0, sticky="w")
        self.allocations = ttk.Label(self, text=words.allocations_summary(b) or "", wraplength=1200)
        self.allocations.grid(row=3, column=0, sticky="w", pady=(8, 8))
        buttons = ttk.Frame(self)
        buttons.grid(row=5, column=0, sticky="ew", pady=(16, 0))
        self.payments = PagedGrid(
            self,
            buttons,
            (
                _("Month"),
                _("Benefit"),
                _("Amount"),
                _("Paid on"),
                _("Payment account"),
            ),
            anchors=("w", "w", "e", "w", "w"),
        )
        self.payments.grid.grid(row=4, column=0, sticky="nsew")
        self.payments.set_rows([words.payment_row(p) for p in b.payments])
        self.back = self.big_button(
            buttons, _("Back to my record"), lambda: self.ctx.show("record"), "secondary"
        )
        self.back.pack(side="left")
        if self.payments.pages > 1:
            self.payments.controls.pack(side="left", padx=(32, 0))
        self.finish = self.big_button(buttons, _("Finish"), self.finish, "success")
        self.finish.pack(side="right")


def benefits_link(screen: KioskScreen, overview: Overview, buttons: ttk.Frame) -> None:
    """The record screen's way to the benefits: a "My pension" button, for a person with
    benefits to show (the record screen says itself why a retiree has no contributions)."""
    b = overview.benefits
    if b.retired or b.payments:
        title = _("My pension") if b.retired else _("My benefits")
        button = screen.big_button(buttons, title, lambda: screen.ctx.show("benefits"))
        button.pack(side="left", padx=(16, 0))
