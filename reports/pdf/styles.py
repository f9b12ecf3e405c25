"""Colours, paragraph styles and the page geometry shared by every document."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN  # 180 mm

INK = colors.HexColor("#1A202C")
MUTED = colors.HexColor("#4A5568")
ACCENT = colors.HexColor("#1F4E79")
RULE = colors.HexColor("#8A99AB")
HEAD_FILL = colors.HexColor("#DCE6F0")
LABEL_FILL = colors.HexColor("#EEF2F6")
STRIPE = colors.HexColor("#F6F8FA")
ALERT_FILL = colors.HexColor("#FDE2E1")
ALERT_INK = colors.HexColor("#9B1C1C")
OFFLINE_FILL = colors.HexColor("#FFEFC2")
OFFLINE_INK = colors.HexColor("#7A4B00")


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of one font."""

    font: str
    body: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_alert: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    head: ParagraphStyle
    head_right: ParagraphStyle
    heading: ParagraphStyle
    note: ParagraphStyle
    alert: ParagraphStyle
    offline_band: ParagraphStyle
    demo_band: ParagraphStyle


@lru_cache(maxsize=8)
def styles_for(font: str) -> Styles:
    """Paragraph styles set in `font` (cached: styles are immutable in use)."""
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12.5, textColor=INK)
    cell = ParagraphStyle("cell", body, fontSize=8, leading=10)
    head = ParagraphStyle("head", cell, textColor=ACCENT)
    band = ParagraphStyle("band", body, fontSize=11, leading=15, alignment=TA_CENTER)
    return Styles(
        font=font,
        body=body,
        cell=cell,
        cell_right=ParagraphStyle("cell_right", cell, alignment=TA_RIGHT),
        cell_alert=ParagraphStyle("cell_alert", cell, textColor=ALERT_INK),
        label=ParagraphStyle("label", body, leading=11.5, textColor=MUTED),
        value=ParagraphStyle("value", body, leading=11.5),
        head=head,
        head_right=ParagraphStyle("head_right", head, alignment=TA_RIGHT),
        heading=ParagraphStyle(
            "heading",
            body,
            fontSize=11.5,
            leading=15,
            textColor=ACCENT,
            spaceBefore=9,
            spaceAfter=4,
        ),
        note=ParagraphStyle("note", body, fontSize=8.5, textColor=MUTED, spaceBefore=3),
        alert=ParagraphStyle("alert", body, textColor=ALERT_INK, spaceBefore=3),
        offline_band=ParagraphStyle("offline_band", band, textColor=OFFLINE_INK),
        demo_band=ParagraphStyle("demo_band", band, textColor=ALERT_INK),
    )
