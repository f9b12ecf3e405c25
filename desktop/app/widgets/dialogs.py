"""Dialogs that do not block the main loop: they call back when the clerk answers.

One dialog at a time. A dialog grabs the keyboard and mouse of the application until it is
answered; Enter answers yes (or OK), Escape no (or cancel). `DialogHost.current` is the open one.
Should the keyboard go to the main window while a dialog is open (a click outside it, which a
window manager answers by focusing the window clicked), the dialog takes it back at once, so
that Enter and Escape keep answering it.
"""

from __future__ import annotations

import contextlib
import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from desktop.core.i18n import _


class Dialog(ttk.Toplevel):
    """A small modal window on top of the main one, placed over its centre."""

    def __init__(self, host: DialogHost, title: str) -> None:
        super().__init__(master=host.root, title=title, resizable=(False, False))
        self.host = host
        self.transient(host.root)
        # a frame of its own: without a window manager (or with a plain one) it must still
        # stand out from the window behind it
        colour = getattr(getattr(ttk.Style.get_instance(), "colors", None), "primary", "#0d6efd")
        self.configure(highlightthickness=3, highlightbackground=colour, highlightcolor=colour)
        self.heading = ttk.Label(self, text=title, font="TkCaptionFont", padding=(20, 16, 20, 0))
        self.heading.pack(fill="x")
        self.body = ttk.Frame(self, padding=20)
        self.body.pack(fill="both", expand=True)
        self.buttons = ttk.Frame(self, padding=(20, 0, 20, 20))
        self.buttons.pack(fill="x")
        self._return_focus: tk.Misc | None = None
        self.protocol("WM_DELETE_WINDOW", self.cancel)
        self.bind("<Escape>", lambda _e: self.cancel())

    def add_button(
        self, text: str, command: Callable[[], None], style: str = "primary", default: bool = False
    ) -> ttk.Button:
        """A button at the bottom right (the first added is the rightmost)."""
        button = ttk.Button(self.buttons, text=text, command=command, bootstyle=style)
        button.pack(side="right", padx=(10, 0))
        if default:
            self.bind("<Return>", lambda _e: button.invoke())
        return button

    def open(self) -> None:
        """Show the dialog over the main window and take the input."""
        self.update_idletasks()
        root = self.host.root
        x = root.winfo_rootx() + (root.winfo_width() - self.winfo_reqwidth()) // 2
        y = root.winfo_rooty() + (root.winfo_height() - self.winfo_reqheight()) // 3
        self.geometry(f"+{max(x, 0)}+{max(y, 0)}")
        self._return_focus = root.focus_get()
        self.host.current = self
        with contextlib.suppress(tk.TclError):  # not viewable yet: taken again with the focus
            self.grab_set()
        # forced: the keyboard may be with the main window (a window manager gave it there)
        self.focus_force()
        self.focus_first()
        self.bind("<FocusOut>", lambda _e: self.after_idle(self._keep_focus), add="+")
        self.bind("<ButtonPress>", lambda _e: self.after_idle(self._keep_focus), add="+")

    def _keep_focus(self) -> None:
        """After the keyboard left or a click: take it back if it went to this application's
        main window (a click outside the dialog); not from another application, and not from
        the dialog's own pop-ups (a combobox's list lives in a window below the dialog's)."""
        if self.host.current is not self or not self.winfo_exists():
            return
        focused = str(self.tk.call("focus"))  # a Tcl path: pop-ups have no Python widget
        if focused == str(self) or focused.startswith(f"{self}."):
            return
        x, y = self.winfo_pointerxy()
        if focused or str(self.tk.call("winfo", "containing", x, y)):
            self.take_focus()

    def focus_first(self) -> None:
        """Where the keyboard starts in this dialog."""
        self.focus_set()

    def close(self) -> None:
        """Close without answering (the caller decided)."""
        if self.host.current is self:
            self.host.current = None
        with contextlib.suppress(tk.TclError):
            self.grab_release()
        self.destroy()
        # the keys of the main window work again only where the keyboard focus is
        target = self._return_focus
        if target is None or not target.winfo_exists():
            target = self.host.root
        target.focus_force()

    def cancel(self) -> None:
        """Escape or the window's close button."""
        self.close()

    def take_focus(self) -> None:
        """Take the keyboard back (it went to the window behind): where it was in the dialog,
        else where it starts."""
        if not self.winfo_exists():
            return
        with contextlib.suppress(tk.TclError):
            self.lift()
            if self.grab_current() is None:
                self.grab_set()
        inside = self.focus_lastfor()
        if inside is not None and inside is not self and inside.winfo_toplevel() is self:
            inside.focus_force()
        else:
            self.focus_force()
            self.focus_first()


class ConfirmDialog(Dialog):
    """A yes/no question; `on_yes` runs after the dialog is closed."""

    def __init__(
        self,
        host: DialogHost,
        title: str,
        message: str,
        on_yes: Callable[[], None],
        yes_text: str,
        danger: bool = False,
    ) -> None:
        super().__init__(host, title)
        self._on_yes = on_yes
        self.message = ttk.Label(self.body, text=message, wraplength=560, justify="left")
        self.message.pack(anchor="w")
        self.no_button = self.add_button(_("Cancel"), self.cancel, style="secondary")
        self.yes_button = self.add_button(
            yes_text, self.yes, style="danger" if danger else "primary", default=True
        )

    def focus_first(self) -> None:
        """The yes button: Enter or Space confirms, Escape cancels."""
        self.yes_button.focus_set()

    def yes(self) -> None:
        """Confirmed."""
        self.close()
        self._on_yes()


class DialogHost:
    """Opens dialogs over `root` and knows the one that is open."""

    def __init__(self, root: tk.Misc) -> None:
        self.root = root
        self.current: Dialog | None = None

    def confirm(
        self,
        title: str,
        message: str,
        on_yes: Callable[[], None],
        yes_text: str | None = None,
        danger: bool = False,
    ) -> ConfirmDialog:
        """Ask a yes/no question; `on_yes` runs if confirmed."""
        self.close_all()
        dialog = ConfirmDialog(self, title, message, on_yes, yes_text or _("Yes"), danger)
        dialog.open()
        return dialog

    def open(self, dialog: Dialog) -> Dialog:
        """Open a dialog built by the caller (closing any other)."""
        if self.current is not dialog:
            self.close_all()
        dialog.open()
        return dialog

    def close_all(self) -> None:
        """Close the open dialog, if any (the session is locking, the language changes)."""
        if self.current is not None:
            self.current.close()
