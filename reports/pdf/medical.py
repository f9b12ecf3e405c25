"""医疗保险个人账户对账单: opening balance, every entry with the balance after it, closing."""

from __future__ import annotations

from reportlab.platypus import Flowable

from reports.model import MedicalStatement
from reports.pdf.blocks import heading, holder_block, notice_bands
from reports.pdf.fonts import require_glyphs
from reports.pdf.formatting import day, money
from reports.pdf.frame import build_pdf
from reports.pdf.kit import Kit, make_kit
from reports.pdf.tables import data_table

_ENTRY_HEAD = ("col_date", "col_kind", "col_amount", "col_balance_after", "col_counterparty")


def _summary(doc: MedicalStatement, kit: Kit) -> list[Flowable]:
    text = kit.labels.text
    rows = [
        [text("opening"), money(doc.opening_fen)],
        [text("allocated"), money(doc.allocated_fen)],
        [text("spent"), money(-doc.spent_fen)],
        [text("closing"), money(doc.closing_fen)],
    ]
    table = data_table(
        kit, ("col_item", "col_amount"), rows, (60, 40), numeric=(1,), total_row=True
    )
    return [*heading(kit, "sec_summary"), table]


def _entries(doc: MedicalStatement, kit: Kit) -> list[Flowable]:
    rows = [
        [
            day(e.posted_date),
            kit.labels.term("entry", e.kind),
            money(e.amount_fen),
            money(e.balance_after_fen),
            kit.para(e.counterparty),
        ]
        for e in doc.entries
    ]
    table = data_table(kit, _ENTRY_HEAD, rows, (24, 28, 28, 30, 70), numeric=(2, 3))
    closing = kit.labels.field("closing", money(doc.closing_fen))
    return [*heading(kit, "sec_entries"), table, kit.para(closing, "note")]


def medical_story(doc: MedicalStatement, kit: Kit) -> list[Flowable]:
    """The flowing content of a medical account statement."""
    span = kit.labels.text("period_range", start=day(doc.date_from), end=day(doc.date_to))
    return [
        *notice_bands(doc.header, kit),
        holder_block(kit, doc.holder, [("period", span)]),
        *_summary(doc, kit),
        *_entries(doc, kit),
    ]


def render_medical_statement(doc: MedicalStatement, font_path: str | None = None) -> bytes:
    """The medical account statement as PDF bytes; `FontUnavailable` if the name cannot print."""
    kit = make_kit(doc.header, font_path)
    require_glyphs(kit.font, "the holder's name", doc.holder.name)
    title = kit.labels.text("title_medical")
    return build_pdf(doc.header, kit, title, medical_story(doc, kit))
