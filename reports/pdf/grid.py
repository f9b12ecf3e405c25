"""Tables, bands, headings and notes laid out on a `Sheet` and drawn straight on the canvas.

The look is that of the platypus tables (`reports.pdf.tables`): the same paddings, font sizes,
shaded heading row, zebra stripes, grid lines, highlighted rows and total rows; a table that runs
onto the next page repeats its heading rows there. A heading may have a row of column groups
above the column labels (a label outside any group then spans both rows). Text too wide for its
column wraps inside it (by word for Latin text, by character for Chinese).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from reports.pdf.kit import Kit
from reports.pdf.mode import Mode
from reports.pdf.pen import Pen, box, line
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
# Text widths by font: labels, months and common amounts recur in every document of a batch.
_WIDTHS: dict[str, dict[tuple[str, float], float]] = {}
_WIDTHS_LIMIT = 50_000
_TOKENS = re.compile(r"\s+|[!-~]+|.")  # spaces, runs of printable ASCII, any other character


def spread(
    widths: Sequence[float], total: float = CONTENT_WIDTH / mm, flexible: int | None = None
) -> list[float]:
    """Column widths (mm) filling `total`: the room left shared out evenly; when they are too
    wide, the `flexible` column gives up the excess (down to a third of its width), then all
    are scaled down alike (their text wraps)."""
    widths = list(widths)
    excess = sum(widths) - total
    if excess > 0 and flexible is not None:
        widths[flexible] -= min(excess, widths[flexible] * 2 / 3)
        excess = sum(widths) - total
    if excess > 0:
        return [w * total / (total + excess) for w in widths]
    return [w - excess / len(widths) for w in widths]


def _measure(face: Any, mode: Mode) -> Callable[[str, float], float]:
    """How text is measured in `face`: reportlab's public `stringWidth`, or in the fast mode
    the accelerator function it calls, without the Python call around it."""
    if mode is Mode.FAST:
        from reportlab.lib.rl_accel import instanceStringWidthTTF

        return partial(instanceStringWidthTTF, face)
    return face.stringWidth


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
HEADING = TextStyle(11, 14, ACCENT)
NOTE = TextStyle(8.5, 12.5, MUTED)
ALERT = TextStyle(9, 12.5, ALERT_INK)
BAND = TextStyle(11, 14, INK)
NOTE_HEIGHT = NOTE.leading + 3  # a one-line note with its space before
HEADING_GAPS = (7.0, 3.0)  # space before and after a section heading
HEADING_SPACE = HEADING.leading + sum(HEADING_GAPS)


@dataclass(frozen=True)
class Padding:
    """Space between a cell's edges and its text."""

    top: float
    bottom: float
    side: float


DATA_PADDING = Padding(2, 2, 3)
FIELD_PADDING = Padding(2.5, 2.5, 3)
BAND_PADDING = Padding(3.5, 4.5, 6)
FIELD_ROW = VALUE.leading + FIELD_PADDING.top + FIELD_PADDING.bottom  # a one-line field row


@dataclass(slots=True)
class Cell:
    """One laid-out cell: its offset and width in the row, its lines with where each starts
    (offsets from the left margin, alignment applied), its style and fill. `down` extends the
    cell into the row below (whose cell there is `covered`: no rule above it, no text)."""

    x: float
    width: float
    lines: list[str]
    starts: list[float]
    style: TextStyle
    fill: Color | None = None
    down: float = 0.0
    covered: bool = False


@dataclass(slots=True)
class Line:
    """A data row whose every text fits on one line: where each starts (from the left margin,
    alignment applied) and the row's style. Drawn without cell objects: the usual row."""

    starts: list[float]
    texts: list[str]
    style: TextStyle


@dataclass(slots=True)
class Row:
    """One laid-out row: its cells, or a `Line` of one-line texts over the column `edges`."""

    height: float
    cells: list[Cell]
    fill: Color | None = None
    rule_above: bool = False  # the heavier line that sets a total row apart
    line: Line | None = None
    edges: list[float] | None = None  # column edges of a `line` row, right edge last

    def column_edges(self) -> list[float]:
        """Where the row's columns start, and where the last one ends."""
        if self.edges is not None:
            return self.edges
        cells = self.cells
        return [*(cell.x for cell in cells), cells[-1].x + cells[-1].width]


