"""The window shown when the application cannot open its register: what happened, what to do.

Started from a desktop icon, the application has no terminal: a register that is damaged, busy,
on a full disk or unreadable must be explained on the screen, not only on stderr. The window
says it in the application's language (the details in the register's own words below), waits
for Close (Esc, Return), and the command still ends with its exit code.
"""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from desktop.app import theme
from desktop.core.i18n import _, set_language
from models.errors import (
    DamagedRegister,
    DiskFull,
    RegisterBusy,
    RegisterInUse,
    RegisterIOError,
    RegisterUnavailable,
    SchemaTooNew,
)


def what_to_do(error: Exception) -> tuple[str, str]:
    """The heading and the advice for a register that could not be opened."""
    if isinstance(error, DamagedRegister):
        return _("The register is damaged"), _(
            "Nothing was changed. Call the office's supervisor or support: first save the "
            "commands not yet sent to headquarters and the audit log (counterdesk db salvage), "
            "then restore the latest backup or sync a fresh register."
        )
    if isinstance(error, SchemaTooNew):
        return _("The register is from a newer counterdesk"), _(
            "Nothing was changed. Install the newer counterdesk on this computer."
        )
    if isinstance(error, (RegisterBusy, RegisterInUse)):
        return _("The register is busy"), _(
            "Another counterdesk program is using it (a conversion or a restore). Wait a moment "
            "and start the application again."
        )
    if isinstance(error, DiskFull):
        return _("The disk is full"), _(
            "Nothing already stored was lost. Free some disk space (old backups, downloads), "
            "then start the application again."
        )
    if isinstance(error, RegisterIOError):
        return _("The disk could not be read"), _(
            "The computer reported a disk error. Call support: the disk may be failing."
        )
    return _("The register cannot be opened"), _(
        "Check the office home folder and its permissions, or call support."
    )


class ProblemWindow:
    """The widgets of the window (built on `root`)."""

    def __init__(self, root: tk.Misc, error: Exception, text_size: int = 14) -> None:
        heading, advice = what_to_do(error)
        root.title("counterdesk")
        frame = ttk.Frame(root, padding=32)
        frame.pack(fill="both", expand=True)
        self.heading = ttk.Label(
            frame, text=heading, font=("", text_size + 8, "bold"), bootstyle="danger"
        )
        self.heading.pack(anchor="w", pady=(0, 16))
        self.advice = ttk.Label(frame, text=advice, wraplength=720, font=("", text_size))
        self.advice.pack(anchor="w", pady=(0, 16))
        self.details = ttk.Label(
            frame,
            text=_("Details: {text}").format(text=str(error)),
            wraplength=720,
            bootstyle="secondary",
        )
        self.details.pack(anchor="w", pady=(0, 24))
        self.close = ttk.Button(frame, text=_("Close"), command=root.destroy, bootstyle="primary")
        self.close.pack(anchor="e")
        self.close.focus_set()
        for key in ("<Escape>", "<Return>"):
            root.bind(key, lambda _e: root.destroy())


def show_problem(error: RegisterUnavailable, lang: str, text_size: int = 14) -> None:
    """Show the window for `error` until it is closed."""
    set_language(lang)
    theme.register_themes()
    root = ttk.App(title="counterdesk", theme=theme.DEFAULT_THEME_NAME)
    theme.apply_fonts(root, text_size)
    ProblemWindow(root, error, text_size)
    root.update_idletasks()
    root.geometry(f"+{max(0, (root.winfo_screenwidth() - root.winfo_reqwidth()) // 2)}+120")
    root.after_idle(root.focus_force)
    root.mainloop()
