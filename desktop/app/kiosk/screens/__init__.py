"""The kiosk's screens, registered by key in one place."""

from __future__ import annotations

from desktop.app.kiosk.screens.base import KioskScreen
from desktop.app.kiosk.screens.benefits import BenefitsScreen
from desktop.app.kiosk.screens.goodbye import GoodbyeScreen
from desktop.app.kiosk.screens.printing import PrintScreen
from desktop.app.kiosk.screens.record import RecordScreen
from desktop.app.kiosk.screens.verify import VerifyScreen
from desktop.app.kiosk.screens.welcome import WelcomeScreen
from desktop.app.registry import ScreenRegistry

KIOSK_SCREENS = (
    WelcomeScreen,
    VerifyScreen,
    RecordScreen,
    BenefitsScreen,
    PrintScreen,
    GoodbyeScreen,
)


def kiosk_registry() -> ScreenRegistry[KioskScreen]:
    """A registry holding every screen of the kiosk."""
    registry: ScreenRegistry[KioskScreen] = ScreenRegistry()
    for screen in KIOSK_SCREENS:
        registry.register(screen)
    return registry
