"""Pages laid out before anything is drawn, so that every page knows it is 'page x of y'.

A `Sheet` is the list of pages of one document; each page holds drawing steps, each a function
called with the ink (a `reports.pdf.pen.Pen`) and the top of its block. Blocks are placed
top-down with the spacing rules of reportlab's frames (space before a block is dropped at the
top of a page and reduced by the space after the block above), so the canvas documents keep the
platypus documents' rhythm.
"""

from __future__ import annotations

from collections.abc import Callable

from reports.pdf.pen import Pen

Draw = Callable[[Pen, float], None]  # (pen, top of the block)


class Sheet:
    """The pages of one document as drawing steps, filled top-down between two heights."""

    def __init__(self, first_top: float, later_top: float, bottom: float) -> None:
        self.pages: list[list[tuple[Draw, float]]] = [[]]
        self.bottom = bottom
        self._later_top = later_top
        self.y = first_top
        self._at_top = True
        self._after = 0.0

    @property
    def room(self) -> float:
        """Height left on the current page."""
        return self.y - self.bottom

    @property
    def at_top(self) -> bool:
        """True when nothing was placed on the current page yet."""
        return self._at_top

    def new_page(self) -> None:
        """Continue on a new page."""
        self.pages.append([])
        self.y = self._later_top
        self._at_top = True
        self._after = 0.0

    def gap(self, before: float) -> float:
        """The space a block asking for `before` gets above it here."""
        return 0.0 if self._at_top else max(before - self._after, 0.0)

    def fits(self, height: float, before: float = 0.0) -> bool:
        """True if a block of `height` (with its space before) fits on this page."""
        return self.gap(before) + height <= self.room + 1e-6

    def place(self, height: float, draw: Draw, before: float = 0.0, after: float = 0.0) -> None:
        """Put a block below the last one, on a new page if it does not fit on this one."""
        if not self.fits(height, before) and not self._at_top:
            self.new_page()
        self.y -= self.gap(before)
        self.pages[-1].append((draw, self.y))
        self.y -= height + after
        self._after = after
        self._at_top = False

    def draw_page(self, ink: Pen, index: int) -> None:
        """Run the drawing steps of page `index` (0-based)."""
        for draw, top in self.pages[index]:
            draw(ink, top)
