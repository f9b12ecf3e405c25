"""The page frame of every document: header, footer with 'page x of y', QR code, metadata.

Page numbers need the page count. Documents laid out on a `Sheet` (the statements) know it
before drawing (`draw_pdf`); platypus documents (the office reports) know it only once the story
is laid out: in the fast mode `NumberedCanvas` keeps each finished page aside and frames them all
in `save()`; in the stock mode (`reports.pdf.mode`) the story is laid out twice, once to count
its pages, with reportlab's public page callbacks. The fast path's modules (`writer`, `ink`,
`qr`, `compression`) are imported only when a fast document is made.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from reports.model import DocumentHeader
from reports.pdf.fonts import CjkFont
from reports.pdf.formatting import local_time, pdf_date
from reports.pdf.kit import Kit
from reports.pdf.mode import Mode
from reports.pdf.notices import as_of_text, notices
from reports.pdf.pen import Pen
from reports.pdf.sheet import Sheet
from reports.pdf.stockink import StockInk
from reports.pdf.stockqr import draw_stock_qr
from reports.pdf.styles import (
    ALERT_INK,
    CONTENT_WIDTH,
    INK,
    MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
)

TOP = PAGE_HEIGHT - MARGIN
QR_SIZE = 28 * mm
QR_X = PAGE_WIDTH - MARGIN - QR_SIZE
QR_Y = TOP - QR_SIZE
FIRST_FRAME_TOP = TOP - 37 * mm
LATER_FRAME_TOP = TOP - 9 * mm
FOOTER_BASE = MARGIN - 6 * mm  # the footer's lowest line; its rule is 12 mm higher
FRAME_BOTTOM = FOOTER_BASE + 15 * mm
# The statements about a person: their header states the unit of money, the office's address
# and the hotline.
STATEMENT_KINDS = frozenset(("rights", "medical", "certificate"))
CREATOR = "counterdesk"
STOCK_CREATOR = "counterdesk (stock PDF writer)"  # the mode, readable in the file's metadata


def write_fast(canv: Canvas) -> None:
    """Make `canv`'s document write itself with the fast path's writer (`reports.pdf.writer`,
    imported here, on first use; tests swap this name for reportlab's own writer)."""
    from reports.pdf.writer import write_fast as install

    install(canv)


def _fast_ink(canv: Canvas, font: CjkFont, *args: Any, **kwargs: Any) -> Pen:
    """The fast path's `reports.pdf.ink.Ink` for `canv` (arguments as `Ink` takes them)."""
    from reports.pdf.ink import Ink

    return Ink(canv, font, *args, **kwargs)


def _qr_drawer(mode: Mode) -> Callable[[Canvas, str, float, float, float], None]:
    """How the QR code is drawn in `mode`."""
    if mode is Mode.STOCK:
        return draw_stock_qr
    from reports.pdf.qr import draw_qr

    return draw_qr


def _fit(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """The largest font size from `size` down to `smallest` at which `text` fits `width`."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


@dataclass(frozen=True)
class PageFrame:
    """Draws what every page carries around the story."""

    header: DocumentHeader
    title: str
    kit: Kit

    def _text(
        self,
        ink: Pen,
        x: float,
        y: float,
        text: str,
        size: float,
        color: Color = INK,
        align: str = "left",
    ) -> None:
        ink.text(x, y, text, size, color, align)

    def _rule(self, canv: Canvas, y: float) -> None:
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)

    def _issuer(self) -> str:
        """The office, with its address and the 12333 hotline on the statements."""
        header, labels = self.header, self.kit.labels
        parts = [self.kit.safe(header.office_name)]
        if header.kind in STATEMENT_KINDS:
            if header.office_address:
                address = self.kit.safe(header.office_address)
                parts.append(labels.text("issuer_address", address=address))
            parts.append(labels.text("hotline"))
        return "　".join(parts) if labels.lang == "zh" else "    ".join(parts)

    def _first_header(self, canv: Canvas, ink: Pen) -> None:
        labels, font = self.kit.labels, self.kit.font.name
        left_width = CONTENT_WIDTH - QR_SIZE - 6 * mm
        office = self._issuer()
        size = _fit(office, font, 9.5, left_width, 7)
        self._text(ink, MARGIN, TOP - 4 * mm, office, size, color=MUTED)
        size = _fit(self.title, font, 18, left_width, 12)
        self._text(ink, MARGIN, TOP - 13 * mm, self.title, size)
        number = labels.field("statement_no", self.header.statement_no)
        self._text(ink, MARGIN, TOP - 20 * mm, number, 9.5)
        as_of = labels.field("data_as_of", as_of_text(self.header, labels))
        self._text(ink, MARGIN, TOP - 25.5 * mm, as_of, 9.5, color=MUTED)
        if self.header.kind in STATEMENT_KINDS:
            self._text(ink, MARGIN, TOP - 31 * mm, labels.text("unit"), 9.5, color=MUTED)
        if self.header.qr_payload:
            draw = _qr_drawer(self.kit.mode)
            draw(canv, self.header.qr_payload, QR_X, QR_Y, QR_SIZE)
        size = _fit(self.header.statement_no, font, 7.5, QR_SIZE + 8 * mm, 5)
        centre = QR_X + QR_SIZE / 2
        self._text(ink, centre, QR_Y - 3 * mm, self.header.statement_no, size, align="centre")
        self._rule(canv, TOP - 35 * mm)

    def _later_header(self, canv: Canvas, ink: Pen) -> None:
        labels = self.kit.labels
        office = self.kit.safe(self.header.office_name)
        self._text(ink, MARGIN, TOP - 4 * mm, f"{office}  {self.title}", 8.5, color=MUTED)
        number = labels.field("statement_no", self.header.statement_no)
        self._text(ink, PAGE_WIDTH - MARGIN, TOP - 4 * mm, number, 8.5, align="right")
        self._rule(canv, TOP - 6 * mm)

    def _footer(self, canv: Canvas, ink: Pen, page: int, pages: int) -> None:
        labels = self.kit.labels
        base = FOOTER_BASE
        self._rule(canv, base + 12 * mm)
        clerk = labels.field("clerk", self.kit.safe(self.header.clerk))
        printed = labels.field("printed_at", local_time(self.header.printed_at))
        self._text(ink, MARGIN, base + 8 * mm, f"{clerk}    {printed}", 8, color=MUTED)
        number = labels.text("page", page=page, pages=pages)
        self._text(ink, PAGE_WIDTH - MARGIN, base + 8 * mm, number, 8.5, align="right")
        as_of = labels.field("data_as_of", as_of_text(self.header, labels))
        self._text(ink, MARGIN, base + 4 * mm, as_of, 8, color=MUTED)
        warning = labels.text("separator").join(n.text for n in notices(self.header, labels))
        if warning:
            self._text(ink, MARGIN, base, warning, 8, color=ALERT_INK)

    def _created(self, *_reportlab_date: int) -> str:
        """The file's creation date: when the document was made (`printed_at`, from the
        clock), never reportlab's fixed date of invariant files."""
        return pdf_date(self.header.printed_at)

    def draw(self, canv: Canvas, page: int, pages: int, ink: Pen | None = None) -> None:
        """Draw the header (the full one with the QR code on page 1) and the footer, and date
        the file (its metadata) with the document's creation time."""
        canv.setDateFormatter(self._created)
        if ink is None:
            kit = self.kit
            stock = kit.mode is Mode.STOCK
            ink = StockInk(canv, kit.font) if stock else _fast_ink(canv, kit.font, kit.labels.lang)
        canv.saveState()
        if page == 1:
            self._first_header(canv, ink)
        else:
            self._later_header(canv, ink)
        self._footer(canv, ink, page, pages)
        canv.restoreState()


class NumberedCanvas(Canvas):
    """A canvas that holds pages back until the end, then frames each with 'x of y' (the
    fast mode: it reaches into the canvas's private page state)."""

    def __init__(self, *args: Any, page_frame: PageFrame, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        write_fast(self)
        self._page_frame = page_frame
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        """Keep the finished page aside and start a new one."""
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Frame every held page now that their number is known, then write the file."""
        pages = len(self._held_pages)
        # Office reports are set in one font: the statements' fixed-text twin would only add
        # its subset to each report.
        ink = _fast_ink(self, self._page_frame.kit.font, fixed_font=False)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._page_frame.draw(self, number, pages, ink)
            super().showPage()
        super().save()


def _metadata(header: DocumentHeader, title: str, mode: Mode) -> dict[str, Any]:
    return {
        "title": title,
        "author": header.office_name,
        "subject": f"{title} {header.statement_no}",
        "creator": STOCK_CREATOR if mode is Mode.STOCK else CREATOR,
        "keywords": header.statement_no,
    }


def new_sheet() -> Sheet:
    """An empty sheet with the frame's content area (first page shorter: the big header)."""
    return Sheet(FIRST_FRAME_TOP, LATER_FRAME_TOP, FRAME_BOTTOM)


def draw_pdf(header: DocumentHeader, kit: Kit, title: str, sheet: Sheet) -> bytes:
    """Draw a laid-out `sheet` on A4 pages framed for `header`; the PDF bytes (deterministic)."""
    stock = kit.mode is Mode.STOCK
    buffer = io.BytesIO()
    canv = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        initialFontName=kit.font.name,
        lang="zh-CN" if header.lang == "zh" else "en",
        **({"pageCompression": 1} if stock else {}),
    )
    if not stock:
        from reports.pdf.compression import compress_fast

        compress_fast(canv)
        write_fast(canv)
    meta = _metadata(header, title, kit.mode)
    canv.setTitle(meta["title"])
    canv.setAuthor(meta["author"])
    canv.setSubject(meta["subject"])
    canv.setCreator(meta["creator"])
    canv.setKeywords(meta["keywords"])
    if stock:
        ink: Pen = StockInk(canv, kit.font)
    else:
        issuer = kit.safe(header.office_name) + kit.safe(header.clerk)
        ink = _fast_ink(canv, kit.font, kit.labels.lang, issuer=issuer, kind=header.kind)
    page_frame = PageFrame(header, title, kit)
    pages = len(sheet.pages)
    for index in range(pages):
        page_frame.draw(canv, index + 1, pages, ink)
        sheet.draw_page(ink, index)
        canv.showPage()
    canv.save()
    return buffer.getvalue()


def _doc_template(
    buffer: io.BytesIO,
    header: DocumentHeader,
    kit: Kit,
    title: str,
    on_page: Callable[[Canvas, BaseDocTemplate], None] | None = None,
) -> BaseDocTemplate:
    """A4 with the frame's content areas (the first page's shorter); `on_page` draws on each
    page before its content."""
    doc = BaseDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        **_metadata(header, title, kit.mode),
        invariant=1,
        initialFontName=kit.font.name,
        lang="zh-CN" if header.lang == "zh" else "en",
    )
    frame = partial(Frame, MARGIN, FRAME_BOTTOM, CONTENT_WIDTH, showBoundary=0)
    no_padding = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
    first = frame(FIRST_FRAME_TOP - FRAME_BOTTOM, id="first", **no_padding)
    later = frame(LATER_FRAME_TOP - FRAME_BOTTOM, id="later", **no_padding)
    callbacks = {} if on_page is None else {"onPage": on_page}
    doc.addPageTemplates(
        [
            PageTemplate("first", [first], autoNextPageTemplate="later", **callbacks),
            PageTemplate("later", [later], **callbacks),
        ]
    )
    return doc


