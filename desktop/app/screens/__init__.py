"""The screens of the application, registered by key in one place."""

from __future__ import annotations

from desktop.app.registry import ScreenRegistry
from desktop.app.screens.customer import CustomerScreen
from desktop.app.screens.lock import LockScreen
from desktop.app.screens.login import LoginScreen
from desktop.app.screens.office import OFFICE_SCREENS
from desktop.app.screens.unknown_card import UnknownCardScreen
from desktop.app.screens.waiting import WaitingScreen

SCREENS = (
    LoginScreen,
    LockScreen,
    WaitingScreen,
    CustomerScreen,
    UnknownCardScreen,
    *OFFICE_SCREENS,
)


def default_registry() -> ScreenRegistry:
    """A registry holding every screen of the application."""
    registry = ScreenRegistry()
    for screen in SCREENS:
        registry.register(screen)
    return registry
