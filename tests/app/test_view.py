"""The View menu: a high-contrast theme and larger text, at run time."""

from __future__ import annotations

import tkinter.font as tkfont
from collections.abc import Callable

from desktop.core.config import MENU_THEMES, TEXT_SIZES
from tests.app.driver import AppDriver


def test_the_high_contrast_theme_and_larger_text_apply_at_once(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app()
    app.sign_in()
    customer = app.open_by_id(demo_ssn)
    menus = app.window.menus
    menus.themes.invoke(MENU_THEMES.index("contrast-dark"))
    app.settle()
    assert app.root.style.theme_use() == "contrast-dark"
    assert app.screen is not customer and app.screen.visit.overview.person.ssn == demo_ssn
    app.screenshot("customer-contrast-dark")
    menus.sizes.invoke(TEXT_SIZES.index(18))
    app.settle()
    assert tkfont.nametofont("TkDefaultFont").actual("size") == 18
    menus.themes.invoke(MENU_THEMES.index("contrast-light"))
    menus.sizes.invoke(TEXT_SIZES.index(12))
    app.screenshot("customer-contrast-light-small")
