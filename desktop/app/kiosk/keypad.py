"""An on-screen numeric keypad with X (ID numbers may end in X), for touch screens."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from desktop.core.i18n import _

KEYS = (("1", "2", "3"), ("4", "5", "6"), ("7", "8", "9"), ("X", "0", "⌫"))
KEY_PADDING = 16  # inner padding (px) on each side: keys are well over 48 px square


class Keypad(ttk.Frame):
    """Digits, X and delete fill a StringVar; Clear empties it; the OK key calls `on_ok`.

    `allow_x` is False for PINs and passwords (digits only). `limit` caps the length.
    """

    def __init__(
        self,
        master: tk.Misc,
        value: tk.StringVar,
        on_ok: Callable[[], None],
        ok_text: str,
        limit: int = 18,
        allow_x: bool = True,
    ) -> None:
        super().__init__(master)
        self.value = value
        self.limit = limit
        self.buttons: dict[str, ttk.Button] = {}
        for row, keys in enumerate(KEYS):
            for column, key in enumerate(keys):
                button = ttk.Button(
                    self,
                    text=key,
                    style="KioskKey.primary.TButton",
                    command=lambda k=key: self.press(k),
                    takefocus=False,
                )
                button.grid(row=row, column=column, sticky="nsew", padx=4, pady=4)
                self.buttons[key] = button
        if not allow_x:
            self.buttons["X"].grid_remove()
        self.buttons["clear"] = ttk.Button(
            self,
            text=_("Clear"),
            style="KioskKey.primary.TButton",
            command=self.clear,
            takefocus=False,
        )
        self.buttons["clear"].grid(row=4, column=0, sticky="nsew", padx=4, pady=4)
        self.buttons["ok"] = ttk.Button(
            self, text=ok_text, style="Kiosk.success.TButton", command=on_ok, takefocus=False
        )
        self.buttons["ok"].grid(row=4, column=1, columnspan=2, sticky="nsew", padx=4, pady=4)
        for column in range(3):
            self.columnconfigure(column, weight=1, uniform="key")

    def press(self, key: str) -> None:
        """A key touched: add a character, or delete the last one."""
        text = self.value.get()
        if key == "⌫":
            self.value.set(text[:-1])
        elif len(text) < self.limit:
            self.value.set(text + key)

    def clear(self) -> None:
        """Empty the value."""
        self.value.set("")
