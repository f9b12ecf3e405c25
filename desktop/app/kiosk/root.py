"""The kiosk's composition root: open the register, start the reader, build the window."""

from __future__ import annotations

import time
from collections.abc import Callable

import ttkbootstrap as ttk

from desktop.app import theme
from desktop.app.kiosk import style
from desktop.app.kiosk.config import KIOSK_TEXT_SIZE, KIOSK_THEME, KioskConfig
from desktop.app.kiosk.customer import KioskSession
from desktop.app.kiosk.services import kiosk_actor
from desktop.app.kiosk.window import KioskWindow
from desktop.app.lifecycle import run_until_closed
from desktop.app.root import office_info
from desktop.core import i18n
from desktop.core.cardreader import CardService
from desktop.core.config import AppConfig, ReaderMode
from models.errors import InvalidRequest
from models.home import OfficeHome


def build_kiosk(
    home: OfficeHome,
    config: KioskConfig,
    clock: Callable[[], float] = time.monotonic,
    open_backend: Callable[[], object] | None = None,
) -> KioskWindow:
    """Open `home`'s register and build the kiosk window (not started yet).

    `clock` measures the idle time (tests move it by hand); `open_backend` replaces PC/SC.
    Raises InvalidRequest for training mode outside a demo district.
    """
    home.open()
    i18n.set_language(config.lang)
    office = office_info(AppConfig(printer=config.printer))
    if config.training and not office.demo:
        raise InvalidRequest(
            "training mode needs a demo district (`counterdesk demo`): it inserts virtual cards "
            "of demo people"
        )
    theme.register_themes()
    root = ttk.App(title="counterdesk kiosk", theme=KIOSK_THEME)
    fonts = style.apply(root, KIOSK_TEXT_SIZE)
    mode = ReaderMode.TRAINING if config.training else config.reader
    window = KioskWindow(
        root,
        config,
        home,
        office,
        CardService(mode, open_backend),
        KioskSession(clock),
        kiosk_actor(office.district),
        fonts,
    )
    window.build()
    _full_screen(root, config.fullscreen)
    return window


def _full_screen(root: ttk.App, fullscreen: bool) -> None:
    """The whole screen, without decorations (a window manager honours -fullscreen; without
    one the geometry does it)."""
    width, height = root.winfo_screenwidth(), root.winfo_screenheight()
    root.geometry(f"{width}x{height}+0+0")
    if fullscreen:
        root.attributes("-fullscreen", True)
    root.update_idletasks()
    root.update()


def run_kiosk(home: OfficeHome, config: KioskConfig) -> None:
    """Build the kiosk, start it and run the Tk main loop until the window closes."""
    run_until_closed(home, build_kiosk(home, config))
