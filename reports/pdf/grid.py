"""Tables, bands, headings and notes laid out on a `Sheet` and drawn straight on the canvas.

The look is that of the platypus tables (`reports.pdf.tables`): the same column widths,
paddings, font sizes, shaded heading row, zebra stripes, grid lines, highlighted rows and total
rows; a table that runs onto the next page repeats its heading row there. Text too wide for its
column wraps inside it (by word for Latin text, by character for Chinese).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import instanceStringWidthTTF
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from reports.pdf.ink import Ink, box, line
from reports.pdf.kit import Kit
from reports.pdf.sheet import Sheet
from reports.pdf.styles import (
    ACCENT,
    ALERT_FILL,
    ALERT_INK,
    CONTENT_WIDTH,
    HEAD_FILL,
    INK,
    LABEL_FILL,
    MARGIN,
    MUTED,
    RULE,
    STRIPE,
)

HEADING_ROOM = 30 * mm  # a heading and a few rows of its table
GRID_WIDTH = 0.25
TOTAL_RULE_WIDTH = 0.8
BAND_RULE_WIDTH = 1.0
FIELD_WIDTHS = (27 * mm, 63 * mm, 30 * mm, 60 * mm)
_TOKENS = re.compile(r"\s+|[!-~]+|.")  # spaces, runs of printable ASCII, any other character


@dataclass(frozen=True)
class TextStyle:
    """Size, line spacing and colour of a piece of text."""

    size: float
    leading: float
    color: Color


CELL = TextStyle(8, 10, INK)
CELL_ALERT = TextStyle(8, 10, ALERT_INK)
HEAD = TextStyle(8, 10, ACCENT)
LABEL = TextStyle(9, 11.5, MUTED)
VALUE = TextStyle(9, 11.5, INK)
HEADING = TextStyle(11.5, 15, ACCENT)
NOTE = TextStyle(8.5, 12.5, MUTED)
ALERT = TextStyle(9, 12.5, ALERT_INK)
BAND = TextStyle(11, 15, INK)


@dataclass(frozen=True)
class Padding:
    """Space between a cell's edges and its text."""

    top: float
    bottom: float
    side: float


DATA_PADDING = Padding(2.2, 2.2, 3)
FIELD_PADDING = Padding(3, 3, 3)
BAND_PADDING = Padding(4, 5, 6)


@dataclass(slots=True)
class Cell:
    """One laid-out cell: its offset and width in the row, its lines with where each starts
    (offsets from the left margin, alignment applied), its style and fill."""

    x: float
    width: float
    lines: list[str]
    starts: list[float]
    style: TextStyle
    fill: Color | None = None


@dataclass(slots=True)
class Row:
    """One laid-out row of cells."""

    height: float
    cells: list[Cell]
    fill: Color | None = None
    rule_above: bool = False  # the heavier line that sets a total row apart


