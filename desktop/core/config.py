"""The application's settings: language, theme, text size, inactivity lock, reader, printer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from desktop.core.i18n import DEFAULT_LANGUAGE

DEFAULT_THEME = "bootstrap-light"
HIGH_CONTRAST_THEMES = ("contrast-light", "contrast-dark")
# The themes offered in the menu (any name of `Window().theme_names()` works on the command line).
MENU_THEMES = ("bootstrap-light", "bootstrap-dark", "nord-light", *HIGH_CONTRAST_THEMES)
TEXT_SIZES = (12, 14, 16, 18)  # points


class ReaderMode(StrEnum):
    """Where cards come from."""

    PCSC = "pcsc"  # the PC/SC card service (pcscd): real readers
    NONE = "none"  # no reader at all
    TRAINING = "training"  # an in-process virtual card, inserted from the Training menu


@dataclass(frozen=True)
class AppConfig:
    """What the application was started with (`counterdesk app` options)."""

    lang: str = DEFAULT_LANGUAGE
    theme: str = DEFAULT_THEME
    training: bool = False
    reader: ReaderMode = ReaderMode.PCSC
    idle_lock_seconds: float = 600.0
    text_size: int = 14
    scaling: float | None = None  # Tk scaling (pixels per point); None: as the display says
    printer: str | None = None  # None: the office setting `printer`; "" or unset: no printing
    card_reader: str | None = None  # None: the office setting `card_reader`; "": any reader
    status_refresh_ms: int = 5000
    # How often card events, the inactivity lock and published sync states are looked at: a card
    # waits for the next tick (at 1000 ms, half a second on average); a tick costs microseconds.
    tick_ms: int = 50
    # Settings not given on the command line, taken from the office settings when stored there
    # (names of fields among lang, theme and text_size).
    use_stored: tuple[str, ...] = ()
    # The daily backup of the register (models.daily_backup), looked at on start and every hour.
    daily_backup: bool = True
    backup_check_ms: int = 3_600_000

    def with_(self, **changes: object) -> AppConfig:
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]
