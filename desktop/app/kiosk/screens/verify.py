"""Verify: the card PIN through the reader when the card is in, else the query password."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from cards.errors import PinBlocked, WrongPin
from desktop.app.kiosk.customer import Customer
from desktop.app.kiosk.keypad import Keypad
from desktop.app.kiosk.messages import (
    kiosk_error,
    password_locked,
    pin_locked,
    wrong_password,
    wrong_pin,
)
from desktop.app.kiosk.screens.base import KioskScreen
from desktop.app.kiosk.services import CardNotUsable, check_password, open_record
from desktop.app.kiosk.style import HUGE_FONT, KEY_FONT
from desktop.core.i18n import _
from models.credentials import VerifyResult
from models.errors import CredentialLocked
from models.overview import Overview

SECRET_LIMIT = 8


class VerifyScreen(KioskScreen):
    """The citizen proves who they are before anything of their record is shown."""

    key = "verify"

    def build(self) -> None:
        """The question on the left, the hidden digits and the keypad on the right."""
        customer = self.ctx.session.customer
        self.by_card = bool(customer and customer.by_card)
        self.columnconfigure(0, weight=1)
        self.columnconfigure(1, weight=1)
        self.rowconfigure(0, weight=1)
        left = ttk.Frame(self)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 32))
        title = _("Enter your card PIN") if self.by_card else _("Enter your query password")
        ttk.Label(left, text=title, font=HUGE_FONT, bootstyle="primary", wraplength=560).pack(
            anchor="w"
        )
        hint = (
            _("Type the 6-digit PIN of your card, then touch OK. Cover the keypad with your hand.")
            if self.by_card
            else _(
                "The first query password is your birth date (8 digits, e.g. 19800101), unless "
                "you changed it."
            )
        )
        self.line(left, hint, font="TkDefaultFont", wraplength=560).pack(anchor="w", pady=(24, 0))
        self.message = self.line(left, "", wraplength=560)
        self.message.pack(anchor="w", pady=(24, 0))
        self.cancel = self.big_button(left, _("Cancel"), self.ctx.end_session, "secondary")
        self.cancel.pack(anchor="w", side="bottom")
        right = self.right = ttk.Frame(self)
        right.grid(row=0, column=1, sticky="nsew")
        self.secret = tk.StringVar(self)
        self.entry = ttk.Entry(right, textvariable=self.secret, show="•", font=KEY_FONT, width=19)
        self.entry.pack(fill="x", pady=(0, 12), ipady=8)
        self.entry.bind("<Return>", lambda _e: self.submit())
        self.keypad = Keypad(
            right, self.secret, self.submit, _("OK"), limit=SECRET_LIMIT, allow_x=False
        )
        self.keypad.pack(fill="both", expand=True)
        self.busy = False

    @property
    def customer(self) -> Customer | None:
        """The citizen being verified."""
        return self.ctx.session.customer

    def say(self, text: str, style: str = "danger") -> None:
        """A message under the question."""
        self.message.configure(text=text, bootstyle=style)

    def submit(self) -> None:
        """OK: check the PIN on the card, or the query password in the register."""
        customer = self.customer
        secret = self.secret.get()
        self.secret.set("")  # never kept on screen
        if customer is None or self.busy:
            return
        if not secret:
            self.say(_("Type the digits first, then touch OK."))
            return
        self._busy(True)
        tasks = self.ctx.tasks
        if self.by_card:
            tasks.submit(
                self.ctx.cards.verify_pin,
                customer.reader,
                secret,
                on_done=lambda _r: self._verified("card_pin"),
                on_error=self._pin_failed,
                owner=self,
            )
        else:
            tasks.submit(
                check_password,
                customer,
                secret,
                self.ctx.actor,
                self.ctx.unknown,
                on_done=self._password_checked,
                on_error=self._failed,
                owner=self,
            )

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        if busy:
            self.say(_("Checking…"), "secondary")

    def _lock(self, text: str) -> None:
        """Locked: the message stays, the keypad goes (only Cancel is left)."""
        self.say(text)
        for button in self.keypad.buttons.values():
            button.configure(state="disabled")
        self.entry.configure(state="disabled")
        self.right.grid_remove()

    def _pin_failed(self, error: BaseException) -> None:
        self._busy(False)
        if isinstance(error, WrongPin):
            if error.tries_left <= 0:
                self._lock(pin_locked())
            else:
                self.say(wrong_pin(error.tries_left))
        elif isinstance(error, PinBlocked):
            self._lock(pin_locked())
        else:
            self.say(kiosk_error(error))

    def _password_checked(self, result: VerifyResult) -> None:
        self._busy(False)
        if result.ok:
            self._verified("query_password")
        elif result.locked_until is not None:
            self._lock(password_locked())
        else:
            self.say(wrong_password(result.remaining_attempts))

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        if isinstance(error, CredentialLocked):
            self._lock(password_locked())
        elif isinstance(error, CardNotUsable):  # proved who they are, but not with this card
            self._lock(kiosk_error(error))
        else:
            self.say(kiosk_error(error))

    def _verified(self, how: str) -> None:
        customer = self.customer
        if customer is None:
            return
        self.busy = True
        self.say(_("Opening your record…"), "success")

        def opened(overview: Overview) -> None:
            customer.verified = True
            customer.overview = overview
            self.ctx.show("record")

        self.ctx.tasks.submit(
            open_record,
            customer,
            self.ctx.actor,
            how,
            on_done=opened,
            on_error=self._failed,
            owner=self,
        )
