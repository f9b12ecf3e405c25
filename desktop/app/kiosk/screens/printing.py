"""Print: the citizen's rights record of this year, on the kiosk's printer if it has one."""

from __future__ import annotations

import ttkbootstrap as ttk

from desktop.app.kiosk.screens.base import KioskScreen
from desktop.app.kiosk.services import KioskPrint, print_statement
from desktop.app.kiosk.style import HUGE_FONT
from desktop.core.i18n import _, language


class PrintScreen(KioskScreen):
    """Prints, or says clearly why not."""

    key = "print"

    def build(self) -> None:
        """The outcome line and the way back to the record."""
        overview = self.verified_overview()
        if overview is None:
            return
        ttk.Label(self, text=_("Print my statement"), font=HUGE_FONT, bootstyle="primary").pack(
            anchor="w"
        )
        self.message = self.line(self, "")
        self.message.pack(anchor="w", pady=(32, 32))
        self.back = self.big_button(self, _("Back to my record"), lambda: self.ctx.show("record"))
        self.back.pack(anchor="w", side="bottom")
        self.printed: KioskPrint | None = None
        printer = self.ctx.office.printer
        if not printer:
            self.message.configure(
                text=_(
                    "This kiosk has no printer. Please ask at the counter for a printed "
                    "statement; it is free of charge."
                ),
                bootstyle="warning",
            )
            return
        # The latest year with posted months: on 1 January that is last year's record, not an
        # empty one for the new year.
        year = overview.window_end // 100
        self.message.configure(
            text=_("Printing your rights record of {year}…").format(year=year),
            bootstyle="secondary",
        )
        self.ctx.tasks.submit(
            print_statement,
            self.ctx.home.path,
            self.ctx.actor,
            overview.person,
            year,
            "zh" if language() == "zh" else "en",
            printer,
            on_done=self._printed,
            on_error=self._failed,
            owner=self,
        )

    def _printed(self, printed: KioskPrint) -> None:
        self.printed = printed
        self.message.configure(
            text=_("Your statement {number} is printing. Please take it from the printer.").format(
                number=printed.number
            ),
            bootstyle="success",
        )

    def _failed(self, error: BaseException) -> None:
        self.message.configure(
            text=_("The statement could not be printed. Please ask at the counter."),
            bootstyle="danger",
        )
