"""Training mode: choose a demo person whose virtual card goes into the training reader."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Protocol

import ttkbootstrap as ttk

from desktop.app.tasks import TaskRunner
from desktop.app.widgets.dialogs import Dialog, DialogHost
from desktop.app.widgets.tables import Table
from desktop.core import training
from desktop.core.cardreader import CardService
from desktop.core.formatting import CARD_STATUS, label
from desktop.core.i18n import N_, _
from desktop.core.messages import error_message
from desktop.core.outage import SimulatedOutage
from desktop.core.session import StaffSession
from desktop.core.sync_link import SyncLink
from desktop.core.training import SAMPLE_LABELS, CardKind, DemoHolder

CARD_KINDS = {
    CardKind.NORMAL: N_("The person's card"),
    CardKind.DAMAGED: N_("A damaged card"),
    CardKind.FOREIGN: N_("Not a social security card"),
}


class TrainingDialog(Dialog):
    """A list of demo people and the kind of card to insert."""

    def __init__(
        self,
        host: DialogHost,
        holders: list[DemoHolder],
        on_insert: Callable[[str, CardKind], None],
    ) -> None:
        super().__init__(host, _("Insert a training card"))
        self._holders = holders
        self._on_insert = on_insert
        self.table = Table(
            self.body,
            [(_("Demo person"), 180), (_("Name"), 140), (_("Card number"), 170), (_("Card"), 150)],
            height=min(max(len(holders), 3), 10),
        )
        self.table.set_rows(
            [
                (
                    label(SAMPLE_LABELS, h.label) if h.label else "",
                    h.name,
                    h.card_no,
                    label(CARD_STATUS, h.card_status),
                )
                for h in holders
            ]
        )
        self.table.pack(fill="both", expand=True)
        self.kind = tk.StringVar(self, value=CardKind.NORMAL.value)
        kinds = ttk.Frame(self.body)
        kinds.pack(fill="x", pady=(10, 0))
        for kind, text in CARD_KINDS.items():
            ttk.Radiobutton(kinds, text=_(text), value=kind.value, variable=self.kind).pack(
                side="left", padx=(0, 16)
            )
        ttk.Label(
            self.body,
            text=_("The PIN of every training card is {pin}.").format(pin=training.TRAINING_PIN),
            bootstyle="secondary",
        ).pack(anchor="w", pady=(10, 0))
        self.table.tree.bind("<Return>", lambda _e: self.insert())
        self.table.tree.bind("<Double-1>", lambda _e: self.insert())
        self.add_button(_("Cancel"), self.cancel, style="secondary")
        self.insert_button = self.add_button(_("Insert card"), self.insert)

    def focus_first(self) -> None:
        """The first person."""
        self.table.focus_first()

    def insert(self) -> None:
        """Insert the selected person's card."""
        index = self.table.selected_index()
        if index is None:
            return
        card_no = self._holders[index].card_no
        kind = CardKind(self.kind.get())
        self.close()
        self._on_insert(card_no, kind)


class _OutageSwitch(Protocol):
    outage_var: tk.BooleanVar  # the Training menu's check mark


class TrainingHost(Protocol):
    """What the training commands use of the counter window (desktop.app.window)."""

    session: StaffSession
    cards: CardService
    tasks: TaskRunner
    dialogs: DialogHost
    outage: SimulatedOutage | None
    sync: SyncLink | None
    menus: _OutageSwitch

    def notify(self, text: str, style: str = "info") -> None:
        """A one-line notice."""
        ...

    def wake_sync(self) -> None:
        """Sync now."""
        ...


class TrainingControls:
    """The Training menu's commands."""

    def __init__(self, window: TrainingHost) -> None:
        self.window = window

    def _signed_in(self) -> bool:
        session = self.window.session
        if session.signed_in and not session.locked:
            return True
        self.window.notify(_("Sign in first."), "warning")
        return False

    def choose_card(self) -> None:
        """Open the list of demo people (loaded on a worker)."""
        if not self._signed_in():
            return
        w = self.window
        w.tasks.submit(
            training.demo_holders,
            on_done=lambda holders: w.dialogs.open(TrainingDialog(w.dialogs, holders, self.insert)),
        )

    def insert(self, card_no: str, kind: CardKind) -> None:
        """Make the virtual card (reads the holder, logged) and put it into the reader."""
        w = self.window
        w.cards.remove_training_card()
        w.tasks.submit(
            training.holder_profile,
            card_no,
            w.session.actor,
            kind,
            on_done=w.cards.insert_training_card,
            on_error=lambda e: w.notify(error_message(e), "danger"),
        )

    def insert_other_city(self) -> None:
        """A card of a holder insured in another city."""
        if not self._signed_in():
            return
        self.window.cards.remove_training_card()
        self.window.cards.insert_training_card(training.other_city_profile())

    def remove_card(self) -> None:
        """Take the card out of the training reader."""
        self.window.cards.remove_training_card()

    def set_outage(self, on: bool) -> None:
        """Cut or restore the line to headquarters; the sync worker tries at once either way."""
        w = self.window
        if w.outage is None:
            return
        if w.sync is None or not w.sync.enrolled:
            w.notify(
                _("This office is not connected to headquarters: there is no line to cut."),
                "warning",
            )
            w.menus.outage_var.set(False)
            return
        w.outage.set(on)
        if on:
            w.notify(
                _(
                    "Network outage simulated: keep serving customers; changes wait for "
                    "headquarters."
                ),
                "warning",
            )
        else:
            w.notify(_("The network is back: pending changes are sent now."), "success")
        w.wake_sync()
