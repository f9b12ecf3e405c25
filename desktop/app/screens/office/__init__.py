"""The supervisor's and administrator's screens, opened from the "Office" menu.

Each feature module lists its screens in a `SCREENS` tuple; `OFFICE_SCREENS` is their
concatenation, in the order the menu shows them.
"""

from __future__ import annotations

from desktop.app.context import Screen
from desktop.app.screens.office import admin, documents, staff

OFFICE_SCREENS: tuple[type[Screen], ...] = (*documents.SCREENS, *admin.SCREENS, *staff.SCREENS)
