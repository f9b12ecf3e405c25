"""The application's languages: gettext catalogs made with Babel, switchable at run time.

Every user-visible string of the application goes through `_()` (or `ngettext()`); strings
defined before a language is chosen are marked with `N_()` and translated where shown. The
catalogs live in desktop/locale/<lang>/LC_MESSAGES/counterdesk.po (compiled to .mo); see
`desktop.core.catalogs` for how they are extracted, updated and compiled.
"""

from __future__ import annotations

import gettext
import logging
from pathlib import Path

log = logging.getLogger(__name__)

DOMAIN = "counterdesk"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# Each language named in itself, so that anyone can find their own in the menu.
LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "zh"


class _Active:
    """The language in use (one per process, like gettext's own global domain)."""

    lang: str = DEFAULT_LANGUAGE
    translations: gettext.NullTranslations = gettext.NullTranslations()


def set_language(lang: str) -> None:
    """Use `lang` (a key of LANGUAGES) for every later `_()`; ValueError for an unknown one."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    try:
        _Active.translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])
    except OSError:  # a broken installation: better English than no counter at all
        if lang != "en":
            log.warning("no %s catalog in %s: showing English", lang, LOCALE_DIR)
        _Active.translations = gettext.NullTranslations()
    _Active.lang = lang


def language() -> str:
    """The language in use."""
    return _Active.lang


def _(message: str) -> str:
    """`message` in the language in use."""
    return _Active.translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the language in use."""
    return _Active.translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for translation without translating it now (it is shown later)."""
    return message
