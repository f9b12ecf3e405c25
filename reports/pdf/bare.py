"""A bare reportlab canvas: one page of given lines in the CJK font, the benchmarks' baseline.

Bare means reportlab as it comes: the font file the statements use, registered on its own with
reportlab's defaults, so that what the statements do to their fonts (`reports.pdf.fixedfont`,
`reports.pdf.subset`) and streams (`reports.pdf.compression`) never reaches the baseline.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from reports.pdf.fonts import load_font


@cache
def _plain_font(path: str) -> str:
    """The name of `path` registered with reportlab's defaults (once per process)."""
    name = f"Bare-{hashlib.sha1(path.encode()).hexdigest()[:8]}"
    pdfmetrics.registerFont(TTFont(name, path))
    return name


def bare_page(lines: list[str], font_path: str | None = None) -> bytes:
    """One A4 page with `lines` drawn top-down in the font (no layout, no tables)."""
    name = _plain_font(load_font(font_path).path)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(name, 7)
    y = A4[1] - 40
    for line in lines:
        pdf.drawString(40, y, line)
        y -= 8
        if y < 30:
            y = A4[1] - 40  # same page: the baseline draws the text, not more pages
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
