"""Many rows on a touch screen: a few at a time, turned with large buttons (no scroll bar)."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence

import ttkbootstrap as ttk

from desktop.app.kiosk.style import button_style
from desktop.app.kiosk.year_grid import YearGrid
from desktop.core.i18n import _


class PagedGrid:
    """A YearGrid showing `page_size` rows, and "newer"/"earlier" buttons with the page number
    (placed by the screen, e.g. in its button row). Rows are given newest first."""

    def __init__(
        self,
        master: tk.Misc,
        controls: tk.Misc,
        headings: Sequence[str],
        anchors: Sequence[str],
        page_size: int = 4,
    ) -> None:
        self.grid = YearGrid(master, headings, anchors, wrap=160)
        self.page_size = page_size
        self.page = 0
        self._rows: list[tuple[str, ...]] = []
        self.controls = ttk.Frame(controls)
        self.newer = ttk.Button(
            self.controls,
            text=_("▲ Newer"),
            style=button_style("primary"),
            command=lambda: self.turn(-1),
            takefocus=False,
        )
        self.newer.pack(side="left")
        self.where = ttk.Label(self.controls, text="", padding=(16, 0))
        self.where.pack(side="left")
        self.earlier = ttk.Button(
            self.controls,
            text=_("▼ Earlier"),
            style=button_style("primary"),
            command=lambda: self.turn(1),
            takefocus=False,
        )
        self.earlier.pack(side="left")

    @property
    def pages(self) -> int:
        """How many pages the rows fill (at least one)."""
        return max(1, -(-len(self._rows) // self.page_size))

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        """Replace the rows and show the first page."""
        self._rows = [tuple(row) for row in rows]
        self.page = 0
        self._show()

    def turn(self, step: int) -> None:
        """Show the page `step` pages on (positive: earlier rows)."""
        self.page = min(max(0, self.page + step), self.pages - 1)
        self._show()

    def rows(self) -> list[tuple[str, ...]]:
        """The rows of the page shown."""
        return self.grid.rows()

    def all_rows(self) -> list[tuple[str, ...]]:
        """Every row, on every page."""
        return list(self._rows)

    def _show(self) -> None:
        start = self.page * self.page_size
        shown = self._rows[start : start + self.page_size]
        self.grid.set_rows(shown, [False] * len(shown))
        self.where.configure(
            text=_("Page {page} of {pages}").format(page=self.page + 1, pages=self.pages)
        )
        self.newer.configure(state="normal" if self.page > 0 else "disabled")
        self.earlier.configure(state="normal" if self.page < self.pages - 1 else "disabled")
