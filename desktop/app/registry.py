"""Screens registered by key, and the navigator that shows one at a time with its data.

One mechanism for the counter application and the kiosk. `navigator.show("customer", ...)`
takes the shown screen away, makes the asked one if need be (its class's `build()` creates its
widgets) and calls its `on_show(**data)`. A screen class says how long its screens live:

- kept (`keep = True`, the counter's screens): built on first use, hidden when left and shown
  again, with new data, when asked for again;
- not kept (`keep = False`, the kiosk's screens): destroyed when left and made new each time
  they are shown, so that nothing shown on one outlives it.

Screens never place themselves: the navigator grids them into its container. `BaseScreen` is
what every screen has; `Screen` adds what the counter's window shows around it (title, keys,
the Office menu); the kiosk's `KioskScreen` (desktop.app.kiosk.screens.base) adds its own.
"""

from __future__ import annotations

import gc
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

import ttkbootstrap as ttk

Ctx = TypeVar("Ctx")


@dataclass(frozen=True)
class Shortcut:
    """A key of a screen, shown in the footer: `key` is a Tk keysym ("F5", "Escape")."""

    key: str
    label: str  # msgid, translated when shown
    action: Callable[[], None]
    enabled: Callable[[], bool] = lambda: True


class BaseScreen(ttk.Frame, Generic[Ctx]):
    """One screen, given the services `ctx` of the application that shows it. Subclasses set
    `key` and implement `build()`; `__init__` only remembers the context."""

    key: ClassVar[str] = ""
    keep: ClassVar[bool] = True  # False: destroyed when left, made new each time it is shown
    frame_padding: ClassVar[int | tuple[int, int]] = 12

    def __init__(self, master: tk.Misc, ctx: Ctx) -> None:
        super().__init__(master, padding=self.frame_padding)
        self.ctx = ctx

    def build(self) -> None:
        """Create the screen's widgets (once, before it is first shown)."""
        raise NotImplementedError

    def on_show(self, **data: Any) -> None:
        """Fill the screen for `data` each time it is shown."""

    def on_hide(self) -> None:
        """Called when another screen takes its place (before a screen not kept is destroyed)."""

    def focus_default(self) -> None:
        """Put the keyboard focus where the user starts on this screen."""
        self.focus_set()


S = TypeVar("S", bound=BaseScreen[Any])


class ScreenRegistry(Generic[S]):
    """Screen classes by key (each application registers its screens in one place: the
    counter's in desktop.app.screens, the kiosk's in desktop.app.kiosk.screens)."""

    def __init__(self) -> None:
        self._classes: dict[str, type[S]] = {}

    def register(self, screen_class: type[S]) -> type[S]:
        """Register a screen class under its `key` (usable as a class decorator)."""
        if not screen_class.key or screen_class.key in self._classes:
            raise ValueError(f"screen key {screen_class.key!r} is empty or taken")
        self._classes[screen_class.key] = screen_class
        return screen_class

    def get(self, key: str) -> type[S]:
        """The class registered under `key`."""
        return self._classes[key]

    def keys(self) -> list[str]:
        """The registered keys."""
        return list(self._classes)

    def classes(self) -> list[type[S]]:
        """The registered classes, in registration order."""
        return list(self._classes.values())


class Navigator(Generic[S]):
    """Shows one screen at a time in `container`, remembering the key and data shown.

    `ctx` (set before the first `show`) is handed to every screen made; `listeners` are told
    of each screen shown.
    """

    def __init__(self, container: tk.Misc, registry: ScreenRegistry[S]) -> None:
        self.container = container
        self.registry = registry
        self.ctx: Any = None
        self._screens: dict[str, S] = {}
        self.current: S | None = None
        self.current_key: str | None = None
        self.current_data: dict[str, Any] = {}
        self.listeners: list[Callable[[S], None]] = []
        container.rowconfigure(0, weight=1)
        container.columnconfigure(0, weight=1)

    def screen(self, key: str) -> S:
        """The screen of `key`, built on first use (or again after a screen not kept left)."""
        if key not in self._screens:
            if self.ctx is None:
                raise RuntimeError("the navigator has no context yet")
            screen = self.registry.get(key)(self.container, self.ctx)
            screen.build()
            self._screens[key] = screen
        return self._screens[key]

    def built(self, key: str) -> S | None:
        """The screen of `key` if it exists now (kept, or shown), else None."""
        return self._screens.get(key)

    def show(self, key: str, **data: Any) -> S:
        """Show the screen of `key` with `data` (passed to its on_show). A screen not kept is
        made new even when it is the one shown."""
        leaving = self.current
        if leaving is not None and (key != self.current_key or not leaving.keep):
            self._leave(leaving)
        screen = self.screen(key)
        self.current, self.current_key, self.current_data = screen, key, dict(data)
        screen.grid(row=0, column=0, sticky="nsew")
        screen.on_show(**data)
        for listener in self.listeners:
            listener(screen)
        screen.focus_default()
        return screen

    def _leave(self, screen: S) -> None:
        """Take the shown screen away: hidden if kept, else destroyed."""
        screen.on_hide()
        self.current = None
        if screen.keep:
            screen.grid_remove()
            return
        if self.current_key is not None:
            del self._screens[self.current_key]
        screen.destroy()
        _collect_here()

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
        _collect_here()
        if key is not None:
            self.show(key, **data)


def _collect_here() -> None:
    """Free destroyed screens' Tk objects (their variables) now, on the main thread: a garbage
    collection that happened to start in a worker thread would run their Tk calls there."""
    gc.collect()
