"""Input fields of the office screens, checked as they are typed: a person's ID or card number,
a date, a language, a file or folder."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from datetime import date
from pathlib import Path
from tkinter import filedialog

import ttkbootstrap as ttk

from desktop.app.theme import BIG_FONT
from desktop.app.widgets.print_dialog import STATEMENT_LANGUAGES
from desktop.core.i18n import _
from desktop.core.query import DayReading, QueryKind, QueryReading, read_day, read_query
from models.clock import local_today
from models.lookup import KeyKind
from models.people import PersonSummary

READING_STYLES = {True: "success", False: "danger"}


def on_enter(widgets: list[tk.Misc], action: Callable[[], None]) -> None:
    """Enter in any of `widgets` runs `action` (the window dispatches only F-keys and Esc)."""
    for widget in widgets:
        widget.bind("<Return>", lambda _e: (action(), "break")[1], add="+")
        widget.bind("<KP_Enter>", lambda _e: (action(), "break")[1], add="+")


class PersonField(ttk.Frame):
    """An ID number or a card number, read as typed like the waiting screen. A name cannot name
    one person: it is refused, unless the field takes `names` (its screen lists the matches and
    `choose`s one)."""

    def __init__(
        self,
        master: tk.Misc,
        width: int = 24,
        big: bool = True,
        hint: str | None = None,
        names: bool = False,
    ) -> None:
        super().__init__(master)
        self.hint = hint or _("Type the ID number or the card number.")
        self.names = names
        self.chosen: PersonSummary | None = None  # picked from a name's matches
        self.text = tk.StringVar(self)
        font = BIG_FONT if big else "TkTextFont"
        self.entry = ttk.Entry(self, textvariable=self.text, font=font, width=width)
        self.entry.grid(row=0, column=0, sticky="w")
        self.reading_label = ttk.Label(self, text="", bootstyle="secondary", wraplength=700)
        self.reading_label.grid(row=1, column=0, sticky="w", pady=(4, 0))
        self.text.trace_add("write", lambda *_a: self.show_reading())
        self.show_reading()

    def chosen_person(self) -> PersonSummary | None:
        """The person picked from a name's matches, while the field still shows their name."""
        chosen = self.chosen
        if chosen is not None and self.text.get().strip() == chosen.name:
            return chosen
        return None

    def choose(self, person: PersonSummary) -> None:
        """Take `person` (picked from the matches of the name typed)."""
        self.chosen = person
        self.text.set(person.name)

    def reading(self) -> QueryReading:
        """What the text is, with the line shown under it."""
        reading = read_query(self.text.get())
        if reading.kind is QueryKind.NAME and self.names:
            chosen = self.chosen_person()
            if chosen is not None:
                message = _("{name}, ID {number}, born {birth}.").format(
                    name=chosen.name, number=chosen.masked_ssn, birth=chosen.birth_date.isoformat()
                )
                return QueryReading(reading.kind, reading.value, True, message)
            return QueryReading(
                reading.kind,
                reading.value,
                False,
                reading.message if not reading.valid else _("A name: Enter lists the matches."),
                reading.birth_year,
            )
        if reading.kind is QueryKind.NAME:
            return QueryReading(
                reading.kind,
                reading.value,
                False,
                _("A name can match several people: type the ID number or the card number."),
            )
        if reading.kind is QueryKind.EMPTY:
            return QueryReading(reading.kind, reading.value, False, self.hint)
        if reading.kind is QueryKind.CARD and reading.valid:
            return QueryReading(reading.kind, reading.value, True, _("A card number."))
        return reading

    def wants_search(self) -> QueryReading | None:
        """The name to search for (a name typed, not yet chosen from its matches), or None."""
        reading = read_query(self.text.get())
        if self.names and reading.kind is QueryKind.NAME and self.chosen_person() is None:
            return reading
        return None

    def show_reading(self, insist: bool = False) -> QueryReading:
        """Show what the text reads as; `insist` marks an unfinished number as an error."""
        reading = self.reading()
        quiet = reading.kind in (QueryKind.EMPTY, QueryKind.ID_PARTIAL) and not insist
        quiet = quiet or (self.wants_search() is not None and read_query(self.text.get()).valid)
        style = "secondary" if quiet else READING_STYLES[reading.valid]
        self.reading_label.configure(text=reading.message, bootstyle=style)
        return reading

    def key(self) -> tuple[KeyKind, str] | None:
        """(kind, value) to look the person up by, or None (the line says why)."""
        reading = self.show_reading(insist=True)
        if not reading.valid:
            return None
        chosen = self.chosen_person()
        if chosen is not None:
            return KeyKind.ID_NUMBER, chosen.ssn
        kind = KeyKind.ID_NUMBER if reading.kind is QueryKind.ID else KeyKind.CARD
        return kind, reading.value

    def id_number(self) -> str | None:
        """A valid ID number typed, '' when nothing is typed, None when the text is not one."""
        reading = self.reading()
        if reading.kind is QueryKind.EMPTY:
            self.show_reading()
            return ""
        self.show_reading(insist=True)
        if reading.kind is QueryKind.ID and reading.valid:
            return reading.value
        if reading.valid:  # a card number: this field wants the ID number
            self.reading_label.configure(
                text=_("Type the 18 characters of the ID number."), bootstyle="danger"
            )
        return None

    def clear(self) -> None:
        """Empty the field."""
        self.text.set("")


