"""The customer record: who, card, verification, 36 months, totals, accounts, and the actions."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from typing import Any

import ttkbootstrap as ttk

from cards.monitor import EventKind, ReaderEvent
from desktop.app.context import Screen
from desktop.app.registry import Shortcut
from desktop.app.screens.benefit_actions import record_pension_check
from desktop.app.screens.customer_actions import CustomerActions
from desktop.app.widgets.action_log import ActionLog
from desktop.app.widgets.benefits import BenefitsPanel, RetiredNote
from desktop.app.widgets.card_panel import CardPanel
from desktop.app.widgets.history import AccountsPanel, EnrolmentsTable, MonthsTable, YearsTable
from desktop.app.widgets.person_header import PersonHeader
from desktop.app.widgets.verification import VerificationPanel
from desktop.core.i18n import N_, _
from desktop.core.status import BarStatus, from_freshness
from desktop.core.visit import Purpose, Visit

PURPOSES = {
    Purpose.LOOKUP: N_("Record lookup"),
    Purpose.STATEMENT: N_("Statement"),
    Purpose.CARD_REPORT_LOST: N_("Card reported lost"),
    Purpose.CARD_CANCEL_LOSS: N_("Card loss cancelled"),
    Purpose.PASSWORD_RESET: N_("Query password reset"),
    Purpose.ENQUIRY: N_("Policy enquiry"),
}
ACTION_BUTTONS = (  # key, label, action name
    ("F5", N_("Report card lost"), "report_lost"),
    ("F6", N_("Cancel loss report"), "cancel_loss"),
    ("F7", N_("Reset query password"), "reset_password"),
    ("F8", N_("Print statement"), "print_statement"),
    ("F12", N_("End visit"), "end_visit"),
)


LEFT_COLUMN_EMS = 19  # the left column's width in CJK characters of the text font
LEFT_COLUMN_INSET = 40  # a panel's frame and padding on both sides, in pixels


def left_column_width(widget: tk.Misc) -> int:
    """The left column's width in pixels, for the text size in use."""
    return tkfont.nametofont("TkDefaultFont", widget).measure("中" * LEFT_COLUMN_EMS)


