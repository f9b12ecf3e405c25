"""The audit extract: who looked at whom over a period, ID numbers masked; `reports.pdf.audit`."""

from __future__ import annotations

from models.document_kinds import document_kind
from reports import queries
from reports.kinds import DocumentRequest, DocumentSpec
from reports.model import AuditExtract, DocumentHeader


def gather(header: DocumentHeader, request: DocumentRequest) -> AuditExtract:
    """The audit log's rows between the two local dates (PeriodBackwards if reversed)."""
    assert request.date_from is not None and request.date_to is not None
    return queries.audit_extract(header, request.date_from, request.date_to)


SPEC = DocumentSpec(document_kind("audit"), gather)
