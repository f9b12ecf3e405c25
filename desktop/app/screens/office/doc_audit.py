"""The audit log: who looked at whom, a page at a time, the chain check and the PDF extract."""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from desktop.app.registry import Shortcut
from desktop.app.screens.office.doc_common import DocumentScreen, where_text
from desktop.app.widgets.office_fields import DateField, PersonField, on_enter
from desktop.app.widgets.tables import Table
from desktop.core import audit_log, documents
from desktop.core.formatting import label, local_time
from desktop.core.i18n import N_, _, language
from models.audit import ChainReport
from models.clock import local_today
from models.permissions import Permission

ACTIONS = {
    "person.read": N_("looked at the record"),
    "person.reveal_id": N_("revealed the ID number"),
    "person.search": N_("searched by name"),
    "person.read_remote": N_("asked headquarters for a record"),
    "statement.printed": N_("printed a statement"),
    "visit.record": N_("recorded a visit"),
    "card.report_lost": N_("reported a card lost"),
    "card.cancel_loss": N_("cancelled a loss report"),
    "query_password.verified": N_("query password correct"),
    "kiosk.card_refused": N_("card refused at the kiosk (not active)"),
    "query_password.failed": N_("query password wrong"),
    "query_password.locked_attempt": N_("query password tried while locked"),
    "query_password.reset": N_("query password reset"),
    "staff.sign_in": N_("signed in"),
    "staff.sign_in_failed": N_("failed to sign in"),
    "staff.password_set": N_("set a staff password"),
    "outbox.acknowledge": N_("acknowledged a rejected command"),
    "sync.enrol": N_("enrolled the office"),
    "audit.query": N_("looked at the audit log"),
}
CHAIN_REASONS = {
    "the event before it was changed or removed": N_("the event before it was changed or removed"),
    "this event was changed": N_("this event was changed"),
}
ALL_STAFF = N_("Everyone")


