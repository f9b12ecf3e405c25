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
import re
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


class _Slot(pdfdoc.PDFObject):
    """Stands for the `index`-th reference while a template is formatted."""

    def __init__(self, index: int) -> None:
        self.index = index

    def format(self, document: Any) -> bytes:
        """A marker no formatted PDF dictionary contains."""
        return b"\x00slot%d\x00" % self.index


class _Template(pdfdoc.PDFObject):
    """A PDF object formatted once, but for the numbers of the objects it refers to, which
    differ from document to document: those are formatted each time."""

    __RefOnly__ = 1  # always written as an object of its own and referred to

    def __init__(self, template: tuple[list[bytes], list[int]], refs: list[Any]) -> None:
        self.parts, order = template
        self.refs = [refs[i] for i in order]

    def format(self, document: Any) -> bytes:
        """The cached bytes with this document's references put in."""
        out = [self.parts[0]]
        for ref, part in zip(self.refs, self.parts[1:], strict=True):
            out += (ref.format(document), part)
        return b"".join(out)


_SLOT = re.compile(rb"\x00slot(\d+)\x00")


def _template_of(obj: Any, document: Any) -> tuple[list[bytes], list[int]]:
    """`obj` (made with `_Slot(i)` where its references go) formatted and cut at the slots:
    the bytes between them, and which reference goes in each gap."""
    pieces = _SLOT.split(obj.format(document))
    return pieces[::2], [int(i) for i in pieces[1::2]]


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
    descriptors: OrderedDict[str, tuple[list[bytes], list[int]]] = OrderedDict()

    def add_subset_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
        """reportlab's `TTFontFace.addSubsetObjects`, with the font program made once."""

        def make() -> tuple[bytes, int]:
            raw = face.makeSubset(subset)
            return zlib.compress(raw), len(raw)

        program = _lru(cache, tuple(subset), make)
        font_file = pdfdoc.PDFStream()
        font_file.dictionary["Length1"] = program[1]
        font_file.content = program[0]  # compressed once: the document's filters do not apply
        font_file.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
        file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({fontname})")

        def make_descriptor() -> tuple[list[bytes], list[int]]:
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
                    "FontFile2": _Slot(0),
                    "MissingWidth": face.defaultWidth,
                }
            )
            return _template_of(descriptor, doc)

        parts = _lru(descriptors, fontname, make_descriptor)
        return doc.Reference(_Template(parts, [file_ref]), "fontDescriptor:" + fontname)

    parts: OrderedDict[tuple[Any, ...], tuple[bytes, bytes]] = OrderedDict()
    fonts: OrderedDict[tuple[Any, ...], tuple[list[bytes], list[int]]] = OrderedDict()

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
            cmap_stream = pdfdoc.PDFStream(content=cmap)
            cmap_stream.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
            cmap_ref = doc.Reference(cmap_stream, "toUnicodeCMap:" + base)
            descriptor_ref = face.addSubsetObjects(doc, base, subset)

            def make_font(
                internal: str = internal,
                base: str = base,
                last: int = len(subset) - 1,
                widths: bytes = widths,
            ) -> tuple[list[bytes], list[int]]:
                pdf_font = pdfdoc.PDFTrueTypeFont()
                pdf_font.Name = internal
                pdf_font.BaseFont = base
                pdf_font.FirstChar = 0
                pdf_font.LastChar = last
                pdf_font.Widths = _Formatted(widths)
                pdf_font.ToUnicode = _Slot(0)
                pdf_font.FontDescriptor = _Slot(1)
                return _template_of(pdf_font, doc)

            font_parts = _lru(fonts, (internal, base, tuple(subset)), make_font)
            pdf_font = _Template(font_parts, [cmap_ref, descriptor_ref])
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