class DateField(ttk.Frame):
    """A day typed as YYYY-MM-DD, checked as typed."""

    def __init__(self, master: tk.Misc, value: date | None = None) -> None:
        super().__init__(master)
        self.text = tk.StringVar(self, value=value.isoformat() if value else "")
        self.entry = ttk.Entry(self, textvariable=self.text, width=12)
        self.entry.pack(side="left")
        self.check = ttk.Label(self, text="", bootstyle="danger")
        self.check.pack(side="left", padx=(8, 0))
        self.text.trace_add("write", lambda *_a: self._on_type())

    def _on_type(self) -> None:
        self.check.configure(text=read_day(self.text.get()).problem)

    def value(self) -> date | None:
        """The day typed, or None (the field then says what is wrong)."""
        reading = read_day(self.text.get())
        if reading.value is None:
            self.check.configure(text=reading.problem or _("a date like 2026-11-28"))
        return reading.value

    def reading(self) -> DayReading:
        """The day typed, or what is wrong with it."""
        return read_day(self.text.get())

    def set(self, day: date) -> None:
        """Show `day`."""
        self.text.set(day.isoformat())


class LanguageChoice(ttk.Combobox):
    """The language of a document: 中文 or English."""

    def __init__(self, master: tk.Misc) -> None:
        self.var = tk.StringVar(master, value=STATEMENT_LANGUAGES["zh"])
        super().__init__(
            master,
            textvariable=self.var,
            values=list(STATEMENT_LANGUAGES.values()),
            width=10,
            state="readonly",
        )

    def code(self) -> str:
        """zh or en."""
        shown = self.var.get()
        return next((k for k, v in STATEMENT_LANGUAGES.items() if v == shown), "zh")

    def choose(self, code: str) -> None:
        """Select the language of `code`."""
        self.var.set(STATEMENT_LANGUAGES[code])


class YearChoice(ttk.Combobox):
    """A year of the last `years_back`, newest first; last year chosen at first."""

    def __init__(self, master: tk.Misc, years_back: int = 30) -> None:
        this_year = local_today().year
        self.var = tk.StringVar(master, value=str(this_year - 1))
        super().__init__(
            master,
            textvariable=self.var,
            values=[str(y) for y in range(this_year, this_year - years_back, -1)],
            width=8,
            state="readonly",
        )

    def year(self) -> int:
        """The chosen year."""
        return int(self.var.get())


class PathField(ttk.Frame):
    """A file or folder path: typed, or chosen with the system's dialog."""

    def __init__(self, master: tk.Misc, folder: bool, width: int = 56) -> None:
        super().__init__(master)
        self.folder = folder
        self.text = tk.StringVar(self)
        self.entry = ttk.Entry(self, textvariable=self.text, width=width)
        self.entry.pack(side="left", fill="x", expand=True)
        self.button = ttk.Button(
            self, text=_("Choose…"), command=self.choose, bootstyle="secondary-outline"
        )
        self.button.pack(side="left", padx=(8, 0))

    def choose(self) -> None:
        """Open the file or folder dialog."""
        start = self.path()
        initial = str(start if start and start.is_dir() else (start.parent if start else Path()))
        if self.folder:
            chosen = filedialog.askdirectory(parent=self, initialdir=initial, mustexist=False)
        else:
            chosen = filedialog.askopenfilename(
                parent=self,
                initialdir=initial,
                filetypes=[(_("Text files"), "*.txt *.csv"), (_("All files"), "*")],
            )
        if chosen:
            self.text.set(chosen)
        self.entry.focus_set()

    def path(self) -> Path | None:
        """The path typed or chosen (None when empty)."""
        text = self.text.get().strip()
        return Path(text).expanduser() if text else None

    def set(self, path: Path) -> None:
        """Show `path`."""
        self.text.set(str(path))
