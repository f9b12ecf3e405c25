"""How far a batch is: a bar, the counts, the pace and the time left."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from desktop.core.i18n import _
from desktop.core.office_batch import BatchProgress


def duration(seconds: float) -> str:
    """'45 s', '3 min 20 s', '1 h 05 min'."""
    whole = max(0, round(seconds))
    if whole < 60:
        return _("{s} s").format(s=whole)
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return _("{m} min {s} s").format(m=minutes, s=secs)
    hours, minutes = divmod(minutes, 60)
    return _("{h} h {m:02d} min").format(h=hours, m=minutes)


class ProgressPanel(ttk.Frame):
    """A determinate bar with 'made / already made / failed of total' and the pace."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master)
        self.columnconfigure(0, weight=1)
        self.bar = ttk.Progressbar(self, mode="determinate", maximum=1, bootstyle="success")
        self.bar.grid(row=0, column=0, sticky="ew")
        line = ttk.Frame(self)
        line.grid(row=1, column=0, sticky="w", pady=(6, 0))
        self.counts = ttk.Label(line, text="", font="TkHeadingFont")
        self.counts.pack(side="left")
        self.pace = ttk.Label(line, text="", bootstyle="secondary")
        self.pace.pack(side="left", padx=(16, 0))

    def show(self, progress: BatchProgress, final: bool = False) -> None:
        """Show `progress` (`final`: the batch has ended, no time is left)."""
        self.bar.configure(maximum=max(progress.total, 1), value=progress.done)
        self.counts.configure(
            text=_(
                "{done} of {total}: {made} made, {skipped} already made, {failed} failed"
            ).format(
                done=progress.done,
                total=progress.total,
                made=progress.made,
                skipped=progress.skipped,
                failed=progress.failed,
            )
        )
        left = progress.seconds_left
        pace = _("{rate:.1f} per second").format(rate=progress.per_second)
        if left is not None and progress.done < progress.total and not final:
            pace += " · " + _("about {time} left").format(time=duration(left))
        if not final:
            pace += " · " + _("{time} so far").format(time=duration(progress.seconds))
        self.pace.configure(text=pace)

    def starting(self, total: int) -> None:
        """A batch of `total` is starting."""
        self.bar.configure(maximum=max(total, 1), value=0)
        self.counts.configure(text=_("Starting: {total} to do…").format(total=total))
        self.pace.configure(text="")
