"""A card whose holder is not in this register: what the card says, and what can be done."""

from __future__ import annotations

from typing import Any

import ttkbootstrap as ttk

from desktop.app.context import Screen
from desktop.app.registry import Shortcut
from desktop.app.theme import TITLE_FONT
from desktop.core.card_flow import CardOutcome
from desktop.core.formatting import GENDER, day, label
from desktop.core.freshness import data_as_of_text
from desktop.core.i18n import N_, _, language
from desktop.core.messages import card_field
from desktop.core.status import read_status
from models.clock import utc_now
from models.idnumber import mask_id_number
from models.names import region_name


class UnknownCardScreen(Screen):
    """The card was read, but neither it nor its holder is in this office's register."""

    key = "unknown_card"
    title_text = N_("Card not in this register")

    def build(self) -> None:
        """Title, the card's fields, the explanation and the way back."""
        self.columnconfigure(0, weight=1)
        ttk.Label(self, text=_("Card not in this register"), font=TITLE_FONT).grid(
            row=0, column=0, sticky="w"
        )
        self.as_of = ttk.Label(self, text="", bootstyle="secondary")
        self.as_of.grid(row=1, column=0, sticky="w", pady=(2, 12))
        self.fields = ttk.Labelframe(self, text=_("Read from the card"), padding=12)
        self.fields.grid(row=2, column=0, sticky="ew")
        self.explanation = ttk.Label(self, text="", wraplength=1200, justify="left")
        self.explanation.grid(row=3, column=0, sticky="w", pady=(16, 0))
        self.advice = ttk.Label(self, text="", wraplength=1200, justify="left", bootstyle="primary")
        self.advice.grid(row=4, column=0, sticky="w", pady=(12, 0))
        self.back_button = ttk.Button(
            self, text=_("Esc Back to the next customer"), command=self.back, bootstyle="primary"
        )
        self.back_button.grid(row=5, column=0, sticky="w", pady=(20, 0))
        self.outcome: CardOutcome | None = None

    def on_show(self, **data: Any) -> None:
        """Show the card read."""
        outcome: CardOutcome | None = data.get("outcome")
        self.outcome = outcome
        if outcome is None:
            return
        record = outcome.record
        for child in self.fields.winfo_children():
            child.destroy()
        rows = [
            (_("Card number"), record.card_no or "-"),
            (_("Name"), record.name or "-"),
            (_("ID number"), mask_id_number(record.ssn) if record.ssn else "-"),
            (_("Gender"), label(GENDER, record.gender) if record.gender else "-"),
            (_("Birth date"), day(record.birth_date)),
            (_("Issued in region"), region_name(outcome.issuing_region, language()) or "-"),
            (_("Card generation"), str(record.generation or "-")),
            (_("Valid until"), day(record.expiry_date)),
        ]
        for i, (name, value) in enumerate(rows):
            ttk.Label(self.fields, text=name, bootstyle="secondary").grid(
                row=i // 2, column=(i % 2) * 2, sticky="w", padx=(0, 12), pady=2
            )
            ttk.Label(self.fields, text=value, font="TkHeadingFont").grid(
                row=i // 2, column=(i % 2) * 2 + 1, sticky="w", padx=(0, 48), pady=2
            )
        not_read = [card_field(name) for name in record.unreadable]
        if not_read:
            ttk.Label(
                self.fields,
                text=_("Not readable on this card: {fields}").format(fields=", ".join(not_read)),
                bootstyle="secondary",
            ).grid(row=4, column=0, columnspan=4, sticky="w", pady=(8, 0))
        self.explanation.configure(text=self._explanation(outcome))
        self.advice.configure(
            text=_(
                "What can be done: if the holder says they are insured here, look them up by "
                "the ID number on their ID card (a new record arrives with the next sync). Loss "
                "reports and PIN services for a card of another city are handled by that city "
                "(hotline 12333). The holder can query their own records online with their ID "
                "number and query password."
            )
        )
        self.as_of.configure(text="")
        self.ctx.tasks.submit(
            read_status,
            on_done=lambda snap: self.as_of.configure(text=data_as_of_text(snap, utc_now())),
            owner=self,
        )

    @staticmethod
    def _explanation(outcome: CardOutcome) -> str:
        if outcome.record.ssn is None and not outcome.other_city:
            return _(
                "This card is not in this office's register, and it keeps the holder's ID "
                "number protected: look the holder up by the ID number on their ID card."
            )
        if outcome.other_city:
            return _(
                "This card was issued in region {region}, in another city. A social security "
                "card is valid across the country, but the holder's insurance record is kept "
                "where they are insured: it is not in this office's register."
            ).format(region=region_name(outcome.issuing_region, language()))
        return _(
            "Neither this card nor its holder is in this office's register: the card may be "
            "newly issued, or the holder's record has not arrived yet."
        )

    def shortcuts(self) -> list[Shortcut]:
        """Esc goes back."""
        return [Shortcut("Escape", N_("Back"), self.back)]

    def focus_default(self) -> None:
        """The back button."""
        self.back_button.focus_set()

    def back(self) -> None:
        """Back to the waiting screen."""
        self.ctx.show("waiting")
