"""The statements' font subsetter gives reportlab's own subsets, byte for byte."""

from __future__ import annotations

import random

import pytest
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from reports.pdf.fonts import load_font
from reports.pdf.subset import Subsetter


@pytest.fixture(scope="module")
def face() -> object:
    return TTFont("SubsetTest", load_font().path).face


def _reportlabs(face: object, subset: list[int]) -> bytes:
    return TTFontFile.makeSubset(face, subset)  # the class's own, whatever the instance has


def test_subsets_are_reportlabs_bytes_for_many_sets_of_characters(face: object) -> None:
    subsetter = Subsetter(face)
    chars = sorted(face.charToGlyph)  # type: ignore[attr-defined]
    composite = [c for c in chars[::50] if subsetter._glyph(face.charToGlyph[c])[1]]  # type: ignore[attr-defined]
    assert composite  # the CJK font has composite glyphs: their renumbering is checked too
    draw = random.Random(5)
    for _ in range(60):
        subset = [0, *([32] * draw.randint(0, 2)), *draw.sample(chars, draw.randint(1, 250))]
        subset += [*draw.sample(composite, 3), 0x10FFFE]  # and a character it lacks
        assert subsetter.make_subset(subset) == _reportlabs(face, subset)


def test_the_registered_document_font_uses_the_fast_subsetter() -> None:
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(load_font().name).face
    subset = [0, 32, ord("社"), ord("保"), ord("A")]
    assert face.makeSubset.__self__.__class__ is Subsetter
    assert face.makeSubset(subset) == _reportlabs(face, subset)
