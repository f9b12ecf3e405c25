"""The message catalogs: complete, compiled, and faithful to their placeholders."""

from __future__ import annotations

import importlib
import re

import pytest

from desktop.core import catalogs
from desktop.core.i18n import LANGUAGES

PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _ids(catalog: object) -> set[object]:
    return {m.id for m in catalog if m.id}  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_committed_mo_file_is_the_compiled_po_file(lang: str) -> None:
    compiled = catalogs.compile_catalog(catalogs.read_catalog(catalogs.po_path(lang), lang))
    assert catalogs.mo_path(lang).read_bytes() == compiled, (
        f"{catalogs.mo_path(lang)} is stale: run `python -m desktop.core.catalogs`"
    )


def test_the_template_holds_every_message_of_the_application() -> None:
    assert _ids(catalogs.read_catalog(catalogs.TEMPLATE)) == _ids(catalogs.extract())


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_message_of_the_application_is_translated(lang: str) -> None:
    catalog = catalogs.read_catalog(catalogs.po_path(lang), lang)
    assert _ids(catalogs.extract()) - _ids(catalog) == set()
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_translations_keep_the_placeholders(lang: str) -> None:
    wrong = []
    for message in catalogs.read_catalog(catalogs.po_path(lang), lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append((ids[0], text))
    assert wrong == []


def _every_sync_error_type() -> list[type]:
    """Every SyncError type of sync and of the office relay (their modules imported first)."""
    import pkgutil

    import relay
    import sync
    from sync.errors import error_types

    for package in (sync, relay):
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    return error_types()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_sync_error_has_a_sentence_in_every_language(lang: str) -> None:
    from desktop.core.sync_words import SYNC_PROBLEMS

    types = _every_sync_error_type()
    assert len(types) > 15
    assert [t.__name__ for t in types if t.code not in SYNC_PROBLEMS] == []
    catalog = catalogs.read_catalog(catalogs.po_path(lang), lang)
    for code in (t.code for t in types):
        message = catalog.get(SYNC_PROBLEMS[code])
        assert message is not None and message.string and not message.fuzzy, (lang, code)
