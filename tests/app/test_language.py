"""Languages: switched at run time from the menu; Chinese drawn with a CJK font."""

from __future__ import annotations

import tkinter.font as tkfont
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from desktop.app.i18n import LANGUAGES
from models.schema import AuditEvent
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
    title = next(w for w in waiting.winfo_children() if w.cget("text") == "下一位客户")
    shot = app.screenshot("waiting-zh")
    assert _ink(shot, title) > 150


def _ink(shot: Path, widget: object) -> int:
    """Pixels of the widget's area much darker than its background (the glyphs)."""
    x, y = widget.winfo_rootx(), widget.winfo_rooty()
    box = (x, y, x + widget.winfo_width(), y + widget.winfo_height())
    counts = Image.open(shot).convert("L").crop(box).histogram()  # pixels per grey level
    background = max(level for level, count in enumerate(counts) if count)
    return sum(counts[: max(0, background - 100)])
