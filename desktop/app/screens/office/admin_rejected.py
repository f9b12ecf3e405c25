"""Commands headquarters rejected: what each was, why, what to do, and the acknowledgement."""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from desktop.app.context import Screen
from desktop.app.registry import Shortcut
from desktop.app.screens.office.admin_advice import advice, command_label, reason_words
from desktop.app.theme import TITLE_FONT
from desktop.app.widgets.admin_fields import FieldBlock
from desktop.app.widgets.tables import Table
from desktop.core import admin
from desktop.core.formatting import local_time
from desktop.core.i18n import N_, _
from desktop.core.messages import error_message
from sync.rejections import RejectedCommand

AWAITING, ACKNOWLEDGED = "awaiting", "acknowledged"


class RejectedScreen(Screen):
    """The supervisor's list of rejected commands (awaiting, or acknowledged)."""

    key = "office_rejected"
    title_text = N_("Rejected commands")
    menu_label = N_("Rejected commands")
    permission = admin.REJECTIONS_PERMISSION

    def build(self) -> None:
        """Title, the view switch, the table, the selected command's detail and the buttons."""
        self.columnconfigure(0, weight=1)
        self.rowconfigure(3, weight=1)
        ttk.Label(self, text=_("Commands rejected by headquarters"), font=TITLE_FONT).grid(
            row=0, column=0, sticky="w"
        )
        ttk.Label(
            self,
            text=_(
                "Headquarters refused these changes made at this office. Deal with each one "
                "(the advice says how), then acknowledge it: your name and the time are recorded."
            ),
            bootstyle="secondary",
            wraplength=1250,
            justify="left",
        ).grid(row=1, column=0, sticky="w", pady=(4, 8))
        switch = ttk.Frame(self)
        switch.grid(row=2, column=0, sticky="ew", pady=(0, 6))
        self.view = tk.StringVar(self, value=AWAITING)
        for value, text in (
            (AWAITING, _("Awaiting a supervisor")),
            (ACKNOWLEDGED, _("Acknowledged")),
        ):
            ttk.Radiobutton(
                switch,
                text=text,
                value=value,
                variable=self.view,
                command=self.reload,
            ).pack(side="left", padx=(0, 16))
        self.count = ttk.Label(switch, text="", bootstyle="secondary")
        self.count.pack(side="left", padx=(12, 0))
        self.table = Table(
            self,
            [
                (_("When"), 150),
                (_("Change"), 200),
                (_("Card"), 110),
                (_("ID number"), 200),
                (_("By"), 110),
                (_("Headquarters' reason"), 500),
            ],
            height=8,
        )
        self.table.grid(row=3, column=0, sticky="nsew")
        self.table.tree.bind("<<TreeviewSelect>>", lambda _e: self._show_selected())
        self.table.tree.bind("<Return>", lambda _e: self.acknowledge())
        self._build_detail()
        self.rows: list[RejectedCommand] = []
        self.busy = False

    def _build_detail(self) -> None:
        detail = FieldBlock(self, _("The selected command"), wrap=1080)
        detail.grid(row=4, column=0, sticky="ew", pady=(8, 0))
        self.detail_lines: dict[str, ttk.Label] = {
            key: detail.add(key, name, details=key == "own_words")
            for key, name in (
                ("what", _("What")),
                ("reason", _("Headquarters says")),
                ("own_words", _("Headquarters' own words")),
                ("advice", _("What to do")),
                ("seen", _("Acknowledged")),
            )
        }
        self.detail_lines["advice"].configure(font="TkHeadingFont")
        buttons = ttk.Frame(self)
        buttons.grid(row=5, column=0, sticky="ew", pady=(8, 0))
        self.ack_button = ttk.Button(
            buttons, text=_("Acknowledge…"), command=self.acknowledge, bootstyle="primary"
        )
        self.ack_button.pack(side="left")
        self.message = ttk.Label(buttons, text="", wraplength=900)
        self.message.pack(side="left", padx=(16, 0))

    # showing -------------------------------------------------------------------------------

    def on_show(self, **data: Any) -> None:
        """Read the list again (a view may be asked for: view="acknowledged")."""
        self.view.set(data.get("view", self.view.get()))
        self.message.configure(text="")
        self.reload()

    def reload(self) -> None:
        """Read the list of the chosen view on a worker."""
        fetch = (
            admin.rejected_commands if self.view.get() == AWAITING else admin.acknowledged_commands
        )
        self.ctx.tasks.submit(
            fetch,
            self.ctx.session.actor,
            on_done=self._show_rows,
            on_error=self._failed,
            owner=self,
        )

    def _show_rows(self, rows: list[RejectedCommand]) -> None:
        self.rows = rows
        awaiting = self.view.get() == AWAITING
        self.table.set_rows([self._row(r) for r in rows])
        if awaiting:
            text = _("{n} awaiting a supervisor").format(n=len(rows)) if rows else ""
        else:
            text = _("the {n} most recent").format(n=len(rows)) if rows else ""
        self.count.configure(text=text)
        if rows:
            self.table.focus_first()
        else:
            empty = (
                _("Nothing awaits a supervisor: headquarters accepted everything else.")
                if awaiting
                else _("No rejected command has been acknowledged yet.")
            )
            self._clear_detail(empty)
        self._show_selected()
        self.ctx.navigator.refresh_listeners()

    @staticmethod
    def _row(command: RejectedCommand) -> tuple[str, ...]:
        _text, code = admin.split_reason(command.reason)
        return (
            local_time(command.created_at),
            command_label(command.command),
            str(command.summary.get("card_no") or command.summary.get("number") or "-"),
            str(command.summary.get("ssn_masked") or "-"),
            command.actor,
            reason_words(code),
        )

    def selected(self) -> RejectedCommand | None:
        """The command selected in the table."""
        index = self.table.selected_index()
        return self.rows[index] if index is not None and index < len(self.rows) else None

    def _show_selected(self) -> None:
        command = self.selected()
        awaiting = self.view.get() == AWAITING
        self.ack_button.configure(state="normal" if command and awaiting else "disabled")
        if awaiting:
            self.ack_button.pack(side="left", before=self.message)
        else:
            self.ack_button.pack_forget()
        if command is None:
            return
        text, code = admin.split_reason(command.reason)
        what = _("{change} by {who} at {time}").format(
            change=command_label(command.command),
            who=command.actor,
            time=local_time(command.created_at),
        )
        identity = [
            v for v in (command.summary.get("card_no"), command.summary.get("ssn_masked")) if v
        ]
        if identity:
            what += " · " + " · ".join(str(v) for v in identity)
        lines = self.detail_lines
        lines["what"].configure(text=what)
        lines["reason"].configure(text=reason_words(code))
        own = text or _("(no reason given)")
        lines["own_words"].configure(
            text=_("{reason} (code: {code})").format(reason=own, code=code) if code else own
        )
        lines["advice"].configure(text=advice(code))
        if command.acknowledged_at is not None:
            seen = _("by {who} at {time}").format(
                who=command.acknowledged_by, time=local_time(command.acknowledged_at)
            )
        else:
            seen = _("not yet")
        lines["seen"].configure(text=seen)

    def _clear_detail(self, text: str) -> None:
        for key, line in self.detail_lines.items():
            line.configure(text=text if key == "what" else "")

    # acting --------------------------------------------------------------------------------

    def acknowledge(self) -> None:
        """Enter: after confirmation, record that the selected rejection was dealt with."""
        command = self.selected()
        if command is None or self.view.get() != AWAITING or self.busy:
            self.bell()
            return
        self.ctx.dialogs.confirm(
            _("Acknowledge a rejected command"),
            _(
                "{change} ({card}) was rejected by headquarters.\n\nAcknowledge it as dealt "
                "with? Your name and the time are recorded, and it leaves this list."
            ).format(
                change=command_label(command.command),
                card=command.summary.get("card_no") or command.summary.get("ssn_masked") or "-",
            ),
            lambda: self._acknowledge(command),
            yes_text=_("Acknowledge"),
        )

    def _acknowledge(self, command: RejectedCommand) -> None:
        self.busy = True

        def done(seen: RejectedCommand) -> None:
            self.busy = False
            self.message.configure(
                text=_("Acknowledged: {change}, by {who}.").format(
                    change=command_label(seen.command), who=seen.acknowledged_by
                ),
                bootstyle="success",
            )
            self.reload()
            self.ctx.refresh_status()

        def failed(error: BaseException) -> None:
            self.busy = False
            self._failed(error)

        self.ctx.tasks.submit(
            admin.acknowledge,
            self.ctx.session.actor,
            command.uuid,
            on_done=done,
            on_error=failed,
            owner=self,
        )

    def _failed(self, error: BaseException) -> None:
        self.message.configure(text=error_message(error), bootstyle="danger")

    def toggle_view(self) -> None:
        """F6: switch between the awaiting and the acknowledged commands."""
        self.view.set(ACKNOWLEDGED if self.view.get() == AWAITING else AWAITING)
        self.message.configure(text="")
        self.reload()

    def back(self) -> None:
        """Back to the counter."""
        self.ctx.show("waiting")

    def shortcuts(self) -> list[Shortcut]:
        """Enter acknowledges, F5 reads again, F6 switches the view, Esc goes back."""
        return [
            Shortcut(
                "Return",
                N_("Acknowledge"),
                self.acknowledge,
                lambda: self.view.get() == AWAITING and bool(self.rows),
            ),
            Shortcut("F5", N_("Refresh"), self.reload),
            Shortcut("F6", N_("Awaiting / acknowledged"), self.toggle_view),
            Shortcut("Escape", N_("Back"), self.back),
        ]

    def focus_default(self) -> None:
        """The table."""
        if self.rows:
            self.table.focus_first()
        else:
            self.focus_set()
