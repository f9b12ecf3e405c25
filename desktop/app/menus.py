"""The menu bar: session, view (language, theme, text size) and, in training, the cards."""

from __future__ import annotations

import tkinter as tk
from typing import Protocol

import ttkbootstrap as ttk

from desktop.app.context import Screen, office_menu_screens
from desktop.app.registry import Navigator
from desktop.app.widgets.training_dialog import TrainingControls
from desktop.core.cardreader import CardService
from desktop.core.config import MENU_THEMES, TEXT_SIZES, ReaderMode
from desktop.core.i18n import LANGUAGES, N_, _, language
from desktop.core.outage import SimulatedOutage

THEME_NAMES = {
    "bootstrap-light": N_("Light"),
    "bootstrap-dark": N_("Dark"),
    "nord-light": N_("Soft"),
    "contrast-light": N_("High contrast, light"),
    "contrast-dark": N_("High contrast, dark"),
}
SIZE_NAMES = {12: N_("Normal"), 14: N_("Large"), 16: N_("Larger"), 18: N_("Largest")}


class MenuHost(Protocol):
    """What the menu bar uses of the counter window (desktop.app.window)."""

    root: tk.Misc
    theme: str
    text_size: int
    navigator: Navigator[Screen]
    cards: CardService
    training: TrainingControls
    outage: SimulatedOutage | None

    def lock(self) -> None:
        """Lock the session."""
        ...

    def sign_out(self) -> None:
        """Sign out."""
        ...

    def quit(self) -> None:
        """Close the application."""
        ...

    def set_language(self, lang: str) -> None:
        """Rebuild in another language."""
        ...

    def set_theme(self, name: str) -> None:
        """Another theme."""
        ...

    def set_text_size(self, size: int) -> None:
        """Another text size."""
        ...

    def open_office_screen(self, key: str) -> None:
        """Open a screen of the Office menu."""
        ...


class Menus:
    """Builds the menu bar in the language in use (built again when it changes)."""

    def __init__(self, window: MenuHost) -> None:
        self.window = window
        root = window.root
        self.language_var = tk.StringVar(root, value=language())
        self.theme_var = tk.StringVar(root, value=window.theme)
        self.size_var = tk.IntVar(root, value=window.text_size)
        self.outage_var = tk.BooleanVar(root, value=False)
        self.bar: tk.Menu | None = None
        self.session: tk.Menu
        self.languages: tk.Menu
        self.themes: tk.Menu
        self.sizes: tk.Menu
        self.training: tk.Menu | None = None
        self.office: tk.Menu | None = None

    def build(self) -> tk.Menu:
        """A new menu bar (the old one is destroyed)."""
        old = self.bar
        w = self.window
        self.language_var.set(language())
        self.theme_var.set(w.theme)
        self.size_var.set(w.text_size)
        bar = ttk.Menu(w.root)
        self.session = ttk.Menu(bar, tearoff=False)
        self.session.add_command(label=_("Lock"), accelerator="Ctrl+L", command=w.lock)
        self.session.add_command(label=_("Sign out"), command=w.sign_out)
        self.session.add_separator()
        self.session.add_command(label=_("Quit"), command=w.quit)
        bar.add_cascade(label=_("Session"), menu=self.session)
        view = ttk.Menu(bar, tearoff=False)
        self.languages = ttk.Menu(view, tearoff=False)
        for code, name in LANGUAGES.items():
            self.languages.add_radiobutton(
                label=name,
                value=code,
                variable=self.language_var,
                command=lambda c=code: w.set_language(c),
            )
        view.add_cascade(label=_("Language"), menu=self.languages)
        self.themes = ttk.Menu(view, tearoff=False)
        themes = list(MENU_THEMES) + ([w.theme] if w.theme not in MENU_THEMES else [])
        for name in themes:
            self.themes.add_radiobutton(
                label=_(THEME_NAMES[name]) if name in THEME_NAMES else name,
                value=name,
                variable=self.theme_var,
                command=lambda n=name: w.set_theme(n),
            )
        view.add_cascade(label=_("Theme"), menu=self.themes)
        self.sizes = ttk.Menu(view, tearoff=False)
        for size in TEXT_SIZES:
            self.sizes.add_radiobutton(
                label=_(SIZE_NAMES[size]),
                value=size,
                variable=self.size_var,
                command=lambda s=size: w.set_text_size(s),
            )
        view.add_cascade(label=_("Text size"), menu=self.sizes)
        bar.add_cascade(label=_("View"), menu=view)
        self.office = None
        office_screens = office_menu_screens(w.navigator.registry)
        if office_screens:
            self.office = ttk.Menu(bar, tearoff=False)
            for screen_class in office_screens:
                self.office.add_command(
                    label=_(screen_class.menu_label),
                    command=lambda k=screen_class.key: w.open_office_screen(k),
                )
            bar.add_cascade(label=_("Office"), menu=self.office)
        self.training = None
        if w.cards.mode is ReaderMode.TRAINING:
            self.training = ttk.Menu(bar, tearoff=False)
            self.training.add_command(
                label=_("Insert the card of a demo person…"), command=w.training.choose_card
            )
            self.training.add_command(
                label=_("Insert a card from another city"), command=w.training.insert_other_city
            )
            self.training.add_command(label=_("Take the card out"), command=w.training.remove_card)
            self.training.add_separator()
            self.outage_var.set(bool(w.outage is not None and w.outage.on))
            self.training.add_checkbutton(
                label=_("Simulate a network outage"),
                variable=self.outage_var,
                command=lambda: w.training.set_outage(self.outage_var.get()),
            )
            bar.add_cascade(label=_("Training"), menu=self.training)
        w.root.configure(menu=bar)
        self.bar = bar
        if old is not None:
            old.destroy()
        return bar
