"""The QR code that lets headquarters verify a printed document."""

from __future__ import annotations

from itertools import groupby

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

ERROR_CORRECTION = "M"  # survives a fold or a stain better than the default "L"
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
# A fixed data mask. Every mask gives a valid code; choosing "the best" one means encoding all
# eight and scoring them in pure Python, which was two thirds of a statement's QR cost.
MASK_PATTERN = 0


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR matrix of `payload` (True = dark), rows top to bottom, as reportlab encodes it."""
    code = QrCodeWidget(payload, barLevel=ERROR_CORRECTION).qr
    if code.version is None:
        code.version = code.calculate_version()
    code.makeImpl(False, MASK_PATTERN)
    return [[bool(module) for module in row] for row in code.modules]


def draw_qr(canv: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw a square QR code of `payload`, `size` points wide, its lower left corner at x, y.

    The dark runs of each row go into one filled path: the same marks as the widget's own
    drawing, without building a graphics object per module (a third of a page's render time).
    """
    modules = qr_modules(payload)
    box = size / (len(modules) + 2 * QUIET_ZONE)
    path = canv.beginPath()
    for r, row in enumerate(modules):
        top = y + size - (QUIET_ZONE + r + 1) * box
        column = 0
        for dark, run in groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + (QUIET_ZONE + column) * box, top, length * box, box)
            column += length
    canv.saveState()
    canv.setFillColor(colors.black)
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()
