"""The QR code that lets headquarters verify a printed document, drawn the stock way.

What the code is (its error correction level and quiet zone) is defined here and used by the
fast path's encoder (`reports.pdf.qr`) too. The stock mode draws it with reportlab's public
`QrCodeWidget`, which picks the best of the eight data masks and gives a rectangle per run of
dark modules: a valid code of the same payload, slower to make than the fast path's. The
rectangles are filled on the canvas itself: reportlab's graphics renderer would set its own
default font (Helvetica, not embedded) in the page's resources.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Rect
from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

ERROR_CORRECTION = "M"  # survives a fold or a stain better than the default "L"
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def draw_stock_qr(canv: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw a square QR code of `payload`, `size` points wide, its lower left corner at x, y."""
    widget = QrCodeWidget(
        payload,
        x=x,
        y=y,
        barLevel=ERROR_CORRECTION,
        barBorder=QUIET_ZONE,
        barWidth=size,
        barHeight=size,
    )
    canv.saveState()
    canv.setFillColor(black)
    for shape in widget.draw().getContents():
        if isinstance(shape, Rect) and shape.fillColor is not None:  # not the outline
            canv.rect(shape.x, shape.y, shape.width, shape.height, stroke=0, fill=1)
    canv.restoreState()
