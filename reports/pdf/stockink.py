"""The stock mode's ink: text, fills and rules through reportlab's public canvas API only.

It draws what `reports.pdf.ink.Ink` draws (the same texts at the same places, in the same font,
colours and rules), with `drawString`, `rect` and canvas paths: reportlab maps the text to its
font subset and writes the operators itself. Slower than the fast path's `Ink`, which writes
the page stream directly, but it depends on nothing reportlab does not document.
"""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from reports.pdf.fonts import CjkFont
from reports.pdf.pen import TextItem


def _add_segments(path: PDFPathObject, segments: list[str]) -> None:
    """Add segments made by `reports.pdf.pen.line` ('x y m x y l') and `box` ('x y w h re')."""
    for segment in segments:
        words = segment.split()
        numbers: list[float] = []
        for word in words:
            if word == "m":
                path.moveTo(*numbers)
            elif word == "l":
                path.lineTo(*numbers)
            elif word == "re":
                path.rect(*numbers)
            else:
                numbers.append(float(word))
                continue
            numbers = []
        if numbers:
            raise ValueError(f"not a path segment: {segment!r}")


class StockInk:
    """Draws text in one CJK font, and filled or stroked rectangles, on a canvas (a `Pen`)."""

    def __init__(self, canv: Canvas, font: CjkFont) -> None:
        """Ink for `canv` in the registered `font` (the stock mode's registration)."""
        self._canv = canv
        self._font = font.name

    def width(self, text: str, size: float) -> float:
        """The width of `text` at `size` points."""
        return self._canv.stringWidth(text, self._font, size)

    def text(
        self, x: float, y: float, text: str, size: float, color: Color, align: str = "left"
    ) -> None:
        """Draw `text` with its baseline at `y`; `align` (left, right, centre) is about `x`."""
        if not text:
            return
        canv = self._canv
        canv.setFont(self._font, size)
        canv.setFillColor(color)
        # the fast ink's precision (2 decimals, after aligning): both modes place every text
        # alike, so that a column boundary rounds the same way in both
        if align == "right":
            x -= self.width(text, size)
        elif align == "centre":
            x -= self.width(text, size) / 2
        canv.drawString(round(x, 2), round(y, 2), text)

    def texts(self, items: list[TextItem]) -> None:
        """Draw many (x, y, text, size, colour, align); an empty `align` is 'left'."""
        for x, y, text, size, color, align in items:
            self.text(x, y, text, size, color, align or "left")

    def fill_rect(self, x: float, y: float, width: float, height: float, color: Color) -> None:
        """A filled rectangle without outline, lower left corner at x, y."""
        self._canv.setFillColor(color)
        self._canv.rect(x, y, width, height, stroke=0, fill=1)

    def stroke_path(self, path: list[str], width: float, color: Color) -> None:
        """Stroke path segments made by `reports.pdf.pen.line` and `box`."""
        if not path:
            return
        shape = self._canv.beginPath()
        _add_segments(shape, path)
        self._canv.setLineWidth(width)
        self._canv.setStrokeColor(color)
        self._canv.drawPath(shape, stroke=1, fill=0)
