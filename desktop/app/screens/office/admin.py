"""Screens of the "Office" menu: admin (being built)."""

from __future__ import annotations

from desktop.app.registry import Screen

SCREENS: tuple[type[Screen], ...] = ()
