"""What kiosk screens are given: the kiosk's services, passed in, never global."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.app.context import OfficeInfo
from desktop.app.kiosk.config import KioskConfig
from desktop.app.kiosk.customer import KioskSession
from desktop.app.kiosk.unknown import UnknownNumbers
from desktop.app.tasks import TaskRunner
from desktop.core.cardreader import CardService
from models.actor import Actor
from models.home import OfficeHome


@dataclass
class KioskContext:
    """The running kiosk's services, handed to every kiosk screen."""

    root: tk.Misc
    home: OfficeHome
    office: OfficeInfo
    config: KioskConfig
    tasks: TaskRunner
    cards: CardService
    session: KioskSession
    actor: Actor
    navigate: Callable[..., object]  # (key, **data): the navigator's show
    end_session: Callable[[], None]  # drop the citizen and go back to the welcome
    data_as_of: Callable[[], str]  # the "data as of" line, translated
    unknown: UnknownNumbers = field(default_factory=UnknownNumbers)  # tries on unheld numbers

    def show(self, key: str, **data: Any) -> None:
        """Show a new screen of `key` with `data` (kiosk screens are not kept: the screen shown
        before is destroyed)."""
        self.navigate(key, **data)
