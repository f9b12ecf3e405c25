"""The kinds of document: one table in models, one report module each, words for each."""

from __future__ import annotations

import typing

import pytest

from models.document_kinds import DOCUMENT_KINDS, KINDS, Span, document_kind, statement_kinds
from reports.kinds import DocumentRequest, every_spec, spec


def test_every_kind_has_its_report_module_with_the_same_rules() -> None:
    specs = every_spec()
    assert [s.kind for s in specs] == list(DOCUMENT_KINDS)
    assert len(set(KINDS)) == len(KINDS)


def test_every_kind_s_document_has_a_renderer_and_a_title_in_both_languages() -> None:
    from reports.pdf.dispatch import _RENDERERS
    from reports.pdf.labels import Labels

    for found in every_spec():
        made = typing.get_type_hints(found.gather)["return"]
        assert made in _RENDERERS, found.kind.name
        for lang in ("zh", "en"):
            title = Labels(lang).term("document", found.kind.name)
            assert title and title != found.kind.name, (found.kind.name, lang)


def test_every_statement_kind_has_words_and_its_own_key_on_the_statement_screen() -> None:
    from desktop.core.doc_kinds import STATEMENT_WORDS

    assert list(STATEMENT_WORDS) == [k.name for k in statement_kinds()]
    keys = [w.key for w in STATEMENT_WORDS.values()]
    assert len(set(keys)) == len(keys)


def test_an_unknown_kind_is_refused_with_the_known_ones_named() -> None:
    with pytest.raises(ValueError, match="kind must be one of rights, medical"):
        document_kind("payslip")
    with pytest.raises(ValueError, match="kind must be one of"):
        spec("payslip")


@pytest.mark.parametrize("kind", KINDS)
def test_a_request_missing_what_the_kind_needs_is_refused_before_any_query(kind: str) -> None:
    with pytest.raises(ValueError, match="this document needs"):
        spec(kind).checked(DocumentRequest())
    span = document_kind(kind).span
    assert span in tuple(Span)
