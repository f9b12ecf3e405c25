"""The office's daily report (visits, statements, card operations, sync); `reports.pdf.daily`."""

from __future__ import annotations

from models.document_kinds import document_kind
from models.sync_status import freshness
from reports import queries
from reports.kinds import DocumentRequest, DocumentSpec
from reports.model import DailyReport, DocumentHeader


def gather(header: DocumentHeader, request: DocumentRequest) -> DailyReport:
    """The office's day `request.date_from` (a local date)."""
    assert request.date_from is not None
    return queries.daily_report(header, request.date_from, request.fresh or freshness())


SPEC = DocumentSpec(document_kind("daily"), gather)
