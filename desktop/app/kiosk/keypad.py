"""An on-screen keypad for touch screens: digits with X (ID numbers may end in X), and, where
card numbers are typed, a page of letters (a card number starts with one)."""

from __future__ import annotations

import string
import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from desktop.core.i18n import _

KEYS = (("1", "2", "3"), ("4", "5", "6"), ("7", "8", "9"), ("X", "0", "⌫"))
LETTER_COLUMNS = 7  # 26 letters and the way back in four rows of seven
KEY_PADDING = 16  # inner padding (px) on each side: keys are well over 48 px square
KEY_STYLE = "KioskKey.primary.TButton"


class Keypad(ttk.Frame):
    """Digits, X and delete fill a StringVar; Clear empties it; the OK key calls `on_ok`.

    `allow_x` is False for PINs and passwords (digits only). `letters` adds the "ABC" key: it
    shows a page of the 26 letters; touching one types it and brings the digits back (a card
    number has one letter, its first). `limit` caps the length.
    """

    def __init__(
        self,
        master: tk.Misc,
        value: tk.StringVar,
        on_ok: Callable[[], None],
        ok_text: str,
        limit: int = 18,
        allow_x: bool = True,
        letters: bool = False,
    ) -> None:
        super().__init__(master)
        self.value = value
        self.limit = limit
        self.buttons: dict[str, ttk.Button] = {}
        self.letter_buttons: dict[str, ttk.Button] = {}
        self.digit_page = ttk.Frame(self)
        self.digit_page.grid(row=0, column=0, columnspan=3, sticky="nsew")
        for row, keys in enumerate(KEYS):
            for column, key in enumerate(keys):
                button = self._key(self.digit_page, key, lambda k=key: self.press(k))
                button.grid(row=row, column=column, sticky="nsew", padx=4, pady=4)
                self.buttons[key] = button
            self.digit_page.rowconfigure(row, weight=1, uniform="row")
        for column in range(3):
            self.digit_page.columnconfigure(column, weight=1, uniform="key")
        if not allow_x:
            self.buttons["X"].grid_remove()
        self.letter_page: ttk.Frame | None = None
        if letters:
            self.letter_page = self._letter_page()
        self.buttons["clear"] = self._key(self, _("Clear"), self.clear)
        self.buttons["clear"].grid(row=1, column=0, sticky="nsew", padx=4, pady=4)
        self.buttons["ok"] = ttk.Button(
            self, text=ok_text, style="Kiosk.success.TButton", command=on_ok, takefocus=False
        )
        if letters:
            self.buttons["abc"] = self._key(self, "ABC", self.show_letters)
            self.buttons["abc"].grid(row=1, column=1, sticky="nsew", padx=4, pady=4)
            self.buttons["ok"].grid(row=1, column=2, sticky="nsew", padx=4, pady=4)
        else:
            self.buttons["ok"].grid(row=1, column=1, columnspan=2, sticky="nsew", padx=4, pady=4)
        self.rowconfigure(0, weight=4)
        self.rowconfigure(1, weight=1)
        for column in range(3):
            self.columnconfigure(column, weight=1, uniform="key")

    def _key(self, master: tk.Misc, text: str, command: Callable[[], None]) -> ttk.Button:
        return ttk.Button(master, text=text, style=KEY_STYLE, command=command, takefocus=False)

    def _letter_page(self) -> ttk.Frame:
        page = ttk.Frame(self)
        for i, letter in enumerate(string.ascii_uppercase):
            button = self._key(page, letter, lambda k=letter: self.press_letter(k))
            button.grid(
                row=i // LETTER_COLUMNS, column=i % LETTER_COLUMNS, sticky="nsew", padx=3, pady=3
            )
            self.letter_buttons[letter] = button
        back = self._key(page, "123", self.show_digits)
        back.grid(row=3, column=LETTER_COLUMNS - 2, columnspan=2, sticky="nsew", padx=3, pady=3)
        self.letter_buttons["back"] = back
        for row in range(4):
            page.rowconfigure(row, weight=1, uniform="row")
        for column in range(LETTER_COLUMNS):
            page.columnconfigure(column, weight=1, uniform="key")
        return page

    @property
    def showing_letters(self) -> bool:
        """True while the page of letters is shown."""
        return self.letter_page is not None and self.letter_page.winfo_manager() == "grid"

    def show_letters(self) -> None:
        """The "ABC" key: the letters take the digits' place (touching it again goes back)."""
        if self.letter_page is None:
            return
        if self.showing_letters:
            self.show_digits()
            return
        self.digit_page.grid_remove()
        self.letter_page.grid(row=0, column=0, columnspan=3, sticky="nsew")
        self.buttons["abc"].configure(text="123")

    def show_digits(self) -> None:
        """Back to the digits."""
        if self.letter_page is None:
            return
        self.letter_page.grid_remove()
        self.digit_page.grid()
        self.buttons["abc"].configure(text="ABC")

    def press(self, key: str) -> None:
        """A key touched: add a character, or delete the last one."""
        text = self.value.get()
        if key == "⌫":
            self.value.set(text[:-1])
        elif len(text) < self.limit:
            self.value.set(text + key)

    def press_letter(self, letter: str) -> None:
        """A letter touched: type it, and bring the digits back for the rest of the number."""
        self.press(letter)
        self.show_digits()

    def clear(self) -> None:
        """Empty the value (and show the digits)."""
        self.value.set("")
        self.show_digits()
