"""Welcome: insert or swipe the card, or type the card number or the ID number."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from cards.monitor import EventKind, ReaderEvent
from desktop.app.kiosk.customer import Customer
from desktop.app.kiosk.keypad import Keypad
from desktop.app.kiosk.messages import kiosk_error
from desktop.app.kiosk.screens.base import KioskScreen
from desktop.app.kiosk.services import identify_card, identify_typed
from desktop.app.kiosk.style import HUGE_FONT, KEY_FONT
from desktop.core.i18n import _
from desktop.core.messages import id_problem
from models.idnumber import ID_LENGTH, InvalidIdNumber, parse_id_number
from models.lookup import KeyKind
from models.people import CARD_DIGITS, CARD_NUMBER


class WelcomeScreen(KioskScreen):
    """The start: nobody's data is on it."""

    key = "welcome"

    def build(self) -> None:
        """Title and instruction on the left, the typed number and the keypad on the right."""
        self.columnconfigure(0, weight=1, uniform="half")  # the keypad never takes the text's
        self.columnconfigure(1, weight=1, uniform="half")
        self.rowconfigure(0, weight=1)
        left = ttk.Frame(self)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 32))
        ttk.Label(left, text=_("Welcome"), font=HUGE_FONT, bootstyle="primary").pack(anchor="w")
        self.line(
            left,
            _("Insert or swipe your social security card."),
            wraplength=560,
        ).pack(anchor="w", pady=(24, 8))
        self.line(
            left,
            _(
                "Or type your card number or ID number on the keypad, then touch OK. For the "
                "letter of the card number touch ABC, or type only its 8 digits."
            ),
            font="TkDefaultFont",
            wraplength=560,
        ).pack(anchor="w")
        self.message = self.line(left, "", font="TkDefaultFont", wraplength=560)
        self.message.pack(anchor="w", pady=(24, 0))
        right = ttk.Frame(self)
        right.grid(row=0, column=1, sticky="nsew")
        self.typed = tk.StringVar(self)
        self.entry = ttk.Entry(right, textvariable=self.typed, font=KEY_FONT, width=19)
        self.entry.pack(fill="x", pady=(0, 12), ipady=8)
        self.entry.bind("<Return>", lambda _e: self.submit())
        self.keypad = Keypad(right, self.typed, self.submit, _("OK"), limit=ID_LENGTH, letters=True)
        self.keypad.pack(fill="both", expand=True)
        self.busy = False

    def pristine(self) -> bool:
        """Nothing typed and nothing being read."""
        return not self.typed.get() and not self.busy and not self.message.cget("text")

    def say(self, text: str, style: str = "danger") -> None:
        """A message under the instructions."""
        self.message.configure(text=text, bootstyle=style)

    # typing ----------------------------------------------------------------------------------

    def submit(self) -> None:
        """OK: look up the typed card or ID number."""
        if self.busy:
            return
        value = self.typed.get().strip().upper()
        if len(value) == ID_LENGTH:
            try:
                value = parse_id_number(value).value
            except InvalidIdNumber as exc:
                self.say(id_problem(exc))
                return
            kind = KeyKind.ID_NUMBER
        elif CARD_NUMBER.match(value) or CARD_DIGITS.match(value):
            kind = KeyKind.CARD  # the 8 digits alone: the register finds the letter
        else:
            self.say(
                _(
                    "Type your card number (its letter with the ABC key, or only its 8 digits) "
                    "or your 18-character ID number."
                )
            )
            return
        self._busy(_("Looking up…"))
        self.ctx.tasks.submit(
            identify_typed, kind, value, on_done=self._found, on_error=self._failed, owner=self
        )

    # the card --------------------------------------------------------------------------------

    def on_card_event(self, event: ReaderEvent) -> None:
        """A card inserted: read it and find its holder."""
        if event.kind is not EventKind.CARD_INSERTED or self.busy:
            return
        self.typed.set("")
        self._busy(_("Reading your card…"))
        self.ctx.tasks.submit(
            identify_card,
            self.ctx.cards,
            event.reader,
            self.ctx.actor,
            on_done=self._found,
            on_error=self._failed,
            owner=self,
        )

    # outcomes --------------------------------------------------------------------------------

    def _busy(self, text: str) -> None:
        self.busy = True
        self.say(text, "secondary")

    def _found(self, customer: Customer) -> None:
        self.ctx.session.start(customer)
        self.ctx.show("verify")

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.typed.set("")
        self.say(kiosk_error(error))
