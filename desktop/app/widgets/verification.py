"""Verification: the card PIN through the reader, the query password, the ID card in person."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from desktop.core.i18n import _, ngettext
from desktop.core.visit import Verification


class VerificationPanel(ttk.Labelframe):
    """Three ways for the customer to prove who they are; the outcome is shown on each line."""

    def __init__(
        self,
        master: tk.Misc,
        on_pin: Callable[[str], None],
        on_password: Callable[[str], None],
        on_id_checked: Callable[[bool], None],
        wrap: int = 340,
    ) -> None:
        """`wrap`: the width (pixels) its messages wrap at: the panel never grows wider."""
        super().__init__(master, text=_("Verification"), padding=10)
        self.columnconfigure(1, weight=1)
        ttk.Label(self, text=_("Card PIN")).grid(row=0, column=0, sticky="w")
        self.pin = ttk.Entry(self, show="•", width=8)
        self.pin.grid(row=0, column=1, sticky="w", padx=8)
        self.pin_button = ttk.Button(
            self, text=_("Check"), bootstyle="secondary", command=lambda: on_pin(self.take_pin())
        )
        self.pin_button.grid(row=0, column=2, sticky="e")
        self.pin_state = ttk.Label(self, text="", wraplength=wrap)
        self.pin_state.grid(row=1, column=0, columnspan=3, sticky="w", pady=(2, 8))
        ttk.Label(self, text=_("Query password")).grid(row=2, column=0, sticky="w")
        self.password = ttk.Entry(self, show="•", width=8)
        self.password.grid(row=2, column=1, sticky="w", padx=8)
        self.password_button = ttk.Button(
            self,
            text=_("Check"),
            bootstyle="secondary",
            command=lambda: on_password(self.take_password()),
        )
        self.password_button.grid(row=2, column=2, sticky="e")
        self.password_state = ttk.Label(self, text="", wraplength=wrap)
        self.password_state.grid(row=3, column=0, columnspan=3, sticky="w", pady=(2, 8))
        self.id_checked = tk.BooleanVar(self, value=False)
        self.id_check = ttk.Checkbutton(
            self,
            text=_("ID card checked in person"),
            variable=self.id_checked,
            command=lambda: on_id_checked(self.id_checked.get()),
        )
        self.id_check.grid(row=4, column=0, columnspan=3, sticky="w")
        self.pin.bind("<Return>", lambda _e: self.pin_button.invoke())
        self.password.bind("<Return>", lambda _e: self.password_button.invoke())

    def take_pin(self) -> str:
        """The PIN typed (the field is emptied: a PIN is never kept on screen)."""
        value = self.pin.get()
        self.pin.delete(0, "end")
        return value

    def take_password(self) -> str:
        """The query password typed (the field is emptied)."""
        value = self.password.get()
        self.password.delete(0, "end")
        return value

    def show(self, check: Verification, pin_possible: bool) -> None:
        """Show the state of each check; the PIN line needs the person's card in the reader."""
        self.id_checked.set(check.id_card_checked)
        pin_state = "normal" if pin_possible and not check.pin_verified else "disabled"
        self.pin.configure(state=pin_state)
        self.pin_button.configure(state=pin_state)
        if check.pin_verified:
            self.pin_state.configure(text=_("✔ PIN verified"), bootstyle="success")
        elif check.pin_tries_left is not None:
            self.pin_state.configure(text=_tries(check.pin_tries_left), bootstyle="danger")
        elif not pin_possible:
            self.pin_state.configure(
                text=_("Insert this person's card to check the PIN."), bootstyle="secondary"
            )
        else:
            self.pin_state.configure(text=_("The customer types the PIN."), bootstyle="secondary")
        can_check = not check.password_verified and not check.password_locked
        self.password.configure(state="normal" if can_check else "disabled")
        self.password_button.configure(state="normal" if can_check else "disabled")
        if check.password_verified:
            self.password_state.configure(text=_("✔ Query password correct"), bootstyle="success")
        elif check.password_locked:
            self.password_state.configure(
                text=_("The query password is locked: reset it (F7) after checking the ID card."),
                bootstyle="danger",
            )
        elif check.password_tries_left is not None:
            self.password_state.configure(
                text=ngettext(
                    "Wrong query password: {n} try left.",
                    "Wrong query password: {n} tries left.",
                    check.password_tries_left,
                ).format(n=check.password_tries_left),
                bootstyle="danger",
            )
        else:
            self.password_state.configure(text="")

    def say_pin(self, text: str, style: str) -> None:
        """Show a message on the PIN line (e.g. why the PIN could not be checked)."""
        self.pin_state.configure(text=text, bootstyle=style)


def _tries(tries_left: int) -> str:
    if tries_left == 0:
        return _("Wrong PIN: the card is now locked.")
    return ngettext(
        "Wrong PIN: {n} try left before the card locks.",
        "Wrong PIN: {n} tries left before the card locks.",
        tries_left,
    ).format(n=tries_left)
