"""The kiosk's screens, registered by key in one place."""

from __future__ import annotations

from desktop.app.kiosk.screens.base import KioskScreen
from desktop.app.kiosk.screens.goodbye import GoodbyeScreen
from desktop.app.kiosk.screens.printing import PrintScreen
from desktop.app.kiosk.screens.record import RecordScreen
from desktop.app.kiosk.screens.verify import VerifyScreen
from desktop.app.kiosk.screens.welcome import WelcomeScreen

KIOSK_SCREENS: dict[str, type[KioskScreen]] = {
    screen.key: screen
    for screen in (WelcomeScreen, VerifyScreen, RecordScreen, PrintScreen, GoodbyeScreen)
}
