"""Training mode at the kiosk: buttons that put a demo person's virtual card in and take it out.

The buttons show the demo sample's label (contributor, arrears, ...), never a name.
"""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from desktop.app.kiosk.context import KioskContext
from desktop.core.formatting import label
from desktop.core.i18n import _
from desktop.core.training import SAMPLE_LABELS, DemoHolder, demo_holders, holder_profile


class TrainingBar(ttk.Frame):
    """A strip at the bottom of the training kiosk."""

    def __init__(self, master: tk.Misc, ctx: KioskContext) -> None:
        super().__init__(master, padding=(24, 6), bootstyle="warning")
        self.ctx = ctx
        ttk.Label(self, text=_("Training"), bootstyle="@warning").pack(side="left")
        self.remove = ttk.Button(
            self,
            text=_("Take the card out"),
            command=ctx.cards.remove_training_card,
            bootstyle="secondary",
            takefocus=False,
        )
        self.remove.pack(side="right")

    def load(self) -> None:
        """Offer the demo samples' cards (read on a worker)."""
        self.ctx.tasks.submit(demo_holders, on_done=self._offer, owner=self)

    def _offer(self, holders: list[DemoHolder]) -> None:
        for holder in holders:
            if holder.label:
                ttk.Button(
                    self,
                    text=label(SAMPLE_LABELS, holder.label),
                    command=lambda h=holder: self.insert(h.card_no),
                    bootstyle="secondary",
                    takefocus=False,
                ).pack(side="left", padx=(12, 0))

    def insert(self, card_no: str) -> None:
        """Put the card `card_no`'s virtual copy into the training reader."""
        self.ctx.tasks.submit(
            holder_profile,
            card_no,
            self.ctx.actor,
            on_done=self.ctx.cards.insert_training_card,
            owner=self,
        )
