"""The composition root: open the register, start the card reader, build the window.

Everything the application is made of is created here and handed down; nothing is looked up
through a global. `build_app` returns the window unstarted (tests drive it in-process); `run`
starts it and enters the Tk main loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import ttkbootstrap as ttk

from desktop.app import theme
from desktop.app.context import OfficeInfo
from desktop.app.lifecycle import run_until_closed
from desktop.app.screens import default_registry
from desktop.app.window import CounterWindow
from desktop.core import i18n
from desktop.core.admin import start_settings
from desktop.core.cardreader import CardService
from desktop.core.config import AppConfig, ReaderMode
from desktop.core.session import StaffSession
from models.errors import InvalidRequest
from models.home import OfficeHome, setting


def office_info(config: AppConfig) -> OfficeInfo:
    """The office's district, name, demo state and printer, from the open register."""
    printer = config.printer if config.printer is not None else setting("printer")
    return OfficeInfo(
        district=setting("district", "") or "",
        name=setting("office_name", "") or "",
        demo=setting("demo_state") == "complete",
        printer=printer or None,
    )


def with_stored_settings(config: AppConfig) -> AppConfig:
    """`config` completed from the office settings (the administrator's Settings screen stores
    them), read once: the language, theme and text size where the command line gave none, and
    the card reader when none was configured ("" then means any reader)."""
    stored = start_settings()
    changes: dict[str, object] = {
        name: getattr(stored, name)
        for name in config.use_stored
        if getattr(stored, name, None) is not None
    }
    if config.card_reader is None:
        changes["card_reader"] = stored.card_reader or ""
    return config.with_(**changes) if changes else config


def build_app(
    home: OfficeHome,
    config: AppConfig,
    clock: Callable[[], float] = time.monotonic,
    open_backend: Callable[[], object] | None = None,
) -> CounterWindow:
    """Open `home`'s register and build the application window (not started yet).

    `open_backend` replaces PC/SC for the reader monitor (`run` plugs in the sync engine's
    worker through `SyncLink` when the office is enrolled).
    Raises InvalidRequest for training mode outside a demo district or an unknown theme.
    """
    home.open()
    config = with_stored_settings(config)
    i18n.set_language(config.lang)
    office = office_info(config)
    if config.training and not office.demo:
        raise InvalidRequest(
            "training mode needs a demo district (`counterdesk demo`): it inserts virtual cards "
            "of demo people"
        )
    theme.register_themes()
    root = ttk.App(title="counterdesk", theme=theme.DEFAULT_THEME_NAME)
    names = root.theme_names()
    if config.theme not in names:
        root.destroy()
        raise InvalidRequest(f"unknown theme {config.theme!r}: choose one of {', '.join(names)}")
    root.style.theme_use(config.theme)
    theme.apply_scaling(root, config.scaling)
    theme.apply_fonts(root, config.text_size)
    theme.readable_disabled(root)
    mode = ReaderMode.TRAINING if config.training else config.reader
    window = CounterWindow(
        root,
        config,
        home,
        office,
        CardService(mode, open_backend, config.card_reader or None),
        StaffSession(config.idle_lock_seconds, clock),
        default_registry(),
    )
    window.build()
    _fill_screen(window)
    return window


def _fill_screen(window: CounterWindow) -> None:
    """The whole screen: the counter's window is the only one. What sits above the window's
    client area (the menu bar on X11, a title bar) is measured and left out."""
    root = window.root
    width, height = root.winfo_screenwidth(), root.winfo_screenheight()
    root.geometry(f"{width}x{height}+0+0")
    root.update_idletasks()
    root.update()
    above = max(0, root.winfo_rooty())
    root.geometry(f"{width}x{height - above}+0+0")
    root.minsize(1024, 600)


def run(home: OfficeHome, config: AppConfig) -> None:
    """Build the application, start it and run the Tk main loop until the window closes."""
    run_until_closed(home, build_app(home, config))
