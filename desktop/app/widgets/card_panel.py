"""The person's cards and their state."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from desktop.core.formatting import CARD_STATUS, day, label
from desktop.core.i18n import _
from desktop.core.visit import Visit

STATUS_STYLES = {"active": "success", "lost": "danger", "frozen": "warning"}


class CardPanel(ttk.Labelframe):
    """The card the counter acts on, in large type, and the other cards in a line each."""

    def __init__(self, master: tk.Misc, wrap: int = 340) -> None:
        """`wrap`: the width (pixels) its lines wrap at: the panel never grows wider."""
        super().__init__(master, text=_("Card"), padding=10)
        self.columnconfigure(0, weight=1)
        self.current = ttk.Label(self, text="", font="TkHeadingFont")
        self.current.grid(row=0, column=0, sticky="w")
        self.state = ttk.Label(self, text="", font="TkHeadingFont")
        self.state.grid(row=0, column=1, sticky="e")
        self.details = ttk.Label(self, text="", bootstyle="secondary", wraplength=wrap)
        self.details.grid(row=1, column=0, columnspan=2, sticky="w")
        self.others = ttk.Label(self, text="", bootstyle="secondary", wraplength=wrap)
        self.others.grid(row=2, column=0, columnspan=2, sticky="w")

    def show(self, visit: Visit) -> None:
        """Fill in for `visit`."""
        card_no = visit.current_card_no
        cards = {c.card_no: c for c in visit.overview.cards}
        card = cards.get(card_no or "")
        if card is None:
            self.current.configure(text=_("No card in the register"))
            self.state.configure(text="")
            self.details.configure(text="")
        else:
            self.current.configure(text=card.card_no)
            self.state.configure(
                text=label(CARD_STATUS, card.status),
                bootstyle=STATUS_STYLES.get(card.status, "secondary"),
            )
            read = _("read at the counter") if visit.card and visit.card.card_no == card_no else ""
            text = _("Generation {g} · {issued} to {expiry}").format(
                g=card.generation, issued=day(card.issue_date), expiry=day(card.expiry_date)
            )
            self.details.configure(text=f"{text}{'; ' + read if read else ''}")
        others = [
            f"{c.card_no}: {label(CARD_STATUS, c.status)}"
            for c in visit.overview.cards
            if c.card_no != card_no
        ]
        text = _("Other cards: {list}").format(list=", ".join(others)) if others else ""
        self.others.configure(text=text)
