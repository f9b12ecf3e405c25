"""The customer screen's header: who the person is, balances, and how old the data is."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from desktop.app.theme import BIG_FONT, TITLE_FONT
from desktop.core.formatting import ACCOUNT_KIND, GENDER, PERSON_STATUS, label, yuan
from desktop.core.freshness import data_as_of_text
from desktop.core.i18n import _
from desktop.core.status import BarStatus
from desktop.core.visit import Visit


def mask_phone(phone: str | None) -> str:
    """138****1234 ('-' for none)."""
    if not phone:
        return "-"
    if len(phone) < 7:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


class PersonHeader(ttk.Frame):
    """Name, ID number (masked until revealed), status, balances and 'data as of'."""

    def __init__(self, master: tk.Misc, on_reveal: Callable[[], None]) -> None:
        super().__init__(master)
        top = ttk.Frame(self)
        top.pack(fill="x")
        self.name = ttk.Label(top, text="", font=TITLE_FONT)
        self.name.pack(side="left")
        self.details = ttk.Label(top, text="", bootstyle="secondary")
        self.details.pack(side="left", padx=(16, 0))
        self.balances = ttk.Label(top, text="", font=BIG_FONT, bootstyle="primary")
        self.balances.pack(side="right")
        line = ttk.Frame(self)
        line.pack(fill="x", pady=(4, 0))
        self.ssn = ttk.Label(line, text="", font=BIG_FONT)
        self.ssn.pack(side="left")
        self.reveal_button = ttk.Button(
            line, text="", command=on_reveal, bootstyle="secondary-outline", takefocus=False
        )
        self.reveal_button.pack(side="left", padx=(12, 0))
        self.contact = ttk.Label(line, text="", bootstyle="secondary")
        self.contact.pack(side="left", padx=(16, 0))
        self.as_of = ttk.Label(line, text="", bootstyle="secondary", anchor="e")
        self.as_of.pack(side="right", padx=(16, 0))

    def show(self, visit: Visit, status: BarStatus) -> None:
        """Fill in for `visit`; `status` says how old the data is (the status bar's reading)."""
        person = visit.overview.person
        self.name.configure(text=person.name)
        self.details.configure(
            text=" · ".join(
                (
                    label(GENDER, person.gender),
                    _("born {date}").format(date=person.birth_date.isoformat()),
                    label(PERSON_STATUS, person.status),
                )
            )
        )
        revealed = visit.revealed_ssn
        self.ssn.configure(text=_("ID {number}").format(number=revealed or person.masked_ssn))
        self.reveal_button.configure(text=_("F2 Hide") if revealed else _("F2 Reveal (logged)"))
        self.contact.configure(
            text=_("Phone {phone}").format(
                phone=(person.phone or "-") if revealed else mask_phone(person.phone)
            )
        )
        balances = [
            f"{label(ACCOUNT_KIND, a.kind)} {yuan(a.balance_fen)}" for a in visit.overview.accounts
        ]
        self.balances.configure(text="   ".join(balances))
        self.show_as_of(status)

    def show_as_of(self, status: BarStatus) -> None:
        """'Data as of', in the words of the status bar for the same reading."""
        self.as_of.configure(text=data_as_of_text(status, status.checked_at))
