"""What screens are given: the services of the running application, passed in, never global."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.app.cardreader import CardService
from desktop.app.config import AppConfig
from desktop.app.registry import Navigator, Screen
from desktop.app.session import StaffSession
from desktop.app.tasks import TaskRunner
from desktop.app.visit import Visit
from models.home import OfficeHome

if TYPE_CHECKING:
    from desktop.app.sync_link import SyncLink
    from desktop.app.widgets.dialogs import DialogHost


@dataclass(frozen=True)
class OfficeInfo:
    """The office this register belongs to."""

    district: str
    name: str
    demo: bool  # a complete demo district (training mode and the demo password hint)
    printer: str | None  # "default", a CUPS queue, or None: statements are saved, not printed


@dataclass
class AppContext:
    """The running application's services, handed to every screen."""

    root: tk.Misc
    home: OfficeHome
    office: OfficeInfo
    config: AppConfig
    tasks: TaskRunner
    session: StaffSession
    cards: CardService
    navigator: Navigator[Screen]
    dialogs: DialogHost
    notify: Callable[[str, str], None]  # (translated text, bootstyle: info/success/danger...)
    wake_sync: Callable[[], None]  # a command was queued: sync soon
    sync_link: Callable[[], SyncLink | None] = lambda: None  # the running sync worker, if any
    refresh_status: Callable[[], None] = lambda: None  # read the sync state again now
    visit: Visit | None = None

    def show(self, key: str, **data: Any) -> None:
        """Navigate to the screen of `key` with `data`."""
        self.navigator.show(key, **data)
