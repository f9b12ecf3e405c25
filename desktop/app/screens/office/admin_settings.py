"""The office's settings (administrators): headquarters address, card reader, printer, and the
language, theme and text size the application starts with.

Each choice is a list of (stored value, words); the readers and printers present are listed on
a worker. Saving stores what changed in one transaction, each change an audit event; a new
headquarters address is confirmed first (the office's token stays).
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from desktop.app.context import Screen
from desktop.app.menus import SIZE_NAMES, THEME_NAMES
from desktop.app.registry import Shortcut
from desktop.app.theme import TITLE_FONT
from desktop.core import admin
from desktop.core.i18n import LANGUAGES, N_, _
from desktop.core.messages import error_message
from desktop.core.settings_words import address_problem, found_problem
from models.errors import InvalidRequest

FIELDS = (  # key, label, when it applies
    (admin.HQ_URL, N_("Headquarters address"), N_("at the next sync")),
    (admin.CARD_READER, N_("Card reader"), N_("at the next start")),
    (admin.PRINTER, N_("Printer"), N_("at the next start")),
    (admin.LANGUAGE, N_("Language"), N_("at the next start")),
    (admin.THEME, N_("Theme"), N_("at the next start")),
    (admin.TEXT_SIZE, N_("Text size"), N_("at the next start")),
)
NAMES = {key: label for key, label, _when in FIELDS}


class SettingsScreen(Screen):
    """The administrator's settings form."""

    key = "office_settings"
    title_text = N_("Settings")
    menu_label = N_("Settings")
    permission = admin.SETTINGS_PERMISSION

    def build(self) -> None:
        """Title, one line per setting (the field and when it applies), buttons, message."""
        self.columnconfigure(0, weight=1)
        ttk.Label(self, text=_("Office settings"), font=TITLE_FONT).grid(
            row=0, column=0, sticky="w", pady=(0, 8)
        )
        form = ttk.Frame(self)
        form.grid(row=1, column=0, sticky="ew")
        form.columnconfigure(3, weight=1)
        self.form = form
        self.choices: dict[str, list[tuple[str, str]]] = {}
        self.boxes: dict[str, ttk.Combobox] = {}
        self.hints: dict[str, ttk.Label] = {}
        self.url = tk.StringVar(self)
        for row, (key, label, applies) in enumerate(FIELDS):
            line = row * 2
            ttk.Label(form, text=_(label)).grid(
                row=line, column=0, sticky="w", padx=(0, 16), pady=(8, 0)
            )
            if key == admin.HQ_URL:
                self.url_entry = ttk.Entry(form, textvariable=self.url, width=48)
                field: tk.Widget = self.url_entry
            else:
                field = self.boxes[key] = ttk.Combobox(form, state="readonly", width=46)
            field.grid(row=line, column=1, sticky="w", pady=(8, 0))
            ttk.Label(
                form, text=_("Applies {when}").format(when=_(applies)), bootstyle="secondary"
            ).grid(row=line, column=2, sticky="w", padx=(16, 0), pady=(8, 0))
            hint = ttk.Label(form, text="", bootstyle="secondary", wraplength=1000, justify="left")
            hint.grid(row=line + 1, column=1, columnspan=3, sticky="w")
            self.hints[key] = hint
        ttk.Label(
            self,
            text=_(
                "Language, theme and text size are what the application starts with; the View "
                "menu changes them for this session at once."
            ),
            bootstyle="secondary",
            wraplength=1250,
            justify="left",
        ).grid(row=2, column=0, sticky="w", pady=(12, 0))
        buttons = ttk.Frame(self)
        buttons.grid(row=3, column=0, sticky="ew", pady=(12, 0))
        self.save_button = ttk.Button(
            buttons, text=_("F9 Save"), command=self.save, bootstyle="primary"
        )
        self.save_button.pack(side="left")
        ttk.Button(
            buttons, text=_("F5 Undo changes"), command=self.reload, bootstyle="secondary"
        ).pack(side="left", padx=(8, 0))
        self.message = ttk.Label(self, text="", wraplength=1250, justify="left")
        self.message.grid(row=4, column=0, sticky="w", pady=(10, 0))
        self.loaded: admin.OfficeSettings | None = None
        self.busy = False

    # reading -------------------------------------------------------------------------------

    def on_show(self, **data: Any) -> None:
        """Read the stored settings, and the readers and printers present."""
        self.message.configure(text="")
        self.reload()

    def reload(self) -> None:
        """Read everything again (changes not saved are dropped)."""
        actor = self.ctx.session.actor

        def read() -> tuple[admin.OfficeSettings, admin.Found, admin.Found]:
            return admin.read_settings(actor), admin.card_readers(), admin.printers()

        self.ctx.tasks.submit(read, on_done=self._fill, on_error=self._failed, owner=self)

    def _fill(self, found: tuple[admin.OfficeSettings, admin.Found, admin.Found]) -> None:
        stored, readers, printers = found
        self.loaded = stored
        self.url.set(stored.hq_url)
        self._hint(
            admin.HQ_URL,
            _("The office keeps its token: headquarters at a new address must know this office.")
            if stored.enrolled
            else _(
                "This office is not enrolled: enrolling needs the token from headquarters "
                "(counterdesk sync enrol --hq URL --token TOKEN)."
            ),
        )
        self._offer(
            admin.CARD_READER,
            [("", _("The first reader found"))] + [(n, n) for n in readers.names],
            stored.card_reader,
            error_message(readers.error) if readers.error else found_problem(readers),
        )
        self._offer(
            admin.PRINTER,
            [
                ("", _("Save PDFs only (no printing)")),
                ("default", _("The system's default printer")),
            ]
            + [(n, n) for n in printers.names],
            stored.printer,
            found_problem(printers),
        )
        started = _("As started (command line or default)")
        self._offer(
            admin.LANGUAGE,
            [("", started), *LANGUAGES.items()],
            stored.language,
        )
        self._offer(
            admin.THEME,
            [("", started)] + [(t, _(THEME_NAMES[t])) for t in admin.CHOICES[admin.THEME] if t],
            stored.theme,
        )
        self._offer(
            admin.TEXT_SIZE,
            [("", started)]
            + [
                (s, f"{_(SIZE_NAMES[int(s)])} ({s} pt)")
                for s in admin.CHOICES[admin.TEXT_SIZE]
                if s
            ],
            stored.text_size,
        )

    def _offer(
        self, key: str, choices: list[tuple[str, str]], current: str, problem: str | None = None
    ) -> None:
        if current not in [value for value, _words in choices]:
            choices.append((current, _("{name} (not found now)").format(name=current)))
        self.choices[key] = choices
        box = self.boxes[key]
        box.configure(values=[words for _value, words in choices])
        box.current([value for value, _words in choices].index(current))
        self._hint(
            key, _("None to choose from: {reason}").format(reason=problem) if problem else ""
        )

    def _hint(self, key: str, text: str) -> None:
        """The line under a setting (hidden when empty)."""
        hint = self.hints[key]
        hint.configure(text=text)
        if text:
            hint.grid()
        else:
            hint.grid_remove()

    def chosen(self, key: str) -> str:
        """The stored value of the choice made for `key`."""
        if key == admin.HQ_URL:
            return self.url.get().strip()
        index = self.boxes[key].current()
        return self.choices[key][index][0] if index >= 0 else ""

    def choose(self, key: str, value: str) -> None:
        """Select the choice whose stored value is `value` (tests, keyboard users' scripts)."""
        values = [v for v, _words in self.choices[key]]
        self.boxes[key].current(values.index(value))

    # saving --------------------------------------------------------------------------------

    def changes(self) -> dict[str, str]:
        """The settings changed on screen since they were read."""
        if self.loaded is None:
            return {}
        return {
            key: self.chosen(key)
            for key, _label, _when in FIELDS
            if self.chosen(key) != self.loaded.value(key)
        }

    def save(self) -> None:
        """F9: check and store the changes (a new headquarters address is confirmed first)."""
        if self.busy or self.loaded is None:
            return
        changes = self.changes()
        if not changes:
            self.message.configure(text=_("Nothing was changed."), bootstyle="secondary")
            return
        if admin.HQ_URL in changes:
            try:
                changes[admin.HQ_URL] = admin.check_hq_url(changes[admin.HQ_URL])
            except InvalidRequest as exc:
                self._refuse_address(exc)
                return
            if changes[admin.HQ_URL] == self.loaded.hq_url:
                del changes[admin.HQ_URL]
            else:
                self.ctx.dialogs.confirm(
                    _("Change the headquarters address"),
                    _(
                        "Sync with headquarters at\n{url}\ninstead of\n{old}?\n\nThe office "
                        "keeps its token and its enrolment: headquarters at the new address must "
                        "know this office. The next sync uses the new address."
                    ).format(url=changes[admin.HQ_URL], old=self.loaded.hq_url or "-"),
                    lambda: self._store(changes),
                    yes_text=_("Change the address"),
                    danger=True,
                )
                return
        self._store(changes)

    def _refuse_address(self, exc: Exception) -> None:
        self.message.configure(
            text=_(
                "The headquarters address cannot be used: {why} Type it as "
                "http://host:port or https://host."
            ).format(why=address_problem(exc)),
            bootstyle="danger",
        )
        self.url_entry.focus_set()

    def _store(self, changes: dict[str, str]) -> None:
        self.busy = True
        self.save_button.configure(state="disabled")

        def done(changed: list[str]) -> None:
            self._saved()
            names = _(", ").join(_(NAMES[key]) for key in changed)
            self.message.configure(
                text=_("Saved: {names}.").format(names=names)
                if changed
                else _("Nothing was changed."),
                bootstyle="success",
            )
            self.reload()

        def failed(error: BaseException) -> None:
            self._saved()
            if isinstance(error, admin.InvalidAddress):
                self._refuse_address(error)
            else:
                self._failed(error)

        self.ctx.tasks.submit(
            admin.save_settings,
            self.ctx.session.actor,
            changes,
            on_done=done,
            on_error=failed,
            owner=self,
        )

    def _saved(self) -> None:
        self.busy = False
        self.save_button.configure(state="normal")

    def _failed(self, error: BaseException) -> None:
        self.message.configure(text=error_message(error), bootstyle="danger")

    def back(self) -> None:
        """Back to the counter."""
        self.ctx.show("waiting")

    def shortcuts(self) -> list[Shortcut]:
        """F9 saves, F5 undoes the changes, Esc goes back."""
        return [
            Shortcut("F9", N_("Save"), self.save),
            Shortcut("F5", N_("Undo changes"), self.reload),
            Shortcut("Escape", N_("Back"), self.back),
        ]

    def focus_default(self) -> None:
        """The headquarters address."""
        self.url_entry.focus_set()
