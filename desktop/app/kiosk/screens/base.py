"""The kiosk's screen base: the shared screen (desktop.app.registry), not kept, in large type.

A kiosk screen is made new each time it is shown and destroyed when left (`keep = False`), so
nothing of a citizen outlives the screen that showed it.
"""

from __future__ import annotations

import tkinter as tk
from typing import Any, ClassVar

import ttkbootstrap as ttk

from cards.monitor import ReaderEvent
from desktop.app.kiosk.context import KioskContext
from desktop.app.kiosk.style import LARGE_FONT, button_style
from desktop.app.registry import BaseScreen
from models.overview import Overview


class KioskScreen(BaseScreen[KioskContext]):
    """One kiosk screen. Subclasses set `key` and implement `build()` (the citizen and the
    kiosk's state are in the context) and, when shown with data, `on_show(**data)`."""

    keep: ClassVar[bool] = False
    frame_padding: ClassVar[int | tuple[int, int]] = (48, 24)

    def pristine(self) -> bool:
        """True when the screen holds nothing a citizen typed or was shown (the idle timeout
        leaves it alone)."""
        return False

    def on_card_event(self, event: ReaderEvent) -> None:
        """A reader event while this screen is shown (card removal is handled by the kiosk)."""

    def verified_overview(self) -> Overview | None:
        """The verified citizen's record; None (and back to the welcome) when nobody verified
        is being served: the screens that show a record are built for no one else."""
        customer = self.ctx.session.customer
        if customer is None or not customer.verified or customer.overview is None:
            self.after_idle(self.ctx.end_session)
            return None
        return customer.overview

    def finish(self) -> None:
        """ "Finish": end the session and say goodbye (reminding a card's holder to take it)."""
        by_card = bool(self.ctx.session.customer and self.ctx.session.customer.by_card)
        self.ctx.session.end()
        self.ctx.show("goodbye", card=by_card)

    def on_status(self) -> None:
        """The top bar's "data as of" changed (`ctx.data_as_of()`); screens showing it too
        follow."""

    def big_button(
        self, master: tk.Misc, text: str, command: Any, bootstyle: str = "primary"
    ) -> ttk.Button:
        """A large touch button."""
        return ttk.Button(
            master, text=text, command=command, style=button_style(bootstyle), takefocus=False
        )

    def line(
        self, master: tk.Misc, text: str = "", font: str = LARGE_FONT, **options: Any
    ) -> ttk.Label:
        """A label in a large font that wraps within the screen."""
        options.setdefault("wraplength", 1200)
        return ttk.Label(master, text=text, font=font, **options)
