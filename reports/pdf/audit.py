"""查询记录摘录: who looked at whom, and when, over a period."""

from __future__ import annotations

from reportlab.platypus import Flowable

from reports.model import AuditExtract
from reports.pdf.blocks import heading, notice_bands
from reports.pdf.formatting import day, local_time
from reports.pdf.frame import build_pdf
from reports.pdf.kit import Kit, make_kit
from reports.pdf.tables import data_table, field_table

_HEAD = ("col_time", "col_actor", "col_action", "col_subject")


def _action(kit: Kit, code: str) -> str:
    words = kit.labels.term("action", code)
    return code if words == code else f"{words} ({code})"


def audit_story(doc: AuditExtract, kit: Kit) -> list[Flowable]:
    """The flowing content of an audit extract."""
    labels = kit.labels
    span = labels.text("period_range", start=day(doc.date_from), end=day(doc.date_to))
    count = labels.text("entries_count", count=len(doc.rows))
    rows = [
        [local_time(r.at), kit.para(r.actor), kit.para(_action(kit, r.action)), kit.para(r.subject)]
        for r in doc.rows
    ]
    return [
        *notice_bands(doc.header, kit),
        field_table(kit, [("period", span), ("col_count", count)]),
        *heading(kit, "title_audit"),
        data_table(kit, _HEAD, rows, (28, 36, 56, 60)),
    ]


def render_audit_extract(doc: AuditExtract, font_path: str | None = None) -> bytes:
    """The audit extract as PDF bytes."""
    kit = make_kit(doc.header, font_path)
    title = kit.labels.text("title_audit")
    return build_pdf(doc.header, kit, title, audit_story(doc, kit))
