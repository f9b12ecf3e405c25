"""What an official statement carries at its end: how to verify it, who issued it, and a
marked box where the office stamps its seal (the office's address and the 12333 hotline are in
the page frame's header, `reports.pdf.frame`).

Laid out after the statement's last table, in one block: short enough that an ordinary
contributor's year still fits on one page.
"""

from __future__ import annotations

from reportlab.lib.units import mm

from reports.model import DocumentHeader
from reports.pdf.grid import Layout, TextStyle
from reports.pdf.pen import Pen, box
from reports.pdf.styles import CONTENT_WIDTH, MARGIN, MUTED, RULE

SMALL = TextStyle(7.5, 9.5, MUTED)
SEAL_WIDTH = 55 * mm  # a round office seal is 42 mm across: it overlaps the box and the text
SEAL_HEIGHT = 10 * mm
SEAL_GAP = 4 * mm
TEXT_WIDTH = CONTENT_WIDTH - SEAL_WIDTH - SEAL_GAP
SEAL_RULE_WIDTH = 0.6
SPACE_BEFORE = 1.5 * mm


def official_lines(header: DocumentHeader, out: Layout) -> list[str]:
    """How to verify the statement, in the document's language."""
    kit = out.kit
    text = kit.labels.text
    lines = [text("verify_how", number=header.statement_no or "-")]
    if header.verify_url:
        lines.append(text("verify_url", url=kit.safe(header.verify_url)))
    lines.append(text("verify_command"))
    return lines


def official_block(header: DocumentHeader, out: Layout) -> None:
    """The closing block of a statement: how to verify it on the left; on the right the seal
    box, naming the issuing office, where the office stamps it."""
    wrapped = [
        piece
        for words in official_lines(header, out)
        for piece in out.wrap(words, SMALL.size, TEXT_WIDTH)
    ]
    labels = out.kit.labels
    issuer = out.wrap(
        labels.text("issuer", office=out.kit.safe(header.office_name)),
        SMALL.size,
        SEAL_WIDTH - 2 * mm,
    )
    seal = labels.text("seal")
    height = max(len(wrapped) * SMALL.leading, SEAL_HEIGHT)

    def draw(ink: Pen, top: float) -> None:
        y = top - SMALL.size
        for piece in wrapped:
            ink.text(MARGIN, y, piece, SMALL.size, SMALL.color)
            y -= SMALL.leading
        left = MARGIN + CONTENT_WIDTH - SEAL_WIDTH
        centre = left + SEAL_WIDTH / 2
        bottom = top - SEAL_HEIGHT
        ink.stroke_path([box(left, bottom, SEAL_WIDTH, SEAL_HEIGHT)], SEAL_RULE_WIDTH, RULE)
        y = top - 1.5 * mm - SMALL.size
        for piece in issuer[:2]:
            ink.text(centre, y, piece, SMALL.size, SMALL.color, "centre")
            y -= SMALL.leading
        ink.text(centre, bottom + 1.5 * mm, seal, SMALL.size, MUTED, "centre")

    out.sheet.place(height, draw, before=SPACE_BEFORE)
