"""The counter's view of a person's benefits: the retiree's note on the contribution table,
and the Benefits tab (the yearly eligibility check, payments month by month, the medical
account's allocations from the pooled fund)."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from desktop.app.widgets.history import danger_colour
from desktop.app.widgets.tables import Table
from desktop.core import benefits as words
from desktop.core.i18n import _
from models.clock import local_today
from models.overview import Overview

UNPAID = "unpaid"


class RetiredNote:
    """A line under a table of contributions saying why a retiree has none."""

    def __init__(self, table: Table, kiosk: bool = False) -> None:
        self.kiosk = kiosk
        self.label = ttk.Label(table, text="", bootstyle="info", padding=(4, 6), wraplength=900)
        self.label.grid(row=1, column=0, columnspan=2, sticky="w")
        self.label.grid_remove()

    def show(self, overview: Overview) -> None:
        """Show the note for a retiree, hide it for anybody else."""
        note = words.retired_note(overview.benefits, kiosk=self.kiosk)
        self.label.configure(text=note or "")
        if note:
            self.label.grid()
        else:
            self.label.grid_remove()


class BenefitsPanel(ttk.Frame):
    """The Benefits tab; `on_record` records the retiree's eligibility check."""

    def __init__(self, master: tk.Misc, on_record: Callable[[], None]) -> None:
        super().__init__(master)
        top = ttk.Frame(self)
        top.pack(fill="x")
        self.check = ttk.Label(top, text="", wraplength=760, justify="left")
        self.check.pack(side="left", fill="x", expand=True, anchor="w")
        self.record = ttk.Button(
            top, text=_("Record eligibility check"), command=on_record, bootstyle="primary"
        )
        self.record.pack(side="right", padx=(8, 0))
        self.allocations = ttk.Label(self, text="", wraplength=960, justify="left")
        self.allocations.pack(fill="x", pady=(6, 0))
        self.table = Table(
            self,
            [
                (_("Month"), 95),
                (_("Benefit"), 170),
                (_("Amount"), 130),
                (_("Paid on"), 120),
                (_("Payment account"), 190),
            ],
            anchors=("w", "w", "e", "w", "w"),
        )
        self.table.pack(fill="both", expand=True, pady=(6, 0))
        self.table.tag(UNPAID, foreground=danger_colour())
        self.empty = ttk.Label(self, text=_("No benefit payment in the register."))

    def show(self, overview: Overview) -> None:
        """Fill with the overview's benefits."""
        b = overview.benefits
        text, overdue = words.check_summary(b, local_today())
        self.check.configure(text=text, bootstyle="danger" if overdue else "default")
        if b.retired:
            self.record.pack(side="right", padx=(8, 0))
        else:
            self.record.pack_forget()
        self.allocations.configure(text=words.allocations_summary(b) or "")
        self.table.set_rows(
            [words.payment_row(p) for p in b.payments],
            [UNPAID if p.paid_date is None else "" for p in b.payments],
        )
        if b.payments:
            self.empty.pack_forget()
        else:
            self.empty.pack(fill="x", before=self.table)
