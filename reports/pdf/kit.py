"""What every part of a document needs at hand: its language, font, styles and writer mode."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph

from reports.model import DocumentHeader
from reports.pdf.fonts import CjkFont, load_font
from reports.pdf.labels import Labels
from reports.pdf.mode import Mode, current_mode
from reports.pdf.styles import Styles, styles_for


@dataclass(frozen=True)
class Kit:
    """The language, font, styles and writer mode one document is made with."""

    labels: Labels
    font: CjkFont
    styles: Styles
    mode: Mode

    def safe(self, text: str | None) -> str:
        """Register text ready to draw: characters the font lacks spelled out, never boxes."""
        return self.font.printable(text or "")

    def para(self, text: str | None, style: str = "cell") -> Paragraph:
        """A paragraph of plain register text (escaped: no markup is interpreted)."""
        return Paragraph(escape(self.safe(text)), getattr(self.styles, style))


def make_kit(header: DocumentHeader, font_path: str | None, mode: Mode | None = None) -> Kit:
    """The kit for a document in the header's language, written in `mode` (None: the mode
    `reports.pdf.mode` chooses now); `FontUnavailable` without a font."""
    mode = mode or current_mode()
    labels = Labels(header.lang)
    font = load_font(font_path, mode=mode)
    return Kit(labels, font, styles_for(font.name), mode)
