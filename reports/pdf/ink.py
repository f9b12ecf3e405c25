"""Text, fills and rules written straight into a canvas's page stream: the statements' hot path.

`Canvas.drawString` costs about 13 us a call (a text object, font state, subset mapping and
escaping each time); a statement draws some 500 strings. `Ink` writes the same PDF operators
(`BT ... Tm ... Tf (...) Tj ET`) itself and keeps each distinct text's encoded form for the
rest of the document, so a repeated cell ("养老保险", "已缴", "8,500.00") is mapped to the
font subset once. Fixed-text characters (labels, terms, digits and ASCII) go to the labels twin
of the font, whose embedded subset is the same for every document (`reports.pdf.fixedfont`),
also inside register text (the digits of an address): the register font's own subset, made for
each document, then holds only the glyphs of names, addresses and employers. The glyph
mapping is reportlab's own (`TTFont.splitString`), so the embedded subsets, the text a PDF
reader extracts and the look are those of `drawString`.

It reaches into the canvas's current page code (`_code`) and document (`_doc`): both are stable
in the reportlab versions `reports.pdf.mode.VERIFIED_REPORTLAB` lists, and the renderer tests
read every page back. With any other version the stock mode draws with `StockInk` instead.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from reports.pdf.fixedfont import seed
from reports.pdf.fonts import CjkFont
from reports.pdf.labels import seed_text
from reports.pdf.pen import box

_ASCII = frozenset(chr(c) for c in range(32, 127))
K = TypeVar("K")
V = TypeVar("V")
# Fixed texts encoded for the seeded labels font: the same in every document seeded alike in
# which that font got the same internal name, so kept for the process (bounded: amounts vary).
_SHARED: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
# Text positions as operators, by coordinate
_X_OPS: dict[float, str] = {}
_Y_OPS: dict[float, str] = {}
_LIMIT = 20_000  # entries in each of these caches, at most


@lru_cache(maxsize=64)
def _fixed_texts(lang: str, kind: str | None, issuer: str) -> tuple[str, frozenset[str]]:
    """The characters fixed texts of `kind` in `lang` and the `issuer` need, in the order they
    are seeded, and all the characters that go to the labels font (those and ASCII)."""
    fixed = seed_text(lang, kind)
    known = _ASCII.union(fixed)
    fixed += "".join(sorted({ch for ch in issuer if ch not in known and not ch.isspace()}))
    return fixed, _ASCII | frozenset(fixed)


def _remember(cache: dict[K, V], key: K, value: V) -> V:
    """`value`, kept as `cache[key]` (the cache is emptied when it is full)."""
    if len(cache) >= _LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _colour(color: Color, op: str) -> str:
    return f"{color.red:.4g} {color.green:.4g} {color.blue:.4g} {op}"


class Ink:
    """Draws text in one CJK font, and filled or stroked rectangles, on a canvas."""

    def __init__(
        self,
        canv: Canvas,
        font: CjkFont,
        lang: str = "zh",
        fixed_font: bool = True,
        issuer: str = "",
        kind: str | None = None,
    ) -> None:
        """Ink for `canv`; with `fixed_font`, fixed texts (of statements of `kind`, rights or
        medical; None for both) go to the font's cached labels twin. `issuer` is text every
        document of this office and clerk carries (their names): its characters join the fixed
        texts', so they are not in each document's own subset."""
        self._canv = canv
        self._face = pdfmetrics.getFont(font.name)
        use_twin = fixed_font and font.labels_name
        self._labels = pdfmetrics.getFont(font.labels_name) if use_twin else None
        self._fixed: frozenset[str] = frozenset()
        self._shared_key = ("", "")
        self._seeded: dict[int, int] = {}
        if self._labels is not None:
            fixed, self._fixed = _fixed_texts(lang, kind, issuer)
            seed(self._labels, canv._doc, fixed)
            self._shared_key = (fixed, self._labels.getSubsetInternalName(0, canv._doc))
            self._seeded = self._labels.state[canv._doc].assignments
        self._runs: dict[str, list[tuple[str, str]]] = {}
        self._fills: dict[tuple[float, float, float], str] = {}
        self._strokes: dict[tuple[float, float, float], str] = {}

    def width(self, text: str, size: float) -> float:
        """The width of `text` at `size` points."""
        return self._face.stringWidth(text, size)

    def _encoded(self, text: str) -> list[tuple[str, str]]:
        """(subset font name, show operator) runs of `text`, mapped once per document."""
        runs = self._runs.get(text)
        if runs is None:
            if self._fixed.issuperset(text):
                key = (*self._shared_key, text)
                runs = _SHARED.get(key) or _remember(_SHARED, key, self._map(self._labels, text))
            elif self._labels is None:
                runs = self._map(self._face, text)
            else:
                runs = self._mixed(text)
            self._runs[text] = runs
        return runs

    def _mixed(self, text: str) -> list[tuple[str, str]]:
        """Runs of register text: its fixed-text characters (digits, common words) in the
        labels font, the others in the register font's own subset, which stays small."""
        fixed = self._fixed
        runs: list[tuple[str, str]] = []
        start = 0
        for end in range(1, len(text) + 1):
            if end == len(text) or (text[end] in fixed) != (text[start] in fixed):
                face = self._labels if text[start] in fixed else self._face
                runs += self._map(face, text[start:end])
                start = end
        return runs

    def _map(self, face: Any, text: str) -> list[tuple[str, str]]:
        if face is self._labels and text and "\xa0" not in text:
            codes = [self._seeded.get(code, 256) for code in map(ord, text)]
            if max(codes) < 256:  # all seeded in the first subset: what splitString would give
                return [(self._shared_key[1], f"({self._canv._escape(bytes(codes))}) Tj")]
        doc = self._canv._doc
        escape = self._canv._escape
        return [
            (face.getSubsetInternalName(subset, doc), f"({escape(chunk)}) Tj")
            for subset, chunk in face.splitString(text, doc)
        ]

    def fill_op(self, color: Color) -> str:
        """The operator setting the fill colour to `color`."""
        key = (color.red, color.green, color.blue)
        op = self._fills.get(key)
        if op is None:
            op = self._fills[key] = _colour(color, "rg")
        return op

    def stroke_op(self, color: Color) -> str:
        """The operator setting the stroke colour to `color`."""
        key = (color.red, color.green, color.blue)
        op = self._strokes.get(key)
        if op is None:
            op = self._strokes[key] = _colour(color, "RG")
        return op

    def text(
        self, x: float, y: float, text: str, size: float, color: Color, align: str = "left"
    ) -> None:
        """Draw `text` with its baseline at `y`; `align` (left, right, centre) is about `x`."""
        if not text:
            return
        if align == "right":
            x -= self._face.stringWidth(text, size)
        elif align == "centre":
            x -= self._face.stringWidth(text, size) / 2
        shows = " ".join(f"{name} {size:g} Tf {show}" for name, show in self._encoded(text))
        self._canv._code.append(f"BT {self.fill_op(color)} 1 0 0 1 {x:.2f} {y:.2f} Tm {shows} ET")

    def texts(self, items: list[tuple[float, float, str, float, Color, str]]) -> None:
        """Draw many (x, y, text, size, colour, align) in one text object: the font and colour
        are set only when they change (a table's cells, written compactly). An empty `align`
        is 'left' with `x` already where the text starts."""
        parts = ["BT"]
        add = parts.append
        width = self._face.stringWidth
        font_now: str | None = None
        size_now = color_now = last_y = None
        x_ops = _X_OPS  # columns repeat their x and rows their y, in every document
        y_ops = _Y_OPS
        known = self._runs.get
        y_op = ""
        for x, y, text, size, color, align in items:
            if not text:
                continue
            if align and align != "left":
                x -= width(text, size) if align == "right" else width(text, size) / 2
            if color is not color_now:
                add(self.fill_op(color))
                color_now = color
            x_op = x_ops.get(x) or _remember(x_ops, x, f"1 0 0 1 {x:.2f} ")
            if y != last_y:
                last_y = y
                y_op = y_ops.get(y) or _remember(y_ops, y, f"{y:.2f} Tm")
            add(x_op + y_op)
            for name, show in known(text) or self._encoded(text):
                if name != font_now or size != size_now:
                    add(f"{name} {size:g} Tf")
                    font_now, size_now = name, size
                add(show)
        add("ET")
        self._canv._code.append(" ".join(parts))

    def fill_rect(self, x: float, y: float, width: float, height: float, color: Color) -> None:
        """A filled rectangle without outline, lower left corner at x, y."""
        self._canv._code.append(f"{self.fill_op(color)} {box(x, y, width, height)} f")

    def stroke_path(self, path: list[str], width: float, color: Color) -> None:
        """Stroke path segments (PDF 'm'/'l'/'re' operators) in one go."""
        if path:
            self._canv._code.append(f"{width:g} w {self.stroke_op(color)} {' '.join(path)} S")
