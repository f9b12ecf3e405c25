"""The passphrase window shown before the application when the register is encrypted and this
computer's keyring does not hold its passphrase (or holds one that no longer opens it): a
supervisor types the office passphrase.

Keyboard first: the entry has the focus, Enter unlocks, Esc quits. A wrong passphrase is said
so and may be typed again; nothing of the register is changed by a try.
"""

from __future__ import annotations

import gc
import tkinter as tk
from collections.abc import Callable
from pathlib import Path

import ttkbootstrap as ttk

from desktop.app import theme
from desktop.core.i18n import _
from models.cipher import connect_encrypted
from models.errors import WrongPassphrase

Check = Callable[[str], bool]


def passphrase_opens(register_path: Path) -> Check:
    """A check that tells whether a passphrase opens the register at `register_path`
    (read-only: nothing is written)."""

    def check(passphrase: str) -> bool:
        try:
            connect_encrypted(register_path, passphrase).close()
        except WrongPassphrase:
            return False
        return True

    return check


class UnlockWindow:
    """The window's widgets and its outcome (`passphrase`: None until unlocked)."""

    def __init__(self, root: tk.Tk, check: Check, office_label: str, notice: str = "") -> None:
        """The window in `root`; `notice` says why it is shown although the keyring had a
        passphrase (one that no longer opens the register)."""
        self.root = root
        self.check = check
        self.passphrase: str | None = None
        root.title(_("counterdesk: unlock the register"))
        frame = ttk.Frame(root, padding=30)
        frame.pack(fill="both", expand=True)
        ttk.Label(frame, text=_("Unlock the register"), font=theme.TITLE_FONT).pack(anchor="w")
        ttk.Label(frame, text=office_label, bootstyle="secondary").pack(anchor="w", pady=(0, 12))
        ttk.Label(
            frame,
            text=_(
                "The register of this office is encrypted: a supervisor enters the office "
                "passphrase."
            ),
            wraplength=520,
        ).pack(anchor="w")
        self.notice = ttk.Label(frame, text=notice, bootstyle="warning", wraplength=520)
        if notice:
            self.notice.pack(anchor="w", pady=(8, 0))
        self.entry = ttk.Entry(frame, width=32, show="•", font=theme.BIG_FONT)
        self.entry.pack(anchor="w", fill="x", pady=(14, 6))
        buttons = ttk.Frame(frame)
        buttons.pack(fill="x", pady=(8, 0))
        ttk.Button(buttons, text=_("Unlock"), command=self.submit, bootstyle="primary").pack(
            side="right"
        )
        ttk.Button(buttons, text=_("Quit (Esc)"), command=self.quit, bootstyle="secondary").pack(
            side="right", padx=(0, 10)
        )
        self.message = ttk.Label(frame, text="", bootstyle="danger", wraplength=520)
        self.message.pack(anchor="w", pady=(12, 0))
        self.entry.bind("<Return>", lambda _e: self.submit())
        root.bind("<Escape>", lambda _e: self.quit())
        root.protocol("WM_DELETE_WINDOW", self.quit)
        self.entry.focus_set()

    def submit(self) -> None:
        """Check the typed passphrase: close the window when it opens the register, else say
        it was wrong and let them type again."""
        typed = self.entry.get()
        self.entry.delete(0, "end")
        if not typed:
            self.message.configure(text=_("Type the office passphrase."))
            return
        self.message.configure(text=_("Checking…"), bootstyle="secondary")
        self.root.update_idletasks()
        if not self.check(typed):
            self.message.configure(
                text=_(
                    "Wrong passphrase: the register stays locked. Try again, or press Esc to quit."
                ),
                bootstyle="danger",
            )
            return
        self.passphrase = typed
        self.root.destroy()

    def quit(self) -> None:
        """Close without unlocking."""
        self.root.destroy()


def stale_keyring_notice() -> str:
    """Why the window is shown when the keyring's passphrase no longer opens the register."""
    return _(
        "The passphrase this computer's keyring holds no longer opens the register (it was "
        "changed, or the register was restored from another computer). Type the current "
        "office passphrase: it replaces the stored one."
    )


def ask_passphrase(
    register_path: Path, office_label: str, text_size: int = 14, notice: str = ""
) -> str | None:
    """Show the window until the right passphrase is typed (returned) or Esc (None)."""
    root = ttk.App(title="counterdesk", theme=theme.DEFAULT_THEME_NAME)
    theme.apply_fonts(root, text_size)
    window = UnlockWindow(root, passphrase_opens(register_path), office_label, notice)
    root.update_idletasks()
    root.geometry(f"+{max(0, (root.winfo_screenwidth() - root.winfo_reqwidth()) // 2)}+120")
    root.after_idle(window.entry.focus_force)  # the first window of the day: take the keyboard
    root.mainloop()
    passphrase = window.passphrase
    del window, root
    # the closed window's Tk objects (ttkbootstrap's images among them) are freed here, on the
    # main thread: collected later on a worker, each would call a Tk that is gone
    gc.collect()
    return passphrase
