"""The status bar: sync state and data age, pending changes, the reader, the signed-in clerk."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from datetime import datetime

import ttkbootstrap as ttk

from desktop.app.theme import SMALL_FONT
from desktop.core.cardreader import ReaderView
from desktop.core.config import ReaderMode
from desktop.core.formatting import ROLE, label
from desktop.core.freshness import data_as_of_text
from desktop.core.i18n import _, ngettext
from desktop.core.loading import progress_short
from desktop.core.status import BarStatus
from desktop.core.sync_words import sync_problem
from models.staff import StaffMember
from sync.errors import LinkStatus

CLOCK_SKEW_SHOWN_S = 300  # a clock more than 5 minutes off headquarters' is worth saying
SYNC_STYLES = {
    LinkStatus.NEVER: "secondary",
    LinkStatus.ONLINE: "success",
    LinkStatus.OFFLINE: "warning",
    LinkStatus.FAILING: "danger",
}


def sync_state_text(state: LinkStatus) -> str:
    """The sync state in words."""
    return {
        LinkStatus.NEVER: _("Not connected to headquarters"),
        LinkStatus.ONLINE: _("Online"),
        LinkStatus.OFFLINE: _("Offline"),
        LinkStatus.FAILING: _("Sync failing"),
    }[state]


def reader_text(view: ReaderView) -> str:
    """The reader's state in words."""
    if view.mode is ReaderMode.NONE:
        return _("No card reader")
    if view.service_up is False:
        return _("Card service not running")
    if view.reader is None:
        return _("No reader attached") if view.service_up else _("Looking for readers…")
    name = _("Training reader") if view.mode is ReaderMode.TRAINING else view.reader
    state = _("card inserted") if view.card_present else _("no card")
    return f"{name}: {state}"


class StatusBar(ttk.Frame):
    """One line at the bottom of the window."""

    def __init__(self, master: tk.Misc, on_rejected: Callable[[], None] | None = None) -> None:
        """`on_rejected` is called when the count of rejected changes is clicked."""
        super().__init__(master, padding=(10, 4), bootstyle="secondary")
        self.sync = ttk.Label(self, text="", bootstyle="@secondary", font=SMALL_FONT)
        self.as_of = ttk.Label(self, text="", bootstyle="@secondary", font=SMALL_FONT)
        self.pending = ttk.Label(self, text="", bootstyle="@secondary", font=SMALL_FONT)
        self.loading = ttk.Label(self, text="", bootstyle="@warning", font=SMALL_FONT)
        if on_rejected is not None:
            self.pending.bind(
                "<Button-1>",
                lambda _e: on_rejected() if self.snapshot and self.snapshot.rejected else None,
            )
        self.reader = ttk.Label(self, text="", bootstyle="@secondary", font=SMALL_FONT)
        self.clerk = ttk.Label(self, text="", bootstyle="@secondary", font=SMALL_FONT)
        # packed in order of importance: the last ones are cut when space runs out. The data's
        # age comes right after the link's state: every screen must say how fresh its data is
        self.sync.pack(side="left", padx=(0, 14))
        self.as_of.pack(side="left", padx=(0, 14))
        self.clerk.pack(side="right")
        self.reader.pack(side="right", padx=(0, 20))
        self.pending.pack(side="left")
        self.snapshot: BarStatus | None = None

    def show_sync(self, snapshot: BarStatus, now: datetime | None = None) -> None:
        """Show a sync snapshot (through the office relay: which link is down, if one is)."""
        self.snapshot = snapshot
        text = sync_state_text(snapshot.state)
        style = SYNC_STYLES[snapshot.state]
        if snapshot.office_link_down:
            text = _("Office link down: this PC works alone")
        elif snapshot.headquarters_link_down:
            text = _("Headquarters link down: the office works as one")
            style = SYNC_STYLES[LinkStatus.OFFLINE]
        elif snapshot.state is LinkStatus.FAILING and snapshot.reason:
            # the reason in words by its code; a code this version does not know shows the
            # state alone (the engine's English is on the headquarters link screen)
            reason = sync_problem(snapshot.error_code, None)
            if reason:
                text = _("{state}: {reason}").format(state=text, reason=_short(reason))
        self.sync.configure(text="● " + text, bootstyle=f"@{style}")
        loading = snapshot.loading
        if loading is None:
            self.loading.pack_forget()  # not even a sliver of its colour
        else:
            self.loading.configure(text=progress_short(loading), padding=(6, 0))
            self.loading.pack(side="left", after=self.sync, padx=(0, 14))
        # the age is counted to the reading's time, so every screen that says it agrees
        self.as_of.configure(text=data_as_of_text(snapshot, now or snapshot.checked_at))
        parts = [
            ngettext(
                "{n} change waiting to be sent",
                "{n} changes waiting to be sent",
                snapshot.pending,
            ).format(n=snapshot.pending)
        ]
        if snapshot.waiting_at_relay:
            parts.append(
                ngettext(
                    "{n} change waiting at the office relay",
                    "{n} changes waiting at the office relay",
                    snapshot.waiting_at_relay,
                ).format(n=snapshot.waiting_at_relay)
            )
        skew = snapshot.clock_skew_s
        if skew is not None and abs(skew) > CLOCK_SKEW_SHOWN_S:
            parts.append(_("clock off by {minutes} min").format(minutes=round(abs(skew) / 60)))
        if snapshot.rejected:
            parts.append(
                ngettext("{n} rejected", "{n} rejected", snapshot.rejected).format(
                    n=snapshot.rejected
                )
            )
        self.pending.configure(text=" · ".join(parts), cursor="hand2" if snapshot.rejected else "")

    def show_reader(self, view: ReaderView) -> None:
        """Show the reader's state."""
        self.reader.configure(text="▣ " + reader_text(view))

    def show_clerk(self, member: StaffMember | None, locked: bool = False) -> None:
        """Show who is signed in."""
        if member is None:
            self.clerk.configure(text=_("Not signed in"))
            return
        text = f"{member.display_name} ({member.username}, {label(ROLE, member.role.value)})"
        if locked:
            text += " · " + _("locked")
        self.clerk.configure(text=text)


def _short(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
