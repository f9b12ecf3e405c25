"""What was done in this visit, and whether headquarters has confirmed each change yet."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from desktop.core.formatting import OUTBOX_STATUS, label
from desktop.core.i18n import _
from desktop.core.visit import ActionEntry

VISIBLE = 2  # the newest actions; older ones stay in the visit
STATE_STYLES = {"pending": "warning", "accepted": "success", "rejected": "danger", "local": "info"}


class ActionLog(ttk.Labelframe):
    """One line per action: what, and its state at headquarters."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, text=_("Done in this visit"), padding=(10, 4))
        self.lines: list[ttk.Frame] = []
        self.badges: list[ttk.Label] = []
        self.shown: list[tuple[str, str]] = []
        self.empty = ttk.Label(self, text=_("Nothing yet."), bootstyle="secondary")
        self.empty.pack(anchor="w")

    def texts(self) -> list[str]:
        """The lines shown, as 'what — state'."""
        return [f"{what} — {state}" for what, state in self.shown]

    def show(self, actions: list[ActionEntry]) -> None:
        """List `actions`, newest last: what was done, then a badge with its state."""
        for line in self.lines:
            line.destroy()
        self.lines.clear()
        self.badges.clear()
        self.shown.clear()
        if actions:
            self.empty.pack_forget()
        else:
            self.empty.pack(anchor="w")
        for action in actions[-VISIBLE:]:
            row = ttk.Frame(self)
            row.pack(anchor="w", pady=1, fill="x")
            text = ttk.Label(row, text=action.what, wraplength=700)
            text.pack(side="left")
            badge = ttk.Label(
                row,
                text=f" {state_text(action)} ",
                bootstyle="@" + STATE_STYLES.get(action.status, "secondary"),
            )
            badge.pack(side="left", padx=(10, 0))
            self.lines.append(row)
            self.badges.append(badge)
            self.shown.append((action.what, state_text(action)))


def state_text(action: ActionEntry) -> str:
    """Where the action stands with headquarters, in words."""
    if action.status == "local":
        return _("nothing to send")
    text = label(OUTBOX_STATUS, action.status)
    if action.status == "rejected" and action.reason:
        text += f": {action.reason}"
    return text
