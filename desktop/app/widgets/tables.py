"""A read-only table: a Treeview with headings, a scrollbar and keyboard selection."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence

import ttkbootstrap as ttk


class Table(ttk.Frame):
    """Columns given as (heading, width in pixels); rows as tuples of text."""

    def __init__(
        self,
        master: tk.Misc,
        columns: Sequence[tuple[str, int]],
        height: int = 10,
        anchors: Sequence[str] | None = None,
    ) -> None:
        super().__init__(master)
        ids = [f"c{i}" for i in range(len(columns))]
        self.tree = ttk.Treeview(
            self, columns=ids, show="headings", height=height, selectmode="browse"
        )
        for i, (column_id, (heading, width)) in enumerate(zip(ids, columns, strict=True)):
            anchor = anchors[i] if anchors else "w"
            self.tree.heading(column_id, text=heading, anchor=anchor)
            self.tree.column(column_id, width=width, minwidth=40, anchor=anchor, stretch=True)
        self._widths = {
            column_id: width for column_id, (_h, width) in zip(ids, columns, strict=True)
        }
        self.tree.bind("<Configure>", self._fit, add="+")
        scrollbar = ttk.Scrollbar(self, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scrollbar.set)
        self.tree.grid(row=0, column=0, sticky="nsew")
        scrollbar.grid(row=0, column=1, sticky="ns")
        self.rowconfigure(0, weight=1)
        self.columnconfigure(0, weight=1)

    def _fit(self, event: tk.Event) -> None:
        """Narrower than the columns want: shrink them all alike, so that none is cut off."""
        wanted = sum(self._widths.values())
        factor = min(1.0, max(event.width - 4, 1) / wanted)
        for column_id, width in self._widths.items():
            self.tree.column(column_id, width=max(40, int(width * factor)))

    def set_rows(self, rows: Sequence[Sequence[str]], tags: Sequence[str] | None = None) -> None:
        """Replace the rows; `tags` (one per row, "" for none) style rows by tag."""
        self.tree.delete(*self.tree.get_children())
        for i, row in enumerate(rows):
            tag = tags[i] if tags and tags[i] else ()
            self.tree.insert("", "end", iid=str(i), values=list(row), tags=tag)

    def tag(self, name: str, **options: str) -> None:
        """Style the rows tagged `name` (foreground, background, font)."""
        self.tree.tag_configure(name, **options)

    def rows(self) -> list[tuple[str, ...]]:
        """The rows shown, as text."""
        tree = self.tree
        return [tuple(str(v) for v in tree.item(i, "values")) for i in tree.get_children()]

    def selected_index(self) -> int | None:
        """The index of the selected row, or None."""
        selection = self.tree.selection()
        return int(selection[0]) if selection else None

    def focus_first(self) -> None:
        """Select the first row and put the keyboard focus in the table."""
        children = self.tree.get_children()
        if not children:
            return
        self.tree.selection_set(children[0])
        self.tree.focus(children[0])
        self.tree.focus_set()