class Layout:
    """Lays a document's blocks out on a sheet, in the kit's font and language."""

    def __init__(self, kit: Kit, sheet: Sheet) -> None:
        self.kit = kit
        self.sheet = sheet
        self._face = pdfmetrics.getFont(kit.font.name)
        self._widths: dict[tuple[str, float], float] = {}

    def _width(self, text: str, size: float) -> float:
        """The width of `text` at `size` (cells repeat: each text is measured once)."""
        key = (text, size)
        found = self._widths.get(key)
        if found is None:
            found = self._widths[key] = instanceStringWidthTTF(self._face, text, size)
        return found

    # -- text --------------------------------------------------------------------------------

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """`text` broken into lines no wider than `width` (a word wider than that is split)."""
        if "\n" not in text and self._width(text, size) <= width:
            return [text]
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current = ""
            for token in _TOKENS.findall(paragraph):
                if self._width(current + token, size) <= width:
                    current += token
                    continue
                if current.strip():
                    lines.append(current.rstrip())
                current = "" if token.isspace() else token
                while self._width(current, size) > width and len(current) > 1:
                    cut = len(current) - 1
                    while cut > 1 and self._width(current[:cut], size) > width:
                        cut -= 1
                    lines.append(current[:cut])
                    current = current[cut:]
            lines.append(current.rstrip())
        return lines or [""]

    def paragraph(self, text: str, style: TextStyle, before: float = 3, after: float = 0) -> None:
        """A paragraph of text across the content width."""
        lines = self.wrap(text, style.size, CONTENT_WIDTH)

        def draw(ink: Ink, top: float) -> None:
            y = top - style.size
            for text_line in lines:
                ink.text(MARGIN, y, text_line, style.size, style.color)
                y -= style.leading

        self.sheet.place(len(lines) * style.leading, draw, before=before, after=after)

    def heading(self, key: str, **values: object) -> None:
        """A section heading, on a new page when too little room is left for rows under it."""
        if self.sheet.room < HEADING_ROOM and not self.sheet.at_top:
            self.sheet.new_page()
        self.paragraph(self.kit.labels.text(key, **values), HEADING, before=9, after=4)

    def band(self, text: str, fill: Color, color: Color) -> None:
        """A full-width coloured band with a centred warning, and a little space under it."""
        pad = BAND_PADDING
        lines = self.wrap(text, BAND.size, CONTENT_WIDTH - 2 * pad.side)
        height = len(lines) * BAND.leading + pad.top + pad.bottom

        def draw(ink: Ink, top: float) -> None:
            bottom = top - height
            ink.fill_rect(MARGIN, bottom, CONTENT_WIDTH, height, fill)
            ink.stroke_path([box(MARGIN, bottom, CONTENT_WIDTH, height)], BAND_RULE_WIDTH, color)
            y = top - pad.top - BAND.size
            for text_line in lines:
                ink.text(MARGIN + CONTENT_WIDTH / 2, y, text_line, BAND.size, color, "centre")
                y -= BAND.leading

        self.sheet.place(height, draw, after=2 * mm)

    # -- tables ------------------------------------------------------------------------------

    def _cell(
        self,
        x: float,
        width: float,
        text: str,
        style: TextStyle,
        pad: Padding,
        align: str = "left",
        fill: Color | None = None,
    ) -> Cell:
        if not text:
            return Cell(x, width, [], [], style, fill)
        measured = self._width(text, style.size)
        if measured <= width - 2 * pad.side and "\n" not in text:  # one line, the usual case
            start = x + width - pad.side - measured if align == "right" else x + pad.side
            return Cell(x, width, [text], [start], style, fill)
        lines = self.wrap(text, style.size, width - 2 * pad.side)
        if align == "right":
            right = x + width - pad.side
            starts = [right - self._width(line, style.size) for line in lines]
        else:
            starts = [x + pad.side] * len(lines)
        return Cell(x, width, lines, starts, style, fill)

    @staticmethod
    def _row(cells: list[Cell], pad: Padding, **kwargs: object) -> Row:
        lines = max((len(c.lines) * c.style.leading for c in cells), default=0.0)
        height = max(lines, cells[0].style.leading) + pad.top + pad.bottom
        return Row(height, cells, **kwargs)  # type: ignore[arg-type]

    def data_table(
        self,
        head_keys: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths_mm: Sequence[float],
        *,
        numeric: Sequence[int] = (),
        alert_rows: Iterable[int] = (),
        total_row: bool = False,
    ) -> None:
        """A table whose heading row is repeated on every page it runs onto.

        `numeric` columns are right-aligned; `alert_rows` (indexes into `rows`) are highlighted;
        `total_row` sets the last row apart as a total. No rows gives a 'none on record' line.
        """
        if not rows:
            self.paragraph(self.kit.labels.text("none_recorded"), NOTE)
            return
        pad = DATA_PADDING
        widths = [w * mm for w in widths_mm]
        offsets = [sum(widths[:i]) for i in range(len(widths))]
        aligns = ["right" if i in numeric else "left" for i in range(len(widths))]
        labels = self.kit.labels
        head = self._row(
            [
                self._cell(offsets[i], widths[i], labels.text(key), HEAD, pad, aligns[i])
                for i, key in enumerate(head_keys)
            ],
            pad,
            fill=HEAD_FILL,
        )
        alerts = set(alert_rows)
        last = len(rows) - 1
        body = []
        for r, values in enumerate(rows):
            style = CELL_ALERT if r in alerts else CELL
            fill = STRIPE if r % 2 else None
            if r in alerts:
                fill = ALERT_FILL
            total = total_row and r == last
            if total:
                fill = HEAD_FILL
            cells = [
                self._cell(offsets[i], widths[i], text, style, pad, aligns[i])
                for i, text in enumerate(values)
            ]
            body.append(self._row(cells, pad, fill=fill, rule_above=total))
        self._place_rows(head, body, pad)

    def field_table(
        self, pairs: Sequence[tuple[str, str]], wide: Sequence[tuple[str, str]] = ()
    ) -> None:
        """Label/value pairs (label keys) two to a row, labels shaded; `wide` pairs span a row."""
        pad = FIELD_PADDING
        w0, w1, w2, w3 = FIELD_WIDTHS
        text = self.kit.labels.text
        rows = []
        for i in range(0, len(pairs), 2):
            (k1, v1), (k2, v2) = pairs[i], pairs[i + 1] if i + 1 < len(pairs) else ("", "")
            cells = [
                self._cell(0, w0, text(k1), LABEL, pad, fill=LABEL_FILL),
                self._cell(w0, w1, v1, VALUE, pad),
                self._cell(w0 + w1, w2, text(k2) if k2 else "", LABEL, pad, fill=LABEL_FILL),
                self._cell(w0 + w1 + w2, w3, v2, VALUE, pad),
            ]
            rows.append(self._row(cells, pad))
        for key, value in wide:
            cells = [
                self._cell(0, w0, text(key), LABEL, pad, fill=LABEL_FILL),
                self._cell(w0, w1 + w2 + w3, value, VALUE, pad),
            ]
            rows.append(self._row(cells, pad))
        self._place_rows(None, rows, pad)

    def _place_rows(self, head: Row | None, rows: list[Row], pad: Padding) -> None:
        """Place rows page by page, with the heading row on top of each page's part."""
        sheet = self.sheet
        head_height = head.height if head else 0.0
        start = 0
        while start < len(rows):
            if not sheet.fits(head_height + rows[start].height) and not sheet.at_top:
                sheet.new_page()
            room = sheet.room - head_height
            end, used = start, 0.0
            while end < len(rows) and used + rows[end].height <= room + 1e-6:
                used += rows[end].height
                end += 1
            end = max(end, start + 1)  # a row taller than a page is drawn anyway
            part = ([head] if head else []) + rows[start:end]
            height = head_height + sum(r.height for r in rows[start:end])
            sheet.place(height, lambda ink, top, part=part: _draw_rows(ink, top, part, pad))
            start = end
            if start < len(rows):
                sheet.new_page()


