"""What the kiosk was started with (`counterdesk kiosk` options)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.config import ReaderMode
from desktop.core.i18n import DEFAULT_LANGUAGE

KIOSK_THEME = "contrast-light"
KIOSK_TEXT_SIZE = 22  # points: read standing, at arm's length


@dataclass(frozen=True)
class KioskConfig:
    """The kiosk's settings."""

    lang: str = DEFAULT_LANGUAGE
    idle_seconds: float = 60.0  # back to the welcome after this long untouched
    goodbye_seconds: float = 5.0  # how long the goodbye stays
    printer: str | None = None  # None: the office setting `printer`; "" or unset: no printing
    reader: ReaderMode = ReaderMode.PCSC
    training: bool = False
    tick_ms: int = 50  # how often the idle time and card events are checked (a card waits for it)
    status_refresh_ms: int = 30000  # how often "data as of" is read again
    fullscreen: bool = True
