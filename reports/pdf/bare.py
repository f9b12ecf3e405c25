"""A bare reportlab canvas: one page of given lines in the CJK font, the benchmarks' baseline."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from reports.pdf.fonts import load_font


def bare_page(lines: list[str], font_path: str | None = None) -> bytes:
    """One A4 page with `lines` drawn top-down in the embedded font (no layout, no tables)."""
    font = load_font(font_path)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(font.name, 7)
    y = A4[1] - 40
    for line in lines:
        pdf.drawString(40, y, line)
        y -= 8
        if y < 30:
            y = A4[1] - 40  # same page: the baseline draws the text, not more pages
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