class AuditScreen(DocumentScreen):
    """Audit events of a period, newest first, filtered by member of staff and by person."""

    key = "audit_log"
    title_text = N_("Audit log")
    menu_label = N_("Audit log…")
    permission = Permission.AUDIT

    def build(self) -> None:
        """Filters, the chain and export buttons, the table and its paging."""
        row = self.build_header(
            _("Audit log: who looked at whom"),
            _(
                "Events of the period, newest first (ID numbers masked). Each search is itself "
                "recorded in the log."
            ),
        )
        self.rowconfigure(row + 2, weight=1)
        self._build_filters(row)
        self._build_tools(row + 1)
        self.table = Table(
            self,
            [
                (_("Time"), 175),
                (_("Staff"), 200),
                (_("Action"), 210),
                (_("Person"), 285),
                (_("Detail"), 420),
            ],
            height=10,
        )
        self.table.grid(row=row + 2, column=0, sticky="nsew", pady=(8, 0))
        paging = ttk.Frame(self)
        paging.grid(row=row + 3, column=0, sticky="ew", pady=(6, 0))
        self.newer_button = ttk.Button(
            paging, text=_("F7 Newer"), command=self.newer, bootstyle="secondary-outline"
        )
        self.newer_button.pack(side="left")
        self.page_label = ttk.Label(paging, text="")
        self.page_label.pack(side="left", padx=16)
        self.older_button = ttk.Button(
            paging, text=_("F8 Older"), command=self.older, bootstyle="secondary-outline"
        )
        self.older_button.pack(side="left")
        self.message = ttk.Label(self, text="", wraplength=1250, justify="left")
        self.message.grid(row=row + 4, column=0, sticky="w", pady=(6, 0))
        self.cursors: list[audit_log.Cursor | None] = []  # the cursor of each page shown so far
        self.next_cursor: audit_log.Cursor | None = None
        self.query: audit_log.AuditQuery | None = None
        self.page: audit_log.AuditPage | None = None
        self.verifying = False

    def _build_filters(self, row: int) -> None:
        bar = ttk.Frame(self)
        bar.grid(row=row, column=0, sticky="w")
        pad = {"sticky": "w", "pady": 3}
        today = local_today()
        ttk.Label(bar, text=_("From")).grid(row=0, column=0, padx=(0, 8), **pad)
        period = ttk.Frame(bar)
        period.grid(row=0, column=1, **pad)
        self.date_from = DateField(period, today)
        self.date_from.pack(side="left")
        ttk.Label(period, text=_("to")).pack(side="left", padx=8)
        self.date_to = DateField(period, today)
        self.date_to.pack(side="left")
        ttk.Label(bar, text=_("Staff")).grid(row=0, column=2, padx=(32, 8), **pad)
        self.staff = tk.StringVar(self, value=_(ALL_STAFF))
        self.staff_box = ttk.Combobox(bar, textvariable=self.staff, width=24)
        self.staff_box.grid(row=0, column=3, **pad)
        ttk.Label(bar, text=_("Person's ID number")).grid(
            row=1, column=0, padx=(0, 8), sticky="nw", pady=3
        )
        self.person = PersonField(
            bar, width=22, big=False, hint=_("Optional: one person's ID number.")
        )
        self.person.grid(row=1, column=1, sticky="nw", pady=3)
        self.search_button = ttk.Button(
            bar, text=_("Search"), command=self.search, bootstyle="primary"
        )
        self.search_button.grid(row=1, column=3, sticky="nw", pady=3)
        self._staff_names: dict[str, str] = {}
        on_enter(
            [
                self.date_from.entry,
                self.date_to.entry,
                self.staff_box,
                self.person.entry,
                self.search_button,
            ],
            self.search,
        )

    def _build_tools(self, row: int) -> None:
        tools = ttk.Frame(self)
        tools.grid(row=row, column=0, sticky="ew", pady=(4, 0))
        self.verify_button = ttk.Button(
            tools, text=_("F6 Verify the chain"), command=self.verify, bootstyle="secondary"
        )
        self.verify_button.pack(side="left")
        self.chain = ttk.Label(tools, text="")
        self.chain.pack(side="left", padx=(12, 0))
        self.export_button = ttk.Button(
            tools, text=_("F9 Export PDF of the period"), command=self.export, bootstyle="secondary"
        )
        self.export_button.pack(side="right")

    # showing -------------------------------------------------------------------------------

    def on_show(self, **data: Any) -> None:
        """Fill the staff list and show today's events."""
        super().on_show(**data)
        self.run(audit_log.staff_list, on_done=self._staff_listed, on_error=lambda _e: None)
        if self.query is None:
            self.search()

    def _staff_listed(self, staff: list[tuple[str, str]]) -> None:
        self._staff_names = {f"{name} ({username})": username for username, name in staff}
        self.staff_box.configure(values=[_(ALL_STAFF), *self._staff_names])

    def focus_default(self) -> None:
        """The first day of the period."""
        self.date_from.entry.focus_set()

    def shortcuts(self) -> list[Shortcut]:
        """Enter searches; F6 verifies, F7/F8 page, F9 exports; Esc goes back."""
        return [
            Shortcut("Return", N_("Search"), self.search),
            Shortcut("F6", N_("Verify the chain"), self.verify, lambda: not self.verifying),
            Shortcut("F7", N_("Newer"), self.newer, lambda: len(self.cursors) > 1),
            Shortcut("F8", N_("Older"), self.older, lambda: self.next_cursor is not None),
            Shortcut("F9", N_("Export PDF"), self.export),
            Shortcut("Escape", N_("Back"), self.back),
        ]

    # searching -----------------------------------------------------------------------------

    def _staff_filter(self) -> str | None:
        shown = self.staff.get().strip()
        if not shown or shown == _(ALL_STAFF):
            return None
        return self._staff_names.get(shown, shown)  # typed: an actor as stored (kiosk:..., ...)

    def _query(self) -> audit_log.AuditQuery | None:
        first, last = self.date_from.value(), self.date_to.value()
        if first is None or last is None:
            self.say(_("Type the period's days like 2026-11-28."), "danger")
            return None
        ssn = self.person.id_number()
        if ssn is None:
            self.say(_("Type a valid ID number, or leave the field empty for everyone."), "danger")
            return None
        return audit_log.AuditQuery(first, last, self._staff_filter(), ssn or None)

    def search(self) -> None:
        """Enter: the first page of the events asked for."""
        if self.busy:
            return
        query = self._query()
        if query is None:
            self.bell()
            return
        self.query = query
        self.cursors = []
        self._load(None)

    def older(self) -> None:
        """F8: the next page (older events)."""
        if self.next_cursor is not None and not self.busy:
            self._load(self.next_cursor)

    def newer(self) -> None:
        """F7: the page before (newer events)."""
        if len(self.cursors) > 1 and not self.busy:
            self.cursors.pop()
            self._load(self.cursors.pop())

    def _load(self, cursor: audit_log.Cursor | None) -> None:
        assert self.query is not None
        self.busy = True
        self.say(_("Reading the log…"), "secondary")
        self.run(
            audit_log.read_audit,
            self.actor,
            self.query,
            cursor,
            audit_log.AUDIT_PAGE_SIZE,
            on_done=lambda page: self._show(page, cursor),
        )

    def _show(self, page: audit_log.AuditPage, cursor: audit_log.Cursor | None) -> None:
        self.busy = False
        self.page = page
        self.cursors.append(page.top_cursor if cursor is None else cursor)
        self.next_cursor = page.next_cursor
        self.table.set_rows(
            [
                (
                    local_time(e.at),
                    f"{e.staff_name} ({e.actor})" if e.staff_name else e.actor,
                    label(ACTIONS, e.action),
                    e.person,
                    e.detail,
                )
                for e in page.entries
            ]
        )
        if not page.entries:
            text = _("No events in this period for this search.")
        else:
            text = _("Page {page}").format(page=len(self.cursors))
        if page.person_name:
            text += " · " + _("person: {name}").format(name=page.person_name)
        self.page_label.configure(text=text)
        self.newer_button.configure(state="normal" if len(self.cursors) > 1 else "disabled")
        self.older_button.configure(state="normal" if page.next_cursor else "disabled")
        self.say("")
        self.ctx.navigator.refresh_listeners()

    # the chain and the extract ------------------------------------------------------------

    def verify(self) -> None:
        """F6: check the whole chain on a worker."""
        if self.verifying:
            return
        self.verifying = True
        self.verify_button.configure(state="disabled")
        self.chain.configure(text=_("Checking every event…"), bootstyle="secondary")
        self.ctx.navigator.refresh_listeners()
        self.run(
            audit_log.verify_audit, self.actor, on_done=self._verified, on_error=self._not_verified
        )

    def _verified(self, report: ChainReport) -> None:
        self._verify_done()
        if report.intact:
            self.chain.configure(
                text=_("✔ Intact: {n} events checked, none changed or removed.").format(
                    n=report.events
                ),
                bootstyle="success",
            )
        else:
            self.chain.configure(
                text=_("✘ Broken at event {id}: {reason}.").format(
                    id=report.broken_at, reason=label(CHAIN_REASONS, report.reason)
                ),
                bootstyle="danger",
            )

    def _not_verified(self, error: BaseException) -> None:
        self._verify_done()
        self.chain.configure(text="")
        self.failed(error)

    def _verify_done(self) -> None:
        self.verifying = False
        self.verify_button.configure(state="normal")
        self.ctx.navigator.refresh_listeners()

    def export(self) -> None:
        """F9: the audit extract of the period as a PDF (in English when the screen is)."""
        first, last = self.date_from.value(), self.date_to.value()
        if first is None or last is None:
            self.say(_("Type the period's days like 2026-11-28."), "danger")
            return
        self.say(_("Making the PDF…"), "secondary")
        self.run(
            documents.export_audit,
            self.ctx.home,
            self.actor,
            first,
            last,
            "en" if language() == "en" else "zh",
            on_done=lambda issued: self.say(
                _("Audit extract {number} ({first} – {last}, everyone).").format(
                    number=issued.number, first=first, last=last
                )
                + " "
                + where_text(issued),
                "success",
            ),
        )
