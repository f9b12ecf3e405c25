"""Parts shared by the platypus documents (office reports): warning bands, section headings."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from reports.model import DocumentHeader
from reports.pdf.kit import Kit
from reports.pdf.notices import notices
from reports.pdf.styles import (
    ALERT_FILL,
    ALERT_INK,
    CONTENT_WIDTH,
    OFFLINE_FILL,
    OFFLINE_INK,
)

HEADING_ROOM = 30 * mm  # a heading and a few rows of its table


def notice_bands(header: DocumentHeader, kit: Kit) -> list[Flowable]:
    """Coloured full-width bands for 'printed offline' and 'demo data' (first page, on top)."""
    bands: list[Flowable] = []
    for notice in notices(header, kit.labels):
        demo = notice.kind == "demo"
        style = kit.styles.demo_band if demo else kit.styles.offline_band
        band = Table([[Paragraph(escape(notice.text), style)]], colWidths=[CONTENT_WIDTH])
        band.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), kit.font.name),
                    ("BACKGROUND", (0, 0), (-1, -1), ALERT_FILL if demo else OFFLINE_FILL),
                    ("BOX", (0, 0), (-1, -1), 1, ALERT_INK if demo else OFFLINE_INK),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        bands += [band, Spacer(1, 2 * mm)]
    return bands


def heading(kit: Kit, key: str, **values: object) -> list[Flowable]:
    """A section heading; it starts a new page when too little room is left for rows under it.

    (keepWithNext would bind it to a whole long table, which reportlab then moves to the next
    page entirely, leaving this one empty.)
    """
    return [
        CondPageBreak(HEADING_ROOM),
        Paragraph(escape(kit.labels.text(key, **values)), kit.styles.heading),
    ]
