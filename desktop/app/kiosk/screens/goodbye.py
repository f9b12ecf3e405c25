"""Goodbye: nothing of the citizen is left; the welcome comes back by itself."""

from __future__ import annotations

from typing import Any

import ttkbootstrap as ttk

from cards.monitor import EventKind, ReaderEvent
from desktop.app.kiosk.screens.base import KioskScreen
from desktop.app.kiosk.style import HUGE_FONT
from desktop.core.i18n import _


class GoodbyeScreen(KioskScreen):
    """Thanks, and a reminder to take the card."""

    key = "goodbye"

    def build(self) -> None:
        """The thanks, a place for the reminder, and "Start again"."""
        ttk.Label(self, text=_("Thank you. Goodbye."), font=HUGE_FONT, bootstyle="primary").pack(
            anchor="center", pady=(120, 24)
        )
        self.reminder = self.line(self, "", bootstyle="danger")
        self.reminder.pack(anchor="center")
        self.again = self.big_button(self, _("Start again"), self.ctx.end_session)
        self.again.pack(anchor="center", pady=(48, 0))

    def on_show(self, **data: Any) -> None:
        """`card=True`: the citizen came with their card; remind them to take it."""
        self.reminder.configure(text=_("Please take your card.") if data.get("card") else "")

    def pristine(self) -> bool:
        """Nothing of anyone is on it."""
        return True

    def on_card_event(self, event: ReaderEvent) -> None:
        """The card taken out: the welcome comes back."""
        if event.kind is EventKind.CARD_REMOVED:
            self.ctx.end_session()
