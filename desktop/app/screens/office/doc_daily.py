"""The office's daily report: pick a day, issue the PDF, print or save it."""

from __future__ import annotations

from typing import Any

import ttkbootstrap as ttk

from desktop.app.registry import Shortcut
from desktop.app.screens.office.doc_common import DocumentScreen, where_text
from desktop.app.widgets.office_fields import DateField, LanguageChoice, on_enter
from desktop.app.widgets.print_dialog import printer_hint
from desktop.core import documents
from desktop.core.i18n import N_, _
from models.clock import local_today
from models.permissions import Permission


class DailyReportScreen(DocumentScreen):
    """Visits, statements, card operations and sync of one day, as a numbered PDF."""

    key = "daily_report"
    title_text = N_("Daily report")
    menu_label = N_("Daily report…")
    permission = Permission.REPORTS

    def build(self) -> None:
        """The day, the language and the button."""
        row = self.build_header(
            _("Daily report"),
            _(
                "Visits by service and by clerk, statements issued, card operations, sync and "
                "the commands headquarters rejected, for one day (local time)."
            ),
        )
        form = ttk.Frame(self)
        form.grid(row=row, column=0, sticky="w")
        pad = {"padx": (0, 16), "pady": 6, "sticky": "w"}
        ttk.Label(form, text=_("Day")).grid(row=0, column=0, **pad)
        self.day = DateField(form, local_today())
        self.day.grid(row=0, column=1, sticky="w", pady=6)
        self.today_button = ttk.Button(
            form, text=_("F5 Today"), command=self.today, bootstyle="secondary-outline"
        )
        self.today_button.grid(row=0, column=2, sticky="w", padx=(12, 0))
        ttk.Label(form, text=_("Language")).grid(row=1, column=0, **pad)
        self.lang = LanguageChoice(form)
        self.lang.grid(row=1, column=1, sticky="w", pady=6)
        self.button = ttk.Button(
            form, text=_("Issue the report"), command=self.submit, bootstyle="primary"
        )
        self.button.grid(row=2, column=1, sticky="w", pady=(12, 0))
        self.hint = ttk.Label(self, text="", bootstyle="secondary", justify="left")
        self.hint.grid(row=row + 1, column=0, sticky="w", pady=(16, 0))
        self.message = ttk.Label(self, text="", wraplength=1250, justify="left")
        self.message.grid(row=row + 2, column=0, sticky="w", pady=(16, 0))
        on_enter([self.day.entry, self.lang, self.button], self.submit)

    def on_show(self, **data: Any) -> None:
        """Where the report goes."""
        super().on_show(**data)
        folder = self.ctx.home.path / documents.REPORTS_FOLDER
        self.hint.configure(text=printer_hint(self.ctx.office.printer, folder))

    def focus_default(self) -> None:
        """The day."""
        self.day.entry.focus_set()

    def shortcuts(self) -> list[Shortcut]:
        """Enter issues the report, F5 goes back to today, Esc goes back."""
        return [
            Shortcut("Return", N_("Issue the report"), self.submit),
            Shortcut("F5", N_("Today"), self.today),
            Shortcut("Escape", N_("Back"), self.back),
        ]

    def today(self) -> None:
        """The report of today."""
        self.day.set(local_today())
        self.day.entry.focus_set()

    def submit(self) -> None:
        """Enter: issue the report on a worker."""
        if self.busy:
            return
        day = self.day.value()
        if day is None:
            self.say(_("Type the day like 2026-11-28."), "danger")
            self.bell()
            self.day.entry.focus_set()
            return
        if day > local_today():
            self.say(_("That day has not come yet: choose today or an earlier day."), "danger")
            self.day.entry.focus_set()
            return
        self.busy = True
        self.button.configure(state="disabled")
        self.say(_("Issuing the report…"), "secondary")
        self.run(
            documents.make_daily_report,
            self.ctx.home,
            self.actor,
            day,
            self.lang.code(),
            self.ctx.office.printer,
            on_done=self._issued,
        )

    def _issued(self, issued: documents.Issued) -> None:
        self.busy = False
        self.button.configure(state="normal")
        self.say(
            _("Report {number}.").format(number=issued.number) + "\n" + where_text(issued),
            "danger" if issued.print_error else "success",
        )

    def failed(self, error: BaseException) -> None:
        """Say why, and let the supervisor try again."""
        super().failed(error)
        self.button.configure(state="normal")
