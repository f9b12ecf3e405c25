"""What a sheet draws with: the interface both writers' inks offer, and path segments.

The fast path's `reports.pdf.ink.Ink` writes PDF operators into the page itself; the stock
path's `reports.pdf.stockink.StockInk` calls reportlab's public canvas API. Grid lines and
boxes are path segments in PDF's own operator syntax (`line`, `box`), which the fast ink writes
as they are and the stock ink reads back into a canvas path.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

from reportlab.lib.colors import Color

TextItem = tuple[float, float, str, float, Color, str]  # x, y, text, size, colour, align


class Pen(Protocol):
    """Draws text in the document's font, filled rectangles and stroked paths on a page."""

    def width(self, text: str, size: float) -> float:
        """The width of `text` at `size` points."""
        ...

    def text(
        self, x: float, y: float, text: str, size: float, color: Color, align: str = "left"
    ) -> None:
        """Draw `text` with its baseline at `y`; `align` (left, right, centre) is about `x`."""
        ...

    def texts(self, items: list[TextItem]) -> None:
        """Draw many texts; an empty `align` is 'left' with `x` already where the text starts."""
        ...

    def fill_rect(self, x: float, y: float, width: float, height: float, color: Color) -> None:
        """A filled rectangle without outline, lower left corner at x, y."""
        ...

    def stroke_path(self, path: list[str], width: float, color: Color) -> None:
        """Stroke path segments made by `line` and `box`."""
        ...


@lru_cache(maxsize=8192)  # grid lines fall in the same places in document after document
def line(x1: float, y1: float, x2: float, y2: float) -> str:
    """A straight segment for `Pen.stroke_path`."""
    return f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l"


@lru_cache(maxsize=8192)  # table stripes and fills too
def box(x: float, y: float, width: float, height: float) -> str:
    """A rectangle outline for `Pen.stroke_path`."""
    return f"{x:.2f} {y:.2f} {width:.2f} {height:.2f} re"