def _build_stock(header: DocumentHeader, kit: Kit, title: str, story: list[Flowable]) -> bytes:
    """`build_pdf` with reportlab's public API: the story laid out once (on a copy) to count
    its pages, then again with each page framed by a page callback."""
    counting = _doc_template(io.BytesIO(), header, kit, title)
    counting.build(copy.deepcopy(story))
    pages = counting.page
    page_frame = PageFrame(header, title, kit)

    def frame_page(canv: Canvas, doc: BaseDocTemplate) -> None:
        page_frame.draw(canv, doc.page, pages, StockInk(canv, kit.font))

    buffer = io.BytesIO()
    _doc_template(buffer, header, kit, title, on_page=frame_page).build(story)
    return buffer.getvalue()


def build_pdf(header: DocumentHeader, kit: Kit, title: str, story: list[Flowable]) -> bytes:
    """Lay `story` out on A4 pages framed for `header`; the PDF bytes (same input, same bytes)."""
    if kit.mode is Mode.STOCK:
        return _build_stock(header, kit, title, story)
    buffer = io.BytesIO()
    doc = _doc_template(buffer, header, kit, title)
    page_frame = PageFrame(header, title, kit)
    doc.build(story, canvasmaker=partial(NumberedCanvas, page_frame=page_frame))
    return buffer.getvalue()
