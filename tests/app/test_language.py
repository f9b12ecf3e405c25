"""Languages: switched at run time from the menu; Chinese drawn with a CJK font."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PIL import Image

from desktop.core.i18n import LANGUAGES
from models.home import OfficeHome
from models.schema import AuditEvent, OfficeSetting, write_transaction
from tests.app.driver import AppDriver

TITLES = {  # the customer screen's title and tab, per language
    "zh": ("客户信息", "近36个月"),
    "en": ("Customer", "Last 36 months"),
    "es": ("Cliente", "Últimos 36 meses"),
}


def _switch(app: AppDriver, lang: str) -> None:
    app.window.menus.languages.invoke(list(LANGUAGES).index(lang))
    app.settle()


def test_the_language_menu_switches_zh_en_es_and_keeps_the_customer(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    app = make_app(lang="zh")
    assert app.root.title().endswith("登录")
    app.screenshot("login-zh")
    app.sign_in()
    app.open_by_id(demo_ssn)
    reads = AuditEvent.select().where(AuditEvent.action == "person.read").count()
    for lang in ("zh", "en", "es"):
        if lang != "zh":
            _switch(app, lang)
        title, tab = TITLES[lang]
        customer = app.screen
        assert app.key == "customer"
        assert app.root.title().endswith(title)
        assert customer.tabs.tab(0, "text") == tab
        assert customer.visit.overview.person.ssn == demo_ssn
        app.screenshot(f"customer-{lang}")
    footer = app.window.footer.captions["F12"].cget("text")
    assert footer == "Terminar visita"
    assert AuditEvent.select().where(AuditEvent.action == "person.read").count() == reads


def test_chinese_is_drawn_with_a_cjk_font_and_the_screen_is_not_blank(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app(lang="zh")
    app.sign_in()
    waiting = app.screen
    assert tkfont.nametofont("TkDefaultFont").actual("family") == "WenQuanYi Micro Hei"
    title = next(w for w in _descendants(waiting) if _text(w) == "下一位客户")
    shot = app.screenshot("waiting-zh")
    assert _ink(shot, title) > 150


def _descendants(widget: Any) -> Iterator[Any]:
    for child in widget.winfo_children():
        yield child
        yield from _descendants(child)


def _text(widget: Any) -> str | None:
    try:
        return widget.cget("text")
    except tk.TclError:  # a frame has no text
        return None


def _ink(shot: Path, widget: object) -> int:
    """Pixels of the widget's area much darker than its background (the glyphs)."""
    x, y = widget.winfo_rootx(), widget.winfo_rooty()
    box = (x, y, x + widget.winfo_width(), y + widget.winfo_height())
    counts = Image.open(shot).convert("L").crop(box).histogram()  # pixels per grey level
    background = max(level for level, count in enumerate(counts) if count)
    return sum(counts[: max(0, background - 100)])


def test_the_stored_language_theme_and_size_are_used_when_the_command_line_gives_none(
    make_app: Callable[..., AppDriver], demo: OfficeHome
) -> None:
    demo.open()
    with write_transaction():
        for key, value in (("language", "es"), ("theme", "contrast-dark"), ("text_size", "18")):
            OfficeSetting.replace(key=key, value=value).execute()
    app = make_app(use_stored=("lang", "theme", "text_size"))
    assert app.window.config.lang == "es"
    assert app.root.title().endswith("Iniciar sesión") or "counterdesk" in app.root.title()
    assert app.window.theme == "contrast-dark"
    assert app.window.text_size == 18


def test_the_command_line_wins_over_the_stored_language(
    make_app: Callable[..., AppDriver], demo: OfficeHome
) -> None:
    demo.open()
    with write_transaction():
        OfficeSetting.replace(key="language", value="es").execute()
    app = make_app(lang="en", use_stored=("theme", "text_size"))
    assert app.window.config.lang == "en"
