"""One person's statement, of any kind made for one person (`models.document_kinds`): of a
year or of a period, printed or saved."""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from desktop.app.registry import Shortcut
from desktop.app.screens.office.doc_common import DocumentScreen, where_text
from desktop.app.widgets.office_fields import (
    DateField,
    LanguageChoice,
    PersonField,
    YearChoice,
    on_enter,
)
from desktop.app.widgets.print_dialog import printer_hint
from desktop.app.widgets.tables import Table
from desktop.core import documents, services
from desktop.core.doc_kinds import STATEMENT_WORDS
from desktop.core.formatting import PERSON_STATUS, label
from desktop.core.i18n import N_, _
from desktop.core.query import QueryReading, matches_title
from desktop.core.services import STATEMENTS_FOLDER
from models.clock import local_today, year_ago
from models.document_kinds import Span, document_kind, statement_kinds
from models.lookup import NameMatches
from models.people import PersonSummary
from models.permissions import Permission

YEARS_BACK = 30


class StatementScreen(DocumentScreen):
    """A statement for one person, by ID number, card number or name."""

    key = "statement"
    title_text = N_("Statements")
    menu_label = N_("Statement for one person…")
    permission = Permission.STATEMENTS

    def build(self) -> None:
        """The person, the kind, the year or period, the language, and the button."""
        row = self.build_header(
            _("Statement for one person"),
            _(
                "Type the person's ID number, card number or name (Enter lists the people of "
                "that name: pick one), choose the statement, then press Enter."
            ),
        )
        form = ttk.Frame(self)
        form.grid(row=row, column=0, sticky="w")
        pad = {"padx": (0, 16), "pady": 6, "sticky": "nw"}
        ttk.Label(form, text=_("ID number, card number or name")).grid(row=0, column=0, **pad)
        self.person = PersonField(
            form,
            names=True,
            hint=_(
                "Type the ID number, the card number or the name (a birth year and a district may "
                "follow)."
            ),
        )
        self.person.grid(row=0, column=1, sticky="w", pady=6)
        self._build_matches(form)
        ttk.Label(form, text=_("Statement")).grid(row=1, column=0, **pad)
        kinds = ttk.Frame(form)
        kinds.grid(row=1, column=1, sticky="w", pady=6)
        self.kind = tk.StringVar(self, value=statement_kinds()[0].name)
        self.kind_buttons: dict[str, ttk.Radiobutton] = {}
        for kind in statement_kinds():
            button = ttk.Radiobutton(
                kinds,
                text=_(STATEMENT_WORDS[kind.name].choice),
                value=kind.name,
                variable=self.kind,
                command=self._kind_changed,
            )
            button.pack(anchor="w", pady=(0, 4))  # one a line: their names are long
            self.kind_buttons[kind.name] = button
        self.year_label = ttk.Label(form, text=_("Year"))
        self.year_label.grid(row=2, column=0, **pad)
        self.year_box = YearChoice(form, YEARS_BACK)
        self.year_box.grid(row=2, column=1, sticky="w", pady=6)
        self.period_label = ttk.Label(form, text=_("Period"))
        self.period_label.grid(row=3, column=0, **pad)
        self.period = ttk.Frame(form)
        self.period.grid(row=3, column=1, sticky="w", pady=6)
        today = local_today()
        self.date_from = DateField(self.period, year_ago(today))
        self.date_from.pack(side="left")
        ttk.Label(self.period, text=_("to")).pack(side="left", padx=12)
        self.date_to = DateField(self.period, today)
        self.date_to.pack(side="left")
        ttk.Label(form, text=_("Language")).grid(row=4, column=0, **pad)
        self.lang = LanguageChoice(form)
        self.lang.grid(row=4, column=1, sticky="w", pady=6)
        self.button = ttk.Button(
            form, text=_("Make the statement"), command=self.submit, bootstyle="primary"
        )
        self.button.grid(row=5, column=1, sticky="w", pady=(12, 0))
        self.hint = ttk.Label(self, text="", bootstyle="secondary", justify="left")
        self.hint.grid(row=row + 1, column=0, sticky="w", pady=(16, 0))
        self.message = ttk.Label(self, text="", wraplength=1250, justify="left")
        self.message.grid(row=row + 2, column=0, sticky="w", pady=(16, 0))
        on_enter(
            [
                self.person.entry,
                *self.kind_buttons.values(),
                self.year_box,
                self.date_from.entry,
                self.date_to.entry,
                self.lang,
                self.button,
            ],
            self.submit,
        )
        self._kind_changed()

    def _build_matches(self, form: ttk.Frame) -> None:
        """The people of a name typed, to pick one from (hidden until a name is searched)."""
        self.matches = ttk.Frame(form)  # beside the form: the form stays whole on a small screen
        self.matches.grid(row=0, column=2, rowspan=7, sticky="nw", padx=(24, 0), pady=6)
        self.matches_title = ttk.Label(
            self.matches, text="", font="TkHeadingFont", wraplength=620, justify="left"
        )
        self.matches_title.pack(anchor="w", pady=(0, 4))
        self.found: list[PersonSummary] = []
        self.matches_table = Table(
            self.matches,
            [(_("Name"), 130), (_("ID number"), 230), (_("Born"), 130), (_("Status"), 110)],
            height=8,
        )
        self.matches_table.pack(anchor="w")
        for sequence in ("<Return>", "<KP_Enter>", "<Double-1>"):
            self.matches_table.tree.bind(sequence, lambda _e: (self.pick(), "break")[1])
        self.matches_table.tree.bind("<Escape>", lambda _e: (self._hide_matches(), "break")[1])
        self.matches.grid_remove()

    def search(self, reading: QueryReading) -> None:
        """List the people of the name typed (the search is logged)."""
        self.busy = True
        self.say(_("Searching…"), "secondary")
        self.run(
            services.search,
            reading.value,
            self.actor,
            reading.birth_year,
            reading.region_codes,
            on_done=lambda matches: self._show_matches(matches, reading.value),
        )

    def _show_matches(self, matches: NameMatches, name: str) -> None:
        self.busy = False
        self.say("", "secondary")
        self.found = matches.people
        if not self.found:
            self._hide_matches()
            self.say(_("Nobody with this name in this office's register."), "danger")
            self.person.entry.focus_set()
            return
        if len(self.found) == 1 and not matches.truncated:
            self._take(self.found[0])
            return
        self.matches_title.configure(text=matches_title(matches, name))
        self.matches_table.set_rows(
            [
                (p.name, p.masked_ssn, p.birth_date.isoformat(), label(PERSON_STATUS, p.status))
                for p in self.found
            ]
        )
        self.matches.grid()
        self.matches_table.focus_first()

    def pick(self) -> None:
        """Take the person selected in the matches."""
        index = self.matches_table.selected_index()
        if index is not None and index < len(self.found):
            self._take(self.found[index])

    def _take(self, person: PersonSummary) -> None:
        self._hide_matches()
        self.person.choose(person)
        self.say(
            _("{name} chosen: choose the statement, then press Enter.").format(name=person.name),
            "secondary",
        )
        self.person.entry.focus_set()

    def _hide_matches(self) -> None:
        self.found = []
        self.matches_table.set_rows([])
        self.matches.grid_remove()
        self.person.entry.focus_set()

    def on_show(self, **data: Any) -> None:
        """Where the PDF goes; the message of the last statement is kept."""
        super().on_show(**data)
        folder = self.ctx.home.path / STATEMENTS_FOLDER
        self.hint.configure(text=printer_hint(self.ctx.office.printer, folder))

    def focus_default(self) -> None:
        """The person's number."""
        self.person.entry.focus_set()

    def shortcuts(self) -> list[Shortcut]:
        """Enter makes the statement; a function key chooses its kind; Esc goes back."""
        return [
            Shortcut("Return", N_("Make the statement"), self.submit),
            *(
                Shortcut(words.key, words.short, lambda kind=kind: self.choose(kind))
                for kind, words in STATEMENT_WORDS.items()
            ),
            Shortcut("Escape", N_("Back"), self.back),
        ]

    def choose(self, kind: str) -> None:
        """Choose the kind of statement."""
        self.kind.set(kind)
        self._kind_changed()

    def _kind_changed(self) -> None:
        by_year = document_kind(self.kind.get()).span is Span.YEAR
        for widget in (self.year_label, self.year_box):
            widget.grid() if by_year else widget.grid_remove()
        for widget in (self.period_label, self.period):
            widget.grid_remove() if by_year else widget.grid()

    def request(self) -> documents.StatementRequest | None:
        """The statement asked for, or None (what is wrong is shown)."""
        key = self.person.key()
        if key is None:
            self.say(_("Type a valid ID number, card number or name first."), "danger")
            self.person.entry.focus_set()
            return None
        kind = self.kind.get()
        if document_kind(kind).span is Span.YEAR:
            return documents.StatementRequest(
                key[0], key[1], kind, year=self.year_box.year(), lang=self.lang.code()
            )
        first, last = self.date_from.value(), self.date_to.value()
        if first is None or last is None:
            field = self.date_from if first is None else self.date_to
            day = field.reading()
            if day.no_such_day:
                self.say(
                    _("{text}: {problem}.").format(
                        text=field.text.get().strip(), problem=day.problem
                    ),
                    "danger",
                )
            else:
                self.say(_("Type the period's days like 2026-11-28."), "danger")
            field.entry.focus_set()
            return None
        return documents.StatementRequest(
            key[0], key[1], kind, date_from=first, date_to=last, lang=self.lang.code()
        )

    def submit(self) -> None:
        """Enter: make the statement on a worker."""
        if self.busy:
            return
        name = self.person.wants_search()
        if name is not None:
            if name.valid:
                self.search(name)
            else:
                self.bell()
            return
        request = self.request()
        if request is None:
            self.bell()
            return
        self.busy = True
        self.button.configure(state="disabled")
        self.say(_("Making the statement…"), "secondary")
        self.run(
            documents.make_statement,
            self.ctx.home,
            self.actor,
            request,
            self.ctx.office.printer,
            on_done=self._made,
        )

    def _made(self, issued: documents.Issued) -> None:
        self.busy = False
        self.button.configure(state="normal")
        self.say(
            _("Statement {number} for {name}.").format(number=issued.number, name=issued.holder)
            + "\n"
            + where_text(issued),
            "danger" if issued.print_error else "success",
        )
        self.person.entry.focus_set()

    def failed(self, error: BaseException) -> None:
        """Say why, and let the supervisor correct the request."""
        super().failed(error)
        self.button.configure(state="normal")
        self.person.entry.focus_set()
