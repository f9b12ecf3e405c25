"""A small table for touch screens: headings that wrap, large rows, no scroll bar.

The kiosk shows one year's insurance types at a time (at most a handful of rows), so a grid of
labels fits without scrolling, and a heading too long for its column wraps instead of being
cut off ("In arre…").
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence

import ttkbootstrap as ttk

ARREARS_COLOUR = "danger"


class YearGrid(ttk.Frame):
    """Headings over rows of text; a row flagged in arrears is shown in the danger colour."""

    def __init__(
        self, master: tk.Misc, headings: Sequence[str], anchors: Sequence[str], wrap: int = 150
    ) -> None:
        super().__init__(master, padding=(0, 4))
        self.anchors = tuple(anchors)
        self.headings = [
            ttk.Label(self, text=text, font="TkHeadingFont", wraplength=wrap, justify=_justify(a))
            for text, a in zip(headings, self.anchors, strict=True)
        ]
        for column, heading in enumerate(self.headings):
            heading.grid(row=0, column=column, sticky=_sticky(self.anchors[column]), padx=6)
            self.columnconfigure(column, weight=1)
        ttk.Separator(self).grid(
            row=1, column=0, columnspan=len(self.headings), sticky="ew", pady=(6, 2)
        )
        self._cells: list[list[ttk.Label]] = []

    def set_rows(self, rows: Sequence[Sequence[str]], arrears: Sequence[bool]) -> None:
        """Replace the rows."""
        for row in self._cells:
            for cell in row:
                cell.destroy()
        self._cells = []
        for index, (values, late) in enumerate(zip(rows, arrears, strict=True)):
            cells = []
            for column, text in enumerate(values):
                cell = ttk.Label(self, text=text, bootstyle=ARREARS_COLOUR if late else "default")
                cell.grid(
                    row=index + 2,
                    column=column,
                    sticky=_sticky(self.anchors[column]),
                    padx=6,
                    pady=2,
                )
                cells.append(cell)
            self._cells.append(cells)

    def rows(self) -> list[tuple[str, ...]]:
        """The rows shown, as text."""
        return [tuple(str(cell.cget("text")) for cell in row) for row in self._cells]


def _sticky(anchor: str) -> str:
    return "e" if anchor == "e" else "w"


def _justify(anchor: str) -> str:
    return "right" if anchor == "e" else "left"
