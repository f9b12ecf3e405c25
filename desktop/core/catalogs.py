"""The message catalogs: extract the application's strings, update each language, compile.

Run ``python -m desktop.core.catalogs`` after changing user-visible strings of desktop/app or
desktop/core: it writes the template desktop/locale/counterdesk.pot, merges it into each language's
desktop/locale/<lang>/LC_MESSAGES/counterdesk.po (new strings arrive untranslated; translate
them there), and compiles every .po into its .mo. The tests check that the committed .mo files
are the compiled .po files and that every string of both is in every catalog.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from desktop.core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

DESKTOP_DIR = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("app", "core")  # the Tk application and its Tk-free part
PROJECT = "counterdesk"
HEADER = {
    "project": PROJECT,
    "version": "0.1",
    "copyright_holder": "the counterdesk authors",
    "msgid_bugs_address": "counterdesk maintainers",
    "last_translator": "counterdesk maintainers",
    "language_team": "counterdesk maintainers",
    "domain": DOMAIN,
    "fuzzy": False,
}
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    """The catalog source of `lang`."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    """The compiled catalog of `lang`."""
    return po_path(lang).with_suffix(".mo")


def extract() -> Catalog:
    """Every translatable string of desktop/app and desktop/core (`_`, `N_`, `ngettext` with
    literal text)."""
    template = Catalog(**HEADER)
    for folder in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            DESKTOP_DIR / folder,
            method_map=[("**.py", "python")],
            keywords=DEFAULT_KEYWORDS,
            comment_tags=("Translators:",),
        ):
            location = (f"desktop/{folder}/{filename}", lineno)
            template.add(message, None, [location], auto_comments=comments, context=context)
    return template


def read_catalog(path: Path, lang: str | None = None) -> Catalog:
    """A .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def compile_catalog(catalog: Catalog) -> bytes:
    """The .mo bytes of `catalog` (fuzzy translations left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _write_po(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, ignore_obsolete=True)


def update() -> None:
    """Extract, merge into every language, compile (see the module's docstring)."""
    template = extract()
    _write_po(TEMPLATE, template)
    for lang in LANGUAGES:
        path = po_path(lang)
        catalog = read_catalog(path, lang) if path.exists() else Catalog(locale=lang, **HEADER)
        catalog.update(template, no_fuzzy_matching=True)
        _write_po(path, catalog)
        mo_path(lang).write_bytes(compile_catalog(read_catalog(path, lang)))


if __name__ == "__main__":
    update()
