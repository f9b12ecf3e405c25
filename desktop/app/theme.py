"""Readable at a counter: a CJK font, large type, Tk scaling, and a high-contrast theme."""

from __future__ import annotations

import functools
import shutil
import subprocess
import tkinter as tk
import tkinter.font as tkfont

import ttkbootstrap as ttk

# Simplified Chinese families, best first. Not the generic "Noto Sans CJK": Tk would pick its
# Japanese variant, whose glyphs differ for some characters.
CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "SimHei",
)
# Families known to have no bold face. Tk (Xft) makes their "bold" by smearing the regular
# glyphs, which fills the strokes of dense characters (量 in 批量 becomes a blob): their bold
# roles use the regular weight, a point larger, instead.
NO_BOLD_FAMILIES = frozenset({"WenQuanYi Micro Hei", "WenQuanYi Zen Hei"})
FONTCONFIG_BOLD = 200  # fontconfig's weight of a bold face
FONT_ROLES = {  # named font -> size relative to the text size, weight
    "TkDefaultFont": (0, "normal"),
    "TkTextFont": (0, "normal"),
    "TkMenuFont": (0, "normal"),
    "TkHeadingFont": (0, "bold"),
    "TkCaptionFont": (2, "bold"),
    "TkTooltipFont": (-2, "normal"),
    "TkSmallCaptionFont": (-2, "normal"),
    "TkIconFont": (0, "normal"),
}
DEFAULT_THEME_NAME = "bootstrap-light"
TITLE_FONT = "CounterTitle"
BIG_FONT = "CounterBig"
SMALL_FONT = "CounterSmall"

# Black on white (and white on black) with saturated accents that keep 7:1 contrast.
HIGH_CONTRAST = ttk.Theme(
    name="contrast",
    primary="#003cb3",
    success="#006b1f",
    info="#005a70",
    warning="#8a5a00",
    danger="#b00020",
    neutral="#3a3a3a",
    light={"background": "#ffffff", "foreground": "#000000"},
    dark={"background": "#000000", "foreground": "#ffffff"},
)


def register_themes() -> None:
    """Make the high-contrast themes (contrast-light, contrast-dark) selectable by name."""
    HIGH_CONTRAST.register()


def cjk_family(root: tk.Misc) -> str | None:
    """The first installed family of CJK_FAMILIES, or None (Chinese would show as boxes)."""
    installed = set(tkfont.families(root))
    return next((family for family in CJK_FAMILIES if family in installed), None)


@functools.cache
def has_bold_face(family: str | None) -> bool:
    """True if `family` has a real bold face (asked of fontconfig when it is there)."""
    if family is None:
        return True  # Tk's own default: its bold is real
    if family in NO_BOLD_FAMILIES:
        return False
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return True
    try:
        found = subprocess.run(
            [fc_list, f":family={family}:weight={FONTCONFIG_BOLD}", "family"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return True
    return bool(found.stdout.strip())


def font_weight(family: str | None, size: int, weight: str) -> tuple[int, str]:
    """(size, weight) for a font role: bold only where the family has a bold face, else the
    regular weight a point larger."""
    if weight == "bold" and not has_bold_face(family):
        return size + 1, "normal"
    return size, weight


def apply_fonts(root: tk.Misc, size: int) -> str | None:
    """Set every named font to the CJK family at `size` points; return the family used."""
    family = cjk_family(root)
    for name, (delta, role_weight) in FONT_ROLES.items():
        try:
            font = tkfont.nametofont(name, root)
        except tk.TclError:
            continue
        points, weight = font_weight(family, size + delta, role_weight)
        options: dict[str, object] = {"size": points, "weight": weight}
        if family:
            options["family"] = family
        font.configure(**options)
    own_fonts = ((TITLE_FONT, 8, "bold"), (BIG_FONT, 4, "normal"), (SMALL_FONT, -2, "normal"))
    for name, delta, role_weight in own_fonts:
        points, weight = font_weight(family, size + delta, role_weight)
        options = {"size": points, "weight": weight}
        if family:
            options["family"] = family
        own = _own_fonts(root)
        if name in own:
            own[name].configure(**options)
        else:
            own[name] = tkfont.Font(root, name=name, **options)
    style = ttk.Style.get_instance()
    if style is not None:
        rowheight = int(tkfont.nametofont("TkDefaultFont", root).metrics("linespace") * 1.3)
        style.configure("Treeview", rowheight=rowheight)
    return family


def _own_fonts(root: tk.Misc) -> dict[str, tkfont.Font]:
    """The application's own named fonts, kept with the root window: Tk deletes a named font
    when its Python object goes away."""
    fonts = getattr(root, "_counterdesk_fonts", None)
    if fonts is None:
        fonts = {}
        setattr(root, "_counterdesk_fonts", fonts)  # noqa: B010 - not a declared attribute
    return fonts


BUTTON_STYLES = ("primary", "secondary", "danger", "success", "secondary-outline")


def readable_disabled(root: tk.Misc) -> None:
    """Disabled buttons in the theme's secondary text colour: the themes' own pale grey on
    white (about 1.6:1) cannot be read at a counter."""
    style = ttk.Style.get_instance()
    if style is None:
        return
    colour = getattr(style.colors, "secondary", None)
    if not colour:
        return
    for bootstyle in BUTTON_STYLES:  # build each style once, so that it can be changed
        probe = ttk.Button(root, bootstyle=bootstyle)
        name = probe.cget("style")
        probe.destroy()
        if not name:
            continue
        states = [s for s in style.map(name, "foreground") if s[0] != "disabled"]
        style.map(name, foreground=[("disabled", colour), *states])


def apply_scaling(root: tk.Misc, scaling: float | None) -> None:
    """Use `scaling` pixels per point (high-DPI screens), or what the display reports."""
    if scaling is not None:
        root.tk.call("tk", "scaling", scaling)