def _verticals(rows: list[Row], top: float) -> list[str]:
    """The grid's vertical lines: one segment per column edge for as long as it runs."""
    runs: dict[float, list[list[float]]] = {}
    y = top
    for row in rows:
        bottom = y - row.height
        edges = [cell.x for cell in row.cells]
        edges.append(row.cells[-1].x + row.cells[-1].width)
        for x in edges:
            spans = runs.setdefault(x, [])
            if spans and spans[-1][1] == y:
                spans[-1][1] = bottom
            else:
                spans.append([y, bottom])
        y = bottom
    return [line(MARGIN + x, a, MARGIN + x, b) for x, spans in runs.items() for a, b in spans]


def _draw_rows(ink: Ink, top: float, rows: list[Row], pad: Padding) -> None:
    """Fills, then grid lines, then text of rows stacked down from `top` at the left margin."""
    right_edge = MARGIN + max(c.x + c.width for c in rows[0].cells)
    full_width = right_edge - MARGIN
    path = _verticals(rows, top)
    heavy: list[str] = []
    texts = []
    y = top
    for row in rows:
        bottom = y - row.height
        if row.fill is not None:
            ink.fill_rect(MARGIN, bottom, full_width, row.height, row.fill)
        path.append(line(MARGIN, y, right_edge, y))
        if row.rule_above:
            heavy.append(line(MARGIN, y, right_edge, y))
        for cell in row.cells:
            if cell.fill is not None:
                ink.fill_rect(MARGIN + cell.x, bottom, cell.width, row.height, cell.fill)
            if not cell.lines:
                continue
            style = cell.style
            block = len(cell.lines) * style.leading
            baseline = bottom + (pad.bottom + row.height - pad.top + block) / 2 - style.size
            for text_line, start in zip(cell.lines, cell.starts, strict=True):
                texts.append((MARGIN + start, baseline, text_line, style.size, style.color, ""))
                baseline -= style.leading
        y = bottom
    path.append(line(MARGIN, y, right_edge, y))
    ink.stroke_path(path, GRID_WIDTH, RULE)
    ink.stroke_path(heavy, TOTAL_RULE_WIDTH, MUTED)
    ink.texts(texts)
