"""Screens registered by key, and the navigator that shows one at a time with its data.

`navigator.show("customer")` hides the current screen, makes the asked one on first use
(its class's `build()` creates its widgets) and calls its `on_show(**data)`. Screens never
place themselves: the navigator grids them into its container.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import ttkbootstrap as ttk

from desktop.core.i18n import _
from models.permissions import Permission

if TYPE_CHECKING:
    from desktop.app.context import AppContext


@dataclass(frozen=True)
class Shortcut:
    """A key of a screen, shown in the footer: `key` is a Tk keysym ("F5", "Escape")."""

    key: str
    label: str  # msgid, translated when shown
    action: Callable[[], None]
    enabled: Callable[[], bool] = lambda: True


class Screen(ttk.Frame):
    """One screen of the application. Subclasses set `key` and `title_text` and implement
    `build()`; `__init__` only remembers the context."""

    key: ClassVar[str] = ""
    title_text: ClassVar[str] = ""  # msgid
    # Screens opened from the "Office" menu set a label (msgid) and the permission they need;
    # the window opens them only for a signed-in member of staff who has it.
    menu_label: ClassVar[str] = ""
    permission: ClassVar[Permission | None] = None

    def __init__(self, master: tk.Misc, ctx: AppContext) -> None:
        super().__init__(master, padding=12)
        self.ctx = ctx

    def build(self) -> None:
        """Create the screen's widgets (once, before it is first shown)."""
        raise NotImplementedError

    def on_show(self, **data: Any) -> None:
        """Fill the screen for `data` each time it is shown."""

    def on_hide(self) -> None:
        """Called when another screen takes its place."""

    def title(self) -> str:
        """The screen's translated title."""
        return _(self.title_text)

    def shortcuts(self) -> list[Shortcut]:
        """The keys of this screen (also listed in the footer)."""
        return []

    def focus_default(self) -> None:
        """Put the keyboard focus where the clerk starts on this screen."""
        self.focus_set()


class ScreenRegistry:
    """Screen classes by key (features register themselves in one place: screens/__init__)."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Screen]] = {}

    def register(self, screen_class: type[Screen]) -> type[Screen]:
        """Register a screen class under its `key` (usable as a class decorator)."""
        if not screen_class.key or screen_class.key in self._classes:
            raise ValueError(f"screen key {screen_class.key!r} is empty or taken")
        self._classes[screen_class.key] = screen_class
        return screen_class

    def get(self, key: str) -> type[Screen]:
        """The class registered under `key`."""
        return self._classes[key]

    def keys(self) -> list[str]:
        """The registered keys."""
        return list(self._classes)

    def menu_screens(self) -> list[type[Screen]]:
        """The screens of the "Office" menu, in registration order."""
        return [cls for cls in self._classes.values() if cls.menu_label]


class Navigator:
    """Shows one screen at a time in `container`, remembering the key and data shown."""

    def __init__(self, container: tk.Misc, registry: ScreenRegistry) -> None:
        self.container = container
        self.registry = registry
        self.ctx: AppContext | None = None
        self._screens: dict[str, Screen] = {}
        self.current: Screen | None = None
        self.current_key: str | None = None
        self.current_data: dict[str, Any] = {}
        self.listeners: list[Callable[[Screen], None]] = []
        container.rowconfigure(0, weight=1)
        container.columnconfigure(0, weight=1)

    def screen(self, key: str) -> Screen:
        """The screen of `key`, built on first use."""
        if key not in self._screens:
            if self.ctx is None:
                raise RuntimeError("the navigator has no context yet")
            screen = self.registry.get(key)(self.container, self.ctx)
            screen.build()
            self._screens[key] = screen
        return self._screens[key]

    def show(self, key: str, **data: Any) -> Screen:
        """Show the screen of `key` with `data` (passed to its on_show)."""
        screen = self.screen(key)
        if self.current is not None and self.current is not screen:
            self.current.on_hide()
            self.current.grid_remove()
        self.current, self.current_key, self.current_data = screen, key, dict(data)
        screen.grid(row=0, column=0, sticky="nsew")
        screen.on_show(**data)
        for listener in self.listeners:
            listener(screen)
        screen.focus_default()
        return screen

    def refresh_listeners(self) -> None:
        """Tell the listeners again about the current screen (e.g. its keys changed state)."""
        if self.current is not None:
            for listener in self.listeners:
                listener(self.current)

    def rebuild(self) -> None:
        """Destroy every screen and show the current one again, new (another language)."""
        key, data = self.current_key, self.current_data
        for screen in self._screens.values():
            screen.destroy()
        self._screens.clear()
        self.current = None
        if key is not None:
            self.show(key, **data)
