"""The waiting screen: the next customer, by ID number, card number, name, or their card."""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from cards.monitor import EventKind, ReaderEvent
from cards.record import CardRecord
from desktop.app.context import Screen
from desktop.app.registry import Shortcut
from desktop.app.theme import BIG_FONT, TITLE_FONT
from desktop.app.widgets.tables import Table
from desktop.core import services
from desktop.core.card_flow import CardOutcome, resolve_card
from desktop.core.formatting import GENDER, PERSON_STATUS, label
from desktop.core.i18n import N_, _
from desktop.core.loading import (
    StillLoading,
    name_not_found_message,
    progress_text,
    still_loading_message,
)
from desktop.core.messages import error_message
from desktop.core.query import QueryKind, QueryReading, matches_title, read_query
from desktop.core.status import BarStatus
from desktop.core.visit import Visit
from models.clock import utc_now
from models.lookup import KeyKind, NameMatches
from models.overview import Overview
from models.people import PersonSummary

READING_STYLES = {True: "success", False: "danger"}


class WaitingScreen(Screen):
    """Type or insert: the customer opens when found."""

    key = "waiting"
    title_text = N_("Next customer")

    def build(self) -> None:
        """Title, the one entry field, what it reads as, the name matches and the card state."""
        self.columnconfigure(0, weight=1)
        self.rowconfigure(7, weight=1)
        title = ttk.Frame(self)
        title.grid(row=0, column=0, sticky="ew")
        ttk.Label(title, text=_("Next customer"), font=TITLE_FONT).pack(side="left")
        # the first copy of the register still arriving: said above everything else
        self.banner = ttk.Label(title, text="", bootstyle="@warning", padding=(10, 4))
        ttk.Label(
            self,
            text=_(
                "Insert the card, or type an ID number, a card number or a name, then press Enter."
            ),
            bootstyle="secondary",
        ).grid(row=1, column=0, sticky="w", pady=(4, 16))
        line = ttk.Frame(self)
        line.grid(row=2, column=0, sticky="ew")
        self.text = tk.StringVar(self)
        self.entry = ttk.Entry(line, textvariable=self.text, font=BIG_FONT, width=32)
        self.entry.pack(side="left")
        self.button = ttk.Button(line, text=_("Look up"), command=self.submit, bootstyle="primary")
        self.button.pack(side="left", padx=(12, 0), ipady=4)
        self.reading = ttk.Label(self, text="", bootstyle="secondary")
        self.reading.grid(row=3, column=0, sticky="w", pady=(8, 0))
        self.message = ttk.Label(self, text="", bootstyle="danger", wraplength=1100)
        self.message.grid(row=4, column=0, sticky="w", pady=(8, 0))
        self.results_title = ttk.Label(
            self, text="", font="TkHeadingFont", wraplength=1100, justify="left"
        )
        self.results_title.grid(row=6, column=0, sticky="w", pady=(16, 4))
        self.results = Table(
            self,
            [
                (_("Name"), 180),
                (_("ID number"), 260),
                (_("Gender"), 100),
                (_("Born"), 160),
                (_("Status"), 160),
            ],
            height=8,
        )
        self.results.grid(row=7, column=0, sticky="nsew")
        self.results.grid_remove()
        self.results.tree.bind("<Return>", lambda _e: self.pick())
        self.results.tree.bind("<Double-1>", lambda _e: self.pick())
        self.results.tree.bind("<Escape>", lambda _e: self.entry.focus_set())
        self.card_line = ttk.Label(self, text="", bootstyle="primary")
        self.card_line.grid(row=5, column=0, sticky="w", pady=(8, 0))
        self.text.trace_add("write", lambda *_a: self._on_type())
        self.entry.bind("<Return>", lambda _e: self.submit())
        self.entry.bind("<Down>", lambda _e: self.results.focus_first())
        self.found: list[PersonSummary] = []
        self.busy = False
        self.handing_back = False
        self.on_status(self.ctx.status())

    def on_status(self, status: BarStatus | None) -> None:
        """The banner of the register's first copy, updated as its pages arrive."""
        loading = status.loading if status is not None else None
        if loading is None:
            self.banner.pack_forget()
            return
        self.banner.configure(
            text=_("{progress}. Persons not received yet are asked at headquarters.").format(
                progress=progress_text(loading)
            )
        )
        self.banner.pack(side="left", padx=(20, 0))

    def on_show(self, **data: Any) -> None:
        """A fresh start for the next customer (a message may be passed in)."""
        self.text.set("")
        self._hide_results()
        self.message.configure(text=data.get("message", ""), bootstyle=data.get("style", "primary"))
        self.busy = False
        self.button.configure(state="normal")
        self.handing_back = bool(data.get("hand_back"))  # the last customer's card is in
        self.on_status(self.ctx.status())
        self._show_card_hint()
        if data.get("read_card"):
            self._read_card_in_reader()

    def _read_card_in_reader(self) -> None:
        """Just signed in: a card already in the reader is read afresh, as if inserted now."""
        view = self.ctx.cards.view
        if view.card_present and view.reader is not None:
            self.on_card_event(ReaderEvent(EventKind.CARD_INSERTED, view.reader))

    def focus_default(self) -> None:
        """The ID field."""
        self.entry.focus_set()

    def shortcuts(self) -> list[Shortcut]:
        """Enter looks up, Esc clears."""
        return [
            Shortcut("Return", N_("Look up"), self.submit),
            Shortcut("Escape", N_("Clear"), self.clear),
        ]

    def clear(self) -> None:
        """Empty the field and the matches."""
        self.on_show()
        self.entry.focus_set()

    def _on_type(self) -> None:
        reading = read_query(self.text.get())
        style = (
            "secondary"
            if reading.kind in (QueryKind.EMPTY, QueryKind.ID_PARTIAL)
            else (READING_STYLES[reading.valid])
        )
        self.reading.configure(text=reading.message, bootstyle=style)

    def _show_card_hint(self) -> None:
        view = self.ctx.cards.view
        if view.reader is None:
            self.card_line.configure(text="")
        else:
            self.card_line.configure(
                text=_("Card reader ready: inserting a card opens the customer by itself.")
            )

    # typing --------------------------------------------------------------------------------

    def submit(self) -> None:
        """Enter: open the ID or card number, or search the name."""
        if self.busy:
            return
        reading = read_query(self.text.get())
        if not reading.valid:  # the line under the field already says why
            self.message.configure(text="")
            self.reading.configure(bootstyle="danger")
            self.bell()
            self.entry.focus_set()
            return
        if reading.kind is QueryKind.NAME:
            self._search(reading)
        else:
            kind = KeyKind.ID_NUMBER if reading.kind is QueryKind.ID else KeyKind.CARD
            self.open_person(kind, reading.value)

    def _search(self, reading: QueryReading) -> None:
        self._busy(_("Searching…"))
        self.ctx.tasks.submit(
            services.search,
            reading.value,
            self.ctx.session.actor,
            reading.birth_year,
            reading.region_codes,
            on_done=self._show_results,
            on_error=self._failed,
            owner=self,
        )

    def _show_results(self, matches: NameMatches) -> None:
        self.busy = False
        self.button.configure(state="normal")
        found = matches.people
        self.found = found
        if not found:
            self._hide_results()
            status = self.ctx.status()
            loading = status.loading if status is not None else None
            self.message.configure(
                text=_("Nobody with this name in this office's register.")
                if loading is None
                else name_not_found_message(loading),
                bootstyle="danger" if loading is None else "primary",
            )
            self.entry.focus_set()
            return
        if len(found) == 1 and not matches.truncated:  # nothing to choose: open at once
            self._hide_results()
            self.open_person(KeyKind.ID_NUMBER, found[0].ssn)
            return
        self.message.configure(text="")
        self.results_title.configure(text=matches_title(matches, read_query(self.text.get()).value))
        self.results.set_rows(
            [
                (
                    p.name,
                    p.masked_ssn,
                    label(GENDER, p.gender),
                    p.birth_date.isoformat(),
                    label(PERSON_STATUS, p.status),
                )
                for p in found
            ]
        )
        self.results.grid()
        self.results.focus_first()

    def _hide_results(self) -> None:
        self.found = []
        self.results_title.configure(text="")
        self.results.set_rows([])
        self.results.grid_remove()

    def pick(self) -> None:
        """Open the person selected in the matches."""
        index = self.results.selected_index()
        if index is None or index >= len(self.found):
            return
        self.open_person(KeyKind.ID_NUMBER, self.found[index].ssn)

    # opening -------------------------------------------------------------------------------

    def open_person(
        self,
        kind: KeyKind,
        value: str,
        card: CardRecord | None = None,
        reader: str | None = None,
        notice: str | None = None,
    ) -> None:
        """Read the person's overview on a worker, then show the customer screen."""
        self._busy(_("Opening…"))

        def opened(overview: Overview) -> None:
            self.ctx.visit = Visit(kind, value, overview, card, reader, notice)
            self.ctx.show("customer")

        self.ctx.tasks.submit(
            services.open_person,
            kind,
            value,
            self.ctx.session.actor,
            on_done=opened,
            on_error=self._failed,
            owner=self,
        )

    def _busy(self, text: str) -> None:
        self.busy = True
        self.button.configure(state="disabled")
        self.message.configure(text=text, bootstyle="secondary")

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.button.configure(state="normal")
        if isinstance(error, StillLoading):  # not "no such person": not arrived yet
            self.message.configure(
                text=still_loading_message(error, utc_now()), bootstyle="primary"
            )
        else:
            self.message.configure(text=error_message(error), bootstyle="danger")
        self.entry.focus_set()

    # the card ------------------------------------------------------------------------------

    def on_card_event(self, event: ReaderEvent) -> None:
        """A card inserted opens its holder (read on a worker); the last customer's card taken
        out ends the reminder to hand it back."""
        self._show_card_hint()
        if event.kind is EventKind.CARD_REMOVED and self.handing_back:
            self.handing_back = False
            self.message.configure(
                text=_("Card handed back. Next customer, please."), bootstyle="success"
            )
        if event.kind is not EventKind.CARD_INSERTED or self.busy:
            return
        self._busy(_("Reading the card…"))
        cards = self.ctx.cards
        self.ctx.tasks.submit(
            lambda: resolve_card(cards.read(event.reader)),
            on_done=lambda outcome: self._card_read(outcome, event.reader),
            on_error=self._failed,
            owner=self,
        )

    def _card_read(self, outcome: CardOutcome, reader: str) -> None:
        if not outcome.opens_customer:
            self.busy = False
            self.button.configure(state="normal")
            status = self.ctx.status()
            if status is not None and status.loading is not None and outcome.record.ssn:
                # the holder may not have arrived yet: "still loading", and headquarters asked
                self.open_person(KeyKind.ID_NUMBER, outcome.record.ssn)
                return
            self.ctx.show("unknown_card", outcome=outcome)
            return
        notice = None
        if not outcome.card_in_register:
            notice = _(
                "Card {card} is not in this office's register (newly issued, or issued "
                "elsewhere); its holder was found by the ID number on the card."
            ).format(card=outcome.record.card_no)
        assert outcome.kind is not None and outcome.value is not None
        self.open_person(outcome.kind, outcome.value, outcome.record, reader, notice)
