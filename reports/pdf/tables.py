"""Tables that continue over pages with their heading row, and label/value blocks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from reports.pdf.kit import Kit
from reports.pdf.styles import (
    ALERT_FILL,
    ALERT_INK,
    HEAD_FILL,
    LABEL_FILL,
    MUTED,
    RULE,
    STRIPE,
)

Cell = str | Flowable


def _base_style(font: str) -> list[tuple]:
    return [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]


def data_table(
    kit: Kit,
    head_keys: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths_mm: Sequence[float],
    *,
    numeric: Sequence[int] = (),
    alert_rows: Iterable[int] = (),
    total_row: bool = False,
) -> Flowable:
    """A table with a heading row repeated on every page it runs onto.

    `numeric` columns are right-aligned; `alert_rows` (indexes into `rows`) are highlighted;
    `total_row` sets the last row apart as a total. No rows gives a 'none on record' line.
    """
    if not rows:
        return kit.para(kit.labels.text("none_recorded"), "note")
    head = [
        Paragraph(kit.labels.text(key), kit.styles.head_right if i in numeric else kit.styles.head)
        for i, key in enumerate(head_keys)
    ]
    style = [
        *_base_style(kit.styles.font),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
        *(("ALIGN", (c, 1), (c, -1), "RIGHT") for c in numeric),
    ]
    for r in alert_rows:
        style += [
            ("BACKGROUND", (0, r + 1), (-1, r + 1), ALERT_FILL),
            ("TEXTCOLOR", (0, r + 1), (-1, r + 1), ALERT_INK),
        ]
    if total_row:
        style += [
            ("BACKGROUND", (0, -1), (-1, -1), HEAD_FILL),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, MUTED),
        ]
    table = Table(
        [head, *[list(row) for row in rows]],
        colWidths=[w * mm for w in widths_mm],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(style))
    return table


def field_table(
    kit: Kit, pairs: Sequence[tuple[str, Cell]], wide: Sequence[tuple[str, Cell]] = ()
) -> Table:
    """Label/value pairs (label keys) two to a row, labels shaded; `wide` pairs span a row.

    Labels and text values wrap inside their column (English labels run long).
    """

    def label(key: str) -> Paragraph:
        return Paragraph(escape(kit.labels.text(key)), kit.styles.label)

    def value(cell: Cell) -> Cell:
        return Paragraph(escape(cell), kit.styles.value) if isinstance(cell, str) else cell

    cells = [(label(key), value(cell)) for key, cell in pairs]
    rows: list[list[Cell]] = []
    for i in range(0, len(cells), 2):
        right = cells[i + 1] if i + 1 < len(cells) else ("", "")
        rows.append([*cells[i], *right])
    paired = len(rows)
    spans = []
    for key, cell in wide:
        spans.append(("SPAN", (1, len(rows)), (3, len(rows))))
        rows.append([label(key), value(cell), "", ""])
    style = [
        *_base_style(kit.styles.font),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
        *spans,
    ]
    if paired:  # the second label column exists only on paired rows
        style.append(("BACKGROUND", (2, 0), (2, paired - 1), LABEL_FILL))
    table = Table(rows, colWidths=[27 * mm, 63 * mm, 30 * mm, 60 * mm], hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table
