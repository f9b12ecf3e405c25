"""The kiosk's screen base: made new each time it is shown, destroyed when left."""

from __future__ import annotations

import tkinter as tk
from typing import Any, ClassVar

import ttkbootstrap as ttk

from cards.monitor import ReaderEvent
from desktop.app.kiosk.context import KioskContext
from desktop.app.kiosk.style import LARGE_FONT, button_style


class KioskScreen(ttk.Frame):
    """One kiosk screen. Subclasses set `key` and implement `build(**data)`; `__init__` only
    remembers the context."""

    key: ClassVar[str] = ""

    def __init__(self, master: tk.Misc, ctx: KioskContext) -> None:
        super().__init__(master, padding=(48, 24))
        self.ctx = ctx

    def build(self, **data: Any) -> None:
        """Create the screen's widgets for `data`."""
        raise NotImplementedError

    def pristine(self) -> bool:
        """True when the screen holds nothing a citizen typed or was shown (the idle timeout
        leaves it alone)."""
        return False

    def on_card_event(self, event: ReaderEvent) -> None:
        """A reader event while this screen is shown (card removal is handled by the kiosk)."""

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
