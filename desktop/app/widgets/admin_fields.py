"""A titled block of named values, one per line: "Headquarters address   http://...".

Used by the office screens to show states (the link to headquarters) where a table would be
too much. Values are set by key; a value may carry a style (success, warning, danger, ...).
"""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

WRAP = 860  # pixels: long values (an error from headquarters) wrap instead of running off


class FieldBlock(ttk.Labelframe):
    """Rows of (name, value); `add` makes a row, `set` fills it."""

    def __init__(self, master: tk.Misc, title: str, wrap: int = WRAP) -> None:
        super().__init__(master, text=title, padding=(12, 6))
        self.wrap = wrap
        self.columnconfigure(1, weight=1)
        self.values: dict[str, ttk.Label] = {}
        self.names: dict[str, ttk.Label] = {}

    def add(self, key: str, name: str, details: bool = False) -> ttk.Label:
        """A row named `name` (translated), empty for now. A `details` row holds technical text
        for support as it was given (another program's words): its value is named "details_…"
        and shown in the secondary colour."""
        row = len(self.values)
        caption = ttk.Label(self, text=name, bootstyle="secondary")
        caption.grid(row=row, column=0, sticky="nw", padx=(0, 16), pady=2)
        value = ttk.Label(
            self,
            text="",
            wraplength=self.wrap,
            justify="left",
            name=f"details_{key}" if details else None,
            bootstyle="secondary" if details else "default",
        )
        value.grid(row=row, column=1, sticky="w", pady=2)
        self.names[key] = caption
        self.values[key] = value
        return value

    def set(self, key: str, text: str, style: str | None = None) -> None:
        """Show `text` in the row of `key` (in the theme's `style` colour when given)."""
        self.values[key].configure(text=text, bootstyle=style or "default")

    def text(self, key: str) -> str:
        """The text shown in the row of `key`."""
        return str(self.values[key].cget("text"))

    def show_row(self, key: str, shown: bool) -> None:
        """Show or hide a row."""
        for widget in (self.names[key], self.values[key]):
            if shown:
                widget.grid()
            else:
                widget.grid_remove()
