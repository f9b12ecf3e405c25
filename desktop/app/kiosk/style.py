"""The kiosk's look: high contrast, large type and large touch targets."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont

import ttkbootstrap as ttk

from desktop.app import theme

HUGE_FONT = "KioskHuge"
LARGE_FONT = "KioskLarge"
KEY_FONT = "KioskKey"
SMALL_FONT = "KioskSmall"
TOUCH_PADDING = (24, 18)  # px: with the large font every button is well over 48 px tall
CHOICE_PADDING = (24, 8)  # px: a choice among several (a year), still over 48 px tall
BUTTON_STYLES = ("primary", "success", "secondary", "danger")


def button_style(bootstyle: str) -> str:
    """The kiosk's large style for a bootstyle colour ("primary" -> "Kiosk.primary.TButton")."""
    return f"Kiosk.{bootstyle}.TButton"


def choice_style(bootstyle: str) -> str:
    """A flatter large style, for a row of choices (the years): still over 48 px tall."""
    return f"KioskChoice.{bootstyle}.TButton"


def apply(root: tk.Misc, text_size: int) -> dict[str, tkfont.Font]:
    """Fonts and button styles of the kiosk; returns its own named fonts (keep them alive)."""
    family = theme.apply_fonts(root, text_size)
    fonts: dict[str, tkfont.Font] = {}
    for name, delta, weight in (
        (HUGE_FONT, 16, "bold"),
        (LARGE_FONT, 6, "bold"),
        (KEY_FONT, 10, "bold"),
        (SMALL_FONT, -6, "normal"),
    ):
        size, weight = theme.font_weight(family, text_size + delta, weight)  # no smeared CJK bold
        options: dict[str, object] = {"size": size, "weight": weight}
        if family:
            options["family"] = family
        fonts[name] = tkfont.Font(root, name=name, **options)
    style = ttk.Style.get_instance()
    assert style is not None
    for bootstyle in BUTTON_STYLES:  # build the theme's own style first, then derive from it
        ttk.Button(root, bootstyle=bootstyle).destroy()
        style.configure(button_style(bootstyle), font=LARGE_FONT, padding=TOUCH_PADDING)
        style.configure(choice_style(bootstyle), font=LARGE_FONT, padding=CHOICE_PADDING)
    style.configure("KioskKey.primary.TButton", font=KEY_FONT, padding=(20, 14))
    linespace = tkfont.nametofont("TkDefaultFont", root).metrics("linespace")
    style.configure("Treeview", rowheight=int(linespace * 1.25))
    style.configure("Treeview.Heading", font="TkHeadingFont")
    theme.readable_disabled(root)
    return fonts
