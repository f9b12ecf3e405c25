"""The key footer: the keys of the screen shown, and what each does."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from desktop.app.registry import Shortcut
from desktop.core.i18n import _

KEY_NAMES = {"Escape": "Esc", "Return": "Enter"}


class KeyFooter(ttk.Frame):
    """A row of key captions; keys that cannot be used right now are greyed."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=(10, 6))
        self.captions: dict[str, ttk.Label] = {}

    def show(self, shortcuts: list[Shortcut]) -> None:
        """List `shortcuts` (translated)."""
        for child in self.winfo_children():
            child.destroy()
        self.captions.clear()
        for shortcut in shortcuts:
            enabled = shortcut.enabled()
            key = ttk.Label(
                self,
                text=f" {KEY_NAMES.get(shortcut.key, shortcut.key)} ",
                bootstyle="@primary" if enabled else "@secondary",
            )
            key.pack(side="left", padx=(0, 4))
            text = ttk.Label(
                self, text=_(shortcut.label), bootstyle="default" if enabled else "secondary"
            )
            text.pack(side="left", padx=(0, 14))
            self.captions[shortcut.key] = text
