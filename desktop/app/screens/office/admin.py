"""Screens of the "Office" menu: rejected commands, the headquarters link, and settings.

Each lives in its own module (admin_rejected, admin_link, admin_settings); their work on the
register is in `desktop.core.admin`.
"""

from __future__ import annotations

from desktop.app.context import Screen
from desktop.app.screens.office.admin_link import LinkScreen
from desktop.app.screens.office.admin_rejected import RejectedScreen
from desktop.app.screens.office.admin_settings import SettingsScreen

SCREENS: tuple[type[Screen], ...] = (RejectedScreen, LinkScreen, SettingsScreen)