class Layout:
    """Lays a document's blocks out on a sheet, in the kit's font and language."""

    def __init__(self, kit: Kit, sheet: Sheet) -> None:
        self.kit = kit
        self.sheet = sheet
        self._face = pdfmetrics.getFont(kit.font.name)
        self._measure = _measure(self._face, kit.mode)
        self._widths = _WIDTHS.setdefault(kit.font.name, {})
        if len(self._widths) > _WIDTHS_LIMIT:
            self._widths.clear()

    def _width(self, text: str, size: float) -> float:
        """The width of `text` at `size` (cells repeat, within a document and across them:
        each text is measured once in a process)."""
        key = (text, size)
        found = self._widths.get(key)
        if found is None:
            found = self._widths[key] = self._measure(text, size)
        return found

    def natural_widths(
        self,
        head_keys: Sequence[str],
        rows: Sequence[Sequence[str]],
        groups: Sequence[tuple[str, int]] = (),
    ) -> list[float]:
        """Column widths in mm for `data_table` that fit every cell and label on one line (a
        group's label over its columns too); see `spread` to fill a width with them."""
        side = 2 * DATA_PADDING.side
        text = self.kit.labels.text
        natural = [self._width(text(key), HEAD.size) + side for key in head_keys]
        measure, known = self._width, self._widths.get  # known: the call saved, hot loop
        size = CELL.size
        for values in rows:
            for i, value in enumerate(values):
                if value:
                    wanted = (known((value, size)) or measure(value, size)) + side
                    if wanted > natural[i]:
                        natural[i] = wanted
        first = 0
        for label, span in groups:
            short = self._width(label, HEAD.size) + side - sum(natural[first : first + span])
            for i in range(first, first + span):
                natural[i] += max(short, 0.0) / span
            first += span
        return [w / mm for w in natural]

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

        def draw(ink: Pen, top: float) -> None:
            y = top - style.size
            for text_line in lines:
                ink.text(MARGIN, y, text_line, style.size, style.color)
                y -= style.leading

        self.sheet.place(len(lines) * style.leading, draw, before=before, after=after)

    def heading(self, key: str, keep: float = HEADING_ROOM, **values: object) -> None:
        """A section heading, on a new page when too little room is left under it for `keep`
        (the block under it, or a few rows of it; at most `HEADING_ROOM` is asked for)."""
        needed = min(HEADING_ROOM, HEADING_SPACE + keep)
        if self.sheet.room < needed and not self.sheet.at_top:
            self.sheet.new_page()
        before, after = HEADING_GAPS
        self.paragraph(self.kit.labels.text(key, **values), HEADING, before=before, after=after)

    def band(self, text: str, fill: Color, color: Color) -> None:
        """A full-width coloured band with a centred warning, and a little space under it."""
        pad = BAND_PADDING
        lines = self.wrap(text, BAND.size, CONTENT_WIDTH - 2 * pad.side)
        height = len(lines) * BAND.leading + pad.top + pad.bottom

        def draw(ink: Pen, top: float) -> None:
            bottom = top - height
            ink.fill_rect(MARGIN, bottom, CONTENT_WIDTH, height, fill)
            ink.stroke_path([box(MARGIN, bottom, CONTENT_WIDTH, height)], BAND_RULE_WIDTH, color)
            y = top - pad.top - BAND.size
            for text_line in lines:
                ink.text(MARGIN + CONTENT_WIDTH / 2, y, text_line, BAND.size, color, "centre")
                y -= BAND.leading

        self.sheet.place(height, draw, after=1.5 * mm)

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
            if align == "right":
                start = x + width - pad.side - measured
            elif align == "centre":
                start = x + (width - measured) / 2
            else:
                start = x + pad.side
            return Cell(x, width, [text], [start], style, fill)
        lines = self.wrap(text, style.size, width - 2 * pad.side)
        if align == "right":
            right = x + width - pad.side
            starts = [right - self._width(line, style.size) for line in lines]
        elif align == "centre":
            starts = [x + (width - self._width(line, style.size)) / 2 for line in lines]
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
        groups: Sequence[tuple[str, int]] = (),
    ) -> None:
        """A table whose heading rows are repeated on every page it runs onto.

        `numeric` columns are right-aligned; `alert_rows` (indexes into `rows`) are highlighted;
        `total_row` sets the last row apart as a total. `groups` (text, number of columns), in
        column order, make a row of column groups above the labels; a group with no text over
        one column leaves that column's label spanning both rows. No rows gives a 'none on
        record' line.
        """
        if not rows:
            self.paragraph(self.kit.labels.text("none_recorded"), NOTE)
            return
        pad = DATA_PADDING
        widths = [w * mm for w in widths_mm]
        offsets = [sum(widths[:i]) for i in range(len(widths))]
        aligns = ["right" if i in numeric else "left" for i in range(len(widths))]
        labels = [self.kit.labels.text(key) for key in head_keys]
        if groups:
            head = self._grouped_head(labels, groups, offsets, widths, aligns)
        else:
            cells = [
                self._cell(offsets[i], widths[i], label, HEAD, pad, aligns[i])
                for i, label in enumerate(labels)
            ]
            head = [self._row(cells, pad, fill=HEAD_FILL)]
        alerts = set(alert_rows)
        columns = [
            (x, width, align == "right", width - 2 * pad.side)
            for x, width, align in zip(offsets, widths, aligns, strict=True)
        ]
        edges = [*offsets, offsets[-1] + widths[-1]]
        line_height = CELL.leading + pad.top + pad.bottom
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
            line = self._line(columns, values, style, pad.side)
            if line is not None:
                body.append(Row(line_height, [], fill, total, line, edges))
                continue
            cells = [
                self._cell(x, width, text, style, pad, "right" if right else "left")
                for (x, width, right, _room), text in zip(columns, values, strict=False)
            ]
            body.append(self._row(cells, pad, fill=fill, rule_above=total))
        self._place_rows(head, body, pad)

    def _line(
        self,
        columns: list[tuple[float, float, bool, float]],
        values: Sequence[str],
        style: TextStyle,
        side: float,
    ) -> Line | None:
        """The row as a `Line` when every value fits its column on one line, else None.
        `columns` are (x, width, right-aligned, room for text)."""
        starts: list[float] = []
        texts: list[str] = []
        measure, known = self._width, self._widths.get
        size = style.size
        for (x, width, right, room), text in zip(columns, values, strict=False):
            if not text:
                continue
            measured = known((text, size)) or measure(text, size)
            if measured > room or "\n" in text:
                return None
            starts.append(x + width - side - measured if right else x + side)
            texts.append(text)
        return Line(starts, texts, style)

    def _grouped_head(
        self,
        labels: list[str],
        groups: Sequence[tuple[str, int]],
        offsets: list[float],
        widths: list[float],
        aligns: list[str],
    ) -> list[Row]:
        """Two heading rows: the groups (centred over their columns) above the labels."""
        pad = DATA_PADDING
        top: list[Cell] = []
        under: list[Cell] = []
        spanning: list[Cell] = []
        first = 0
        for text, span in groups:
            x, width = offsets[first], sum(widths[first : first + span])
            if not text and span == 1:
                cell = self._cell(x, width, labels[first], HEAD, pad, aligns[first])
                spanning.append(cell)
                top.append(cell)
                under.append(Cell(x, width, [], [], HEAD, covered=True))
            else:
                top.append(self._cell(x, width, text, HEAD, pad, "centre"))
                under.extend(
                    self._cell(offsets[i], widths[i], labels[i], HEAD, pad, aligns[i])
                    for i in range(first, first + span)
                )
            first += span
        grouped = [c for c in top if c not in spanning] or top
        upper = self._row(grouped, pad)
        lower = self._row([c for c in under if not c.covered] or under, pad)
        tallest = max(len(c.lines) * HEAD.leading for c in spanning) if spanning else 0.0
        below = max(lower.height, tallest + pad.top + pad.bottom - upper.height)
        for cell in spanning:
            cell.down = below
        return [Row(upper.height, top, fill=HEAD_FILL), Row(below, under, fill=HEAD_FILL)]

    def field_table(
        self,
        pairs: Sequence[tuple[str, str]],
        wide: Sequence[tuple[str, str]] = (),
        *,
        widths: Sequence[float] = FIELD_WIDTHS,
        keys: bool = True,
    ) -> None:
        """Label/value pairs, labels shaded, as many to a row as `widths` has (label, value)
        pairs of columns (points); `wide` pairs span a row. Labels are label keys unless
        `keys` is False (then they are printed as given)."""
        pad = FIELD_PADDING
        per_row = len(widths) // 2
        offsets = [sum(widths[:i]) for i in range(len(widths))]
        text = self.kit.labels.text if keys else str
        rows = []
        for i in range(0, len(pairs), per_row):
            cells = []
            for j in range(per_row):
                label, value = pairs[i + j] if i + j < len(pairs) else ("", "")
                x, lw, vw = offsets[2 * j], widths[2 * j], widths[2 * j + 1]
                name = text(label) if label else ""
                cells.append(self._cell(x, lw, name, LABEL, pad, fill=LABEL_FILL))
                cells.append(self._cell(x + lw, vw, value, VALUE, pad))
            rows.append(self._row(cells, pad))
        for label, value in wide:
            w0 = widths[0]
            cells = [
                self._cell(0, w0, text(label), LABEL, pad, fill=LABEL_FILL),
                self._cell(w0, sum(widths) - w0, value, VALUE, pad),
            ]
            rows.append(self._row(cells, pad))
        self._place_rows([], rows, pad)

    def _place_rows(self, head: list[Row], rows: list[Row], pad: Padding) -> None:
        """Place rows page by page, with the heading rows on top of each page's part."""
        sheet = self.sheet
        head_height = sum(r.height for r in head)
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
            part = head + rows[start:end]
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
        for x in row.column_edges():
            spans = runs.setdefault(x, [])
            if spans and spans[-1][1] == y:
                spans[-1][1] = bottom
            else:
                spans.append([y, bottom])
        y = bottom
    return [line(MARGIN + x, a, MARGIN + x, b) for x, spans in runs.items() for a, b in spans]


