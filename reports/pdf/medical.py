"""医疗保险个人账户对账单: opening balance, every entry with the balance after it, closing.

Drawn straight on the canvas (`reports.pdf.grid`), like the rights record.
"""

from __future__ import annotations

from reports.model import MedicalStatement
from reports.pdf.fonts import require_glyphs
from reports.pdf.formatting import day, money
from reports.pdf.frame import draw_pdf, new_sheet
from reports.pdf.grid import NOTE, Layout
from reports.pdf.holder import holder_fields, notice_bands
from reports.pdf.kit import make_kit
from reports.pdf.official import official_block

_ENTRY_HEAD = ("col_date", "col_kind", "col_amount", "col_balance_after", "col_counterparty")


def _summary(doc: MedicalStatement, out: Layout) -> None:
    text = out.kit.labels.text
    rows = [
        [text("opening"), money(doc.opening_fen)],
        [text("allocated"), money(doc.allocated_fen)],
        [text("spent"), money(-doc.spent_fen)],
        [text("closing"), money(doc.closing_fen)],
    ]
    out.heading("sec_summary")
    out.data_table(("col_item", "col_amount"), rows, (60, 40), numeric=(1,), total_row=True)


def _entries(doc: MedicalStatement, out: Layout) -> None:
    kit = out.kit
    rows = [
        [
            day(e.posted_date),
            kit.labels.term("entry", e.kind),
            money(e.amount_fen),
            money(e.balance_after_fen),
            kit.safe(e.counterparty),
        ]
        for e in doc.entries
    ]
    out.heading("sec_entries")
    out.data_table(_ENTRY_HEAD, rows, (24, 28, 28, 30, 70), numeric=(2, 3))
    out.paragraph(kit.labels.field("closing", money(doc.closing_fen)), NOTE)


def lay_out_medical(doc: MedicalStatement, out: Layout) -> None:
    """The content of a medical account statement."""
    span = out.kit.labels.text("period_range", start=day(doc.date_from), end=day(doc.date_to))
    notice_bands(doc.header, out)
    out.field_table(*holder_fields(out.kit, doc.holder, [("period", span)]))
    _summary(doc, out)
    _entries(doc, out)
    official_block(doc.header, out)


def render_medical_statement(doc: MedicalStatement, font_path: str | None = None) -> bytes:
    """The medical account statement as PDF bytes; `FontUnavailable` if the name cannot print."""
    kit = make_kit(doc.header, font_path)
    require_glyphs(kit.font, "the holder's name", doc.holder.name)
    title = kit.labels.text("title_medical")
    sheet = new_sheet()
    lay_out_medical(doc, Layout(kit, sheet))
    return draw_pdf(doc.header, kit, title, sheet)
