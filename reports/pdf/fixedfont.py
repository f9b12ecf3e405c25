"""A second registration of the document font for the fixed texts, whose subset is cached.

Every statement embeds a subset of the CJK font; building it (`makeSubset`) and compressing it
cost as much as drawing a page. The fixed texts (labels, terms, digits) are the same in every
document of a language, so they are set in a twin font (`CjkFont.labels_name`, the same face)
whose subset is seeded with all of them in a fixed order at the start of each document
(`seed`): its embedded font program is then the same bytes every time and is made once per
process. Register text (names, addresses, employers) stays in the main font's own small subset.
Correctness never depends on the cache: a subset seen for the first time is simply built.
"""

from __future__ import annotations

import copy
import zlib
from collections import OrderedDict
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

CACHED_SUBSETS = 8  # a few subsets per language; register text never reaches this font


class _Formatted(pdfdoc.PDFObject):
    """A PDF object whose formatted bytes are already known (a cached widths array)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        """The bytes as they go into the file."""
        return self.data


def _lru(cache: OrderedDict, key: Any, make: Any) -> Any:
    value = cache.get(key)
    if value is None:
        value = cache[key] = make()
        if len(cache) > CACHED_SUBSETS:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return value


def labels_font(main: TTFont, name: str) -> TTFont:
    """A twin of `main` named `name`, sharing its parsed face, with a cache of font programs."""
    twin = copy.copy(main)
    twin.fontName = name
    twin.state = WeakKeyDictionary()
    twin._asciiReadable = True  # ASCII keeps its own codes: the seeded layout starts alike
    face = copy.copy(main.face)
    face.name = main.face.name + b"-Labels"  # its subsets get their own BaseFont names
    cache: OrderedDict[tuple[int, ...], tuple[bytes, int]] = OrderedDict()

    def add_subset_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
        """reportlab's `TTFontFace.addSubsetObjects`, with the font program made once."""

        def make() -> tuple[bytes, int]:
            raw = face.makeSubset(subset)
            return zlib.compress(raw), len(raw)

        program = _lru(cache, tuple(subset), make)
        font_file = pdfdoc.PDFStream()
        font_file.dictionary["Length1"] = program[1]
        if doc.compression:
            font_file.content = program[0]
            font_file.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
        else:
            font_file.content = zlib.decompress(program[0])
        file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({fontname})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": file_ref,
                "MissingWidth": face.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)

    parts: OrderedDict[tuple[Any, ...], tuple[bytes, bytes]] = OrderedDict()

    def add_objects(doc: Any) -> None:
        """reportlab's `TTFont.addObjects`, with each subset's widths and ToUnicode map made
        once (they are the same in every document for the seeded subsets)."""
        state = twin.state.get(doc) or twin._assignState(doc)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal = twin.getSubsetInternalName(n, doc)[1:]
            base = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")

            def make(base: str = base, subset: list[int] = subset) -> tuple[bytes, bytes]:
                widths = pdfdoc.PDFArray(list(map(face.getCharWidth, subset)))
                cmap = zlib.compress(makeToUnicodeCMap(base, subset).encode("latin-1"))
                return widths.format(doc), cmap

            widths, cmap = _lru(parts, (base, tuple(subset)), make)
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {twin.fontName} subset {n}"
            pdf_font.Name = internal
            pdf_font.BaseFont = base
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = _Formatted(widths)
            cmap_stream = pdfdoc.PDFStream(content=cmap)
            cmap_stream.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
            pdf_font.ToUnicode = doc.Reference(cmap_stream, "toUnicodeCMap:" + base)
            pdf_font.FontDescriptor = face.addSubsetObjects(doc, base, subset)
            doc.Reference(pdf_font, internal)
            doc.idToObject["BasicFonts"].dict[internal] = pdf_font
        del twin.state[doc]

    face.addSubsetObjects = add_subset_objects
    twin.face = face
    twin.addObjects = add_objects
    return twin


class _Probe:
    """A stand-in document (font states are kept in a weak dictionary by document)."""


_SEEDED: dict[tuple[str, str], tuple[int, dict[int, int], list[list[int]], int]] = {}


def seed(font: TTFont, doc: Any, text: str) -> None:
    """Give `text`'s characters their codes in `font`'s subsets for `doc`, in this order.

    The codes are found once per font and text (reportlab's own `splitString` on a fresh
    state); later documents get a copy of that state: the same codes, several times faster."""
    key = (font.fontName, text)
    seeded = _SEEDED.get(key)
    if seeded is None:
        probe = _Probe()
        fresh = font.state[probe] = font.State(font._asciiReadable, font)
        first_code = fresh.nextCode
        font.splitString(text, probe)
        made = font.state.pop(probe)
        seeded = _SEEDED[key] = (first_code, made.assignments, made.subsets, made.nextCode)
    first_code, assignments, subsets, next_code = seeded
    state = font.state.get(doc)
    if state is None:
        state = font.state[doc] = font.State(font._asciiReadable, font)
    if state.nextCode != first_code:
        font.splitString(text, doc)  # this document already used the font: seed it as it is
        return
    state.assignments = dict(assignments)
    state.subsets = [list(subset) for subset in subsets]
    state.nextCode = next_code