def _rule_over(row: Row, y: float) -> list[str]:
    """The line above a row, left out above its covered cells (a cell from above runs on)."""
    segments: list[str] = []
    start: float | None = None
    for cell in row.cells:
        if cell.covered:
            if start is not None:
                segments.append(line(MARGIN + start, y, MARGIN + cell.x, y))
                start = None
        elif start is None:
            start = cell.x
    if start is not None:
        end = row.cells[-1].x + row.cells[-1].width
        segments.append(line(MARGIN + start, y, MARGIN + end, y))
    return segments


def _draw_rows(ink: Pen, top: float, rows: list[Row], pad: Padding) -> None:
    """Fills, then grid lines, then text of rows stacked down from `top` at the left margin."""
    right_edge = MARGIN + rows[0].column_edges()[-1]
    full_width = right_edge - MARGIN
    path = _verticals(rows, top)
    heavy: list[str] = []
    texts: list[tuple[float, float, str, float, Color, str]] = []
    add = texts.append
    y = top
    for row in rows:
        bottom = y - row.height
        if row.fill is not None:
            ink.fill_rect(MARGIN, bottom, full_width, row.height, row.fill)
        if any(cell.covered for cell in row.cells):
            path.extend(_rule_over(row, y))
        else:
            path.append(line(MARGIN, y, right_edge, y))
        if row.rule_above:
            heavy.append(line(MARGIN, y, right_edge, y))
        texts_line = row.line
        if texts_line is not None:  # one line of text, centred in the row as a cell's would be
            style = texts_line.style
            baseline = bottom + (pad.bottom + row.height - pad.top + style.leading) / 2
            baseline -= style.size
            size, color = style.size, style.color
            for start, text in zip(texts_line.starts, texts_line.texts, strict=True):
                add((MARGIN + start, baseline, text, size, color, ""))
        for cell in row.cells:
            if cell.fill is not None:
                ink.fill_rect(MARGIN + cell.x, bottom, cell.width, row.height, cell.fill)
            lines = cell.lines
            if not lines:
                continue
            style = cell.style
            block = len(lines) * style.leading
            height = row.height + cell.down
            baseline = bottom - cell.down + (pad.bottom + height - pad.top + block) / 2
            baseline -= style.size
            for text_line, start in zip(lines, cell.starts, strict=True):
                add((MARGIN + start, baseline, text_line, style.size, style.color, ""))
                baseline -= style.leading
        y = bottom
    path.append(line(MARGIN, y, right_edge, y))
    ink.stroke_path(path, GRID_WIDTH, RULE)
    ink.stroke_path(heavy, TOTAL_RULE_WIDTH, MUTED)
    ink.texts(texts)