class CustomerScreen(Screen):
    """The person being served. Everything shown comes from `ctx.visit`."""

    key = "customer"
    title_text = N_("Customer")

    def build(self) -> None:
        """Header, notice, the action bar, then the panels and the record's tabs."""
        self.actions = CustomerActions(self, owner=self)
        self.columnconfigure(1, weight=1)
        self.rowconfigure(3, weight=1)
        self.header = PersonHeader(self, on_reveal=self.actions.reveal)
        self.header.grid(row=0, column=0, columnspan=2, sticky="ew")
        self.notice = ttk.Label(
            self, text="", bootstyle="@warning", wraplength=1300, padding=(8, 4)
        )
        self.notice.grid(row=1, column=0, columnspan=2, sticky="w", pady=(4, 0))
        self._build_action_bar()
        # the left column has one width whatever it says (a card read, a wrong password): its
        # lines wrap inside it, so the record's tabs beside it never move
        width = left_column_width(self)
        self.columnconfigure(0, minsize=width)
        left = ttk.Frame(self)
        left.grid(row=3, column=0, sticky="nsew", padx=(0, 12))
        self.left = left
        wrap = width - LEFT_COLUMN_INSET
        self.card_panel = CardPanel(left, wrap=wrap)
        self.card_panel.pack(fill="x")
        self.verification = VerificationPanel(
            left,
            on_pin=self.actions.check_pin,
            on_password=self.actions.check_password,
            on_id_checked=self.actions.id_checked,
            wrap=wrap,
        )
        self.verification.pack(fill="x", pady=(8, 0))
        service = ttk.Frame(left, padding=(10, 10, 0, 0))
        service.pack(fill="x")
        ttk.Label(service, text=_("Service")).pack(side="left", padx=(0, 8))
        self.purpose = tk.StringVar(self)
        self.purpose_box = ttk.Combobox(
            service,
            textvariable=self.purpose,
            values=[_(text) for text in PURPOSES.values()],
            state="readonly",
            width=12,
        )
        self.purpose_box.pack(side="left", fill="x", expand=True)
        self.purpose_box.bind("<<ComboboxSelected>>", lambda _e: self._purpose_chosen())
        right = ttk.Frame(self)
        right.grid(row=3, column=1, sticky="nsew")
        self.log = ActionLog(right)
        self.log.pack(side="bottom", fill="x", pady=(8, 0))
        self.tabs = ttk.Notebook(right)
        self.tabs.pack(side="top", fill="both", expand=True)
        self.months = MonthsTable(self.tabs)
        self.years = YearsTable(self.tabs)
        self.accounts = AccountsPanel(self.tabs)
        self.enrolments = EnrolmentsTable(self.tabs)
        self.retired_note = RetiredNote(self.months)
        self.benefits = BenefitsPanel(self.tabs, lambda: record_pension_check(self, self))
        for widget, text in (
            (self.months, _("Last 36 months")),
            (self.years, _("Yearly totals")),
            (self.accounts, _("Accounts")),
            (self.enrolments, _("Enrolments")),
            (self.benefits, _("Benefits")),
        ):
            self.tabs.add(widget, text=text, padding=6)
        self.tabs.enable_traversal()

    def _build_action_bar(self) -> None:
        bar = ttk.Frame(self)
        bar.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(8, 8))
        self.action_buttons: dict[str, ttk.Button] = {}
        for key, text, name in ACTION_BUTTONS:
            button = ttk.Button(
                bar,
                text=f"{key} {_(text)}",
                command=getattr(self.actions, name),
                bootstyle="danger" if name == "report_lost" else "primary",
            )
            button.pack(side="left", padx=(0, 8))
            self.action_buttons[name] = button

    # showing -------------------------------------------------------------------------------

    @property
    def visit(self) -> Visit | None:
        """The visit shown."""
        return self.ctx.visit

    def on_show(self, **data: Any) -> None:
        """Show the current visit (back to waiting if there is none)."""
        if self.visit is None:
            self.after_idle(lambda: self.ctx.show("waiting"))
            return
        self.refresh()

    def refresh(self) -> None:
        """Show every part of the visit again."""
        visit = self.visit
        if visit is None:
            return
        self.header.show(visit, self._status(visit))
        self.notice.configure(text=visit.card_notice or "")
        if visit.card_notice:
            self.notice.grid()
        else:
            self.notice.grid_remove()
        self.card_panel.show(visit)
        self.show_verification()
        self.log.show(visit.actions)
        self.months.show(visit.overview)
        self.years.show(visit.overview)
        self.accounts.show(visit.overview)
        self.enrolments.show(visit.overview)
        self.retired_note.show(visit.overview)
        self.benefits.show(visit.overview)
        self.purpose.set(_(PURPOSES[visit.purpose]))
        self.update_action_states()

    def _status(self, visit: Visit) -> BarStatus:
        """The status bar's reading; before its first, the one read with the record."""
        return self.ctx.status() or from_freshness(visit.overview.freshness)

    def on_status(self, status: BarStatus) -> None:
        """The status bar has a new reading: say the same age of the data."""
        if self.visit is not None:
            self.header.show_as_of(status)

    def show_verification(self) -> None:
        """The verification panel for the visit and the reader's state."""
        if self.visit is not None:
            self.verification.show(self.visit.verification, self.pin_possible())

    def pin_possible(self) -> bool:
        """True when this person's card is in the reader."""
        visit = self.visit
        return bool(visit and visit.card and visit.reader and self.ctx.cards.view.card_present)

    def update_action_states(self) -> None:
        """Enable the actions that make sense now; the footer follows."""
        for shortcut in self.shortcuts():
            name = dict((k, n) for k, _t, n in ACTION_BUTTONS).get(shortcut.key)
            if name:
                state = "normal" if shortcut.enabled() else "disabled"
                self.action_buttons[name].configure(state=state)
        self.ctx.navigator.refresh_listeners()

    def _purpose_chosen(self) -> None:
        if self.visit is None:
            return
        chosen = self.purpose.get()
        for purpose, text in PURPOSES.items():
            if _(text) == chosen:
                self.visit.purpose = purpose

    def focus_default(self) -> None:
        """The PIN field when the card is in the reader, else the screen (keys work anywhere)."""
        if self.pin_possible():
            self.verification.pin.focus_set()
        else:
            self.focus_set()

    def shortcuts(self) -> list[Shortcut]:
        """The F-keys of the counter's actions."""
        a = self.actions
        return [
            Shortcut("F2", N_("Reveal ID"), a.reveal),
            Shortcut("F5", N_("Report lost"), a.report_lost, a.can_report_lost),
            Shortcut("F6", N_("Cancel loss"), a.cancel_loss, a.can_cancel_loss),
            Shortcut("F7", N_("Reset password"), a.reset_password),
            Shortcut("F8", N_("Print"), a.print_statement, a.can_print),
            Shortcut("F12", N_("End visit"), a.end_visit),
            Shortcut("Escape", N_("Back"), a.back),
        ]

    def on_tick(self) -> None:
        """Ask again whether headquarters has confirmed the actions of this visit."""
        self.actions.refresh_outbox()

    def on_card_event(self, event: ReaderEvent) -> None:
        """A card inserted during the visit: if it is this person's, the PIN can be checked."""
        if event.kind is EventKind.CARD_INSERTED:
            self.actions.read_inserted_card(event.reader)
        self.show_verification()
