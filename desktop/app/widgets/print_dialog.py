"""Printing a statement: which year, which language, and where it goes."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path

import ttkbootstrap as ttk

from desktop.app.widgets.dialogs import Dialog, DialogHost
from desktop.core.i18n import _

STATEMENT_LANGUAGES = {"zh": "中文", "en": "English"}


def printer_hint(printer: str | None, folder: Path) -> str:
    """Where a document will go, said before it is made."""
    text = _("Saved as a PDF in {folder}").format(folder=folder)
    if printer:
        text += "\n" + _("and printed on {printer}").format(
            printer=_("the default printer") if printer == "default" else printer
        )
    else:
        text += "\n" + _("(no printer is configured: the PDF is not printed)")
    return text


class PrintDialog(Dialog):
    """Ask for the year and language of a personal rights record."""

    def __init__(
        self,
        host: DialogHost,
        years: list[int],
        default_year: int,
        folder: Path,
        printer: str | None,
        on_print: Callable[[int, str], None],
    ) -> None:
        super().__init__(host, _("Print a statement"))
        self._on_print = on_print
        ttk.Label(self.body, text=_("Personal rights record"), font="TkHeadingFont").grid(
            row=0, column=0, columnspan=2, sticky="w", pady=(0, 12)
        )
        ttk.Label(self.body, text=_("Year")).grid(row=1, column=0, sticky="w", pady=4)
        self.year = tk.StringVar(self, value=str(default_year))
        self.year_box = ttk.Combobox(
            self.body,
            textvariable=self.year,
            values=[str(y) for y in years],
            width=8,
            state="readonly",
        )
        self.year_box.grid(row=1, column=1, sticky="w", padx=(12, 0), pady=4)
        ttk.Label(self.body, text=_("Language")).grid(row=2, column=0, sticky="w", pady=4)
        self.lang = tk.StringVar(self, value=STATEMENT_LANGUAGES["zh"])
        self.lang_box = ttk.Combobox(
            self.body,
            textvariable=self.lang,
            values=list(STATEMENT_LANGUAGES.values()),
            width=10,
            state="readonly",
        )
        self.lang_box.grid(row=2, column=1, sticky="w", padx=(12, 0), pady=4)
        ttk.Label(
            self.body, text=printer_hint(printer, folder), bootstyle="secondary", wraplength=520
        ).grid(row=3, column=0, columnspan=2, sticky="w", pady=(12, 0))
        self.add_button(_("Cancel"), self.cancel, style="secondary")
        self.ok_button = self.add_button(_("Print"), self.ok, default=True)

    def focus_first(self) -> None:
        """The year."""
        self.year_box.focus_set()

    def ok(self) -> None:
        """Print with the chosen year and language."""
        lang = next(k for k, v in STATEMENT_LANGUAGES.items() if v == self.lang.get())
        year = int(self.year.get())
        self.close()
        self._on_print(year, lang)
