"""The counter's screens: their base class (`Screen`, on the navigator's `BaseScreen`) and what
they are given (`AppContext`: the services of the running application, passed in, never
global)."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from desktop.app.registry import BaseScreen, Navigator, ScreenRegistry, Shortcut
from desktop.app.tasks import TaskRunner
from desktop.core.cardreader import CardService
from desktop.core.config import AppConfig
from desktop.core.i18n import _
from desktop.core.session import StaffSession
from desktop.core.visit import Visit
from models.home import OfficeHome
from models.permissions import Permission

if TYPE_CHECKING:
    from desktop.app.widgets.dialogs import DialogHost
    from desktop.core.status import BarStatus
    from desktop.core.sync_link import SyncLink


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
    # the status bar's last reading of the sync state (None before the first): screens that
    # say how old the data is say what the bar says
    status: Callable[[], BarStatus | None] = lambda: None
    visit: Visit | None = None

    def show(self, key: str, **data: Any) -> None:
        """Navigate to the screen of `key` with `data`."""
        self.navigator.show(key, **data)

    def sign_out(self) -> None:
        """End the session and show the sign-in screen: any dialog closed, an open visit
        dropped (unrecorded), the session's cards forgotten (the training reader's card taken
        out; a real card left in the reader is read afresh at the next sign-in)."""
        self.dialogs.close_all()
        self.session.sign_out()
        self.visit = None
        self.cards.forget_session()
        message = _("Signed out.")
        if self.cards.view.card_present:
            message += " " + _("A card is still in the reader: hand it back to its holder.")
        self.show("login", message=message)


class Screen(BaseScreen[AppContext]):
    """One screen of the counter application. Subclasses set `key` and `title_text`."""

    title_text: ClassVar[str] = ""  # msgid
    # Screens opened from the "Office" menu set a label (msgid) and the permission they need;
    # the window opens them only for a signed-in member of staff who has it.
    menu_label: ClassVar[str] = ""
    permission: ClassVar[Permission | None] = None

    def title(self) -> str:
        """The screen's translated title."""
        return _(self.title_text)

    def shortcuts(self) -> list[Shortcut]:
        """The keys of this screen (also listed in the footer)."""
        return []


def office_menu_screens(registry: ScreenRegistry[Screen]) -> list[type[Screen]]:
    """The counter's screens of the "Office" menu, in registration order."""
    return [cls for cls in registry.classes() if cls.menu_label]
